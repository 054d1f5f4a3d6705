package app

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/testdb"
)

// While PostgreSQL and Temporal are unreachable Connect waits, logging
// each and the next attempt, until STARTUP_TIMEOUT; a wrong setting that
// no wait can fix fails at once.
func TestConnectWaitsForDependencies(t *testing.T) {
	pg, err := url.Parse(testdb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := testdb.NewProxy(t, pg.Host)
	proxy.Down()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	cfg := config.Config{DatabaseURL: proxy.Via(testdb.EmptyPostgres(t)), TemporalAddress: "127.0.0.1:1",
		TemporalNamespace: "default", StartupTimeout: 4 * time.Second}
	start := time.Now()
	_, err = Connect(context.Background(), cfg, logger)
	if err == nil || !strings.Contains(err.Error(), "STARTUP_TIMEOUT") || time.Since(start) < time.Second {
		t.Fatalf("Connect with nothing reachable: %v after %s", err, time.Since(start))
	}
	for _, dep := range []string{`"dependency":"database"`, `"dependency":"temporal"`, `"next_attempt_in":"1s"`, `"next_attempt_in":"2s"`} {
		if !strings.Contains(logs.String(), dep) {
			t.Errorf("the wait log lacks %s:\n%s", dep, logs.String())
		}
	}

	wrong := *pg
	wrong.User = url.User("no_such_role_" + strings.ReplaceAll(t.Name(), "/", "_"))
	cfg.DatabaseURL, cfg.StartupTimeout = wrong.String(), 0
	start = time.Now()
	if _, err := Connect(context.Background(), cfg, logger); err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Connect with a wrong role: %v after %s, want a failure at once", err, time.Since(start))
	}
}
