package api

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// notificationList is the answer of GET /notifications.
type notificationList = list[casework.NotificationItem]

// notifications answers GET /notifications: the caller's inbox, newest
// first; ?unread=true keeps the unread ones.
func (s *server) notifications(c echo.Context) error {
	p := problems{}
	limit := limitParam(c, p)
	unread := false
	if v := c.QueryParam("unread"); v != "" {
		var err error
		if unread, err = strconv.ParseBool(v); err != nil {
			p.add("unread", "must be true or false")
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	rows, err := models.Notifications(c.Request().Context(), s.DB, staffOf(c).ID, unread, limit)
	return answerList(c, rows, err, toNotificationJSON)
}

func toNotificationJSON(n *models.Notification) casework.NotificationItem {
	return casework.NotificationItem{
		ID: n.PublicID, Key: n.ID, Kind: casework.NotificationKind(n.Kind), DealID: n.DealID, ComplaintID: n.ComplaintID, ControlPointID: n.ControlPointID,
		ClientID: n.ClientID, ClientName: n.ClientName,
		Subject: n.Subject, Message: n.Message, DueAt: n.DueAt.UTC(), CreatedAt: n.CreatedAt.UTC(),
		ReadAt: utc(n.ReadAt),
	}
}

// pathID returns the path parameter id decoded: a notification's key,
// still accepted for its ID, holds slashes, which the caller sends as %2F,
// and echo routes such a request on the escaped path and leaves the
// parameter escaped.
func pathID(c echo.Context) (string, bool) {
	id := c.Param("id")
	if c.Request().URL.RawPath == "" {
		return id, true
	}
	id, err := url.PathUnescape(id)
	return id, err == nil
}

// readNotification marks one of the caller's notifications, named by its
// ID (or, as before notifications had IDs, its key), read (again: the
// first read time stays) and returns it; someone else's is a 404.
func (s *server) readNotification(c echo.Context) error {
	id, ok := pathID(c)
	if !ok {
		return notFound("notification")
	}
	ctx := c.Request().Context()
	me := staffOf(c).ID
	auditObject(c, objNotification, id, me)
	if err := models.MarkNotificationRead(ctx, s.DB, me, id); errors.Is(err, models.ErrNotFound) {
		return notFound("notification")
	} else if err != nil {
		return err
	}
	n, err := models.GetNotification(ctx, s.DB, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNotificationJSON(n))
}

// readAllJSON is the answer of POST /notifications/read-all.
type readAllJSON struct {
	// Read is how many notifications were unread and are read now.
	Read int64 `json:"read"`
}

// readAllNotifications marks every unread notification of the caller read
// and answers how many.
func (s *server) readAllNotifications(c echo.Context) error {
	me := staffOf(c).ID
	auditObject(c, objStaff, me, me)
	n, err := models.MarkAllNotificationsRead(c.Request().Context(), s.DB, me, time.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, readAllJSON{Read: n})
}

// preferences answers GET /me/preferences with the caller's notification
// preferences.
func (s *server) preferences(c echo.Context) error {
	p, err := models.GetPreferences(c.Request().Context(), s.DB, staffOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// languages are the languages of staff e-mails.
var languages = []string{models.LangRussian, models.LangEnglish}

// setPreferences replaces the caller's notification preferences and
// returns them as stored.
func (s *server) setPreferences(c echo.Context) error {
	var in models.Preferences
	if _, err := decode(c, &in); err != nil {
		return err
	}
	if !slices.Contains(languages, in.Language) {
		return invalidFields(map[string]string{"language": "must be one of " + strings.Join(languages, ", ")})
	}
	ctx := c.Request().Context()
	me := staffOf(c).ID
	auditObject(c, objStaff, me, me)
	if err := models.SetPreferences(ctx, s.DB, me, in); errors.Is(err, models.ErrInvalidPreferences) {
		return invalidFields(map[string]string{"language": err.Error()})
	} else if err != nil {
		return err
	}
	return s.preferences(c)
}
