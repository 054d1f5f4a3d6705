package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// createProgrammeInput is the body of POST /programmes.
type createProgrammeInput struct {
	Name         string             `json:"name"`
	Lead         string             `json:"lead"`
	Selection    vip.Selection      `json:"selection"`
	Period       *casework.Duration `json:"period,omitempty"`
	InterviewDue *casework.Duration `json:"interview_due,omitempty"`
}

// Values a programme's selection accepts.
var (
	programmeCategories = []string{models.CategoryPotential, models.CategoryNew, models.CategoryPermanent, models.CategoryLost, models.CategoryRestored}
	programmeClasses    = []string{"A", "B", "C"}
)

// programmeParams validates a new programme — a manager's or admin's
// decision — and returns the workflow's parameters: the lead is an active
// manager or admin of the caller's scope, the period and interview due
// date are positive (90 days and the period by default), and the deals
// and complaints its interviews open run with the current policy
// document's policies and calendar.
func (s *server) programmeParams(c echo.Context, in createProgrammeInput) (workflows.ProgrammeParams, error) {
	me := staffOf(c)
	p := problems{}
	p.name("name", &in.Name, 300)
	lead, err := models.GetStaff(c.Request().Context(), s.DB, in.Lead)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return workflows.ProgrammeParams{}, err
	}
	if err != nil || !lead.Active || !slices.Contains(managersAdmins, lead.Role) || !scopeOf(c).Includes(in.Lead) {
		p.add("lead", "must be an active manager or admin of your team")
	}
	for _, cat := range in.Selection.Categories {
		p.oneOf("selection.categories", cat, programmeCategories)
	}
	for _, cl := range in.Selection.Classes {
		p.oneOf("selection.classes", cl, programmeClasses)
	}
	def := vip.Definition{Name: in.Name, Lead: in.Lead, Selection: in.Selection, Period: casework.Days(90)}
	if in.Period != nil {
		def.Period = *in.Period
	}
	if !def.Period.Positive() {
		p.add("period", "must be a positive duration such as 90d or 3mo")
	}
	if in.InterviewDue != nil {
		def.InterviewDue = *in.InterviewDue
		if !def.InterviewDue.Positive() || def.InterviewDue.Span() > def.Period.Span() {
			p.add("interview_due", "must be a positive duration within the period")
		}
	}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return workflows.ProgrammeParams{}, err
	}
	return workflows.ProgrammeParams{
		Params:     vip.Params{Definition: def, CreatedBy: me.ID, Policy: vip.DefaultPolicy(), PolicyVersion: doc.Version, Calendar: doc.Calendar},
		DealPolicy: &doc.Deal, ComplaintPolicy: &doc.Complaint,
	}, p.err()
}

// managersCreate is create for managers and admins only: anyone else
// gets 403 before the body is read.
func managersCreate[P any](create func(echo.Context) (P, string, error)) func(echo.Context) (P, string, error) {
	return func(c echo.Context) (P, string, error) {
		if !slices.Contains(managersAdmins, staffOf(c).Role) {
			var zero P
			return zero, "", fail(http.StatusForbidden, casework.CodeForbidden, "only a manager or an admin may create a programme")
		}
		return create(c)
	}
}

// programmeCase is the VIP programme case type: workflows.Programme
// driven through the generic case routes under /api/v1/programmes. Its
// owner is the lead; an interviewer of the programme sees it too.
func (s *server) programmeCase() *CaseType[workflows.ProgrammeParams, vip.View] {
	return &CaseType[workflows.ProgrammeParams, vip.View]{
		Noun: "programme", Path: "programmes", Prefix: "vip-",
		Workflow:   workflows.Programme,
		Catalog:    vip.Inputs,
		Allowed:    func(v vip.View) []string { return v.AllowedActions },
		SetAllowed: func(v *vip.View, names []string) { v.AllowedActions = names },
		Position:   func(v vip.View) map[string]any { return map[string]any{"status": v.Status, "period": v.PeriodNumber} },
		Owner:      func(v vip.View) string { return v.Lead },
		Opened:     func(v vip.View) bool { return v.Seq > 0 },
		Create:     managersCreate(creates(s.programmeParams, func(p workflows.ProgrammeParams) string { return p.Lead })),
		SetID:      func(p *workflows.ProgrammeParams, id string) { p.ID = id },
		Summary:    func(p workflows.ProgrammeParams) string { return "VIP programme: " + p.Name },
		Handover:   vip.ActReassignInterview, HandoverField: "interviewer",
		Check:   checksInput(vip.ActRecordInterview, s.checkInterview),
		Stored:  storedOwner(models.GetProgramme, func(m *models.Programme) string { return m.Lead }),
		Sees:    models.IsInterviewer,
		List:    s.listProgrammes,
		History: caseHistory(models.ProgrammeHistory),
		Where:   "stage",
	}
}

