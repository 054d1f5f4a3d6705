package workflows

import (
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// The actions a deal takes in any stage: lose it, hand it over, log a
// contact with the client.

func (r *run) checkReason(reason, comment string) error {
	if !slices.Contains(r.v.Policy.LossReasons, reason) {
		return engine.Invalid("reason", "must be one of %s", strings.Join(r.v.Policy.LossReasons, ", "))
	}
	if reason == "other" && strings.TrimSpace(comment) == "" {
		return engine.Invalid("comment", "is required when the reason is other")
	}
	return nil
}

var lose = engine.Handle(deal.ActLose, (*run).isOpen,
	func(r *run, in *deal.LoseInput, st engine.Step) error {
		if err := r.checkReason(in.Reason, in.Comment); err != nil {
			return err
		}
		return r.checkRefundDecision(in, st.Now)
	},
	func(r *run, in *deal.LoseInput, s engine.Step) {
		switch {
		case in.RefundAmount != nil:
			r.refund(*in.RefundAmount, engine.OrNow(in.RefundedAt, s.Now), in.Reason)
		case in.KeepPayment:
			r.v.KeptPayment = &deal.KeptPayment{Amount: r.netPaid(), Reason: in.KeepPaymentReason}
			r.Record(s.Now, engine.SystemActor, "payment_kept", r.v.KeptPayment)
		}
		r.lose(s.Now, in.Reason, in.Comment)
	})

// checkRefundDecision checks what a lost deal does with the money received
// (docs/process.md §2.7): with nothing paid (net of refunds) there is
// nothing to decide; otherwise either a refund (refund_amount, refunded_at)
// or keep_payment with its reason.
func (r *run) checkRefundDecision(in *deal.LoseInput, now time.Time) error {
	refund, keep := in.RefundAmount != nil, in.KeepPayment
	paid := r.netPaid()
	switch {
	case paid <= 0 && refund:
		return engine.Invalid("refund_amount", "nothing has been paid, so there is nothing to refund")
	case paid <= 0 && keep:
		return engine.Invalid("keep_payment", "nothing has been paid, so there is nothing to keep")
	case refund && keep:
		return engine.Invalid("keep_payment", "give either refund_amount or keep_payment, not both")
	case in.RefundedAt != nil && !refund:
		return engine.Invalid("refunded_at", "is the date of a refund: give refund_amount too")
	case refund:
		return r.checkRefund(*in.RefundAmount, in.RefundedAt, now)
	case keep:
		return engine.Required("keep_payment_reason", strings.TrimSpace(in.KeepPaymentReason))
	case paid > 0:
		return engine.Invalid("refund_amount", "%s %s has been received: give refund_amount (and refunded_at), or keep_payment with keep_payment_reason", paid, r.v.Currency)
	}
	return nil
}

// reassign hands the deal to another owner; the API allows it to managers
// and admins, within their team.
var reassign = engine.Handle(deal.ActReassign, (*run).isOpen,
	func(r *run, in *deal.ReassignInput, _ engine.Step) error {
		return engine.NewOwner("owner", in.Owner, r.v.Owner, "already owns the deal")
	},
	func(r *run, in *deal.ReassignInput, _ engine.Step) {
		r.v.Owner = in.Owner
		r.cps.Handover(in.Owner, nil)
	})

var logContact = engine.Handle(deal.ActLogContact,
	func(r *run) error {
		if r.followUpPending() {
			return nil
		}
		return r.isOpen()
	},
	func(_ *run, in *deal.LogContactInput, st engine.Step) error {
		if err := engine.Required("channel", in.Channel); err != nil {
			return err
		}
		return engine.NotFuture("at", in.At, st.Now)
	},
	func(r *run, in *deal.LogContactInput, s engine.Step) {
		if r.v.Status == deal.StatusWon {
			r.cps.Done(s.Now, pointFollowUp)
		}
	})
