package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/models"
)

// complaintKind is the complaint as a case type of the pages.
func (a *app) complaintKind() caseKind {
	return caseKind{path: "complaints", catalog: complaint.Inputs, page: a.complaintPage}
}

// complaintFilters are the list's filters the API takes.
var complaintFilters = []string{"status", "step", "severity", "category", "client_id", "deal_id"}

// complaintsData is the data of complaints.html.
type complaintsData struct {
	// Filter holds the chosen filters, with the API's problems with them
	// when it refused one.
	Filter *Form
	Items  []complaint.Item
	// Next is the query of the next page, "" on the last.
	Next string
	// Statuses, Steps and Severities are the filters' choices, Categories
	// the policy's.
	Statuses, Steps, Severities, Categories []string
}

// listComplaints answers GET /complaints: the complaints in the member's
// scope, filtered by status, step, severity, category, client and deal, a
// page at a time; a filter the API refuses is shown with its error beside
// it (422).
func (a *app) listComplaints(c echo.Context) error {
	q := url.Values{"limit": {"50"}}
	filter := url.Values{}
	for _, k := range append(complaintFilters, "cursor") {
		if v := c.QueryParam(k); v != "" {
			q.Set(k, v)
			filter.Set(k, v)
		}
	}
	d := complaintsData{Filter: &Form{Values: filter}, Statuses: names(complaint.StatusOpen, complaint.StatusClosed),
		Steps: names(complaint.Steps...), Severities: names(complaint.Severities...)}
	var pol catalogs
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &pol); e != nil {
		return a.apiFailed(c, e)
	}
	d.Categories = pol.Complaint.Categories
	var l models.Page[complaint.Item]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/complaints?"+q.Encode(), nil, &l); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest {
			return a.apiFailed(c, e)
		}
		d.Filter.Message, d.Filter.Fields = e.Message, e.Fields
		return a.render(c, e.Status, "complaints.html", d)
	}
	d.Items = l.Items
	if l.NextCursor != "" {
		next := url.Values{}
		for k := range filter {
			next.Set(k, filter.Get(k))
		}
		next.Set("cursor", l.NextCursor)
		d.Next = next.Encode()
	}
	return a.render(c, http.StatusOK, "complaints.html", d)
}

// names are enum values as strings.
func names[T ~string](values ...T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// complaintStep is one step of the complaint's path with its deadline
// (the due date of the step's control point, when armed).
type complaintStep struct {
	Step  complaint.Step
	State string
	Due   *time.Time
}

// complaintData is the data of complaint.html.
type complaintData struct {
	View complaint.View
	Path []complaintStep
	Work caseWork
}

// complaintPage renders the complaint page, with a refused submission in
// its form when failed is not nil.
func (a *app) complaintPage(c echo.Context, failed *formFailure) error {
	var v complaint.View
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/complaints/"+url.PathEscape(c.Param("id")), nil, &v); e != nil {
		return a.apiFailed(c, e)
	}
	work, e := a.caseReads(c, a.complaintKind(), nil, failed, v.ControlPoints)
	if e != nil {
		return a.apiFailed(c, e)
	}
	return a.render(c, status(c, failed), "complaint.html", complaintData{View: v, Path: stepPath(v), Work: work})
}

// stepPoints are the control point kinds of the steps: their deadlines.
var stepPoints = map[complaint.Step]casework.PointKind{
	complaint.StepAcknowledgement: complaint.PointAcknowledge, complaint.StepInvestigation: complaint.PointInvestigate,
	complaint.StepResolution: complaint.PointResolve, complaint.StepConfirmation: complaint.PointConfirm,
	complaint.StepCorrection: complaint.PointCorrect,
}

// stepPath marks the complaint's steps done, current or to do, each with
// the latest deadline armed in it.
func stepPath(v complaint.View) []complaintStep {
	cur := -1
	for i, s := range complaint.Steps {
		if s == v.Step {
			cur = i
		}
	}
	out := make([]complaintStep, len(complaint.Steps))
	for i, s := range complaint.Steps {
		st := complaintStep{Step: s, State: "todo"}
		switch {
		case i < cur || v.Status == complaint.StatusClosed:
			st.State = "done"
		case i == cur:
			st.State = "current"
		}
		for _, p := range v.ControlPoints {
			if p.Kind == stepPoints[s] {
				due := p.DueAt
				st.Due = &due
			}
		}
		out[i] = st
	}
	return out
}
