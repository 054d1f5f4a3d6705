package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/temporalcluster"
)

// stack is the salesflow the harness loads: Temporal, the API, the read
// model and a staff token, with the processes whose CPU and memory it can
// read.
type stack struct {
	temporal, namespace string
	apiURL, dbURL       string
	token               string
	procs               processes
	// started tells whether the harness started the stack itself, and
	// temporalKind what its Temporal is ("dev server" or "cluster").
	started      bool
	temporalKind string
	// stop stops what the harness started and drops its database.
	stop func()
}

// target is the stack cfg names (with -api), started by someone else.
func target(cfg config) *stack {
	procs := processes{"harness": {os.Getpid()}}
	if cfg.workerPID > 0 {
		procs["worker"] = []int{cfg.workerPID}
	}
	return &stack{
		temporal: cfg.temporal, namespace: cfg.namespace, apiURL: strings.TrimSuffix(cfg.apiURL, "/"),
		dbURL: cfg.dbURL, token: cfg.token, procs: procs, stop: func() {},
	}
}

// launcher starts the pieces of a stack in a temporary folder, undoing
// each on stop in reverse order.
type launcher struct {
	dir   string
	undo  []func()
	procs processes
}

// onStop registers f to run on stop.
func (l *launcher) onStop(f func()) { l.undo = append(l.undo, f) }

// stop undoes everything started, last first.
func (l *launcher) stop() {
	for i := len(l.undo) - 1; i >= 0; i-- {
		l.undo[i]()
	}
	l.undo = nil
}

// startStack starts a stack of its own: the pinned Temporal dev server, a
// fresh PostgreSQL database, and the worker and API server built from the
// source tree as separate processes, the API seeding the demo staff and
// limiting no rate.
func startStack(ctx context.Context, cfg config) (s *stack, err error) {
	dir, err := os.MkdirTemp("", "salesflow-load-")
	if err != nil {
		return nil, err
	}
	l := &launcher{dir: dir, procs: processes{"harness": {os.Getpid()}}}
	l.onStop(func() { _ = os.RemoveAll(dir) })
	defer func() {
		if err != nil {
			l.stop()
		}
	}()
	slog.Info("building the worker and the API server", "src", cfg.src)
	if err := l.build(ctx, cfg.src); err != nil {
		return nil, err
	}
	dbURL, err := l.database(ctx, cfg.postgres)
	if err != nil {
		return nil, err
	}
	temporal, err := l.temporal(ctx, cfg)
	if err != nil {
		return nil, err
	}
	apiURL, err := l.salesflow(ctx, temporal, dbURL)
	if err != nil {
		return nil, err
	}
	return &stack{
		temporal: temporal, namespace: "default", apiURL: apiURL, dbURL: dbURL,
		token: cfg.token, procs: l.procs, started: true, temporalKind: temporalKind(cfg), stop: l.stop,
	}, nil
}

// build compiles ./worker and ./server of the module at src into the
// launcher's folder.
func (l *launcher) build(ctx context.Context, src string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", l.dir+string(filepath.Separator), "./worker", "./server")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./worker ./server in %s: %w\n%s", src, err, out)
	}
	return nil
}

// database creates a fresh database on the PostgreSQL server at admin,
// dropped on stop, and returns its URL.
func (l *launcher) database(ctx context.Context, admin string) (string, error) {
	server, err := url.Parse(admin)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL %q: %w", admin, err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	name := "salesflow_load_" + randomHex(6)
	if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		_ = db.Close()
		return "", fmt.Errorf("create database %s on %s: %w", name, server.Redacted(), err)
	}
	l.onStop(func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(dctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			slog.Error("drop the load test database", "database", name, "err", err)
		}
		_ = db.Close()
	})
	server.Path = "/" + name
	return server.String(), nil
}

// temporal starts the own stack's Temporal: a cluster (-cluster) or the
// dev server.
func (l *launcher) temporal(ctx context.Context, cfg config) (string, error) {
	if cfg.cluster {
		return l.cluster(ctx, cfg)
	}
	return l.devServer(ctx, cfg.cli)
}

