// Command server runs the salesflow HTTP API against the Temporal service at
// TEMPORAL_ADDRESS and the read model at DATABASE_URL (or the embedded
// store). It stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"log/slog"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/config"
)

func main() { app.Main("server", run) }

func run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	c, db, err := app.Connect(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer c.Close()
	e, err := app.API(cfg, c, db, logger)
	if err != nil {
		return err
	}
	return api.Serve(ctx, e, cfg.HTTPAddr, logger)
}
