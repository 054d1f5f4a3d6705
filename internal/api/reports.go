package api

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

// reportPeriod is the default period of a report: the 30 days up to now.
const reportPeriod = 30 * 24 * time.Hour

// timeParam reads the optional RFC 3339 query parameter name, or returns def.
func timeParam(c echo.Context, p problems, name string, def time.Time) time.Time {
	s := c.QueryParam(name)
	if s == "" {
		return def
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		p.add(name, "must be an RFC 3339 time such as 2025-01-31T15:00:00Z")
		return def
	}
	return t.UTC()
}

// periodParams reads the period [from, to) of a report from its query: to
// defaults to now, from to span before to, and from must be before to.
func periodParams(c echo.Context, span time.Duration) (from, to time.Time, err error) {
	p := problems{}
	to = timeParam(c, p, "to", time.Now().UTC())
	from = timeParam(c, p, "from", to.Add(-span))
	if len(p) == 0 && !from.Before(to) {
		p.add("from", "must be before to")
	}
	return from, to, p.err()
}

// scopeReport is the handler of a report of the caller's scope over the
// period [from, to) of its query (periodParams: to defaults to now, from to
// span before to), which read computes: GET /reports/complaints
// (models.ComplaintReport, 30 days) and GET /reports/key-accounts
// (reports.KeyAccounts, a year).
func scopeReport[R any](s *server, span time.Duration,
	read func(ctx context.Context, db *gorm.DB, scope models.Scope, from, to time.Time) (R, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		from, to, err := periodParams(c, span)
		if err != nil {
			return err
		}
		r, err := read(c.Request().Context(), s.DB, scopeOf(c), from, to)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, r)
	}
}

// Manager reports: each reads the read model within the caller's scope,
// answers JSON or, for "Accept: text/csv", the same figures as CSV.

// reportFilter reads the filter every report shares: the period (from, to;
// to defaults to now, from to 30 days before to), owner, team (a manager:
// them and their reports), product and client segment. Problems of the
// parameters go to p; the error is a failure to read the team.
func (s *server) reportFilter(c echo.Context, p problems) (reports.Filter, error) {
	to := timeParam(c, p, "to", time.Now().UTC())
	from := timeParam(c, p, "from", to.Add(-reportPeriod))
	if _, bad := p["from"]; !bad && !from.Before(to) {
		p.add("from", "must be before to")
	}
	f := reports.Filter{
		Scope: scopeOf(c), From: from, To: to,
		Product: c.QueryParam("product"), Segment: c.QueryParam("segment"),
	}
	p.maxLen("product", f.Product, 100)
	p.maxLen("segment", f.Segment, 100)
	owner, team := c.QueryParam("owner"), c.QueryParam("team")
	if owner != "" {
		f.Owners = []string{owner}
	}
	if team != "" {
		members, err := models.TeamOf(c.Request().Context(), s.DB, team)
		if err != nil {
			return f, err
		}
		members = append(members, team)
		switch {
		case owner == "":
			f.Owners = members
		case !slices.Contains(members, owner):
			p.add("owner", "is not in team "+team)
		}
	}
	return f, nil
}

// tabular is a report that also has a CSV form.
type tabular interface{ Table() reports.Table }

// respond answers a report as JSON or, when the caller accepts text/csv
// (and not JSON first), as a CSV file named name.csv.
func respond(c echo.Context, name string, report any, table reports.Table) error {
	if !wantsCSV(c.Request().Header.Get(echo.HeaderAccept)) {
		return c.JSON(http.StatusOK, report)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	if err := w.Write(table.Header); err != nil {
		return err
	}
	return w.WriteAll(table.Rows)
}

// wantsCSV reports whether an Accept header prefers text/csv to JSON: it
// names text/csv before any JSON type.
func wantsCSV(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "text/csv":
			return true
		case echo.MIMEApplicationJSON, "*/*", "application/*":
			return false
		}
	}
	return false
}

