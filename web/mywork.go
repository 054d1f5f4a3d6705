package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/models"
)

// controlPoint is an item of GET /api/v1/control-points, with the page of
// its case.
type controlPoint struct{ casework.ControlPointItem }

// notification is an item of GET /api/v1/notifications, with the page it
// is about.
type notification struct{ casework.NotificationItem }

// Link is the page of the control point's case.
func (cp controlPoint) Link() string { return casePage(cp.SubjectType, cp.SubjectID, cp.ClientID) }

// Link is the page a notification is about: its complaint or deal, else
// the case whose workflow ID begins the notification's key: the client's
// key-account page for a key-account review ("kar-<client id>/…"), a VIP
// programme ("vip-…") or a yearly survey ("srv-…").
func (n notification) Link() string {
	id, _, _ := strings.Cut(n.Key, "/")
	switch {
	case n.ComplaintID != "":
		return casePage(models.SubjectComplaint, n.ComplaintID, "")
	case n.DealID != "":
		return casePage(models.SubjectDeal, n.DealID, "")
	case strings.HasPrefix(id, keyaccount.IDPrefix):
		return casePage(models.SubjectKeyAccount, id, keyaccount.ClientOf(id))
	case strings.HasPrefix(id, "vip-"):
		return casePage(models.SubjectProgramme, id, "")
	case strings.HasPrefix(id, "srv-"):
		return casePage(models.SubjectSurvey, id, "")
	}
	return "/"
}

// casePage is the page of case id of a subject type (models.Subject…):
// a key-account review's is its client's key-account page.
func casePage(subjectType, id, clientID string) string {
	switch subjectType {
	case models.SubjectComplaint:
		return "/complaints/" + url.PathEscape(id)
	case models.SubjectProgramme:
		return "/programmes/" + url.PathEscape(id)
	case models.SubjectSurvey:
		return "/surveys/" + url.PathEscape(id)
	case models.SubjectKeyAccount:
		return "/clients/" + url.PathEscape(clientID) + "/key-account"
	}
	return "/deals/" + url.PathEscape(id)
}

// myWorkData is the data of mywork.html.
type myWorkData struct {
	Points        []controlPoint
	Notifications []notification
	Waiting       []deal.Item
	Between       []models.ClientItem
}

// myWork answers GET /: the member's day — overdue control points and
// those due today, unread notifications, own open deals the team must
// move (waiting on nobody outside), clients between sales with a next
// contact before the week is out.
func (a *app) myWork(c echo.Context) error {
	me := staffOf(c).ID
	now := time.Now()
	var d myWorkData
	var overdue, today models.Page[controlPoint]
	var notes models.Page[notification]
	var deals models.Page[deal.Item]
	var clients models.Page[models.ClientItem]
	endOfDay := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
	calls := []struct {
		path string
		into any
	}{
		{"/api/v1/control-points?status=overdue&limit=100&owner=" + url.QueryEscape(me), &overdue},
		{"/api/v1/control-points?status=open&limit=100&owner=" + url.QueryEscape(me) + "&due_before=" + url.QueryEscape(endOfDay.UTC().Format(time.RFC3339)), &today},
		{"/api/v1/notifications?unread=true&limit=50", &notes},
		{"/api/v1/deals?status=open&limit=200&owner=" + url.QueryEscape(me), &deals},
		{"/api/v1/clients?state=" + models.StateBetweenSales + "&limit=200&owner=" + url.QueryEscape(me), &clients},
	}
	for _, call := range calls {
		if _, e := a.apiCall(c, http.MethodGet, call.path, nil, call.into); e != nil {
			return a.apiFailed(c, e)
		}
	}
	d.Points = append(overdue.Items, today.Items...)
	d.Notifications = notes.Items
	for _, it := range deals.Items {
		if it.WaitingOn == "" || it.WaitingOn == "internal" {
			d.Waiting = append(d.Waiting, it)
		}
	}
	weekEnd := endOfDay.AddDate(0, 0, 7-int(now.Weekday()+6)%7-1)
	for _, cl := range clients.Items {
		if cl.NextContact != nil && cl.NextContact.At.Before(weekEnd) {
			d.Between = append(d.Between, cl)
		}
	}
	return a.render(c, http.StatusOK, "mywork.html", d)
}

// readNotification answers POST /notifications/{id}/read: marks it read
// through the API and comes back to My work.
func (a *app) readNotification(c echo.Context) error {
	if _, e := a.apiCall(c, http.MethodPost, "/api/v1/notifications/"+url.PathEscape(c.Param("id"))+"/read", nil, nil); e != nil {
		return a.apiFailed(c, e)
	}
	return a.redirect(c, "/", "flash.read")
}

// readAllNotifications answers POST /notifications/read-all.
func (a *app) readAllNotifications(c echo.Context) error {
	if _, e := a.apiCall(c, http.MethodPost, "/api/v1/notifications/read-all", nil, nil); e != nil {
		return a.apiFailed(c, e)
	}
	return a.redirect(c, "/", "flash.read_all")
}

// setLanguage answers POST /lang: the member's language preference
// becomes the form's lang (through GET and PUT /api/v1/me/preferences),
// and the browser goes back to the form's next page.
func (a *app) setLanguage(c echo.Context) error {
	var prefs map[string]any
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/me/preferences", nil, &prefs); e != nil {
		return a.apiFailed(c, e)
	}
	prefs["language"] = c.FormValue("lang")
	if _, e := a.apiCall(c, http.MethodPut, "/api/v1/me/preferences", prefs, nil); e != nil {
		return a.apiFailed(c, e)
	}
	return a.redirect(c, localPath(c.FormValue("next")), "flash.lang")
}