// cluster starts a Temporal cluster of its own — frontend, history,
// matching and worker processes of the pinned server (TEMPORAL_SERVER,
// TEMPORAL_SQL_TOOL; make load-cluster sets them) on two new databases
// of the local PostgreSQL (TEMPORAL_DB_* as for make cluster) and free
// ports — and returns its frontend once the namespace serves. Its four
// processes count as "temporal"; stop ends them and drops the databases.
func (l *launcher) cluster(ctx context.Context, cfg config) (string, error) {
	base, err := temporalcluster.FromEnv()
	if err != nil {
		return "", err
	}
	base.CLI, base.LogLevel = cfg.cli, "warn"
	base.ConfigDir = filepath.Join(cfg.src, "deploy", "temporal", "config")
	base.LogDir = filepath.Join(l.dir, "cluster")
	cc, err := temporalcluster.Throwaway(base, "temporal_load")
	if err != nil {
		return "", err
	}
	if err := cc.Check(); err != nil {
		return "", fmt.Errorf("-cluster needs the pinned Temporal binaries (make load-cluster builds them): %w", err)
	}
	if err := cc.CreateSchema(ctx); err != nil {
		return "", err
	}
	l.onStop(func() {
		drop, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := cc.DropSchema(drop); err != nil {
			slog.Warn("drop the cluster's databases", "err", err)
		}
	})
	slog.Info("starting a Temporal cluster", "databases", cc.DB.Name, "logs", cc.LogDir)
	c, err := temporalcluster.Up(ctx, cc)
	if err != nil {
		return "", err
	}
	l.onStop(c.Stop)
	l.procs["temporal"] = c.PIDs()
	return c.Frontend(), app.RegisterSearchAttributes(ctx, c.Frontend(), cc.Namespace)
}

// temporalKind names the Temporal an own stack runs.
func temporalKind(cfg config) string {
	if cfg.cluster {
		return "cluster"
	}
	return "dev server"
}

// devServer starts the pinned Temporal CLI's dev server on a free port of
// 127.0.0.1 with its store in a file, and returns its address once it
// answers.
func (l *launcher) devServer(ctx context.Context, cli string) (string, error) {
	if cli == "" {
		return "", errors.New("no Temporal CLI: set TEMPORAL_CLI (make load does) or -temporal-cli, or target a stack with -api")
	}
	addr, err := freeAddr()
	if err != nil {
		return "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	err = l.spawn(ctx, "temporal", cli, nil, "server", "start-dev", "--ip", host, "--port", port,
		"--headless", "--db-filename", filepath.Join(l.dir, "temporal.db"), "--log-level", "error",
		"--namespace", "default", "--dynamic-config-value", "frontend.enableServerVersionCheck=false")
	if err != nil {
		return "", err
	}
	err = waitFor(ctx, "the Temporal dev server at "+addr, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
	return addr, l.withLog("temporal", err)
}

// salesflow starts the API server (which migrates the read model and
// seeds the demo staff) and, once it is ready, the worker; it returns the
// API's base URL.
func (l *launcher) salesflow(ctx context.Context, temporal, dbURL string) (string, error) {
	addr, err := freeAddr()
	if err != nil {
		return "", err
	}
	env := []string{
		"TEMPORAL_ADDRESS=" + temporal, "TEMPORAL_NAMESPACE=default", "TASK_QUEUE=salesflow",
		"DATABASE_URL=" + dbURL, "LOG_LEVEL=warn", "STARTUP_TIMEOUT=60s",
	}
	serverEnv := append([]string{"HTTP_ADDR=" + addr, "SEED_DEMO=true", "RATE_LIMIT=0"}, env...)
	if err := l.spawn(ctx, "server", filepath.Join(l.dir, "server"), serverEnv); err != nil {
		return "", err
	}
	base := "http://" + addr
	ready := func() bool {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			_ = res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	}
	if err := waitFor(ctx, "the API server at "+base, ready); err != nil {
		return "", l.withLog("server", err)
	}
	return base, l.spawn(ctx, "worker", filepath.Join(l.dir, "worker"), env)
}

// spawn starts a process named role with extra environment variables,
// its output in <role>.log of the launcher's folder; stop ends it with
// SIGTERM (SIGKILL after 10 s).
func (l *launcher) spawn(ctx context.Context, role, path string, env []string, args ...string) error {
	logf, err := os.Create(filepath.Join(l.dir, role+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return fmt.Errorf("start %s (%s): %w", role, path, err)
	}
	l.procs[role] = []int{cmd.Process.Pid}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	l.onStop(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = logf.Close()
	})
	return nil
}

// withLog adds the end of role's log to err, if any.
func (l *launcher) withLog(role string, err error) error {
	if err == nil {
		return nil
	}
	out, _ := os.ReadFile(filepath.Join(l.dir, role+".log"))
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return fmt.Errorf("%w; its log ends:\n%s", err, out)
}

// waitFor polls ready until it is true, for up to a minute.
func waitFor(ctx context.Context, what string, ready func() bool) error {
	deadline := time.Now().Add(time.Minute)
	for !ready() {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s is not ready after a minute", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// freeAddr is a free TCP address on 127.0.0.1.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// describe says what the stack is, for the report.
func (s *stack) describe() string {
	if s.started {
		return fmt.Sprintf("own stack: Temporal %s %s, worker and API server processes, PostgreSQL read model", s.temporalKind, s.temporal)
	}
	return fmt.Sprintf("targeted stack: API %s, Temporal %s (namespace %s)", s.apiURL, s.temporal, s.namespace)
}