// periodReport answers a report over the shared filter.
func periodReport[R tabular](s *server, name string, run func(c echo.Context, f reports.Filter) (R, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := problems{}
		f, err := s.reportFilter(c, p)
		if err != nil {
			return err
		}
		if err := p.err(); err != nil {
			return err
		}
		r, err := run(c, f)
		if err != nil {
			return reportError(err)
		}
		return respond(c, name, r, r.Table())
	}
}

// reportError turns a filter or cursor a report refuses into a 422.
func reportError(err error) error {
	var fe *classify.FilterError
	switch {
	case errors.Is(err, reports.ErrBadFilter):
		return invalidFields(map[string]string{"filter": err.Error()})
	case errors.As(err, &fe):
		return invalidFields(map[string]string{fe.Field: fe.Message})
	}
	return listError(err)
}

func (s *server) funnelReport(c echo.Context, f reports.Filter) (*reports.FunnelReport, error) {
	return reports.Funnel(c.Request().Context(), s.DB, f)
}

func (s *server) lossesReport(c echo.Context, f reports.Filter) (*reports.LossesReport, error) {
	return reports.Losses(c.Request().Context(), s.DB, f)
}

func (s *server) kpiReport(c echo.Context, f reports.Filter) (*reports.KPIReport, error) {
	return reports.KPI(c.Request().Context(), s.DB, f)
}

// stuckReport lists the open deals idle for longer than the current
// policy's contact interval, counted back from now in its units on the
// policy's calendar.
func (s *server) stuckReport(c echo.Context, f reports.Filter) (*reports.StuckReport, error) {
	doc, err := s.currentPolicy(c)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	idle := now.Sub(doc.Deal.ContactInterval.Neg().AddTo(now, doc.Calendar))
	return reports.Stuck(c.Request().Context(), s.DB, f, now, idle)
}

// pageFilter reads the shared filter and the page size of a paged report.
func (s *server) pageFilter(c echo.Context) (reports.Filter, int, error) {
	p := problems{}
	f, err := s.reportFilter(c, p)
	if err != nil {
		return f, 0, err
	}
	limit := limitParam(c, p)
	return f, limit, p.err()
}

// roadmapReport pages through the clients' road map (limit, cursor).
func (s *server) roadmapReport(c echo.Context) error {
	f, limit, err := s.pageFilter(c)
	if err != nil {
		return err
	}
	r, err := reports.Roadmap(c.Request().Context(), s.DB, f, limit, c.QueryParam("cursor"))
	if err != nil {
		return reportError(err)
	}
	return respond(c, "roadmap", r, r.Table())
}

// clientsReport pages through the stored client categories and classes
// (category, abc, xyz, limit, cursor) with the counts of the whole
// selection.
func (s *server) clientsReport(c echo.Context) error {
	f, limit, err := s.pageFilter(c)
	if err != nil {
		return err
	}
	r, err := classify.Report(c.Request().Context(), s.DB, classify.ReportFilter{
		Scope: f.Scope, Owners: f.Owners, Segment: f.Segment,
		Category: c.QueryParam("category"), ABC: c.QueryParam("abc"), XYZ: c.QueryParam("xyz"),
		Limit: limit, Cursor: c.QueryParam("cursor"),
	})
	if err != nil {
		return reportError(err)
	}
	return respond(c, "clients", r, reports.Table(r.Table()))
}

// clientClassHistory answers GET /reports/clients/{id}/history: how the
// client's category and classes changed, run by run; a client the caller
// cannot see is a 404.
func (s *server) clientClassHistory(c echo.Context) error {
	rows, err := classify.History(c.Request().Context(), s.DB, scopeOf(c), c.Param("id"))
	if err != nil {
		return notFoundOr(err, objClient)
	}
	out := classHistory{Items: make([]classify.ClassChange, 0, len(rows))}
	for _, r := range rows {
		out.Items = append(out.Items, classify.ClassChange{AsOf: r.AsOf.UTC(), Owner: r.Owner, Category: r.Category, ABC: r.ABC, XYZ: r.XYZ})
	}
	return c.JSON(http.StatusOK, out)
}

// classHistory is the answer of GET /reports/clients/{id}/history.
type classHistory = list[classify.ClassChange]
