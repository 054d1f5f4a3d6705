package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/deal"
)

// subjectState is what a workflow with human actions — a deal or a
// complaint — gives the shared action plumbing. V is its view.
type subjectState[V any] interface {
	// record appends a history event.
	record(now time.Time, actor, typ string, data any)
	// afterAction runs after every applied action.
	afterAction(s step)
	// settle recomputes what is derived from the state.
	settle(now time.Time)
	// sync hands the pending history and the view to the read model.
	sync(ctx workflow.Context) error
	// view is what an action returns.
	view() V
	// where fills in where the subject stands, for a refusal.
	where(ref *deal.Refusal)
}

// registerActions installs one update per entry. Its validator refuses an
// action the state does not allow or whose input does not fit, so a refused
// action never reaches the history; its handler applies the action without
// blocking, records it, and returns the view once the read model has it.
func registerActions[S subjectState[V], V any](ctx workflow.Context, st S, entries []entry[S]) error {
	for _, e := range entries {
		handler := func(ctx workflow.Context, req deal.Request) (V, error) {
			s := step{ctx: ctx, now: workflow.Now(ctx), actor: req.Actor, role: req.Role}
			st.record(s.now, s.actor, e.name, req.Input)
			e.apply(st, req.Input, s)
			st.afterAction(s)
			st.settle(s.now)
			if err := st.sync(ctx); err != nil {
				var zero V
				return zero, err
			}
			return st.view(), nil
		}
		validator := func(ctx workflow.Context, req deal.Request) error {
			if err := e.allowed(st); err != nil {
				return refuse(st, entries, err)
			}
			if req.Actor == "" {
				return refuse(st, entries, invalid("actor", "is required"))
			}
			s := step{ctx: ctx, now: workflow.Now(ctx), actor: req.Actor, role: req.Role}
			return refuse(st, entries, e.check(st, req.Input, s))
		}
		if err := workflow.SetUpdateHandlerWithOptions(ctx, e.name, handler, workflow.UpdateHandlerOptions{Validator: validator}); err != nil {
			return err
		}
	}
	return nil
}

// allowedOf lists the entries the state allows now.
func allowedOf[S any](st S, entries []entry[S]) []string {
	names := []string{}
	for _, e := range entries {
		if e.allowed(st) == nil {
			names = append(names, e.name)
		}
	}
	return names
}

// refuse turns a refusal into the error a validator returns: its code is
// the error type and the refusal, with where the subject stands and the
// actions allowed now, its details.
func refuse[S subjectState[V], V any](st S, entries []entry[S], err error) error {
	ref, ok := err.(*deal.Refusal)
	if !ok {
		return err
	}
	if ref.Code == deal.CodeActionNotAllowed {
		ref.Allowed = allowedOf(st, entries)
		st.where(ref)
	}
	return temporal.NewApplicationErrorWithOptions(ref.Message, ref.Code, temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{*ref},
	})
}

// serve runs a subject's timer loop until finished reports true or the
// workflow is cancelled: it fires what the schedule has due, and otherwise
// sleeps until the next planned moment, a change, or whatever more adds.
// It returns once every update handler has finished, or with the
// cancellation error.
func serve[S subjectState[V], V any](ctx workflow.Context, st S, j *journal, cps *schedule, finished func() bool, more func(workflow.Selector)) error {
	for !finished() && ctx.Err() == nil {
		if notes := cps.fire(ctx); len(notes) > 0 {
			// Since the channels arrived the read model learns of the change
			// before anyone is notified of it; earlier workflows replay in
			// their order, inbox first.
			if !cps.channels {
				cps.deliver(ctx, notes)
			}
			st.settle(workflow.Now(ctx))
			if err := st.sync(ctx); err != nil {
				break
			}
			if cps.channels {
				cps.deliver(ctx, notes)
			}
			continue
		}
		waitFor(ctx, cps.nextWake(), j.wake, more)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// recordCancellation ends a cancelled workflow: its open control points are
// cancelled, the cancellation is recorded and synced (on a disconnected
// context, as the workflow's own is cancelled), and the workflow ends as
// cancelled.
func recordCancellation[S subjectState[V], V any](ctx workflow.Context, st S, cps *schedule, event string) (V, error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	now := workflow.Now(dctx)
	cps.cancelAll(now)
	st.record(now, systemActor, event, nil)
	st.settle(now)
	if err := st.sync(dctx); err != nil {
		return st.view(), err
	}
	return st.view(), temporal.NewCanceledError()
}