// checkInterview checks a recorded interview against what the workflow
// cannot know: a named interviewer is an active staff member, and upsell
// products are in the policy document's catalogue.
func (s *server) checkInterview(c echo.Context, in vip.RecordInterviewInput) error {
	p := problems{}
	if in.Interviewer != "" {
		if st, err := models.GetStaff(c.Request().Context(), s.DB, in.Interviewer); err != nil || !st.Active {
			p.add("interviewer", "must be the ID of an active staff member")
		}
	}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	for _, u := range in.Upsell {
		if u.Product != "" {
			p.inCatalog("upsell.product", u.Product, doc.Catalogs.Products)
		}
	}
	return p.err()
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// listProgrammes answers GET /api/v1/programmes: the programmes led in
// the caller's scope, newest first.
func (s *server) listProgrammes(c echo.Context) error {
	rows, err := models.ListProgrammes(c.Request().Context(), s.DB, scopeOf(c))
	return answerList(c, rows, err, toProgrammeItem)
}

// toProgrammeItem is a stored programme as GET /api/v1/programmes shows
// it; its categories and classes are lists, empty when it selects by
// neither.
func toProgrammeItem(m *models.Programme) vip.Item {
	return vip.Item{
		ID: m.ID, Name: m.Name, Lead: m.Lead, Status: m.Status, Categories: splitList(m.Categories), Classes: splitList(m.Classes),
		Period: m.Period, PeriodNumber: m.PeriodNumber, PeriodStart: m.PeriodStart.UTC(), PeriodEnd: m.PeriodEnd.UTC(),
		CreatedAt: m.CreatedAt.UTC(), ClosedAt: utc(m.ClosedAt),
	}
}

var interviewStatuses = []string{vip.InterviewPending, vip.InterviewHeld, vip.InterviewSkipped, vip.InterviewMissed}

// listInterviews answers GET /api/v1/interviews: the caller's own
// interviews and those of programmes led in the caller's scope, soonest
// due first, filtered by programme and status.
func (s *server) listInterviews(c echo.Context) error {
	f := models.InterviewFilter{Scope: scopeOf(c), Interviewer: staffOf(c).ID, ProgrammeID: c.QueryParam("programme_id"), Status: c.QueryParam("status")}
	p := problems{}
	if f.Status != "" {
		p.oneOf("status", f.Status, interviewStatuses)
	}
	if err := p.err(); err != nil {
		return err
	}
	rows, err := models.ListInterviews(c.Request().Context(), s.DB, f)
	return answerList(c, rows, err, toInterviewItem)
}

// toInterviewItem is a stored interview as GET /api/v1/interviews shows
// it; its outcomes are a list, empty when there are none (or the stored
// JSON, which SyncProgramme wrote, is null).
func toInterviewItem(m *models.ProgrammeInterview) vip.InterviewItem {
	var outcomes []vip.Outcome
	_ = json.Unmarshal([]byte(m.Outcomes), &outcomes)
	if outcomes == nil {
		outcomes = []vip.Outcome{}
	}
	return vip.InterviewItem{
		ProgrammeID: m.ProgrammeID, Period: m.Period, ClientID: m.ClientID, ClientName: m.ClientName, Owner: m.Owner,
		Interviewer: m.Interviewer, Status: m.Status, DueAt: m.DueAt.UTC(), HeldOn: utc(m.HeldOn), Rating: m.Rating,
		Outcomes: outcomes,
	}
}
