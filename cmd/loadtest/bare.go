package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The bare baseline's workflow type, its updates, and how long one waits
// for its finish before it ends by itself (so a targeted cluster is left
// with no open baseline workflows).
const (
	bareWorkflowName = "LoadBare"
	bareBump         = "bump"
	bareFinish       = "finish"
	bareIdle         = 30 * time.Minute
)

// workflow is the trivial workflow the API is compared against: it
// counts bump updates until a finish update (or idle passes). Its first
// run (not a replay) counts in b.ran, so drain can tell when the worker
// has caught up with the starts.
func (b *bare) workflow(ctx workflow.Context, idle time.Duration) (int, error) {
	if !workflow.IsReplaying(ctx) {
		b.ran.Add(1)
	}
	n, done := 0, false
	if err := workflow.SetUpdateHandler(ctx, bareBump, func(workflow.Context) (int, error) { n++; return n, nil }); err != nil {
		return 0, err
	}
	if err := workflow.SetUpdateHandler(ctx, bareFinish, func(workflow.Context) (int, error) { done = true; return n, nil }); err != nil {
		return 0, err
	}
	_, err := workflow.AwaitWithTimeout(ctx, idle, func() bool { return done })
	return n, err
}

// bare drives the baseline: a Temporal client and a worker of the bare
// workflow on a task queue of its own, inside the harness.
type bare struct {
	c      client.Client
	w      worker.Worker
	queue  string
	run    string
	serial atomic.Int64
	// started counts the workflows started, ran those whose first
	// workflow task the worker has run.
	started, ran atomic.Int64
	// open are the workflows of the update phase, one per client.
	open []string
}

// startBare connects to Temporal and starts the bare worker.
func startBare(s *stack) (*bare, error) {
	c, err := client.Dial(client.Options{
		HostPort: s.temporal, Namespace: s.namespace,
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", s.temporal, err)
	}
	run := randomHex(4)
	b := &bare{c: c, queue: "loadtest-bare-" + run, run: run}
	b.w = worker.New(c, b.queue, worker.Options{})
	b.w.RegisterWorkflowWithOptions(b.workflow, workflow.RegisterOptions{Name: bareWorkflowName})
	if err := b.w.Start(); err != nil {
		c.Close()
		return nil, fmt.Errorf("start the bare worker: %w", err)
	}
	return b, nil
}

// close stops the bare worker and the client.
func (b *bare) close() {
	b.w.Stop()
	b.c.Close()
}

// nextID is a new workflow ID of this run.
func (b *bare) nextID() string {
	return fmt.Sprintf("loadtest-%s-%d", b.run, b.serial.Add(1))
}

// options are the start options of a bare workflow, as the API starts a
// case's.
func (b *bare) options(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID: id, TaskQueue: b.queue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}
}

// start starts a bare workflow: the start call alone.
func (b *bare) start(ctx context.Context, _ int, _ *recorder) error {
	return b.startNew(ctx, b.nextID())
}

// startNew starts bare workflow id.
func (b *bare) startNew(ctx context.Context, id string) error {
	_, err := b.c.ExecuteWorkflow(ctx, b.options(id), bareWorkflowName, bareIdle)
	if err == nil {
		b.started.Add(1)
	}
	return err
}

// drain waits, for up to two minutes, until the worker has run the first
// workflow task of every bare workflow started, so that a phase does not
// pay for the backlog of the one before.
func (b *bare) drain(ctx context.Context) error {
	deadline := time.Now().Add(2 * time.Minute)
	for b.ran.Load() < b.started.Load() {
		if time.Now().After(deadline) {
			return fmt.Errorf("the bare worker ran %d of %d workflows started", b.ran.Load(), b.started.Load())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// updateWithStart starts a bare workflow with its first update and waits
// for the update's result, as POST /deals does.
func (b *bare) updateWithStart(ctx context.Context, _ int, _ *recorder) error {
	_, err := b.startWithUpdate(ctx, b.nextID())
	return err
}

// startWithUpdate is update-with-start of bare workflow id.
func (b *bare) startWithUpdate(ctx context.Context, id string) (int, error) {
	h, err := b.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: b.c.NewWithStartWorkflowOperation(b.options(id), bareWorkflowName, bareIdle),
		UpdateOptions: client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: bareBump, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var n int
	if err == nil {
		b.started.Add(1)
		err = h.Get(ctx, &n)
	}
	return n, err
}

// prepareUpdates starts one bare workflow per client for update.
func (b *bare) prepareUpdates(ctx context.Context, clients int) error {
	b.open = make([]string, clients)
	for i := range b.open {
		b.open[i] = b.nextID()
		if err := b.startNew(ctx, b.open[i]); err != nil {
			return err
		}
	}
	return nil
}

// update sends one update to the client's bare workflow and waits for its
// result, as an action does.
func (b *bare) update(ctx context.Context, client int, _ *recorder) error {
	return b.send(ctx, b.open[client], bareBump)
}

// send sends update name to workflow id and waits for its result.
func (b *bare) send(ctx context.Context, id, name string) error {
	h, err := b.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: name, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return err
}

// wholeDeal is the bare counterpart of a whole deal: update-with-start,
// then as many updates as the deal's happy path has actions, the last
// finishing the workflow; recorded as the API's (see apiClient.wholeDeal).
func (b *bare) wholeDeal(ctx context.Context, _ int, rec *recorder) error {
	id := b.nextID()
	t0 := time.Now()
	if _, err := b.startWithUpdate(ctx, id); err != nil {
		return err
	}
	rec.add("create", time.Since(t0))
	rec.add("request", time.Since(t0))
	for i := range len(happyPath) {
		if err := rec.cut(); err != nil {
			return err
		}
		name := bareBump
		if i == len(happyPath)-1 {
			name = bareFinish
		}
		t := time.Now()
		if err := b.send(ctx, id, name); err != nil {
			return err
		}
		rec.add("request", time.Since(t))
	}
	return nil
}
