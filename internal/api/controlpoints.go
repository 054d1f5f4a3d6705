package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// controlPointList is the answer of GET /control-points. Asked with
// include=clients_without_next_contact, its first page also counts the
// clients in the caller's scope without a planned next contact (GET
// /reports/clients-without-next-contact lists them).
type controlPointList struct {
	models.Page[casework.ControlPointItem]
	ClientsWithoutNextContact *int64 `json:"clients_without_next_contact,omitempty"`
}

// includeNoNextContact asks GET /control-points for the count of clients
// without a planned next contact.
const includeNoNextContact = "clients_without_next_contact"

var (
	pointStatuses = []casework.PointStatus{casework.PointOpen, casework.PointOverdue, casework.PointDone, casework.PointCancelled}
	subjectTypes  = []string{models.SubjectDeal, models.SubjectComplaint, models.SubjectProgramme, models.SubjectSurvey, models.SubjectKeyAccount}
)

func (s *server) listControlPoints(c echo.Context) error {
	f := models.ControlPointFilter{
		Scope: scopeOf(c), Owner: c.QueryParam("owner"), SubjectType: c.QueryParam("subject_type"), Cursor: c.QueryParam("cursor"),
	}
	p := problems{}
	if st := c.QueryParam("status"); st != "" {
		if !slices.Contains(pointStatuses, casework.PointStatus(st)) {
			p.add("status", "must be one of open, overdue, done, cancelled")
		}
		f.Statuses = []string{st}
	}
	if f.SubjectType != "" && !slices.Contains(subjectTypes, f.SubjectType) {
		p.add("subject_type", "must be one of "+strings.Join(subjectTypes, ", "))
	}
	if v := c.QueryParam("due_before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			p.add("due_before", "must be an RFC 3339 time such as 2025-01-31T15:00:00Z")
		}
		f.DueBefore = t
	}
	// The count of clients without a next contact reads the whole
	// directory in scope: only when asked (include=).
	countNoNextContact := c.QueryParam("include") != ""
	if countNoNextContact {
		p.oneOf("include", c.QueryParam("include"), []string{includeNoNextContact})
	}
	f.Limit = limitParam(c, p)
	var out controlPointList
	var err error
	out.Page, err = readPage(p, func() ([]models.ControlPoint, string, error) {
		return models.ListControlPoints(c.Request().Context(), s.DB, f)
	}, toControlPointItem)
	if err == nil && f.Cursor == "" && countNoNextContact {
		out.ClientsWithoutNextContact, err = s.clientsWithoutNextContactCount(c)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func toControlPointItem(r models.ControlPoint) casework.ControlPointItem {
	return casework.ControlPointItem{
		SubjectType: r.SubjectType, SubjectID: r.SubjectID, ClientID: r.ClientID, ClientName: r.ClientName, ID: r.ID, Kind: casework.PointKind(r.Kind),
		Stage: r.Stage, Owner: r.Owner, Subject: r.Subject, Status: casework.PointStatus(r.Status),
		DueAt: r.DueAt.UTC(), OverdueAt: r.OverdueAt.UTC(),
	}
}
