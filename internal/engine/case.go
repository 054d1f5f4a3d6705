package engine

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
)

// Case is what a case type's workflow state gives the engine. V is its
// view: what its query and its actions return.
type Case[V any] interface {
	// Record appends a history event (a *Journal provides it).
	Record(now time.Time, actor, typ string, data any)
	// AfterAction runs after every applied action.
	AfterAction(s Step)
	// Settle recomputes what is derived from the state.
	Settle(now time.Time)
	// Sync hands the pending history and the view to the read model.
	Sync(ctx workflow.Context) error
	// View is what an action returns.
	View() V
	// Where fills in where the case stands, for a refusal.
	Where(ref *casework.Refusal)
}

// Names a client uses to talk to a running case. Every action of the case
// type's catalogue is also an update of the same name taking a
// casework.Request and returning the new view.
const (
	// QueryView returns the case's view.
	QueryView = "view"
	// UpdateOpen takes no argument and returns the view once the case is
	// opened (in the read model); the API sends it with update-with-start.
	UpdateOpen = "open"
)

// RegisterView installs a case workflow's QueryView query and UpdateOpen
// update: the update returns the view once opened reports true.
func RegisterView[V any](ctx workflow.Context, view func() V, opened func() bool) error {
	if err := workflow.SetQueryHandler(ctx, QueryView, func() (V, error) { return view(), nil }); err != nil {
		return err
	}
	return workflow.SetUpdateHandler(ctx, UpdateOpen, func(ctx workflow.Context) (V, error) {
		err := workflow.Await(ctx, opened)
		return view(), err
	})
}

// Register installs one update per action of the registry. Its validator
// refuses an action the state does not allow or whose input does not fit,
// so a refused action never reaches the history; its handler applies the
// action without blocking, records it, and returns the view once the read
// model has it.
func Register[S Case[V], V any](ctx workflow.Context, st S, reg *Registry[S]) error {
	for _, h := range reg.handlers {
		handler := func(ctx workflow.Context, req casework.Request) (V, error) {
			s := Step{Ctx: ctx, Now: workflow.Now(ctx), Action: h.name, Actor: req.Actor, Role: req.Role}
			st.Record(s.Now, s.Actor, h.name, req.Input)
			h.apply(st, req.Input, s)
			st.AfterAction(s)
			st.Settle(s.Now)
			if err := st.Sync(ctx); err != nil {
				var zero V
				return zero, err
			}
			return st.View(), nil
		}
		validator := func(ctx workflow.Context, req casework.Request) error {
			s := Step{Ctx: ctx, Now: workflow.Now(ctx), Action: h.name, Actor: req.Actor, Role: req.Role}
			return refuse(st, reg, reg.Validate(st, h.name, req, s))
		}
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, handler, workflow.UpdateHandlerOptions{Validator: validator}); err != nil {
			return err
		}
	}
	return nil
}

// refuse turns a refusal into the error a validator returns: its code is
// the error type and the refusal, with where the case stands and the
// actions allowed now, its details.
func refuse[S Case[V], V any](st S, reg *Registry[S], err error) error {
	ref, ok := err.(*casework.Refusal)
	if !ok {
		return err
	}
	if ref.Code == casework.CodeActionNotAllowed {
		ref.Allowed = reg.Allowed(st)
		st.Where(ref)
	}
	return temporal.NewApplicationErrorWithOptions(ref.Message, ref.Code, temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{*ref},
	})
}

