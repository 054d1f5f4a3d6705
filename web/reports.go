package web

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/parallel"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

// reportFilter is the dashboard's filter form as the user typed it.
type reportFilter struct {
	From, To, Owner, Team, Product, Segment string
}

// filterOf reads the filter form of the request's query.
func filterOf(c echo.Context) reportFilter {
	q := c.QueryParams()
	return reportFilter{From: q.Get("from"), To: q.Get("to"), Owner: q.Get("owner"), Team: q.Get("team"),
		Product: q.Get("product"), Segment: q.Get("segment")}
}

// query is the filter as the report APIs take it: dates (the form's
// YYYY-MM-DD) become the start of that day in UTC, the "to" date
// inclusive (so the next day's start); anything else is passed as typed,
// for the API to refuse in its own words.
func (f reportFilter) query() url.Values {
	q := url.Values{}
	day := func(name, v string, next int) {
		if v == "" {
			return
		}
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			v = d.AddDate(0, 0, next).UTC().Format(time.RFC3339)
		}
		q.Set(name, v)
	}
	day("from", f.From, 0)
	day("to", f.To, 1)
	for name, v := range map[string]string{"owner": f.Owner, "team": f.Team, "product": f.Product, "segment": f.Segment} {
		if v != "" {
			q.Set(name, v)
		}
	}
	return q
}

// Encode is the filter as the dashboard's own query (for the CSV links
// and the road map's next page).
func (f reportFilter) Encode() string {
	q := url.Values{}
	for name, v := range map[string]string{"from": f.From, "to": f.To, "owner": f.Owner, "team": f.Team, "product": f.Product, "segment": f.Segment} {
		if v != "" {
			q.Set(name, v)
		}
	}
	return q.Encode()
}

// repOverdue counts one rep's overdue control points; Name is the rep's
// name when the member may list the staff.
type repOverdue struct {
	Owner, Name string
	Count       int
}

// dashboardData is the data of reports.html.
type dashboardData struct {
	Filter reportFilter
	// Error and Fields are the API's refusal of the filter.
	Error  string
	Fields map[string]string
	// Staff and Catalogs fill the filter's selects (Staff is empty for a
	// rep, who may not list the staff).
	Staff    []models.StaffItem
	Catalogs policy.Catalogs

	Funnel     reports.FunnelReport
	Losses     reports.LossesReport
	KPI        reports.KPIReport
	Stuck      reports.StuckReport
	Roadmap    reports.RoadmapReport
	Clients    classify.ClientsReport
	Complaints models.ComplaintStats
	Overdue    []repOverdue
	// OverdueMore is true when there were more overdue points than read.
	OverdueMore bool

	FunnelChart, LossesChart, TimeChart template.HTML
}

// dashboard answers GET /reports: the manager dashboard, every section
// read from the report APIs with the filter of the form.
func (a *app) dashboard(c echo.Context) error {
	d := dashboardData{Filter: filterOf(c)}
	var staff models.Page[models.StaffItem]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/staff?limit=200", nil, &staff); e == nil {
		d.Staff = staff.Items
	}
	var doc policy.Document
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &doc); e != nil {
		return a.apiFailed(c, e)
	}
	d.Catalogs = doc.Catalogs
	if e := a.readReports(c, &d); e != nil {
		if e.Status != http.StatusUnprocessableEntity {
			return a.apiFailed(c, e)
		}
		d.Error, d.Fields = e.Message, e.Fields
		return a.render(c, http.StatusUnprocessableEntity, "reports.html", d)
	}
	d.charts(a.page(c, nil))
	return a.render(c, http.StatusOK, "reports.html", d)
}

// dashboardParallel is how many of the dashboard's sections are read at
// once. Each is one or two queries (the funnel and the KPI run two parts at
// a time themselves), so four sections keep the database's cores busy
// without queueing a dozen queries on them.
const dashboardParallel = 4

// readReports reads every section of the dashboard into d, the sections
// concurrently (dashboardParallel at a time, in the page's order, which
// starts the slowest over a long period, the funnel, losses and KPI,
// first). Each section is its own in-process API call with the member's
// session and writes only its own field of d. The error is the first
// refusal in the sections' order, as if they had been read one after the
// other.
func (a *app) readReports(c echo.Context, d *dashboardData) *APIError {
	q := d.Filter.query()
	period := url.Values{"from": q["from"], "to": q["to"]}
	road := cloneWith(q, "limit", "25", "cursor", c.QueryParam("roadmap_cursor"))
	classes := cloneWith(q, "limit", "25", "cursor", "")
	calls := []struct {
		path string
		into any
	}{
		{"/api/v1/reports/funnel?" + q.Encode(), &d.Funnel},
		{"/api/v1/reports/losses?" + q.Encode(), &d.Losses},
		{"/api/v1/reports/kpi?" + q.Encode(), &d.KPI},
		{"/api/v1/reports/stuck?" + q.Encode(), &d.Stuck},
		{"/api/v1/reports/roadmap?" + road.Encode(), &d.Roadmap},
		{"/api/v1/reports/clients?" + classes.Encode(), &d.Clients},
		{"/api/v1/reports/complaints?" + period.Encode(), &d.Complaints},
	}
	sections := make([]func() *APIError, 0, len(calls)+1)
	for _, call := range calls {
		sections = append(sections, func() *APIError {
			_, e := a.apiCall(c, http.MethodGet, call.path, nil, call.into)
			return e
		})
	}
	sections = append(sections, func() *APIError { return a.readOverdue(c, d) })
	return concurrently(dashboardParallel, sections...)
}

