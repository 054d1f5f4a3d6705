package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// caseKind is what the generic case pages need of a case type: its API
// and page path segment ("deals", "complaints"), its action catalogue (for
// the fields' types) and its page, rendered with a refused submission
// kept in its form.
type caseKind struct {
	path    string
	catalog casework.Catalog
	page    func(c echo.Context, failed *formFailure) error
}

// historyEntry is an item of GET …/{id}/history with its label.
type historyEntry struct {
	casework.HistoryItem
	// Label is the entry's type in the page's language.
	Label string `json:"-"`
}

// caseWork is the view model of the template "case_work"
// (case_forms.html), which the deal page and the complaint page share: the
// actions allowed now as forms, the case's control points, and its
// history.
type caseWork struct {
	Forms   []actionForm
	Points  []pointRow
	History []historyEntry
}

// pointRow is a control point as the case pages list it, labelled in the
// page's language.
type pointRow struct {
	Kind, Subject, Status string
	Due                   time.Time
	Overdue               bool
}

// caseReads reads what every case page shows besides the view: the actions
// allowed now (as forms) and the history, with the view's control points.
func (a *app) caseReads(c echo.Context, k caseKind, keys map[string][]string, failed *formFailure,
	points []casework.ControlPoint) (caseWork, *APIError) {
	base := "/api/v1/" + k.path + "/" + url.PathEscape(c.Param("id"))
	var acts struct {
		Actions []apiAction `json:"actions"`
	}
	if _, e := a.apiCall(c, http.MethodGet, base+"/actions", nil, &acts); e != nil {
		return caseWork{}, e
	}
	var hist models.Page[historyEntry]
	if _, e := a.apiCall(c, http.MethodGet, base+"/history?limit=200", nil, &hist); e != nil {
		return caseWork{}, e
	}
	loc, e := a.companyZone(c)
	if e != nil {
		return caseWork{}, e
	}
	lang := pageLang(c)
	for i := range hist.Items {
		hist.Items[i].Label = historyLabel(lang, k.path, hist.Items[i].Type)
	}
	fc := formContext{base: "/" + k.path + "/" + url.PathEscape(c.Param("id")), scope: k.path, catalog: k.catalog, keys: keys, failed: failed,
		zone: loc.String(), lang: lang}
	return caseWork{Forms: buildForms(fc, acts.Actions), Points: pointRows(lang, points), History: hist.Items}, nil
}

// pointRows labels control points in lang.
func pointRows(lang string, points []casework.ControlPoint) []pointRow {
	out := make([]pointRow, len(points))
	for i, p := range points {
		out[i] = pointRow{Kind: textOr(lang, "point."+string(p.Kind), string(p.Kind)), Subject: inLang(lang, p.Subject),
			Status: textOr(lang, "point_status."+string(p.Status), string(p.Status)), Due: p.DueAt,
			Overdue: p.Status == casework.PointOverdue}
	}
	return out
}

// caseRoutes mounts the pages of the case type k on g: its page, GET
// /{path}/{id}, and its actions, POST /{path}/{id}/actions/{action}.
func (a *app) caseRoutes(g *echo.Group, k caseKind) {
	g.GET("/"+k.path+"/:id", func(c echo.Context) error { return k.page(c, nil) })
	g.POST("/"+k.path+"/:id/actions/:action", a.caseAction(k))
}

// caseAction answers POST /{path}/{id}/actions/{action}: the form becomes
// the action's JSON by the catalogue's field types and goes to the API
// with the form's Idempotency-Key; success redirects to the case page with
// a flash, a refusal (400, 409, 422) renders the page again with the API's
// message beside the form and the typed values kept — a stale page acting
// on a case that moved on gets the refusal, not an error page.
func (a *app) caseAction(k caseKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		action := c.Param("action")
		page := "/" + k.path + "/" + url.PathEscape(c.Param("id"))
		form, err := c.FormParams()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "unreadable form")
		}
		fields := k.catalog.Fields(action)
		if fields == nil {
			return echo.ErrNotFound
		}
		loc, e := a.companyZone(c)
		if e != nil {
			return a.apiFailed(c, e)
		}
		body := formJSON(fields, form, "", elementTypes(k.catalog, action), loc)
		_, e = a.apiCall(c, http.MethodPost, "/api/v1"+page+"/actions/"+url.PathEscape(action), body, nil)
		switch {
		case e == nil:
			return a.redirect(c, page, "flash.action_done")
		case refusal(e):
			return k.page(c, &formFailure{Action: action, Err: e, Values: form})
		}
		return a.apiFailed(c, e)
	}
}

// companyZone is the company calendar's time zone (the policy's
// calendar.time_zone; UTC when empty or unknown): the zone the forms'
// datetime-local inputs are read in.
func (a *app) companyZone(c echo.Context) (*time.Location, *APIError) {
	var doc struct {
		Calendar struct {
			TimeZone string `json:"time_zone"`
		} `json:"calendar"`
	}
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &doc); e != nil {
		return nil, e
	}
	loc, err := time.LoadLocation(doc.Calendar.TimeZone)
	if err != nil || doc.Calendar.TimeZone == "" {
		return time.UTC, nil
	}
	return loc, nil
}

// status answers the page's status: the refusal's when the page shows
// one, else 200.
func status(c echo.Context, failed *formFailure) int {
	if failed != nil {
		return failed.Err.Status
	}
	return http.StatusOK
}
