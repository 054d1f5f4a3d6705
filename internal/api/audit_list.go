package api

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// auditList is the answer of GET /audit.
type auditList = models.Page[models.AuditItem]

// listAudit answers GET /audit?actor=&object=&from=&to=&limit=&cursor=
// with the entries in the caller's scope, newest first.
func (s *server) listAudit(c echo.Context) error {
	p := problems{}
	f := models.AuditFilter{
		Scope: scopeOf(c), Actor: c.QueryParam("actor"), Object: c.QueryParam("object"),
		From: timeParam(c, p, "from", time.Time{}), To: timeParam(c, p, "to", time.Time{}),
		Limit: limitParam(c, p),
	}
	if cur := c.QueryParam("cursor"); cur != "" {
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || n <= 0 {
			p.add("cursor", "is not a cursor this API issued")
		}
		f.Before = n
	}
	return answerPage(c, p, func() ([]models.AuditEntry, string, error) {
		rows, next, err := models.ListAudit(c.Request().Context(), s.DB, f)
		cursor := ""
		if next > 0 {
			cursor = strconv.FormatInt(next, 10)
		}
		return rows, cursor, err
	}, toAuditItem)
}

// toAuditItem is an audit entry as GET /audit shows it.
func toAuditItem(e models.AuditEntry) models.AuditItem {
	return models.AuditItem{
		ID: e.ID, At: e.At.UTC(), RequestID: e.RequestID, Actor: e.Actor, Role: e.Role, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Owner: e.Owner, Input: models.RawJSON(e.Input), Status: e.Status,
		Pending: e.Status == models.AuditPending,
	}
}
