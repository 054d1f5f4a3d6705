package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/casework"
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

// Gate is the HTTP handler of an API server that listens before its
// dependencies are reachable: until Open it answers /healthz 200 (the
// process is alive), /readyz 503 naming the dependencies it waits for, and
// every other request 503 unavailable with Retry-After; then it hands every
// request to the API. Its zero value is closed and waits for nothing named.
type Gate struct {
	api     atomic.Pointer[http.Handler]
	waiting atomic.Pointer[[]string]
}

// Waiting names the dependencies the server still waits for, for /readyz.
func (g *Gate) Waiting(deps []string) { g.waiting.Store(&deps) }

// Open hands every request from now on to h.
func (g *Gate) Open(h http.Handler) { g.api.Store(&h) }

// ServeHTTP serves the request: by the API once the gate is open.
func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := g.api.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.Header().Set(echo.HeaderCacheControl, "no-store")
	w.Header().Set(echo.HeaderXContentTypeOptions, "nosniff")
	if r.URL.Path == "/healthz" {
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(statusJSON{Status: "ok"})
		return
	}
	var deps []string
	if d := g.waiting.Load(); d != nil {
		deps = *d
	}
	e := fail(http.StatusServiceUnavailable, casework.CodeUnavailable, "the server is starting; try again")
	if r.URL.Path == "/readyz" {
		what := "its dependencies"
		if len(deps) > 0 {
			what = strings.Join(deps, ", ")
		}
		e.Message = "not ready: starting, waiting for " + what
		e.Details = &details{Dependencies: deps}
	}
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = json.NewEncoder(w).Encode(errorBody{Error: e})
}
