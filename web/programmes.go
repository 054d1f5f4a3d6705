package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
)

// programmeKind is the VIP programme as a case type of the pages.
func (a *app) programmeKind() caseKind {
	return caseKind{path: "programmes", catalog: vip.Inputs, page: a.programmePage}
}

// programmesData is the data of programmes.html.
type programmesData struct {
	Items []vip.Item
	// Mine are the member's own pending interviews.
	Mine []vip.InterviewItem
	// New is the creation form, with the API's refusal when it refused.
	New *Form
	// CanCreate is set for managers and admins.
	CanCreate  bool
	Categories []string
	Classes    []string
}

// listProgrammes answers GET /programmes.
func (a *app) listProgrammes(c echo.Context) error { return a.programmesPage(c, nil) }

// programmesPage renders the programmes and the member's pending
// interviews, with the creation form (refused when form is not nil).
func (a *app) programmesPage(c echo.Context, form *Form) error {
	d := programmesData{New: form, Categories: []string{"potential", "new", "permanent", "lost", "restored"}, Classes: []string{"A", "B", "C"}}
	me := staffOf(c)
	d.CanCreate = me.Role != "sales"
	if form == nil {
		d.New = &Form{Values: url.Values{"lead": {me.ID}, "period": {"90d"}}}
	}
	var l models.Page[vip.Item]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/programmes", nil, &l); e != nil {
		return a.apiFailed(c, e)
	}
	var mine models.Page[vip.InterviewItem]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/interviews?status=pending", nil, &mine); e != nil {
		return a.apiFailed(c, e)
	}
	d.Items = l.Items
	for _, iv := range mine.Items {
		if iv.Interviewer == me.ID {
			d.Mine = append(d.Mine, iv)
		}
	}
	st := http.StatusOK
	if form != nil {
		st = form.Status
	}
	return a.render(c, st, "programmes.html", d)
}

// createProgramme answers POST /programmes: the new programme through the
// API (with the form's idempotency key), then its page.
func (a *app) createProgramme(c echo.Context) error {
	body := formBody(c, "name", "lead", "period", "interview_due")
	values, _ := c.FormParams()
	body["selection"] = map[string]any{"categories": nonEmpty(values["categories"]), "classes": nonEmpty(values["classes"])}
	var out struct {
		ID string `json:"id"`
	}
	again := func(form *Form) error { return a.programmesPage(c, form) }
	if answered, err := a.submitted(c, "/api/v1/programmes", body, &out, again); answered {
		return err
	}
	return a.redirect(c, "/programmes/"+url.PathEscape(out.ID), "flash.programme_created")
}

// nonEmpty is the trimmed non-empty values.
func nonEmpty(values []string) []string {
	out := []string{}
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// programmeData is the data of programme.html.
type programmeData struct {
	View vip.View
	Work caseWork
}

// programmePage renders the programme page, with a refused submission in
// its form when failed is not nil.
func (a *app) programmePage(c echo.Context, failed *formFailure) error {
	var v vip.View
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/programmes/"+url.PathEscape(c.Param("id")), nil, &v); e != nil {
		return a.apiFailed(c, e)
	}
	work, e := a.caseReads(c, a.programmeKind(), nil, failed, v.ControlPoints)
	if e != nil {
		return a.apiFailed(c, e)
	}
	if client := c.QueryParam("client_id"); client != "" && failed == nil {
		prefill(work.Forms, "client_id", client)
	}
	return a.render(c, status(c, failed), "programme.html", programmeData{View: v, Work: work})
}

// prefill puts value into every empty top-level input name of the forms:
// the client a "my interviews" link names.
func prefill(forms []actionForm, name, value string) {
	for i := range forms {
		for j := range forms[i].Fields {
			if f := &forms[i].Fields[j]; f.Name == name && f.Value == "" {
				f.Value = value
			}
		}
	}
}
