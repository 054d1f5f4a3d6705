// Command worker runs the salesflow Temporal worker: deal workflows and the
// activities that keep the read model and deliver notifications. Run as many
// as load needs; they share nothing but Temporal and the database.
package main

import (
	"context"
	"log/slog"
	"os"

	"go.temporal.io/sdk/worker"

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
	if err := run(cfg, logger); err != nil {
		logger.Error("worker stopped", "err", err)
		os.Exit(1)
	}
}

func run(cfg config.Config, logger *slog.Logger) error {
	db, err := app.Store(context.Background(), cfg)
	if err != nil {
		return err
	}
	c, err := app.Dial(cfg, logger)
	if err != nil {
		return err
	}
	defer c.Close()
	logger.Info("worker starting", "task_queue", cfg.TaskQueue, "temporal", cfg.TemporalAddress)
	return app.NewWorker(c, cfg, db).Run(worker.InterruptCh())
}
