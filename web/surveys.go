package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/models"
)

// surveyKind is the yearly satisfaction survey as a case type of the
// pages.
func (a *app) surveyKind() caseKind {
	return caseKind{path: "surveys", catalog: satisfaction.Inputs, page: a.surveyPage}
}

// surveysData is the data of surveys.html.
type surveysData struct {
	Filter   *Form
	Items    []satisfaction.Item
	Next     string
	Statuses []string
}

// listSurveys answers GET /surveys: the surveys in the member's scope (a
// rep's own: "my surveys"), open ones first by default, filtered by
// status, owner and product, a page at a time; a filter the API refuses
// is shown with its error (422).
func (a *app) listSurveys(c echo.Context) error {
	filter := url.Values{}
	for _, k := range []string{"status", "owner", "product", "cursor"} {
		if v := c.QueryParam(k); v != "" {
			filter.Set(k, v)
		}
	}
	q := url.Values{"limit": {"50"}}
	for k := range filter {
		q.Set(k, filter.Get(k))
	}
	d := surveysData{Filter: &Form{Values: filter}, Statuses: names(satisfaction.Statuses...)}
	var l models.Page[satisfaction.Item]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/surveys?"+q.Encode(), nil, &l); e != nil {
		if e.Status != http.StatusUnprocessableEntity {
			return a.apiFailed(c, e)
		}
		d.Filter.Message, d.Filter.Fields = e.Message, e.Fields
		return a.render(c, e.Status, "surveys.html", d)
	}
	d.Items = l.Items
	if l.NextCursor != "" {
		filter.Set("cursor", l.NextCursor)
		d.Next = filter.Encode()
	}
	return a.render(c, http.StatusOK, "surveys.html", d)
}

// surveyData is the data of survey.html.
type surveyData struct {
	View satisfaction.View
	Work caseWork
}

// surveyPage renders the survey page with its questionnaire (a score 1..5
// per question of the survey) and decline form, a refused submission kept
// in its form when failed is not nil.
func (a *app) surveyPage(c echo.Context, failed *formFailure) error {
	var v satisfaction.View
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/surveys/"+url.PathEscape(c.Param("id")), nil, &v); e != nil {
		return a.apiFailed(c, e)
	}
	work, e := a.caseReads(c, a.surveyKind(), map[string][]string{"scores": v.Questions}, failed, v.ControlPoints)
	if e != nil {
		return a.apiFailed(c, e)
	}
	return a.render(c, status(c, failed), "survey.html", surveyData{View: v, Work: work})
}

// satisfactionData is the data of satisfaction.html.
type satisfactionData struct {
	Report reports.SatisfactionReport
	AsOf   string
	Error  string
}

// satisfactionReport answers GET /reports/satisfaction?as_of=YYYY-MM-DD:
// the yearly satisfaction report (coverage, scores by product and
// question) as of the end of that day, or now.
func (a *app) satisfactionReport(c echo.Context) error {
	d := satisfactionData{AsOf: c.QueryParam("as_of")}
	q := url.Values{}
	if d.AsOf != "" {
		day, err := time.Parse("2006-01-02", d.AsOf)
		if err != nil {
			d.Error = translate(pageLang(c), "satisfaction.bad_date")
			return a.render(c, http.StatusUnprocessableEntity, "satisfaction.html", d)
		}
		q.Set("as_of", day.AddDate(0, 0, 1).Format(time.RFC3339))
	}
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/reports/satisfaction?"+q.Encode(), nil, &d.Report); e != nil {
		return a.apiFailed(c, e)
	}
	return a.render(c, http.StatusOK, "satisfaction.html", d)
}
