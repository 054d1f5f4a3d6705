package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/salesflow/salesflow/internal/casework"
	"go.temporal.io/sdk/client"
)

// statusJSON is the answer of the health probes.
type statusJSON struct {
	Status string `json:"status"`
}

// readyTimeout bounds each dependency check of /readyz.
const readyTimeout = 3 * time.Second

// healthz reports that the process serves requests.
func (s *server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, statusJSON{Status: "ok"})
}

// readyz reports whether Temporal and the read model are reachable.
func (s *server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	checks := []struct {
		name  string
		check func(context.Context) error
	}{
		{"temporal", func(ctx context.Context) error {
			_, err := s.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		}},
		{"database", func(ctx context.Context) error {
			sqlDB, err := s.DB.DB()
			if err != nil {
				return err
			}
			return sqlDB.PingContext(ctx)
		}},
	}
	var failing []string
	for _, ch := range checks {
		if err := ch.check(ctx); err != nil {
			logger(c).Warn("not ready", "dependency", ch.name, "error", err)
			failing = append(failing, ch.name)
		}
	}
	if len(failing) > 0 {
		e := fail(http.StatusServiceUnavailable, casework.CodeUnavailable, "not ready: "+strings.Join(failing, ", ")+" unreachable")
		e.Details = &details{Dependencies: failing}
		return e
	}
	return c.JSON(http.StatusOK, statusJSON{Status: "ok"})
}
