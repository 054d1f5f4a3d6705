package api

import (
	"encoding/json"
	"strings"

	"github.com/labstack/echo/v4"

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
	form := complaint.Form{
		ClientID: in.ClientID, DealID: in.DealID, Channel: in.Channel, Category: in.Category,
		Severity: in.Severity, Description: strings.TrimSpace(in.Description), RemedySought: strings.TrimSpace(in.RemedySought),
	}
	p := problems{}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return complaint.Params{}, err
	}
	pol, err := doc.Complaint.Merge(in.Policy)
	if err != nil {
		p.add("policy", err.Error())
		pol = doc.Complaint
	}
	for field, problem := range pol.Check(form) {
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
		Workflow: workflows.Complaint,
		Catalog:  complaint.Inputs,
		Allowed:  func(v complaint.View) []string { return v.AllowedActions },
		Position: func(v complaint.View) map[string]any { return map[string]any{"step": v.Step, "status": v.Status} },
		Owner:    func(v complaint.View) string { return v.Assignee },
		Create:   creates(s.complaintParams, func(p complaint.Params) string { return p.RegisteredBy }),
		SetID:    func(p *complaint.Params, id string) { p.ID = id },
		Handover: complaint.ActAssign, HandoverField: "assignee",
		Stored:  storedOwner(models.GetComplaint, func(m *models.Complaint) string { return m.Assignee }),
		List:    s.listComplaints,
		History: caseHistory(models.ComplaintHistory),
		Where:   "step",
	}
}
