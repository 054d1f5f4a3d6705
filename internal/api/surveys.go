package api

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// createSurveyInput is the body of POST /surveys: a survey of a client's
// product started by hand (a sale of a new product to a new client; the
// yearly sweep starts the others).
type createSurveyInput struct {
	ClientID string `json:"client_id" maxlen:"64"`
	Product  string `json:"product" maxlen:"100"`
}

// surveyParams validates the body against the read model (a client in the
// caller's scope) and the policy document (a product of the catalogue)
// and returns the survey's parameters, owned and opened by the caller.
func (s *server) surveyParams(c echo.Context, in createSurveyInput) (satisfaction.Params, error) {
	p := problems{}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return satisfaction.Params{}, err
	}
	p.oneOf("product", in.Product, doc.Catalogs.Products)
	client, err := s.checkClientDeal(c, p, in.ClientID, "", "")
	if err != nil {
		return satisfaction.Params{}, err
	}
	me := staffOf(c).ID
	sp := doc.SurveyParams(in.ClientID, in.Product, me)
	sp.OpenedBy, sp.Calendar = me, caseCalendar(doc, client)
	return sp, p.err()
}

// surveyCase is the yearly survey case type: workflows.Survey driven
// through the generic case routes under /api/v1/surveys.
func (s *server) surveyCase() *CaseType[satisfaction.Params, satisfaction.View] {
	return &CaseType[satisfaction.Params, satisfaction.View]{
		Noun: "survey", Path: "surveys", Prefix: satisfaction.Prefix,
		Workflow: workflows.Survey,
		Catalog:  satisfaction.Inputs,
		Allowed:  func(v satisfaction.View) []string { return v.AllowedActions },
		Position: func(v satisfaction.View) map[string]any { return map[string]any{"status": v.Status} },
		Owner:    func(v satisfaction.View) string { return v.Owner },
		Opened:   func(v satisfaction.View) bool { return v.Seq > 0 },
		Create:   creates(s.surveyParams, func(p satisfaction.Params) string { return p.Owner }),
		SetID:    func(p *satisfaction.Params, id string) { p.ID = id },
		Summary:  func(p satisfaction.Params) string { return "yearly survey: " + p.Product },
		Stored:   storedOwner(models.GetSurvey, func(m *models.Survey) string { return m.Owner }),
		List:     s.listSurveys,
		History:  caseHistory(models.SurveyHistory),
		Where:    "stage",
	}
}

func toSurveyItem(m models.Survey) satisfaction.Item {
	return satisfaction.Item{
		ID: m.ID, ClientID: m.ClientID, ClientName: m.ClientName, Product: m.Product, Owner: m.Owner, Status: m.Status,
		LowScores: m.LowScores, ComplaintID: m.ComplaintID, DeclineReason: m.DeclineReason,
		OpenedAt: m.OpenedAt.UTC(), RecordedAt: utc(m.RecordedAt), ClosedAt: utc(m.ClosedAt),
	}
}

// listSurveys answers GET /api/v1/surveys: the surveys in the caller's
// scope (by owner), filtered by status, owner, client and product, newest
// first, a page at a time.
func (s *server) listSurveys(c echo.Context) error {
	f := models.SurveyFilter{
		Scope: scopeOf(c), Owner: c.QueryParam("owner"), Status: c.QueryParam("status"),
		ClientID: c.QueryParam("client_id"), Product: c.QueryParam("product"), Cursor: c.QueryParam("cursor"),
	}
	p := problems{}
	filterOneOf(p, "status", f.Status, satisfaction.Statuses)
	p.maxLen("product", f.Product, 100)
	f.Limit = limitParam(c, p)
	return answerPage(c, p, func() ([]models.Survey, string, error) {
		return models.ListSurveys(c.Request().Context(), s.DB, f)
	}, toSurveyItem)
}

// satisfactionReport answers GET /reports/satisfaction?as_of=: the yearly
// satisfaction report (reports.Satisfaction) over the current policy's
// interval before as_of (default now), within the caller's scope.
func (s *server) satisfactionReport(c echo.Context) error {
	p := problems{}
	asOf := timeParam(c, p, "as_of", time.Now().UTC())
	if err := p.err(); err != nil {
		return err
	}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	from, _ := doc.Satisfaction.Windows(asOf, doc.Calendar)
	r, err := reports.Satisfaction(c.Request().Context(), s.DB, scopeOf(c), from, asOf)
	if err != nil {
		return err
	}
	return respond(c, "satisfaction", r, r.Table())
}
