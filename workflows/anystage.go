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
	func(r *run, in *deal.LogContactInput, st engine.Step) error {
		if err := engine.Required("channel", in.Channel); err != nil {
			return err
		}
		if err := engine.NotFuture("at", in.At, st.Now); err != nil {
			return err
		}
		if last := r.v.LastContactAt; in.At != nil && last != nil && in.At.Before(*last) {
			return engine.Invalid("at", "is before the last contact with the client (%s)", last.UTC().Format(time.RFC3339))
		}
		return nil
	},
	func(r *run, in *deal.LogContactInput, s engine.Step) {
		switch {
		case r.rules:
			r.contacted(s.Now, engine.OrNow(in.At, s.Now))
		case r.v.Status == deal.StatusWon:
			r.cps.Done(s.Now, pointFollowUp)
		}
	})
