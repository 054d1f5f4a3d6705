package temporalcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
)

// stopGrace is how long Stop lets a process shut down before killing it.
const stopGrace = 15 * time.Second

// Cluster is a running cluster: one server process per service.
type Cluster struct {
	cfg       Config
	configDir string
	mu        sync.Mutex
	procs     map[Service]*process
	exited    chan error
}

// process is one running server process.
type process struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	// expected is set before the process is killed or stopped on purpose.
	expected bool
}

// Up starts a cluster on databases CreateSchema prepared: one process per
// service, then waits until the frontend answers and the namespace
// (created with the temporal CLI unless it exists) serves workflow calls,
// for as long as ctx allows. On error nothing is left running.
func Up(ctx context.Context, cfg Config) (*Cluster, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(cfg.ConfigDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.LogDir, 0o755); err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg, configDir: dir, procs: map[Service]*process{}, exited: make(chan error, 2*len(Services))}
	if err := c.startAll(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	if err := c.ready(ctx); err != nil {
		c.Stop()
		return nil, fmt.Errorf("%w (logs in %s)", err, cfg.LogDir)
	}
	return c, nil
}

// startAll starts the first service and waits until it listens — on a
// new database it writes the cluster's metadata, which processes starting
// at the same moment would race to write — then starts the others.
func (c *Cluster) startAll(ctx context.Context) error {
	first := Services[0]
	if err := c.Start(first); err != nil {
		return err
	}
	if err := c.listening(ctx, first); err != nil {
		return err
	}
	for _, s := range Services[1:] {
		if err := c.Start(s); err != nil {
			return err
		}
	}
	return nil
}

// listening waits until service s's process accepts connections on its
// gRPC port, failing at once when it exits.
func (c *Cluster) listening(ctx context.Context, s Service) error {
	addr := fmt.Sprintf("127.0.0.1:%d", c.cfg.Ports.grpc(s))
	c.mu.Lock()
	p := c.procs[s]
	c.mu.Unlock()
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-p.done:
			return fmt.Errorf("temporal %s exited at start (log: %s)", s, p.log.Name())
		case <-ctx.Done():
			return fmt.Errorf("waiting for temporal %s to listen on %s: %w", s, addr, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Check fails unless the binaries are there and the configuration template
// is found.
func (c Config) Check() error {
	const built = "`make cluster` builds it and sets the variable"
	for _, f := range []struct{ name, path, what, fix string }{
		{"TEMPORAL_SERVER", c.Server, "the temporal-server binary", built},
		{"TEMPORAL_SQL_TOOL", c.SQLTool, "the temporal-sql-tool binary", built},
		{"TEMPORAL_CLI", c.CLI, "the temporal CLI", built},
		{"TEMPORAL_CLUSTER_CONFIG", filepath.Join(c.ConfigDir, "salesflow.yaml"), "the configuration template",
			"run from the repository's root or name its deploy/temporal/config"},
	} {
		if f.path == "" {
			return fmt.Errorf("%s is not set: it names %s; %s", f.name, f.what, f.fix)
		}
		if _, err := os.Stat(f.path); err != nil {
			return fmt.Errorf("%s: %s is missing (%w); %s", f.name, f.what, err, f.fix)
		}
	}
	return nil
}

// Start starts service s's process; it must not be running (see Kill).
func (c *Cluster) Start(s Service) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.procs[s]; p != nil && !p.exitedNow() {
		return fmt.Errorf("%s is running", s)
	}
	log, err := os.OpenFile(filepath.Join(c.cfg.LogDir, string(s)+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.cfg.Server, ServerArgs(c.configDir, s)...)
	cmd.Env = append(append(os.Environ(), c.cfg.templateEnv()...),
		"TEMPORAL_DYNAMIC_CONFIG_FILE="+filepath.Join(c.configDir, "dynamicconfig", "salesflow.yaml"))
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("start %s: %w", s, err)
	}
	p := &process{cmd: cmd, log: log, done: make(chan struct{})}
	c.procs[s] = p
	go c.wait(s, p)
	return nil
}

// ServerArgs are the arguments of temporal-server that start service s
// with the configuration template in the folder configDir (an absolute
// path); docker-compose.yml runs the same.
func ServerArgs(configDir string, s Service) []string {
	return []string{"--root", "/", "--config", configDir, "--env", "salesflow", "--allow-no-auth", "start", "--service", string(s)}
}

// wait reaps p and reports it on Exited unless it was stopped on purpose.
func (c *Cluster) wait(s Service, p *process) {
	err := p.cmd.Wait()
	_ = p.log.Close()
	c.mu.Lock()
	expected := p.expected
	c.mu.Unlock()
	close(p.done)
	if !expected {
		select {
		case c.exited <- fmt.Errorf("temporal %s exited: %v (log: %s)", s, err, p.log.Name()):
		default: // unread reports of earlier exits fill the channel
		}
	}
}

// exitedNow says whether the process has exited.
func (p *process) exitedNow() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Exited receives an error for each process that exited without Kill or
// Stop.
func (c *Cluster) Exited() <-chan error { return c.exited }

// Frontend is the host:port clients reach the cluster at.
func (c *Cluster) Frontend() string { return c.cfg.Frontend() }

// PIDs are the process IDs of the services running now, in start order.
func (c *Cluster) PIDs() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var pids []int
	for _, s := range Services {
		if p := c.procs[s]; p != nil && !p.exitedNow() {
			pids = append(pids, p.cmd.Process.Pid)
		}
	}
	return pids
}

