// Command loadtest is salesflow's load harness (`make load`): it starts a
// stack of its own — the pinned Temporal dev server, a fresh PostgreSQL
// database, and the worker and API server as separate processes — or
// targets a running one (-api), and measures the API against bare
// Temporal on the same server in one run: deal creation against
// update-with-start, an action against UpdateWorkflow, a whole deal
// against as many bare requests, then the read model's freshness, the
// worker's memory with many open deals and the lag of control points'
// notices. It prints a table (and -json writes the report) with ops/s,
// p50 and p99, the API/bare ratios of adjacent phases, the goals
// and the load average at start and end. See docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is the harness's configuration: the stack it targets or starts,
// and the size of each phase.
type config struct {
	// Targeted stack (-api set): Temporal, the API, the read model, and
	// optionally the worker's PID for its memory and CPU.
	temporal, namespace, apiURL, dbURL string
	workerPID                          int
	// token is the staff token the API is driven with: an admin's, for
	// the per-deal policy overrides.
	token string
	// Own stack: the Temporal CLI, the PostgreSQL server its database is
	// created on, the module root the worker and server are built from.
	cli, postgres, src string
	// cluster starts a real Temporal cluster instead of the dev server.
	cluster bool

	clients   int
	phase     time.Duration // each throughput phase
	dealPhase time.Duration // each whole-deal phase
	settle    time.Duration // pause between phases
	open      int           // open deals of the memory phase
	reminders int           // deals of the reminder phase
	lead      time.Duration // from a reminder deal's opening to its due time
	spread    float64       // reminder deals due a second in the spread phase; 0 skips it
	phases    string        // comma-separated phase groups to run, or "all"
	jsonOut   string
}

// env is the environment variable name, or def when unset.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parseFlags reads the configuration from the command line (defaults
// from the environment, then make load's sizes).
func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.StringVar(&c.apiURL, "api", env("LOAD_API_URL", ""), "base URL of a running API server to target (env LOAD_API_URL); empty starts a stack of its own")
	fs.StringVar(&c.temporal, "temporal", env("TEMPORAL_ADDRESS", "localhost:7233"), "Temporal frontend of the targeted stack (env TEMPORAL_ADDRESS)")
	fs.StringVar(&c.namespace, "namespace", env("TEMPORAL_NAMESPACE", "default"), "Temporal namespace of the targeted stack (env TEMPORAL_NAMESPACE)")
	fs.StringVar(&c.dbURL, "db", env("DATABASE_URL", ""), "PostgreSQL read model of the targeted stack (env DATABASE_URL)")
	fs.IntVar(&c.workerPID, "worker-pid", 0, "PID of the targeted stack's worker, for its memory and CPU (optional)")
	fs.StringVar(&c.token, "token", env("LOAD_TOKEN", "dev-admin"), "an admin's API token (env LOAD_TOKEN)")
	fs.StringVar(&c.cli, "temporal-cli", env("TEMPORAL_CLI", ""), "the pinned Temporal CLI the own stack's dev server runs (env TEMPORAL_CLI)")
	fs.StringVar(&c.postgres, "postgres", env("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server the own stack's database is created on and dropped from (env LOAD_POSTGRES_URL)")
	fs.BoolVar(&c.cluster, "cluster", false, "own stack: run a Temporal cluster on PostgreSQL (frontend, history, matching and worker processes) instead of the dev server; needs TEMPORAL_SERVER and TEMPORAL_SQL_TOOL (make load-cluster)")
	fs.StringVar(&c.src, "src", ".", "module root the own stack's worker and server are built from")
	fs.IntVar(&c.clients, "c", 16, "concurrent clients")
	fs.DurationVar(&c.phase, "phase", 15*time.Second, "duration of each throughput phase (bare and API)")
	fs.DurationVar(&c.dealPhase, "deal-phase", 30*time.Second, "duration of each whole-deal phase")
	fs.DurationVar(&c.settle, "settle", 2*time.Second, "pause between phases")
	fs.IntVar(&c.open, "open", 10000, "open deals of the memory phase")
	fs.IntVar(&c.reminders, "reminders", 200, "deals of the reminder phase")
	fs.DurationVar(&c.lead, "lead", 30*time.Second, "the reminder burst: from its start to the second all its deals fall due; the spread: from each deal's opening to its due time (whole seconds)")
	fs.Float64Var(&c.spread, "spread", 20, "reminder deals opened, and falling due, a second in the spread reminder phase (0 skips it)")
	fs.StringVar(&c.phases, "phases", "all", "phase groups to run, comma-separated: create, action, deal, fresh, open, reminder (or all)")
	fs.StringVar(&c.jsonOut, "json", "", "also write the report as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.apiURL != "" && c.dbURL == "" {
		return c, fmt.Errorf("-api needs -db (the read model's PostgreSQL URL)")
	}
	if c.clients < 1 || c.open < 1 || c.reminders < 1 || c.lead < time.Second || c.spread < 0 {
		return c, fmt.Errorf("-c, -open and -reminders must be at least 1, -lead at least 1s, -spread not negative")
	}
	for _, g := range strings.Split(c.phases, ",") {
		if !slices.Contains(phaseGroups, g) && g != "all" {
			return c, fmt.Errorf("-phases: unknown group %q (want %s or all)", g, strings.Join(phaseGroups, ", "))
		}
	}
	src, err := filepath.Abs(c.src)
	c.src = src
	return c, err
}

// phaseGroups are the groups of phases -phases selects from, in the order
// they run.
var phaseGroups = []string{"create", "action", "deal", "fresh", "open", "reminder"}

// runs reports whether the run includes phase group g.
func (c config) runs(g string) bool {
	gs := strings.Split(c.phases, ",")
	return slices.Contains(gs, "all") || slices.Contains(gs, g)
}

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg)
	if rep != nil {
		rep.printTable(os.Stdout)
		if cfg.jsonOut != "" {
			err = errors.Join(err, rep.writeJSON(cfg.jsonOut))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		stop()
		os.Exit(1)
	}
}
