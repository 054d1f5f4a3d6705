package main

import (
	"context"
	"log/slog"
	"math"
	"time"
)

// Phase names: each API phase follows its bare counterpart.
const (
	phBareStart = "bare start"
	phBareUWS   = "bare update-with-start"
	phCreate    = "API create deal"
	phBareUpd   = "bare UpdateWorkflow"
	phAction    = "API action log_contact"
	phBareDeal  = "bare whole deal"
	phDeal      = "API whole deal"
	phFresh     = "read-model freshness"
	phOpen      = "open deals"
	phReminder  = "reminder lag"
)

// run starts or targets the stack, runs every phase in turn and returns
// the report; interrupted (ctx done), it returns the phases run so far
// with the context's error.
func run(ctx context.Context, cfg config) (*report, error) {
	rep := newReport(cfg)
	s := target(cfg)
	if cfg.apiURL == "" {
		var err error
		if s, err = startStack(ctx, cfg); err != nil {
			return nil, err
		}
	}
	defer s.stop()
	rep.Stack = s.describe()
	b, err := startBare(s)
	if err != nil {
		return nil, err
	}
	defer b.close()
	rm, err := openReadModel(ctx, s.dbURL)
	if err != nil {
		return nil, err
	}
	defer rm.close()
	a := newAPIClient(s, cfg.clients)
	if err := a.prepare(ctx, cfg.clients); err != nil {
		return nil, err
	}
	if err := b.prepareUpdates(ctx, cfg.clients); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, procs: s.procs, rep: rep, drain: b.drain}
	r.throughput(ctx, a, b)
	r.measure(ctx, phFresh, "log_contact, then read the read model until its event is there", r.timed(cfg.phase), a.freshness(rm))
	r.memory(ctx, a)
	err = r.reminders(ctx, a, rm)
	rep.Interrupted = ctx.Err() != nil
	rep.finish()
	return rep, err
}

// runner runs phases and adds them to the report.
type runner struct {
	cfg   config
	procs processes
	rep   *report
	// drain waits until the bare worker has caught up with the bare
	// workflows started.
	drain func(context.Context) error
}

// timed are the limits of a phase of duration d.
func (r *runner) timed(d time.Duration) limits { return limits{clients: r.cfg.clients, dur: d} }

// counted are the limits of a phase of n operations.
func (r *runner) counted(n int) limits {
	return limits{clients: r.cfg.clients, dur: 24 * time.Hour, count: n}
}

// throughput runs the bare and API phases in adjacent pairs.
func (r *runner) throughput(ctx context.Context, a *apiClient, b *bare) {
	r.measure(ctx, phBareStart, "start a workflow (the start call)", r.timed(r.cfg.phase), b.start)
	r.measure(ctx, phBareUWS, "update-with-start, waiting for the update's result", r.timed(r.cfg.phase), b.updateWithStart)
	r.measure(ctx, phCreate, "POST /api/v1/deals", r.timed(r.cfg.phase), a.create)
	r.measure(ctx, phBareUpd, "UpdateWorkflow, waiting for the result", r.timed(r.cfg.phase), b.update)
	r.measure(ctx, phAction, "POST /api/v1/deals/{id}/actions/log_contact", r.timed(r.cfg.phase), a.logContact)
	r.measure(ctx, phBareDeal, "update-with-start + 16 updates, the last finishing (p50/p99 per request)", r.timed(r.cfg.dealPhase), b.wholeDeal)
	r.measure(ctx, phDeal, "a deal from POST /deals to won: 17 requests, timers of seconds (p50/p99 per request)", r.timed(r.cfg.dealPhase), a.wholeDeal)
}

// measure runs one phase after the settle pause and adds it to the
// report, with the CPU each known process spent per operation.
func (r *runner) measure(ctx context.Context, name, what string, lim limits, do op) *phase {
	if ctx.Err() != nil {
		return &phase{}
	}
	r.pause(ctx)
	slog.Info("phase", "name", name)
	before := r.procs.cpu()
	out := drive(ctx, lim, do)
	p := newPhase(name, what, out)
	p.CPU = cpuPerOp(before, r.procs.cpu(), p.OpsPerSec*p.Seconds)
	r.rep.add(p)
	slog.Info("phase done", "name", name, "ops", p.Ops, "ops_per_sec", round(p.OpsPerSec), "p50_ms", round(p.Latency.P50),
		"p99_ms", round(p.Latency.P99), "errors", p.Errors)
	return p
}

// pause waits between phases: until the bare worker has caught up, then
// the settle time.
func (r *runner) pause(ctx context.Context) {
	if err := r.drain(ctx); err != nil {
		slog.Warn("the next phase starts with a backlog", "err", err)
	}
	time.Sleep(r.cfg.settle)
}

// memory opens cfg.open deals with the default policy (armed control
// points) and reads the worker's memory before and after.
func (r *runner) memory(ctx context.Context, a *apiClient) {
	pid, known := r.procs["worker"]
	var before memory
	if known {
		before, _ = residentMemory(pid)
	}
	p := r.measure(ctx, phOpen, "POST /api/v1/deals until that many deals are open", r.counted(r.cfg.open), a.create)
	if !known || p.Extra == nil {
		return
	}
	if ctx.Err() == nil {
		time.Sleep(r.cfg.settle)
	}
	if after, err := residentMemory(pid); err == nil {
		p.Memory = &after
		p.Extra["rss_before_mib"] = before.RSS
	}
}

// reminders opens cfg.reminders deals whose contact interval falls due
// cfg.lead after their opening, and measures, for each, from its due time
// until its overdue notice is in the read model, and the CPU each process
// spent per notice from the last opening to the last notice.
func (r *runner) reminders(ctx context.Context, a *apiClient, rm *readModel) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	due := &dueDeals{}
	r.pause(ctx)
	slog.Info("phase", "name", phReminder)
	opened := drive(ctx, r.counted(r.cfg.reminders), a.openForReminder(r.cfg.lead, due))
	start, cpu := time.Now(), r.procs.cpu()
	lags, err := rm.awaitOverdue(ctx, due.ids, r.cfg.lead+2*time.Minute)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	p := newPhase(phReminder, "overdue notice in the read model − its due time", outcome{
		ops: len(lags), errors: opened.errors + len(due.ids) - len(lags), elapsed: time.Since(start),
		latencies: lags, firstError: opened.firstError,
	})
	if err != nil && p.FirstError == "" {
		p.FirstError = err.Error()
	}
	p.CPU = cpuPerOp(cpu, r.procs.cpu(), float64(len(lags)))
	p.Extra["not_opened"] = float64(opened.errors)
	p.Extra["undelivered"] = float64(len(due.ids) - len(lags))
	r.rep.add(p)
	return nil
}

// round is x to one decimal, for the log.
func round(x float64) float64 { return math.Round(x*10) / 10 }
