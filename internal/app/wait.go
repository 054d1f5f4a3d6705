package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/config"
)

// Waiting for the dependencies at start: the first retry comes after
// waitMin, each next one after twice as long, at most waitMax.
const (
	waitMin = time.Second
	waitMax = 30 * time.Second
)

// Connect opens the read model and connects to Temporal: what the worker
// and the API server both need. While either is unreachable (see
// api.Unavailable) it waits, with backoff, logging what is unreachable and
// when the next attempt comes, until both answer, ctx is done or, when
// set, cfg.StartupTimeout has passed; any other failure (a wrong password,
// an unknown namespace) is returned at once. The caller closes the Env.
func Connect(ctx context.Context, cfg config.Config, logger *slog.Logger) (Env, error) {
	return connect(ctx, cfg, logger, func([]string) {})
}

// connect is Connect telling waiting, before each wait, which dependencies
// are unreachable.
func connect(ctx context.Context, cfg config.Config, logger *slog.Logger, waiting func(deps []string)) (Env, error) {
	env := Env{Config: cfg, Logger: logger}
	start := time.Now()
	for wait, attempt := waitMin, 1; ; wait, attempt = min(2*wait, waitMax), attempt+1 {
		deps, errs, err := env.open(ctx)
		switch {
		case err != nil:
			env.Close()
			return Env{}, err
		case len(deps) == 0:
			return env, nil
		case cfg.StartupTimeout > 0 && time.Since(start)+wait > cfg.StartupTimeout:
			env.Close()
			return Env{}, fmt.Errorf("still unreachable after STARTUP_TIMEOUT=%s: %w", cfg.StartupTimeout, errors.Join(errs...))
		}
		waiting(deps)
		for i, dep := range deps {
			logger.Warn("waiting for a dependency", "dependency", dep, "error", errs[i].Error(),
				"attempt", attempt, "next_attempt_in", wait.String())
		}
		select {
		case <-ctx.Done():
			env.Close()
			return Env{}, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// open opens what env still lacks of the read model ("database") and the
// Temporal client ("temporal"). It returns the dependencies that are
// unreachable with their errors, or err for any other failure.
func (e *Env) open(ctx context.Context) (deps []string, errs []error, err error) {
	check := func(dep string, failure error) error {
		if failure != nil && api.Unavailable(failure) {
			deps, errs = append(deps, dep), append(errs, failure)
			return nil
		}
		return failure
	}
	if e.DB == nil {
		db, failure := Store(ctx, e.Config)
		if err := check("database", failure); err != nil {
			return nil, nil, err
		}
		e.DB = db
	}
	if e.Temporal == nil {
		c, failure := Dial(e.Config, e.Logger)
		if err := check("temporal", failure); err != nil {
			return nil, nil, err
		}
		e.Temporal = c
	}
	return deps, errs, nil
}
