package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// acts names the activities; its methods are only referenced, never called,
// from workflow code.
var acts *activities.Activities

// DealParams start a deal workflow: the deal's parameters and the
// complaint policy for a complaint the deal's survey opens (the policy
// document's complaint part; nil takes the defaults).
type DealParams struct {
	deal.Params
	ComplaintPolicy *complaint.Policy `json:"complaint_policy,omitempty"`
}

// Deal runs one deal from its opening to won, lost or cancelled. A won deal
// keeps running until its follow-up contact is done or overdue.
func Deal(ctx workflow.Context, p DealParams) (deal.View, error) {
	r := newRun(ctx, p)
	r.cps.UseCalendarAndChannels(ctx, r.Journal, p.Calendar)
	r.cps.UseUnits(ctx, r.Journal)
	r.rules = r.Since(ctx, versionProcessRules)
	if err := r.register(ctx); err != nil {
		return deal.View{}, err
	}
	now := workflow.Now(ctx)
	r.Record(now, p.Owner, "deal_opened", p)
	r.armContact(now, now)
	r.Settle(now)
	if err := r.Sync(ctx); err != nil {
		return deal.View{}, err
	}
	r.opened = true
	followUps := workflow.GetSignalChannel(ctx, SignalFollowUpDone)
	err := engine.Serve(ctx, r, r.Journal, r.cps, r.finished, func(sel workflow.Selector) {
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
	if err := engine.RegisterView(ctx, func() deal.View { return r.v }, func() bool { return r.opened }); err != nil {
		return err
	}
	return engine.Register(ctx, r, r.actions)
}

// versionProcessRules marks the change that made the deal follow the
// process's rules of docs/process.md §1–§3: the event-date point overdue
// only after the event's day and a grace, the survey point armed by the
// closing documents, only client-facing actions restarting the contact
// interval (log_contact from its own time), and a follow-up completed with
// an outcome instead of by any log_contact. Deals started before it keep
// the old rules.
const versionProcessRules = "process-rules-contacts-follow-up"

// followUpDone completes a won deal's follow-up because a new deal followed.
func (r *run) followUpDone(ctx workflow.Context, next string) {
	if !r.followUpPending() {
		return
	}
	now := workflow.Now(ctx)
	r.cps.Done(now, pointFollowUp)
	if r.rules {
		f := r.v.FollowUp
		f.Outcome, f.CompletedAt, f.NextDealID = deal.OutcomeNextDeal, &now, next
	}
	r.Record(now, engine.SystemActor, "follow_up_done", map[string]string{"next_deal_id": next})
	r.Settle(now)
	_ = r.Sync(ctx)
}

// Sync hands the pending history and the current view to the read model.
// Since versionGeneratedDocuments it then renders the register entries
// added (generateDocuments).
func (r *run) Sync(ctx workflow.Context) error {
	if err := r.Flush(ctx, acts.SyncDeal, r.syncInput); err != nil {
		return err
	}
	return r.generateDocuments(ctx)
}

// syncInput is the read-model sync's input for the events not yet synced.
func (r *run) syncInput(events []casework.HistoryEvent) any {
	return deal.Sync{View: r.v, Events: events}
}

// cancelled records an operator's cancellation of the workflow.
func (r *run) cancelled(ctx workflow.Context) (deal.View, error) {
	if r.v.Status == deal.StatusOpen {
		now := workflow.Now(ctx)
		r.v.Status, r.v.ClosedAt = deal.StatusCancelled, &now
	}
	return engine.RecordCancellation(ctx, r, r.cps, "deal_cancelled")
}
