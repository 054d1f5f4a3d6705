package workflows

import (
	"fmt"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

const (
	pointProtocol = "protocol"
	pointRetry    = "presentation-retry"
)

// presentationPending allows actions before the presentation is held.
var presentationPending = inStageIf(deal.StagePresentation, func(r *run) string {
	if r.v.Presentation.HeldAt != nil {
		return "the presentation was already held"
	}
	return ""
})

var schedulePresentation = engine.Handle(deal.ActSchedulePresentation, presentationPending,
	func(_ *run, in *deal.SchedulePresentationInput, st engine.Step) error {
		return engine.Future("at", in.At, st.Now)
	},
	func(r *run, in *deal.SchedulePresentationInput, s engine.Step) {
		r.v.Presentation.ScheduledAt = &in.At
		r.cps.Done(s.Now, pointRetry)
	})

var declinePresentation = engine.Handle(deal.ActDeclinePresentation, presentationPending,
	func(r *run, in *deal.DeclinePresentationInput, st engine.Step) error {
		if r.lastAttempt() && in.RetryAt.IsZero() {
			return nil // this decline loses the deal: there is no retry
		}
		return engine.Future("retry_at", in.RetryAt, st.Now)
	},
	func(r *run, in *deal.DeclinePresentationInput, s engine.Step) {
		p := &r.v.Presentation
		p.ScheduledAt = nil
		p.Declines = append(p.Declines, deal.Decline{At: s.Now, RetryAt: in.RetryAt, Reason: in.Reason})
		if n := len(p.Declines); n >= r.v.Policy.PresentationMaxAttempts {
			r.lose(s.Now, "other", fmt.Sprintf("presentation declined %d times", n))
			return
		}
		r.arm(s.Now, pointRetry, deal.PointPresentationRetry, in.RetryAt, "Retry the declined presentation")
	})

// lastAttempt reports whether the next decline uses up the last attempt
// the policy allows, and so loses the deal (docs/process.md §2.1).
func (r *run) lastAttempt() bool {
	return len(r.v.Presentation.Declines)+1 >= r.v.Policy.PresentationMaxAttempts
}

var holdPresentation = engine.Handle(deal.ActHoldPresentation, presentationPending,
	func(_ *run, in *deal.HoldPresentationInput, st engine.Step) error {
		return engine.NotFuture("held_at", in.HeldAt, st.Now)
	},
	func(r *run, in *deal.HoldPresentationInput, s engine.Step) {
		held := engine.OrNow(in.HeldAt, s.Now)
		p := &r.v.Presentation
		p.HeldAt, p.Notes = &held, in.Notes
		r.cps.Done(s.Now, pointRetry)
		r.arm(s.Now, pointProtocol, deal.PointProtocol, r.cps.After(held, r.v.Policy.ProtocolDelay), "Send the meeting protocol")
	})

var sendProtocol = engine.Handle(deal.ActSendProtocol,
	inStageIf(deal.StagePresentation, func(r *run) string {
		if r.v.Presentation.HeldAt == nil {
			return "the presentation has not been held yet"
		}
		return ""
	}), nil,
	func(r *run, in *deal.SendProtocolInput, s engine.Step) {
		r.v.Presentation.ProtocolSentAt = &s.Now
		r.cps.Done(s.Now, pointProtocol)
		r.document(s.Now, deal.DocProtocol, 1, "protocol-1", in.URL)
		r.enter(s.Now, deal.StageOffer)
	})
