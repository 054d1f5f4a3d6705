// Package clustertest runs salesflow against a real Temporal cluster — the
// pinned server as separate frontend, history, matching and worker
// processes on PostgreSQL (package temporalcluster) — with two salesflow
// workers and two API servers, each with its own Temporal client, and
// kills the history process in the middle of the run.
package clustertest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/temporalcluster"
	"github.com/salesflow/salesflow/internal/testdb"
)

// clusterConfig is a cluster of its own for the test: the binaries named by
// TEMPORAL_SERVER, TEMPORAL_SQL_TOOL and TEMPORAL_CLI (the test fails when
// one is missing), the repository's configuration template, free ports and
// two fresh databases on the test PostgreSQL server, dropped when the test
// ends.
func clusterConfig(t *testing.T) temporalcluster.Config {
	t.Helper()
	pg, err := url.Parse(testdb.URL())
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	pgPort, _ := strconv.Atoi(pg.Port())
	if pgPort == 0 {
		pgPort = 5432
	}
	password, _ := pg.User.Password()
	base := temporalcluster.Config{
		Server: os.Getenv("TEMPORAL_SERVER"), SQLTool: os.Getenv("TEMPORAL_SQL_TOOL"), CLI: os.Getenv("TEMPORAL_CLI"),
		ConfigDir: filepath.Join("..", "..", "deploy", "temporal", "config"),
		LogDir:    t.TempDir(),
		DB:        temporalcluster.DB{Host: pg.Hostname(), Port: pgPort, User: pg.User.Username(), Password: password},
		Shards:    4, Namespace: "default", LogLevel: "warn",
	}
	cfg, err := temporalcluster.Throwaway(base, "temporal_ct")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Check(); err != nil {
		t.Fatalf("the cluster test needs the pinned Temporal binaries; run it with `make cluster-test` "+
			"(or `make test`), which builds them into bin/: %v", err)
	}
	return cfg
}

// startCluster creates the cluster's schema and starts it; the cluster is
// stopped and its databases dropped when the test ends, and the tail of
// each process's log is shown when the test failed.
func startCluster(t *testing.T, cfg temporalcluster.Config) *temporalcluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := cfg.DropSchema(ctx); err != nil {
			t.Errorf("drop the cluster's databases: %v", err)
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			showLogs(t, cfg.LogDir)
		}
	})
	if err := cfg.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := temporalcluster.Up(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

// showLogs logs the last lines of each server process's log.
func showLogs(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		t.Logf("---- last lines of %s ----\n%s", filepath.Base(f), strings.Join(lines[max(0, len(lines)-20):], "\n"))
	}
}

// quiet is the logger of the test's salesflow processes: their warnings
// while the history process is down are expected.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// dial connects a new Temporal client to the cluster, as each salesflow
// process has its own.
func dial(t *testing.T, cfg config.Config) client.Client {
	t.Helper()
	c, err := app.Dial(cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// startWorker starts a salesflow worker with its own Temporal client and
// database connections, after registering the case search attributes as
// every worker does on start.
func startWorker(t *testing.T, cfg config.Config, dbURL string) {
	t.Helper()
	c := dial(t, cfg)
	if err := app.EnsureSearchAttributes(context.Background(), c, cfg.TemporalNamespace); err != nil {
		t.Fatal(err)
	}
	w := app.NewWorker(c, cfg, testdb.Open(t, dbURL))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

// startAPI starts a salesflow API server with its own Temporal client and
// database connections, serving the policy document pol, and returns its
// URL.
func startAPI(t *testing.T, cfg config.Config, dbURL string, pol policy.Document) string {
	t.Helper()
	deps := api.Deps{Temporal: dial(t, cfg), DB: testdb.Open(t, dbURL), Policy: pol, TaskQueue: cfg.TaskQueue, Logger: quiet}
	ts := httptest.NewServer(api.New(deps))
	t.Cleanup(ts.Close)
	return ts.URL
}

// fastOffers is the deployment's policy of the test: an offer expires 3 s
// after it is issued, with a reminder 2 s before and no grace, so every
// deal's offer raises a reminder, an overdue notice and an escalation (the
// effects whose duplicates the test looks for); every day is a working
// day, so nothing moves to a Monday.
func fastOffers() policy.Document {
	doc := policy.Default()
	doc.Calendar.Weekend = []string{}
	doc.Deal.OfferValidity = casework.Exact(3 * time.Second)
	doc.Deal.Points[deal.PointOfferValidity] = casework.PointPolicy{Reminders: []casework.Duration{casework.Exact(2 * time.Second)}}
	return doc
}
