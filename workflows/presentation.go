package workflows

import (
	"fmt"

	"github.com/salesflow/salesflow/internal/deal"
)

const (
	pointProtocol = "protocol"
	pointRetry    = "presentation-retry"
)

func (r *run) presentationPending() error {
	if err := r.inStage(deal.StagePresentation); err != nil {
		return err
	}
	if r.v.Presentation.HeldAt != nil {
		return notAllowed("the presentation was already held")
	}
	return nil
}

var schedulePresentation = def(deal.ActSchedulePresentation, (*run).presentationPending,
	func(_ *run, in *deal.SchedulePresentationInput, st step) error { return future("at", in.At, st.now) },
	func(r *run, in *deal.SchedulePresentationInput, s step) {
		r.v.Presentation.ScheduledAt = &in.At
		r.cps.done(s.now, pointRetry)
	})

var declinePresentation = def(deal.ActDeclinePresentation, (*run).presentationPending,
	func(_ *run, in *deal.DeclinePresentationInput, st step) error {
		return future("retry_at", in.RetryAt, st.now)
	},
	func(r *run, in *deal.DeclinePresentationInput, s step) {
		p := &r.v.Presentation
		p.ScheduledAt = nil
		p.Declines = append(p.Declines, deal.Decline{At: s.now, RetryAt: in.RetryAt, Reason: in.Reason})
		if n := len(p.Declines); n >= r.v.Policy.PresentationMaxAttempts {
			r.lose(s.now, "other", fmt.Sprintf("presentation declined %d times", n))
			return
		}
		r.arm(s.now, pointRetry, deal.PointPresentationRetry, in.RetryAt, "Retry the declined presentation")
	})

var holdPresentation = def(deal.ActHoldPresentation, (*run).presentationPending,
	func(_ *run, in *deal.HoldPresentationInput, st step) error {
		return notFuture("held_at", in.HeldAt, st.now)
	},
	func(r *run, in *deal.HoldPresentationInput, s step) {
		held := orNow(in.HeldAt, s.now)
		p := &r.v.Presentation
		p.HeldAt, p.Notes = &held, in.Notes
		r.cps.done(s.now, pointRetry)
		r.arm(s.now, pointProtocol, deal.PointProtocol, r.cps.after(held, r.v.Policy.ProtocolDelay), "Send the meeting protocol")
	})

var sendProtocol = def(deal.ActSendProtocol,
	func(r *run) error {
		if err := r.inStage(deal.StagePresentation); err != nil {
			return err
		}
		if r.v.Presentation.HeldAt == nil {
			return notAllowed("the presentation has not been held yet")
		}
		return nil
	}, nil,
	func(r *run, in *deal.SendProtocolInput, s step) {
		r.v.Presentation.ProtocolSentAt = &s.now
		r.cps.done(s.now, pointProtocol)
		r.document(s.now, deal.DocProtocol, 1, "protocol-1", in.URL)
		r.enter(s.now, deal.StageOffer)
	})
