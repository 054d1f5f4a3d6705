// Package app wires the salesflow processes from their configuration: the
// structured logger, the Temporal client, the read model and the worker. The
// worker and API server commands and the all-in-one dev runner share it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/config"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// Logger returns a JSON slog logger at the configured level and makes it
// the default logger.
func Logger(cfg config.Config) *slog.Logger {
	l := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(l)
	return l
}

// ClientOptions are the Temporal client options for the configuration.
func ClientOptions(cfg config.Config, logger *slog.Logger) client.Options {
	return client.Options{
		HostPort:  cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace,
		Logger:    tlog.NewStructuredLogger(logger),
	}
}

// Dial connects to Temporal.
func Dial(cfg config.Config, logger *slog.Logger) (client.Client, error) {
	c, err := client.Dial(ClientOptions(cfg, logger))
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// Store opens (and migrates) the read model, seeding the demo staff when
// configured to.
func Store(ctx context.Context, cfg config.Config) (*gorm.DB, error) {
	db, err := models.Open(cfg.StoreURL())
	if err != nil {
		return nil, err
	}
	if cfg.SeedDemo {
		if err := models.SeedDemo(ctx, db); err != nil {
			return nil, fmt.Errorf("seed demo staff: %w", err)
		}
	}
	return db, nil
}

// NewWorker returns a worker that runs deal workflows and the read-model
// and notification activities on the configured task queue.
func NewWorker(c client.Client, cfg config.Config, db *gorm.DB) worker.Worker {
	w := worker.New(c, cfg.TaskQueue, worker.Options{})
	w.RegisterWorkflow(workflows.Deal)
	w.RegisterActivity(&activities.Activities{DB: db})
	return w
}
