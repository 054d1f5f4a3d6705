// Command server runs the salesflow HTTP API against the Temporal service at
// TEMPORAL_ADDRESS and the read model at DATABASE_URL (or the embedded
// store). It stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/salesflow/salesflow/api"
	"github.com/salesflow/salesflow/app"
	"github.com/salesflow/salesflow/config"
)

func main() {
	cfg, err := config.Load()
	if err != nil {
		slog.Error("configuration", "err", err)
		os.Exit(2)
	}
	logger := app.Logger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, logger); err != nil {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	policy, err := cfg.Policy()
	if err != nil {
		return err
	}
	db, err := app.Store(ctx, cfg)
	if err != nil {
		return err
	}
	c, err := app.Dial(cfg, logger)
	if err != nil {
		return err
	}
	defer c.Close()
	e := api.New(api.Deps{Temporal: c, DB: db, Policy: policy, TaskQueue: cfg.TaskQueue, Logger: logger})
	return api.Serve(ctx, e, cfg.HTTPAddr, logger)
}
