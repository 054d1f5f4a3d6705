package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
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
	phReminder  = "reminder lag, burst"
	phSpread    = "reminder lag, spread"
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
	pg := newPGCPU(s.dbURL, rm.db)
	pgCtx, stopPG := context.WithCancel(ctx)
	defer stopPG()
	go pg.run(pgCtx)
	r := &runner{cfg: cfg, procs: s.procs, pg: pg, rep: rep, drain: b.drain}
	r.throughput(ctx, a, b)
	if cfg.runs("fresh") {
		r.measure(ctx, phFresh, "log_contact, then read the read model until its event is there", r.timed(cfg.phase), a.freshness(rm))
	}
	if cfg.runs("open") {
		r.memory(ctx, a)
	}
	if cfg.runs("reminder") {
		err = r.reminders(ctx, a, rm)
	}
	rep.Interrupted = ctx.Err() != nil
	rep.finish()
	return rep, err
}

// runner runs phases and adds them to the report.
type runner struct {
	cfg   config
	procs processes
	pg    *pgCPU
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
	if r.cfg.runs("create") {
		r.measure(ctx, phBareStart, "start a workflow (the start call)", r.timed(r.cfg.phase), b.start)
		r.measure(ctx, phBareUWS, "update-with-start, waiting for the update's result", r.timed(r.cfg.phase), b.updateWithStart)
		r.measure(ctx, phCreate, "POST /api/v1/deals", r.timed(r.cfg.phase), a.create)
	}
	if r.cfg.runs("action") {
		r.measure(ctx, phBareUpd, "UpdateWorkflow, waiting for the result", r.timed(r.cfg.phase), b.update)
		r.measure(ctx, phAction, "POST /api/v1/deals/{id}/actions/log_contact", r.timed(r.cfg.phase), a.logContact)
	}
	if r.cfg.runs("deal") {
		r.measure(ctx, phBareDeal, "update-with-start + 16 updates, the last finishing (p50/p99 per request)", r.timed(r.cfg.dealPhase), b.wholeDeal)
		r.measure(ctx, phDeal, "a deal from POST /deals to won: 17 requests, timers of seconds (p50/p99 per request)", r.timed(r.cfg.dealPhase), a.wholeDeal)
	}
}

// cpu is the CPU seconds each known process has used so far, with the
// read model's PostgreSQL backends as "postgres" when they were found.
func (r *runner) cpu(ctx context.Context) map[string]float64 {
	out := r.procs.cpu()
	if s, ok := r.pg.seconds(ctx); ok {
		out["postgres"] = s
	}
	return out
}

// measure runs one phase after the settle pause and adds it to the
// report, with the CPU each known process spent per operation.
func (r *runner) measure(ctx context.Context, name, what string, lim limits, do op) *phase {
	if ctx.Err() != nil {
		return &phase{}
	}
	r.pause(ctx)
	slog.Info("phase", "name", name)
	before := r.cpu(ctx)
	out := drive(ctx, lim, do)
	p := newPhase(name, what, out)
	p.CPU = cpuPerOp(before, r.cpu(ctx), p.OpsPerSec*p.Seconds)
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
	pids := r.procs["worker"]
	known := len(pids) > 0
	var pid int
	var before memory
	if known {
		pid = pids[0]
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

// reminders runs the reminder phases: the burst, whose deals all fall due
// in the same second, cfg.lead after the phase started opening them; then,
// unless cfg.spread is 0, the spread, whose deals open — and so fall due,
// cfg.lead later — at cfg.spread a second, as real deals' points spread
// over a working day.
func (r *runner) reminders(ctx context.Context, a *apiClient, rm *readModel) error {
	burst := func() reminderOp { return a.openForReminder(leadUntil(time.Now().Add(r.cfg.lead)), &dueDeals{}) }
	if err := r.reminderLag(ctx, phReminder, "overdue notice in the read model − its due time; all due in the same second", burst, rm); err != nil || r.cfg.spread <= 0 {
		return err
	}
	what := fmt.Sprintf("overdue notice in the read model − its due time; due at %g a second", r.cfg.spread)
	spread := func() reminderOp {
		return paced(r.cfg.spread, a.openForReminder(func() time.Duration { return r.cfg.lead }, &dueDeals{}))
	}
	return r.reminderLag(ctx, phSpread, what, spread, rm)
}

// reminderLag opens cfg.reminders deals with the operation makeOpen makes
// as the phase starts, and measures, for each, from its due time until its
// overdue notice is in the read model, and the
// CPU each process spent per notice from the last opening to the last
// notice.
func (r *runner) reminderLag(ctx context.Context, name, what string, makeOpen func() reminderOp, rm *readModel) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.pause(ctx)
	slog.Info("phase", "name", name)
	open := makeOpen()
	opened := drive(ctx, r.counted(r.cfg.reminders), open.do)
	start, cpu := time.Now(), r.cpu(ctx)
	lags, err := rm.awaitOverdue(ctx, open.due.ids, r.cfg.lead+2*time.Minute)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	p := newPhase(name, what, outcome{
		ops: len(lags), errors: opened.errors + len(open.due.ids) - len(lags), elapsed: time.Since(start),
		latencies: lags, firstError: opened.firstError,
	})
	if err != nil && p.FirstError == "" {
		p.FirstError = err.Error()
	}
	p.CPU = cpuPerOp(cpu, r.cpu(ctx), float64(len(lags)))
	p.Extra["not_opened"] = float64(opened.errors)
	p.Extra["undelivered"] = float64(len(open.due.ids) - len(lags))
	r.rep.add(p)
	return nil
}

// paced is open started at rate a second, whatever the clients: the n-th
// call waits until n/rate after the first.
func paced(rate float64, open reminderOp) reminderOp {
	every := time.Duration(float64(time.Second) / rate)
	var mu sync.Mutex
	var next time.Time
	do := open.do
	open.do = func(ctx context.Context, client int, rec *recorder) error {
		mu.Lock()
		if next.IsZero() {
			next = time.Now()
		}
		at := next
		next = next.Add(every)
		mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(at)):
		}
		return do(ctx, client, rec)
	}
	return open
}

// round is x to one decimal, for the log.
func round(x float64) float64 { return math.Round(x*10) / 10 }