// Serve runs a case's timer loop until finished reports true or the
// workflow is cancelled: it fires what the schedule has due, and otherwise
// sleeps until the next planned moment, a change, or whatever more adds.
// Before each round and at the end it publishes a Listed case's Listing
// (search attributes and current details). It returns once every update
// handler has finished, or with the cancellation error.
func Serve[S Case[V], V any](ctx workflow.Context, st S, j *Journal, cps *Schedule, finished func() bool, more func(workflow.Selector)) error {
	var list lister
	var timer wakeTimer
	for list.publish(ctx, st); !finished() && ctx.Err() == nil; list.publish(ctx, st) {
		if notes := cps.fire(ctx); len(notes) > 0 {
			// Since the channels arrived the read model learns of the change
			// before anyone is notified of it; earlier workflows replay in
			// their order, inbox first.
			if !cps.channels {
				cps.deliver(ctx, notes)
			}
			st.Settle(workflow.Now(ctx))
			if err := st.Sync(ctx); err != nil {
				break
			}
			if cps.channels {
				cps.deliver(ctx, notes)
			}
			continue
		}
		if j.local {
			timer.wait(ctx, cps.nextWake(), j.wake, more)
		} else {
			waitFor(ctx, cps.nextWake(), j.wake, more)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// RecordCancellation ends a cancelled workflow: its open control points are
// cancelled, the cancellation is recorded as event, published (see Serve)
// and synced (on a disconnected context, as the workflow's own is
// cancelled), and the workflow ends as cancelled.
func RecordCancellation[S Case[V], V any](ctx workflow.Context, st S, cps *Schedule, event string) (V, error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	now := workflow.Now(dctx)
	cps.CancelAll(now)
	st.Record(now, SystemActor, event, nil)
	st.Settle(now)
	new(lister).publish(dctx, st)
	if err := st.Sync(dctx); err != nil {
		return st.View(), err
	}
	return st.View(), temporal.NewCanceledError()
}

// waitFor blocks until next (none when zero), a wake-up on wake, the
// workflow's cancellation, or whatever more adds to the selector. Its timer
// lives for one wait: a wake-up cancels it. Workflows started before
// versionLocalSync wait this way.
func waitFor(ctx workflow.Context, next time.Time, wake workflow.ReceiveChannel, more func(workflow.Selector)) {
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	var timer workflow.Future
	if !next.IsZero() {
		timer = workflow.NewTimer(timerCtx, next.Sub(workflow.Now(ctx)))
	}
	selectWake(ctx, timer, wake, more)
}

// keepTimerBeyond is how far off a timer must be for the timer loop to
// keep it when the next moment moves later (see wakeTimer).
const keepTimerBeyond = time.Minute

// wakeTimer is the timer loop's timer since versionLocalSync: it outlives
// a wake-up, so an action costs no timer commands, as long as the next
// moment does not come earlier and the timer is more than keepTimerBeyond
// away. A kept timer that fires before anything is due wakes the loop
// once, which then waits for the moment now next: at most one such
// wake-up per minute, where a replaced timer costs two commands per
// action. A nearer timer is replaced as before the version, so second-long
// deadlines (tests, demos) do not wake the loop after every action.
type wakeTimer struct {
	at    time.Time
	fired workflow.Future
	stop  workflow.CancelFunc
}

// wait blocks like waitFor, on the timer kept or on a new one for next.
func (t *wakeTimer) wait(ctx workflow.Context, next time.Time, wake workflow.ReceiveChannel, more func(workflow.Selector)) {
	keep := t.fired != nil && !next.Before(t.at) && t.at.Sub(workflow.Now(ctx)) > keepTimerBeyond
	if !next.IsZero() && !keep && !next.Equal(t.at) {
		if t.stop != nil {
			t.stop()
		}
		timerCtx, stop := workflow.WithCancel(ctx)
		t.at, t.fired, t.stop = next, workflow.NewTimer(timerCtx, next.Sub(workflow.Now(ctx))), stop
	}
	selectWake(ctx, t.fired, wake, more)
	if t.fired != nil && t.fired.IsReady() {
		*t = wakeTimer{}
	}
}

// selectWake blocks until timer (none when nil) fires, a wake-up on wake,
// the workflow's cancellation, or whatever more adds to the selector.
func selectWake(ctx workflow.Context, timer workflow.Future, wake workflow.ReceiveChannel, more func(workflow.Selector)) {
	sel := workflow.NewSelector(ctx)
	if timer != nil {
		sel.AddFuture(timer, func(workflow.Future) {})
	}
	sel.AddReceive(wake, func(c workflow.ReceiveChannel, _ bool) { c.ReceiveAsync(nil) })
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
	if more != nil {
		more(sel)
	}
	sel.Select(ctx)
}