// Kill kills service s's process with SIGKILL, as a crash would, and waits
// until it is gone.
func (c *Cluster) Kill(s Service) error {
	p := c.signal(s, syscall.SIGKILL)
	if p == nil {
		return fmt.Errorf("%s is not running", s)
	}
	<-p.done
	return nil
}

// signal marks service s's process as stopped on purpose and sends it sig;
// it returns the process, nil when there is none.
func (c *Cluster) signal(s Service, sig syscall.Signal) *process {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.procs[s]
	if p == nil || p.exitedNow() {
		return nil
	}
	p.expected = true
	_ = p.cmd.Process.Signal(sig)
	return p
}

// Stop stops every process: SIGTERM, then SIGKILL for any still running
// after stopGrace.
func (c *Cluster) Stop() {
	var running []*process
	for i := len(Services) - 1; i >= 0; i-- {
		if p := c.signal(Services[i], syscall.SIGTERM); p != nil {
			running = append(running, p)
		}
	}
	deadline := time.After(stopGrace)
	for _, p := range running {
		select {
		case <-p.done:
		case <-deadline:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

// ready waits until the frontend answers, the namespace exists (creating
// it) and a workflow call on it reaches a history shard.
func (c *Cluster) ready(ctx context.Context) error {
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var tc client.Client
	err := c.retry(ctx, "the frontend to answer", func() (err error) {
		tc, err = client.Dial(client.Options{HostPort: c.Frontend(), Namespace: c.cfg.Namespace, Logger: quiet})
		return err
	})
	if err != nil {
		return err
	}
	defer tc.Close()
	if err := c.retry(ctx, "the namespace", func() error { return c.namespace(ctx) }); err != nil {
		return err
	}
	return c.retry(ctx, "the namespace to serve workflow calls", func() error {
		_, err := tc.DescribeWorkflowExecution(ctx, "temporalcluster-ready-probe", "")
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return nil
		}
		return fmt.Errorf("describe a workflow: %v", err)
	})
}

// namespace creates the cluster's namespace with the temporal CLI unless it
// exists.
func (c *Cluster) namespace(ctx context.Context) error {
	cli := func(op string) ([]byte, error) {
		return exec.CommandContext(ctx, c.cfg.CLI, "operator", "namespace", op,
			"--namespace", c.cfg.Namespace, "--address", c.Frontend()).CombinedOutput()
	}
	if _, err := cli("describe"); err == nil {
		return nil
	}
	if out, err := cli("create"); err != nil {
		return fmt.Errorf("temporal operator namespace create: %w: %s", err, out)
	}
	return nil
}

// retry calls try until it succeeds, a process exits or ctx is done, and
// then returns try's last error naming what it waited for.
func (c *Cluster) retry(ctx context.Context, what string, try func() error) error {
	for {
		err := try()
		if err == nil {
			return nil
		}
		select {
		case exit := <-c.exited:
			return fmt.Errorf("waiting for %s: %w", what, exit)
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