// concurrently runs fns, at most n at a time in the order given, and
// returns the first error in that order once all have returned.
func concurrently(n int, fns ...func() *APIError) *APIError {
	for _, e := range parallel.Run(n, fns...) {
		if e != nil {
			return e
		}
	}
	return nil
}

// overduePages bounds the pages of overdue control points the dashboard
// counts (overduePages × MaxLimit points); beyond, it says "more".
const overduePages = 5

// readOverdue counts the overdue control points in scope per rep, from
// GET /api/v1/control-points?status=overdue (the owner filter applies).
func (a *app) readOverdue(c echo.Context, d *dashboardData) *APIError {
	counts := map[string]int{}
	cursor := ""
	for range overduePages {
		q := url.Values{"status": {"overdue"}, "limit": {fmt.Sprint(models.MaxLimit)}}
		if d.Filter.Owner != "" {
			q.Set("owner", d.Filter.Owner)
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page models.Page[casework.ControlPointItem]
		if _, e := a.apiCall(c, http.MethodGet, "/api/v1/control-points?"+q.Encode(), nil, &page); e != nil {
			return e
		}
		for _, p := range page.Items {
			counts[p.Owner]++
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	d.OverdueMore = cursor != ""
	names := map[string]string{}
	for _, st := range d.Staff {
		names[st.ID] = st.Name
	}
	for owner, n := range counts {
		d.Overdue = append(d.Overdue, repOverdue{Owner: owner, Name: names[owner], Count: n})
	}
	slices.SortFunc(d.Overdue, func(x, y repOverdue) int {
		if x.Count != y.Count {
			return y.Count - x.Count
		}
		return strings.Compare(x.Owner, y.Owner)
	})
	return nil
}

// cloneWith is q with the name/value pairs set (an empty value removes
// the name).
func cloneWith(q url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			out.Del(pairs[i])
		} else {
			out.Set(pairs[i], pairs[i+1])
		}
	}
	return out
}

// charts draws the dashboard's charts in the page's language p.
func (d *dashboardData) charts(p Page) {
	var funnel, times, losses []Bar
	for _, st := range d.Funnel.Stages {
		name := p.T("reports.stage." + st.Stage)
		text := fmt.Sprint(st.Entered)
		if st.ConversionFromFirstPercent != nil {
			text += " · " + fixed1(st.ConversionFromFirstPercent, "%")
		}
		funnel = append(funnel, Bar{Label: name, Value: float64(st.Entered), Text: text})
		bar := Bar{Label: name, Text: "—"}
		if st.MedianSeconds != nil {
			bar.Value, bar.Text = float64(*st.MedianSeconds), duration(*st.MedianSeconds)
		}
		times = append(times, bar)
	}
	for _, st := range d.Losses.ByStage {
		losses = append(losses, Bar{Label: p.T("reports.stage." + st.Stage), Value: float64(st.Lost), Text: fmt.Sprint(st.Lost)})
	}
	d.FunnelChart = barChart("chart-funnel", p.T("reports.chart.funnel"), funnel)
	d.LossesChart = barChart("chart-losses", p.T("reports.chart.losses"), losses)
	d.TimeChart = barChart("chart-time", p.T("reports.chart.time"), times)
}

// duration is whole seconds for a person: days and hours, hours and
// minutes, or minutes and seconds.
func duration(s int64) string {
	d := time.Duration(s) * time.Second
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return fmt.Sprintf("%dm %ds", d/time.Minute, d%time.Minute/time.Second)
}

// fixed1 is *f with one decimal and unit, "—" when f is nil.
func fixed1(f *float64, unit string) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', 1, 64) + unit
}

// csvReports are the reports the API also answers as CSV.
var csvReports = []string{"funnel", "losses", "kpi", "stuck", "roadmap", "clients"}

// reportCSV answers GET /reports/{name}.csv: the API's CSV of the report
// with the dashboard's filter, called in process with the session, its
// file name and type kept.
func (a *app) reportCSV(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("file"), ".csv")
	if !ok || !slices.Contains(csvReports, name) {
		return echo.ErrNotFound
	}
	q := filterOf(c).query()
	if name == "roadmap" || name == "clients" {
		q.Set("limit", fmt.Sprint(models.MaxLimit))
	}
	path := "/api/v1/reports/" + name + "?" + q.Encode()
	req, err := a.apiRequest(c, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	req.Header.Set(echo.HeaderAccept, "text/csv")
	rec := httptest.NewRecorder()
	a.api.ServeHTTP(rec, req)
	res := rec.Result()
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		// The refusal in the API's words: the JSON answer has them.
		if _, e := a.apiCall(c, http.MethodGet, path, nil, nil); e != nil {
			return a.apiFailed(c, e)
		}
		return a.apiFailed(c, &APIError{Status: res.StatusCode, Message: http.StatusText(res.StatusCode)})
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, res.Header.Get(echo.HeaderContentDisposition))
	return c.Stream(http.StatusOK, res.Header.Get(echo.HeaderContentType), io.Reader(res.Body))
}
