// Command worker runs the salesflow Temporal worker: deal workflows and the
// activities that keep the read model and deliver notifications. Run as many
// as load needs; they share nothing but Temporal and the database. It stops
// gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"log/slog"

	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/config"
)

func main() { app.Main("worker", run) }

func run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	c, db, err := app.Connect(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := app.EnsureSchedules(ctx, c, cfg); err != nil {
		return err
	}
	w := app.NewWorker(c, cfg, db)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	logger.Info("worker started", "task_queue", cfg.TaskQueue, "temporal", cfg.TemporalAddress)
	<-ctx.Done()
	return nil
}
