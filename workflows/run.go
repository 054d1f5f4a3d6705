package workflows

import (
	"encoding/json"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/deal"
)

// systemActor is the actor of what the workflow does on its own.
const systemActor = "system"

// run is the in-memory state of one deal workflow. Only the workflow
// goroutine touches it; update handlers change it without blocking between
// validation and change, so every change is atomic.
type run struct {
	*journal
	v      deal.View
	opened bool
	// actions is the registry of entries(); kept here so that the action
	// variables and the functions they use do not form an init cycle.
	actions []entry[*run]
	// cps schedules the control points of r.v.
	cps *schedule
	// complaintPolicy is the complaint policy (JSON) for a complaint the
	// survey opens; empty for deals started before it was passed.
	complaintPolicy json.RawMessage
}

func newRun(ctx workflow.Context, p deal.Params) *run {
	now := workflow.Now(ctx)
	r := &run{actions: entries(), complaintPolicy: p.ComplaintPolicy}
	r.v = deal.View{
		ID: p.ID, ClientID: p.ClientID, Owner: p.Owner, Title: p.Title, Product: p.Product,
		Amount: p.Amount, Currency: p.Currency, PreviousDealID: p.PreviousDealID,
		Stage: deal.StagePresentation, Status: deal.StatusOpen,
		CreatedAt: now, UpdatedAt: now, Policy: p.Policy, PolicyVersion: p.PolicyVersion,
		Presentation: deal.Presentation{Declines: []deal.Decline{}},
		Offers:       []deal.Offer{}, Invoices: []deal.Invoice{}, Payments: []deal.Payment{},
		ControlPoints: []deal.ControlPoint{}, Documents: []deal.Document{}, AllowedActions: []string{},
	}
	r.journal = newJournal(ctx, &r.v.Seq, &r.v.UpdatedAt, func() deal.Stage { return r.v.Stage })
	r.cps = &schedule{
		points:    &r.v.ControlPoints,
		policy:    r.v.Policy.Point,
		subject:   subject{dealID: p.ID, title: p.Title},
		record:    r.record,
		onOverdue: r.onOverdue,
	}
	return r
}

// enter moves the deal to the next stage and records it.
func (r *run) enter(now time.Time, s deal.Stage) {
	r.v.Stage = s
	r.record(now, systemActor, "stage_entered", map[string]deal.Stage{"stage": s})
}

// document adds an entry to the document register.
func (r *run) document(now time.Time, t deal.DocType, version int, ref, url string) {
	r.v.Documents = append(r.v.Documents, deal.Document{Type: t, Version: version, Ref: ref, URL: url, SentAt: now})
}

// afterAction counts every action on an open deal as a contact with the
// client, re-arming the contact interval.
func (r *run) afterAction(s step) {
	if r.v.Status == deal.StatusOpen {
		r.arm(s.now, pointContact, deal.PointContactInterval, r.cps.after(s.now, r.v.Policy.ContactInterval), "Contact the client")
	}
}

func (r *run) view() deal.View { return r.v }

func (r *run) where(ref *deal.Refusal) { ref.Stage = r.v.Stage }

func (r *run) allowedActions() []string { return allowedOf(r, r.actions) }

// settle recomputes what is derived from the state: allowed actions and
// whom the deal waits on (and since when).
func (r *run) settle(now time.Time) {
	r.v.AllowedActions = r.allowedActions()
	w := r.waitingOn()
	if w != r.v.WaitingOn || r.v.WaitingSince.IsZero() {
		r.v.WaitingOn, r.v.WaitingSince = w, now
	}
}

// finished reports whether nothing is left for the workflow to do.
func (r *run) finished() bool {
	return r.v.Status != deal.StatusOpen && !r.cps.pending()
}

// lose ends the deal as lost at its current stage.
func (r *run) lose(now time.Time, reason, comment string) {
	r.v.Status = deal.StatusLost
	r.v.LostStage, r.v.LostReason, r.v.LostComment = r.v.Stage, reason, comment
	r.v.ClosedAt = &now
	r.cancelOpenInvoices()
	r.cps.cancelAll(now)
	r.record(now, systemActor, "deal_lost", map[string]string{"stage": string(r.v.Stage), "reason": reason, "comment": comment})
}

func (r *run) waitingOn() deal.WaitingOn {
	v := &r.v
	if v.Status != deal.StatusOpen {
		return deal.WaitingNone
	}
	switch v.Stage {
	case deal.StagePresentation:
		p := v.Presentation
		switch {
		case p.HeldAt != nil:
			return deal.WaitingInternal
		case p.ScheduledAt != nil || len(p.Declines) > 0:
			return deal.WaitingClient
		}
		return deal.WaitingInternal
	case deal.StageOffer:
		if o := r.currentOffer(); o != nil && o.Status == deal.OfferSent {
			return deal.WaitingClient
		}
		return deal.WaitingInternal
	case deal.StageContract:
		if v.Contract != nil && v.Contract.Status == deal.ContractAwaitingApproval {
			return deal.WaitingApprover
		}
		return deal.WaitingInternal
	case deal.StagePayment:
		return deal.WaitingPayment
	case deal.StageEvent:
		switch {
		case v.Event == nil:
			return deal.WaitingInternal
		case v.Event.HeldAt != nil || slices.ContainsFunc(v.Event.Items, func(i deal.EventItem) bool { return !i.Approved }):
			return deal.WaitingClient
		}
		return deal.WaitingInternal
	default: // close
		switch {
		case v.Survey == nil:
			return deal.WaitingClient
		case r.outstanding() > 0:
			return deal.WaitingPayment
		}
		return deal.WaitingInternal
	}
}
