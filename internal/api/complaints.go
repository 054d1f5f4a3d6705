package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// createComplaintInput is the body of POST /complaints: the registration
// form (complaint.Form) and an optional override of the complaint policy.
type createComplaintInput struct {
	ClientID     string             `json:"client_id"`
	DealID       string             `json:"deal_id,omitempty"`
	Channel      string             `json:"channel"`
	Category     string             `json:"category"`
	Severity     complaint.Severity `json:"severity"`
	Description  string             `json:"description" maxlen:"5000"`
	RemedySought string             `json:"remedy_sought,omitempty"`
	Policy       json.RawMessage    `json:"policy,omitempty"`
}

// complaintParams validates the form against the current policy
// document's complaint policy merged with the input's override and the read
// model, naming every failing field, and returns the workflow's parameters
// (with the document's calendar and version).
func (s *server) complaintParams(c echo.Context, in createComplaintInput) (complaint.Params, error) {
	if err := checkOverride(c, "complaint", in.Policy); err != nil {
		return complaint.Params{}, err
	}
	form := complaint.Form{
		ClientID: in.ClientID, DealID: in.DealID, Channel: in.Channel, Category: in.Category,
		Severity: in.Severity, Description: strings.TrimSpace(in.Description), RemedySought: strings.TrimSpace(in.RemedySought),
	}
	p := problems{}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return complaint.Params{}, err
	}
	pol, err := casework.MergeJSON(doc.Complaint, in.Policy)
	if err != nil {
		p.add("policy", err.Error())
		pol = doc.Complaint
	}
	for field, problem := range pol.Check(form, doc.Catalogs.ContactChannels) {
		p.add(field, problem)
	}
	p.maxLen("description", form.Description, 5000)
	p.maxLen("remedy_sought", form.RemedySought, 2000)
	var client *models.Client
	if form.ClientID != "" { // else pol.Check named it
		if client, err = s.checkClientDeal(c, p, form.ClientID, "deal_id", form.DealID); err != nil {
			return complaint.Params{}, err
		}
	}
	return complaint.Params{
		Form: form, RegisteredBy: staffOf(c).ID, Policy: pol, PolicyVersion: doc.Version, Calendar: caseCalendar(doc, client),
	}, p.err()
}

// complaintCase is the complaint case type: workflows.Complaint driven
// through the generic case routes under /api/v1/complaints.
func (s *server) complaintCase() *CaseType[complaint.Params, complaint.View] {
	return &CaseType[complaint.Params, complaint.View]{
		Noun: "complaint", Path: "complaints", Prefix: "cmp-",
		Workflow:   workflows.Complaint,
		Catalog:    complaint.Inputs,
		Allowed:    func(v complaint.View) []string { return v.AllowedActions },
		SetAllowed: func(v *complaint.View, names []string) { v.AllowedActions = names },
		MayTake:    complaint.MayTake,
		Position:   func(v complaint.View) map[string]any { return map[string]any{"step": v.Step, "status": v.Status} },
		Owner:      func(v complaint.View) string { return v.Assignee },
		Opened:     func(v complaint.View) bool { return v.Seq > 0 },
		Create:     creates(s.complaintParams, func(p complaint.Params) string { return p.RegisteredBy }),
		SetID:      func(p *complaint.Params, id string) { p.ID = id },
		Summary: func(p complaint.Params) string {
			return "complaint: " + string(p.Form.Category) + ", " + string(p.Form.Severity)
		},
		Handover: complaint.ActAssign, HandoverField: "assignee",
		Check:   checksInput(complaint.ActAddCorrectiveAction, s.checkCorrectiveAction),
		Stored:  storedOwner(models.GetComplaint, func(m *models.Complaint) string { return m.Assignee }),
		List:    s.listComplaints,
		History: caseHistory(models.ComplaintHistory),
		Where:   "step",
	}
}

// checkCorrectiveAction checks a corrective action against the staff
// directory: its owner is an active staff member (docs/process.md §4),
// whom the workflow cannot know.
func (s *server) checkCorrectiveAction(c echo.Context, in complaint.AddCorrectiveActionInput) error {
	st, err := models.GetStaff(c.Request().Context(), s.DB, in.Owner)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if err != nil || !st.Active {
		e := fail(http.StatusUnprocessableEntity, casework.CodeNotActiveStaff, fmt.Sprintf("owner: %q is not an active staff member", in.Owner))
		e.Details = &details{Fields: map[string]string{"owner": "must be the ID of an active staff member"}}
		return e
	}
	return nil
}

// complaintList is the answer of GET /complaints.
type complaintList = models.Page[complaint.Item]

func toComplaintItem(m models.Complaint) complaint.Item {
	return complaint.Item{
		ID: m.ID, Number: m.Number, ClientID: m.ClientID, ClientName: m.ClientName, DealID: m.DealID, Channel: m.Channel,
		Category: m.Category, Severity: complaint.Severity(m.Severity), Step: complaint.Step(m.Step),
		Status: complaint.Status(m.Status), Assignee: m.Assignee, RegisteredBy: m.RegisteredBy,
		ProcessStep: m.ProcessStep, Recurrence: m.Recurrence, RecurrenceOf: m.RecurrenceOf,
		RegisteredAt: m.RegisteredAt.UTC(), AcknowledgedAt: utc(m.AcknowledgedAt), ClosedAt: utc(m.ClosedAt),
		OnTime: m.OnTime, UpdatedAt: m.UpdatedAt.UTC(),
	}
}

var complaintStatuses = []complaint.Status{complaint.StatusOpen, complaint.StatusClosed}

// filterOneOf records the problem of a list filter's value that is not one
// of allowed; an empty value does not filter.
func filterOneOf[T ~string](p problems, field, value string, allowed []T) {
	if value == "" {
		return
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	p.oneOf(field, value, names)
}

// listComplaints answers GET /api/v1/complaints: the complaints in the
// caller's scope, filtered by status, step, severity, category, client and
// deal, newest first, a page at a time.
func (s *server) listComplaints(c echo.Context) error {
	f := models.ComplaintFilter{
		Scope: scopeOf(c), Status: c.QueryParam("status"), ClientID: c.QueryParam("client_id"), DealID: c.QueryParam("deal_id"),
		Category: c.QueryParam("category"), Step: c.QueryParam("step"), Severity: c.QueryParam("severity"),
		Cursor: c.QueryParam("cursor"),
	}
	p := problems{}
	filterOneOf(p, "status", f.Status, complaintStatuses)
	filterOneOf(p, "step", f.Step, complaint.Steps)
	filterOneOf(p, "severity", f.Severity, complaint.Severities)
	if f.Category != "" {
		doc, err := s.currentPolicy(c)
		if err != nil {
			return err
		}
		if cats := doc.Complaint.Categories; !slices.Contains(cats, f.Category) {
			p.add("category", "must be one of "+strings.Join(cats, ", "))
		}
	}
	f.Limit = limitParam(c, p)
	return answerPage(c, p, func() ([]models.Complaint, string, error) {
		return models.ListComplaints(c.Request().Context(), s.DB, f)
	}, toComplaintItem)
}
