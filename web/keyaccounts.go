package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

// keyAccountData is the client's key-account page: its latest quadrant,
// the history of assessments, and the form with the policy's criteria
// grouped by side.
type keyAccountData struct {
	Client    models.ClientDetail
	History   []keyaccount.AssessmentItem
	Sides     map[string][]keyaccount.Criterion
	SideNames []string
	Policy    keyaccount.Policy
	Form      *Form
}

// mountKeyAccounts adds the key-account pages to the signed-in group.
func (a *app) mountKeyAccounts(g *echo.Group) {
	g.GET("/clients/:id/key-account", a.keyAccountPage)
	g.POST("/clients/:id/key-account", a.assessClient)
	g.GET("/reports/key-accounts", a.keyAccountReport)
}

func (a *app) keyAccountPage(c echo.Context) error { return a.renderKeyAccount(c, nil) }

// renderKeyAccount renders the page with a refused form shown again.
func (a *app) renderKeyAccount(c echo.Context, form *Form) error {
	esc := url.PathEscape(c.Param("id"))
	d := keyAccountData{Form: form, Sides: map[string][]keyaccount.Criterion{}, SideNames: keyaccount.Sides}
	var doc policy.Document
	var hist models.Page[keyaccount.AssessmentItem]
	for _, r := range []struct {
		path string
		into any
	}{{"/api/v1/clients/" + esc, &d.Client}, {"/api/v1/clients/" + esc + "/assessments", &hist}, {"/api/v1/policy", &doc}} {
		if _, e := a.apiCall(c, http.MethodGet, r.path, nil, r.into); e != nil {
			return a.apiFailed(c, e)
		}
	}
	d.History, d.Policy = hist.Items, doc.KeyAccounts
	for _, cr := range d.Policy.Criteria {
		d.Sides[cr.Side] = append(d.Sides[cr.Side], cr)
	}
	status := http.StatusOK
	if form != nil {
		status = http.StatusUnprocessableEntity
	}
	return a.render(c, status, "key_account.html", d)
}

// assessClient answers POST /clients/{id}/key-account: the form's scores
// through POST /api/v1/clients/{id}/assessments, whose decoder and checks
// refuse what does not fit; then the page again.
func (a *app) assessClient(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	body := map[string]any{"scores": scoresJSON(form, "scores")}
	if note := strings.TrimSpace(c.FormValue("note")); note != "" {
		body["note"] = note
	}
	client := "/clients/" + url.PathEscape(c.Param("id"))
	again := func(form *Form) error { return a.renderKeyAccount(c, form) }
	if answered, err := a.submitted(c, "/api/v1"+client+"/assessments", body, nil, again); answered {
		return err
	}
	return a.redirect(c, client+"/key-account", "flash.assessed")
}

// keyAccountReport answers GET /reports/key-accounts?from=&to= (dates,
// to inclusive; the API's defaults when empty): the clients by quadrant
// and the change per quarter.
func (a *app) keyAccountReport(c echo.Context) error {
	q := url.Values{}
	from, to := c.QueryParam("from"), c.QueryParam("to")
	if from != "" {
		q.Set("from", from+"T00:00:00Z")
	}
	if t, err := time.Parse(time.DateOnly, to); err == nil {
		q.Set("to", t.AddDate(0, 0, 1).Format(time.RFC3339))
	} else if to != "" {
		q.Set("to", to) // the API names the problem
	}
	var r reports.KeyAccountReport
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/reports/key-accounts?"+q.Encode(), nil, &r); e != nil {
		return a.apiFailed(c, e)
	}
	return a.render(c, http.StatusOK, "key_accounts_report.html", struct {
		Report    reports.KeyAccountReport
		Quadrants []keyaccount.Quadrant
		From, To  string
	}{r, keyaccount.Quadrants, r.From.Format(time.DateOnly), r.To.Add(-time.Nanosecond).Format(time.DateOnly)})
}
