// Package app wires the salesflow processes from their configuration: the
// structured logger, the Temporal client, the read model and the worker. The
// worker and API server commands and the all-in-one dev runner share it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/internal/telemetry"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/web"
	"github.com/salesflow/salesflow/workflows"
)

// Logger returns a JSON slog logger at the configured level, whose records
// carry the trace_id and span_id of the span in their context, and makes
// it the default logger.
func Logger(cfg config.Config) *slog.Logger {
	l := slog.New(telemetry.LogHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))
	slog.SetDefault(l)
	return l
}

// ClientOptions are the Temporal client options for the configuration,
// with the SDK's metrics and tracing (telemetry.Instrument, with
// OpenTelemetry's global tracer provider that telemetry.Setup installs).
func ClientOptions(cfg config.Config, logger *slog.Logger) client.Options {
	o := client.Options{
		HostPort:  cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace,
		Logger:    tlog.NewStructuredLogger(logger),
	}
	telemetry.Instrument(&o, otel.GetTracerProvider())
	return o
}

// Dial connects to Temporal.
func Dial(cfg config.Config, logger *slog.Logger) (client.Client, error) {
	c, err := client.Dial(ClientOptions(cfg, logger))
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// Env is what a salesflow process runs on: its configuration and logger,
// the Temporal client and the read model.
type Env struct {
	Config   config.Config
	Logger   *slog.Logger
	Temporal client.Client
	DB       *gorm.DB
}

// Close closes the Temporal client and the read model, those opened.
func (e Env) Close() {
	if e.Temporal != nil {
		e.Temporal.Close()
	}
	if e.DB != nil {
		closeStore(e.DB)
	}
}

// closeStore closes the read model's connections.
func closeStore(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

// Store opens (and migrates) the read model, creates the indexes the
// reports need, and seeds the demo staff or the first admin when
// configured to.
func Store(ctx context.Context, cfg config.Config) (*gorm.DB, error) {
	db, err := models.Open(cfg.StoreURL())
	if err != nil {
		return nil, err
	}
	if err := models.Locked(db.WithContext(ctx), reports.EnsureIndexes); err != nil {
		return nil, err
	}
	if cfg.SeedDemo {
		if err := models.SeedDemo(ctx, db); err != nil {
			return nil, fmt.Errorf("seed demo staff: %w", err)
		}
	}
	if cfg.BootstrapAdmin != "" {
		if err := models.EnsureAdmin(ctx, db, cfg.BootstrapAdmin, cfg.BootstrapToken()); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// NewWorker returns a worker that runs the deal, complaint, digest and
// classification workflows and the read-model, delivery and classification
// activities (with the e-mail and webhook channels the configuration turns
// on, and the configured classification parameters) on the configured task
// queue, sized by cfg.Worker (see WorkerOptions). The read-model sync runs
// as a local activity of the same registration. The namespace must have the
// case search attributes first (EnsureSearchAttributes, which StartWorker
// calls): without them every case's workflow task fails with
// BadSearchAttributes once it upserts them.
func NewWorker(c client.Client, cfg config.Config, db *gorm.DB) worker.Worker {
	if cfg.Worker.StickyCache > 0 {
		worker.SetStickyWorkflowCacheSize(cfg.Worker.StickyCache)
	}
	w := worker.New(c, cfg.TaskQueue, WorkerOptions(cfg.Worker))
	w.RegisterWorkflow(workflows.Deal)
	w.RegisterWorkflow(workflows.Complaint)
	w.RegisterWorkflow(workflows.Digest)
	w.RegisterWorkflow(workflows.Classification)
	w.RegisterWorkflow(workflows.Programme)
	w.RegisterWorkflow(workflows.Survey)
	w.RegisterWorkflow(workflows.SatisfactionSweep)
	w.RegisterWorkflow(workflows.KeyAccountReview)
	email, hook := cfg.Channels()
	w.RegisterActivity(&activities.Activities{DB: db, Email: email, Webhook: hook, Classify: cfg.Classify,
		Documents: documents.Open(cfg.DocumentStore, db)})
	w.RegisterActivity(surveyActivities(cfg, db))
	return w
}

// WorkerOptions are the worker options of the tuning t (its sticky cache
// size is process-wide and set apart); a zero field keeps the SDK's
// default.
func WorkerOptions(t config.WorkerTuning) worker.Options {
	return worker.Options{
		MaxConcurrentWorkflowTaskPollers:        t.WorkflowPollers,
		MaxConcurrentActivityTaskPollers:        t.ActivityPollers,
		MaxConcurrentWorkflowTaskExecutionSize:  t.MaxWorkflowTasks,
		MaxConcurrentActivityExecutionSize:      t.MaxActivities,
		MaxConcurrentLocalActivityExecutionSize: t.MaxLocalActivities,
		StickyScheduleToStartTimeout:            t.StickyTimeout,
	}
}

// StartWorker ensures the case search attributes (see
// EnsureSearchAttributes) and the schedules (see EnsureSchedules) and
// starts a worker (see NewWorker) on env; the caller stops it.
func StartWorker(ctx context.Context, env Env) (worker.Worker, error) {
	if err := EnsureSearchAttributes(ctx, env.Temporal, env.Config.TemporalNamespace); err != nil {
		return nil, err
	}
	if err := EnsureSchedules(ctx, env.Temporal, env.Config); err != nil {
		return nil, err
	}
	w := NewWorker(env.Temporal, env.Config, env.DB)
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	env.Logger.Info("worker started", "task_queue", env.Config.TaskQueue, "temporal", env.Config.TemporalAddress)
	return w, nil
}

// DigestCron is when the daily digest runs: 06:00 UTC, 09:00 in Moscow.
const DigestCron = "0 6 * * *"

// EnsureSchedules creates the Temporal Schedules of the daily digest
// (DigestCron), the nightly client classification (cfg.ClassifyCron) and
// the yearly satisfaction sweep (cfg.SatisfactionCron), or updates them
// to the configuration; every worker calls it on start.
func EnsureSchedules(ctx context.Context, c client.Client, cfg config.Config) error {
	if err := ensureSchedule(ctx, c, workflows.DigestScheduleID, DigestCron, workflows.Digest, cfg.TaskQueue); err != nil {
		return fmt.Errorf("digest schedule: %w", err)
	}
	if err := ensureSchedule(ctx, c, workflows.ClassificationScheduleID, cfg.ClassifyCron, workflows.Classification, cfg.TaskQueue); err != nil {
		return fmt.Errorf("classification schedule: %w", err)
	}
	err := ensureSchedule(ctx, c, workflows.SatisfactionScheduleID, cfg.SatisfactionCron, workflows.SatisfactionSweep, cfg.TaskQueue,
		satisfaction.SweepParams{})
	if err != nil {
		return fmt.Errorf("satisfaction schedule: %w", err)
	}
	return nil
}

// ensureSchedule creates the schedule id running wf (with args) on cron,
// or brings an existing one to this cron, workflow and task queue (so a
// changed cron setting applies from the next worker start); a run still
// going when the next is due makes that one skip. A paused schedule stays
// paused.
func ensureSchedule(ctx context.Context, c client.Client, id, cron string, wf any, taskQueue string, args ...any) error {
	spec := client.ScheduleSpec{CronExpressions: []string{cron}}
	action := &client.ScheduleWorkflowAction{ID: id, Workflow: wf, TaskQueue: taskQueue, Args: args}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: id, Spec: spec, Action: action, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return c.ScheduleClient().GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action = &spec, action
			if s.Policy == nil {
				s.Policy = &client.SchedulePolicies{}
			}
			s.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
}

// Metrics answers GET /metrics for an API server on env: the process's
// metrics and the read model's figures (telemetry.ReadModel).
func Metrics(env Env) http.Handler { return telemetry.Handler(telemetry.ReadModel(env.DB)) }

// API returns the HTTP API for the configuration, with the web app
// (package web) mounted on it, and GET /metrics unless METRICS_ADDR
// moves it to its own listener. The deployment's policy
// document (POLICY_FILE and CALENDAR_FILE over the process's defaults) is
// current until an admin saves a version through the API.
func API(env Env) (*echo.Echo, error) {
	cfg := env.Config
	doc, err := cfg.Policy()
	if err != nil {
		return nil, err
	}
	jwt, err := cfg.Verifier()
	if err != nil {
		return nil, err
	}
	d := api.Deps{
		Temporal: env.Temporal, DB: env.DB, Policy: doc, TaskQueue: cfg.TaskQueue, Logger: env.Logger,
		JWT: jwt, RateLimit: cfg.RateLimit, RateBurst: cfg.RateBurst, IdempotencyTTL: cfg.IdempotencyTTL, TokenCacheTTL: cfg.TokenCacheTTL,
		SessionIdle: cfg.WebSessionIdle, SessionMax: cfg.WebSessionMax,
		Documents: documents.Open(cfg.DocumentStore, env.DB),
	}
	if cfg.MetricsAddr == "" {
		d.Metrics = Metrics(env)
	}
	e := api.New(d)
	web.Mount(e, web.Deps{API: d})
	return e, nil
}

// Serve runs the HTTP API (see API) on the configured address until ctx is
// done. It listens at once and, while it waits for PostgreSQL and Temporal
// (see Connect), answers through an api.Gate: /healthz 200, /readyz and
// everything else 503.
func Serve(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gate := &api.Gate{}
	type started struct {
		env Env
		err error
	}
	done := make(chan started, 1)
	go func() {
		env, err := connect(ctx, cfg, logger, gate.Waiting)
		if err == nil {
			var e *echo.Echo
			if e, err = API(env); err == nil {
				gate.Open(e)
				logger.Info("API ready")
				ServeMetrics(ctx, cfg, Metrics(env), logger)
			} else {
				env.Close()
			}
		}
		if err != nil {
			cancel()
		}
		done <- started{env, err}
	}()
	err := api.Serve(ctx, gate, cfg.HTTPAddr, logger)
	cancel()
	s := <-done
	if s.err == nil {
		s.env.Close()
	} else if !errors.Is(s.err, context.Canceled) {
		err = errors.Join(err, s.err)
	}
	return err
}

// Work runs a worker on env (see StartWorker) until ctx is done, with its
// metrics on METRICS_ADDR when set.
func Work(ctx context.Context, env Env) error {
	w, err := StartWorker(ctx, env)
	if err != nil {
		return err
	}
	defer w.Stop()
	ServeMetrics(ctx, env.Config, telemetry.Handler(), env.Logger)
	<-ctx.Done()
	return nil
}

// ServeMetrics answers GET /metrics with h on METRICS_ADDR, when set,
// until ctx is done; a listener that fails is logged, and the process goes
// on without it.
func ServeMetrics(ctx context.Context, cfg config.Config, h http.Handler, logger *slog.Logger) {
	if cfg.MetricsAddr == "" {
		return
	}
	go func() {
		if err := telemetry.Serve(ctx, cfg.MetricsAddr, h, logger); err != nil {
			logger.Error("metrics listener failed", "addr", cfg.MetricsAddr, "error", err)
		}
	}()
}

// Run is the body of the worker command: Main with the read model and
// Temporal connected (see Connect, which waits for them), closed again when
// run returns.
func Run(name string, run func(ctx context.Context, env Env) error) {
	Main(name, func(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
		env, err := Connect(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer env.Close()
		return run(ctx, env)
	})
}

// flush hands the spans not yet exported to the exporter before the
// process ends.
func flush(shutdown func(context.Context) error, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		logger.Warn("telemetry shutdown", "err", err)
	}
}

// Main is the body of every salesflow command: it loads the configuration,
// sets up logging and tracing (telemetry.Setup), runs run until it returns or SIGINT/SIGTERM cancels its
// context, and exits non-zero on failure.
func Main(name string, run func(ctx context.Context, cfg config.Config, logger *slog.Logger) error) {
	cfg, err := config.Load()
	if err != nil {
		slog.Error("configuration", "err", err)
		os.Exit(2)
	}
	logger := Logger(cfg).With("process", name)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	shutdown, err := telemetry.Setup(ctx, name)
	if err != nil {
		logger.Error("telemetry", "err", err)
		os.Exit(2)
	}
	defer flush(shutdown, logger)
	if err := run(ctx, cfg, logger); err != nil {
		logger.Error("stopped", "err", err)
		stop()
		os.Exit(1)
	}
}
