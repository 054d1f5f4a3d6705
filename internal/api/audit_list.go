package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// auditList is the answer of GET /audit.
type auditList struct {
	Items []models.AuditItem `json:"items"`
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string `json:"next_cursor"`
}

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
	if err := p.err(); err != nil {
		return err
	}
	rows, next, err := models.ListAudit(c.Request().Context(), s.DB, f)
	if err != nil {
		return err
	}
	out := auditList{Items: make([]models.AuditItem, 0, len(rows))}
	if next > 0 {
		out.NextCursor = strconv.FormatInt(next, 10)
	}
	for _, e := range rows {
		out.Items = append(out.Items, models.AuditItem{
			ID: e.ID, At: e.At.UTC(), RequestID: e.RequestID, Actor: e.Actor, Role: e.Role, Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, Owner: e.Owner, Input: models.RawJSON(e.Input), Status: e.Status,
			Pending: e.Status == models.AuditPending,
		})
	}
	return c.JSON(http.StatusOK, out)
}
