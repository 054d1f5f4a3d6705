// Command temporalcluster runs salesflow's Temporal cluster on PostgreSQL
// (package temporalcluster): `make cluster` runs `temporalcluster up`,
// which creates or migrates the schema, starts the frontend, history,
// matching and worker processes, creates the namespace, registers the case
// search attributes on it and keeps them running until Ctrl-C. `temporalcluster schema` only creates or migrates
// the schema, `temporalcluster drop` drops the cluster's two databases.
// Settings come from the environment (README, "A Temporal cluster").
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/temporalcluster"
)

// startTimeout bounds the start of the processes and the namespace.
const startTimeout = 2 * time.Minute

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "temporalcluster:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := temporalcluster.FromEnv()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	command := "up"
	if len(os.Args) > 1 {
		command = os.Args[1]
	}
	switch command {
	case "up":
		return up(ctx, cfg)
	case "schema":
		return cfg.CreateSchema(ctx)
	case "drop":
		return cfg.DropSchema(ctx)
	}
	return fmt.Errorf("unknown command %q: use up, schema or drop", command)
}

// up runs the cluster until ctx is done or one of its processes exits.
func up(ctx context.Context, cfg temporalcluster.Config) error {
	if err := cfg.CreateSchema(ctx); err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	c, err := temporalcluster.Up(startCtx, cfg)
	if err != nil {
		return err
	}
	defer c.Stop()
	if err := app.RegisterSearchAttributes(startCtx, c.Frontend(), cfg.Namespace); err != nil {
		return err
	}
	fmt.Printf(`
Temporal cluster is running: frontend, history, matching and worker processes
  Frontend      %s   (TEMPORAL_ADDRESS=%s, namespace %s)
  Databases     %s and %s on %s:%d (PostgreSQL)
  Logs          %s/<service>.log

Run salesflow against it:  TEMPORAL_ADDRESS=%s DATABASE_URL=postgres://… make worker  (and make server)
Stop with Ctrl-C.
`, c.Frontend(), c.Frontend(), cfg.Namespace, cfg.DB.Name, cfg.DB.VisibilityName, cfg.DB.Host, cfg.DB.Port, cfg.LogDir, c.Frontend())
	select {
	case <-ctx.Done():
		fmt.Println("stopping the Temporal cluster")
		return nil
	case err := <-c.Exited():
		return err
	}
}
