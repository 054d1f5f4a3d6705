package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/deal"
)

// acts names the activities; its methods are only referenced, never called,
// from workflow code.
var acts *activities.Activities

// activityOptions retry the read model and notifications until they
// succeed: both are idempotent, and a database outage must delay, not lose,
// what the deal reports.
var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
	},
}

// deliveryOptions give e-mail and webhook delivery room for a slow channel
// (their clients time out after 30 s) and retry with the same backoff; an
// attempt whose worker died is retried after 45 s and takes the delivery
// over once its 75 s lease has passed.
var deliveryOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 45 * time.Second,
	RetryPolicy:         activityOptions.RetryPolicy,
}

// Deal runs one deal from its opening to won, lost or cancelled. A won deal
// keeps running until its follow-up contact is done or overdue.
func Deal(ctx workflow.Context, p deal.Params) (deal.View, error) {
	r := newRun(ctx, p)
	r.cps.useCalendarAndChannels(ctx, p.Calendar)
	if err := r.register(ctx); err != nil {
		return deal.View{}, err
	}
	now := workflow.Now(ctx)
	r.record(now, p.Owner, "deal_opened", p)
	r.arm(now, pointContact, deal.PointContactInterval, r.cps.after(now, p.Policy.ContactInterval), "Contact the client")
	r.settle(now)
	if err := r.sync(ctx); err != nil {
		return deal.View{}, err
	}
	r.opened = true
	followUps := workflow.GetSignalChannel(ctx, SignalFollowUpDone)
	err := serve(ctx, r, r.journal, r.cps, r.finished, func(sel workflow.Selector) {
		sel.AddReceive(followUps, func(c workflow.ReceiveChannel, _ bool) {
			var next string
			c.Receive(ctx, &next)
			r.followUpDone(ctx, next)
		})
	})
	if err != nil {
		return r.cancelled(ctx)
	}
	return r.v, nil
}

// register installs the view query, the open update and one update per
// action, each with its validator.
func (r *run) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryView, func() (deal.View, error) { return r.v, nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandler(ctx, UpdateOpen, func(ctx workflow.Context) (deal.View, error) {
		err := workflow.Await(ctx, func() bool { return r.opened })
		return r.v, err
	})
	if err != nil {
		return err
	}
	return registerActions(ctx, r, r.actions)
}

// followUpDone completes a won deal's follow-up because a new deal followed.
func (r *run) followUpDone(ctx workflow.Context, next string) {
	if !r.followUpPending() {
		return
	}
	now := workflow.Now(ctx)
	r.cps.done(now, pointFollowUp)
	r.record(now, systemActor, "follow_up_done", map[string]string{"next_deal_id": next})
	r.settle(now)
	_ = r.sync(ctx)
}

// sync hands the pending history and the current view to the read model.
func (r *run) sync(ctx workflow.Context) error {
	return syncActivity(ctx, acts.SyncDeal, deal.Sync{View: r.v, Events: r.take()})
}

// cancelled records an operator's cancellation of the workflow.
func (r *run) cancelled(ctx workflow.Context) (deal.View, error) {
	if r.v.Status == deal.StatusOpen {
		now := workflow.Now(ctx)
		r.v.Status, r.v.ClosedAt = deal.StatusCancelled, &now
	}
	return recordCancellation(ctx, r, r.cps, "deal_cancelled")
}
