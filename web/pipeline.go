package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// boardColumn is the page size of each stage's column of the board.
const boardColumn = 20

// pipelineFilter is the board's GET form: owner, team (a manager), product
// and client segment.
type pipelineFilter struct {
	Owner, Team, Product, Segment string
}

// query is the filter as API and page query parameters.
func (f pipelineFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"owner": f.Owner, "team": f.Team, "product": f.Product, "segment": f.Segment} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// column is one stage of the board: its open deals, one page, and the
// link to the next page of this column (the others kept where they are).
type column struct {
	Stage deal.Stage
	Deals []boardCard
	// More leads to the column's next page, First back to its first
	// (on a later page); "" when there is none.
	More, First string
}

// boardCard is a deal on the board.
type boardCard struct {
	deal.Item
	// Days in the stage (since it entered it, or since it waits when that
	// is later).
	Days int
}

// pipelineData is the data of pipeline.html.
type pipelineData struct {
	Filter  pipelineFilter
	Columns []column
	// Staff are the members the caller may filter by (nil for a sales rep,
	// who sees their own deals), Managers the teams.
	Staff, Managers []models.StaffItem
	// Policy holds the catalogues of products and segments.
	Policy catalogs
}

// pipeline answers GET /pipeline: the open deals in the caller's scope
// (the API's), one column per stage, each paged on its own by
// ?cursor_<stage>= (boardColumn deals a page, newest first).
func (a *app) pipeline(c echo.Context) error {
	f := pipelineFilter{Owner: c.QueryParam("owner"), Team: c.QueryParam("team"), Product: c.QueryParam("product"), Segment: c.QueryParam("segment")}
	d := pipelineData{Filter: f}
	now := time.Now()
	for _, st := range deal.Stages {
		q := f.query()
		q.Set("stage", string(st))
		q.Set("status", string(deal.StatusOpen))
		q.Set("limit", itoa(boardColumn))
		if cur := c.QueryParam("cursor_" + string(st)); cur != "" {
			q.Set("cursor", cur)
		}
		var page models.Page[deal.Item]
		if _, e := a.apiCall(c, http.MethodGet, "/api/v1/deals?"+q.Encode(), nil, &page); e != nil {
			return a.apiFailed(c, e)
		}
		col := column{Stage: st}
		for _, it := range page.Items {
			col.Deals = append(col.Deals, boardCard{Item: it, Days: daysIn(it, now)})
		}
		col.More, col.First = columnLinks(c.QueryParams(), "cursor_"+string(st), page.NextCursor)
		d.Columns = append(d.Columns, col)
	}
	d.Staff, d.Managers = a.staffChoices(c)
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &d.Policy); e != nil {
		return a.apiFailed(c, e)
	}
	return a.render(c, http.StatusOK, "pipeline.html", d)
}

// columnLinks are the links to a column's next page (after cursor next,
// "" for none) and, when the page shown (query) is a later one, to its
// first: query with the column's cursor parameter param changed.
func columnLinks(query url.Values, param, next string) (more, first string) {
	if next != "" {
		q := cloneValues(query)
		q.Set(param, next)
		more = "/pipeline?" + q.Encode()
	}
	if query.Get(param) != "" {
		q := cloneValues(query)
		q.Del(param)
		first = "/pipeline?" + q.Encode()
	}
	return more, first
}

// cloneValues copies query values.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// daysIn is the whole days deal it has spent in its stage at now: since
// it entered the stage or, when the read model has no such time, since it
// waits (or else since it was opened).
func daysIn(it deal.Item, now time.Time) int {
	since := it.CreatedAt
	switch {
	case it.StageSince != nil:
		since = *it.StageSince
	case it.WaitingSince != nil:
		since = *it.WaitingSince
	}
	return int(now.Sub(since).Hours() / 24)
}

// staffChoices are the staff members and the managers the caller may
// filter by; nil for a caller the API does not show staff (a sales rep).
func (a *app) staffChoices(c echo.Context) (staff, managers []models.StaffItem) {
	if staffOf(c).Role == models.RoleSales {
		return nil, nil
	}
	var all models.Page[models.StaffItem]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/staff", nil, &all); e != nil {
		return nil, nil
	}
	for _, s := range all.Items {
		staff = append(staff, s)
		if s.Role == models.RoleManager {
			managers = append(managers, s)
		}
	}
	return staff, managers
}
