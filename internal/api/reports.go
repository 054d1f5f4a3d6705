package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

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

// complaintReport answers GET /reports/complaints?from=&to= with the
// figures of the complaints in the caller's scope registered in [from, to); to defaults to now,
// from to 30 days before to.
func (s *server) complaintReport(c echo.Context) error {
	p := problems{}
	to := timeParam(c, p, "to", time.Now().UTC())
	from := timeParam(c, p, "from", to.Add(-reportPeriod))
	if len(p) == 0 && !from.Before(to) {
		p.add("from", "must be before to")
	}
	if err := p.err(); err != nil {
		return err
	}
	stats, err := models.ComplaintReport(c.Request().Context(), s.DB, scopeOf(c), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, stats)
}
