// Command salesflow runs the whole product on one machine for development
// and demos: a Temporal dev server with its Web UI (the pinned CLI that
// `make run` builds into bin/), the worker and the API server, keeping the
// read model in the embedded store unless DATABASE_URL is set. The demo
// staff and their tokens are always seeded.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"go.temporal.io/sdk/testsuite"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/config"
)

func main() {
	app.Main("salesflow", func(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
		cfg.SeedDemo = true
		return run(ctx, cfg, logger)
	})
}

func run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	fmt.Println("salesflow: " + webURL(cfg.HTTPAddr))
	if cfg.TemporalCLI == "" {
		return fmt.Errorf("TEMPORAL_CLI is not set: start with `make run`, which builds the pinned CLI")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return err
	}
	opts := app.ClientOptions(cfg, logger)
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  cfg.TemporalCLI,
		ClientOptions: &opts,
		DBFilename:    filepath.Join(cfg.DataDir, "temporal.db"),
		EnableUI:      true,
		UIPort:        cfg.TemporalUIPort,
		LogLevel:      "error",
	})
	if err != nil {
		return fmt.Errorf("start the Temporal dev server (%s): %w", cfg.TemporalCLI, err)
	}
	defer func() { _ = srv.Stop() }()

	db, err := app.Store(ctx, cfg)
	if err != nil {
		return err
	}
	env := app.Env{Config: cfg, Logger: logger, Temporal: srv.Client(), DB: db}
	defer env.Close()
	w, err := app.StartWorker(ctx, env)
	if err != nil {
		return err
	}
	defer w.Stop()
	e, err := app.API(env)
	if err != nil {
		return err
	}
	app.ServeMetrics(ctx, cfg, app.Metrics(env), logger)
	banner(cfg)
	return api.Serve(ctx, e, cfg.HTTPAddr, logger)
}

// webURL is the web app's URL on this machine for the listen address
// addr (":8080", "0.0.0.0:8080", "127.0.0.1:8080").
func webURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func banner(cfg config.Config) {
	web := webURL(cfg.HTTPAddr)
	metricsURL := web
	if cfg.MetricsAddr != "" {
		metricsURL = webURL(cfg.MetricsAddr)
	}
	store := "embedded SQLite at " + cfg.StoreURL()
	if cfg.DatabaseURL != "" {
		store = "PostgreSQL (DATABASE_URL)"
	}
	fmt.Printf(`
salesflow is running
  Web app        %s   (sign in with a demo token below)
  API            %sapi/v1   (OpenAPI: /api/v1/openapi.json)
  Temporal UI    http://localhost:%s   (deals searchable: CaseStage = "offer" AND CaseOwner = "alice")
  Metrics        %smetrics   (Prometheus)
  Temporal       %s (namespace %s)
  Read model     %s

Demo identities (Authorization: Bearer <token>):
  alice  sales, managed by maria   dev-alice
  bob    sales, managed by maria   dev-bob
  maria  manager                   dev-maria
  admin  admin                     dev-admin

Try:  curl -s -H 'Authorization: Bearer dev-alice' %sapi/v1/policy
Stop with Ctrl-C.
`, web, web, cfg.TemporalUIPort, metricsURL, cfg.TemporalAddress, cfg.TemporalNamespace, store, web)
}
