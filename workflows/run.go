package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// run is the in-memory state of one deal workflow. Only the workflow
// goroutine touches it; update handlers change it without blocking between
// validation and change, so every change is atomic.
type run struct {
	*engine.Journal
	v       deal.View
	opened  bool
	actions *engine.Registry[*run]
	// cps schedules the control points of r.v.
	cps *engine.Schedule
	// complaintPolicy is the complaint policy for a complaint the survey
	// opens; nil for deals started before it was passed.
	complaintPolicy *complaint.Policy
	// rules is set for deals started with versionProcessRules.
	rules bool
	// docs is how far the document register is generated.
	docs docGen
}

func newRun(ctx workflow.Context, p DealParams) *run {
	now := workflow.Now(ctx)
	r := &run{actions: dealRegistry(), complaintPolicy: p.ComplaintPolicy}
	r.v = deal.View{
		Header: p.Header, Stage: deal.StagePresentation, Status: deal.StatusOpen,
		CreatedAt: now, UpdatedAt: now, Policy: p.Policy, PolicyVersion: p.PolicyVersion,
		Presentation: deal.Presentation{Declines: []deal.Decline{}},
		Offers:       []deal.Offer{}, Invoices: []deal.Invoice{}, Payments: []deal.Payment{},
		ControlPoints: []casework.ControlPoint{}, Documents: []deal.Document{}, AllowedActions: []string{},
	}
	r.Journal = engine.NewJournal(ctx, &r.v.Seq, &r.v.UpdatedAt, func() string { return string(r.v.Stage) })
	r.cps = engine.NewSchedule(&r.v.ControlPoints, r.v.Policy.Point, engine.Subject{ID: p.ID, DealID: p.ID, Title: p.Title},
		r.Record, engine.Hooks{OnOverdue: r.onOverdue, Message: offerExpiredMessage(p.Title)})
	return r
}

// dealRegistry pairs every action of deal.Inputs with its handler. It is
// built per workflow (newRun), not as a package variable, so that the
// handlers and the functions they use do not form an initialization cycle.
func dealRegistry() *engine.Registry[*run] {
	return engine.MustRegistry(deal.Inputs,
		schedulePresentation, holdPresentation, sendProtocol, declinePresentation,
		issueOffer, requestOfferChanges, extendOffer, acceptOffer,
		prepareContract, approveContract, requestContractChanges, reviseContract,
		recordPayment, cancelWithRefund,
		planEvent, approveEventItem, rescheduleEvent, holdEvent, signClosingDocuments,
		submitSurvey, scheduleFollowUp, closeDeal, completeFollowUp, lose, logContact,
		reassign, regenerateDocument,
	)
}

// enter moves the deal to the next stage and records it.
func (r *run) enter(now time.Time, s deal.Stage) {
	r.v.Stage = s
	r.Record(now, engine.SystemActor, "stage_entered", map[string]deal.Stage{"stage": s})
}

// document adds an entry to the document register.
func (r *run) document(now time.Time, t deal.DocType, version int, ref, url string) {
	r.v.Documents = append(r.v.Documents, deal.Document{Type: t, Version: version, Ref: ref, URL: url, SentAt: now})
}

// AfterAction restarts the contact interval after a contact with the
// client: a client-facing action (deal.ClientContacts) taken now;
// log_contact restarts it from its own time when applied. Deals started
// before versionProcessRules count every action on an open deal.
func (r *run) AfterAction(s engine.Step) {
	switch {
	case !r.rules:
		if r.v.Status == deal.StatusOpen {
			r.armContact(s.Now, s.Now)
		}
	case deal.IsClientContact(s.Action) && s.Action != deal.ActLogContact:
		r.contacted(s.Now, s.Now)
	}
}

// contacted records a contact with the client at, restarting the contact
// interval from it while the deal is open.
func (r *run) contacted(now, at time.Time) {
	if last := r.v.LastContactAt; last == nil || at.After(*last) {
		r.v.LastContactAt = &at
	}
	if r.v.Status == deal.StatusOpen {
		r.armContact(now, at)
	}
}

// armContact (re-)arms the contact interval from the contact at.
func (r *run) armContact(now, at time.Time) {
	r.arm(now, pointContact, deal.PointContactInterval, r.cps.After(at, r.v.Policy.ContactInterval), "Contact the client")
}

// View is the deal's view.
func (r *run) View() deal.View { return r.v }

// Where names the deal's stage in a refusal.
func (r *run) Where(ref *casework.Refusal) { ref.Stage = string(r.v.Stage) }

// Settle recomputes what is derived from the state: allowed actions and
// whom the deal waits on (and since when).
func (r *run) Settle(now time.Time) {
	r.v.AllowedActions = r.actions.Allowed(r)
	w := r.waitingOn()
	if w != r.v.WaitingOn || r.v.WaitingSince.IsZero() {
		r.v.WaitingOn, r.v.WaitingSince = w, now
	}
}

// finished reports whether nothing is left for the workflow to do: the
// deal is closed, no control point is open and no follow-up awaits its
// outcome.
func (r *run) finished() bool {
	return r.v.Status != deal.StatusOpen && !r.cps.Pending() && !r.followUpPending()
}

// lose ends the deal as lost at its current stage.
func (r *run) lose(now time.Time, reason, comment string) {
	r.v.Status = deal.StatusLost
	r.v.LostStage, r.v.LostReason, r.v.LostComment = r.v.Stage, reason, comment
	r.v.ClosedAt = &now
	r.cancelOpenInvoices()
	r.cps.CancelAll(now)
	r.Record(now, engine.SystemActor, "deal_lost", map[string]string{"stage": string(r.v.Stage), "reason": reason, "comment": comment})
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
