package workflows

import (
	"slices"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

// plan is a control point as (re-)armed, times as offsets from the start.
type plan struct {
	due, overdue time.Duration
	remind       []time.Duration
}

// never is a moment after every planned one.
const never = time.Duration(1<<63 - 1)

// notices is what the point sends before the moment until: its reminders
// to the owner and, once overdue, the overdue notice to the owner and the
// escalation to her manager.
func (p plan) notices(until time.Duration) []notice {
	var out []notice
	for _, r := range p.remind {
		if r < until {
			out = append(out, remind(r, p.due))
		}
	}
	if p.overdue < until {
		out = append(out, overdue(p.overdue, p.due), escalation(p.overdue, p.due))
	}
	return out
}

// pointCase is one kind of control point of spec section 3: how a deal
// arms it, when it is due, what completes it and what moves its date.
type pointCase struct {
	name   string
	kind   casework.PointKind
	id     string
	policy string
	arm    func(h *harness)
	first  plan
	// done completes the point at doneAt.
	done   func(h *harness, at time.Duration)
	doneAt time.Duration
	// rearm moves the point's date at rearmAt; second is the new plan. Nil
	// for kinds whose date cannot move.
	rearm   func(h *harness, at time.Duration)
	rearmAt time.Duration
	second  plan
	// won deals cannot be lost: the workflow ends by itself once the point
	// is done or overdue.
	won bool
}

func pointCases() []pointCase {
	const h2 = 2 * time.Hour
	return []pointCase{
		{
			name: "protocol", kind: deal.PointProtocol, id: pointProtocol,
			// Two reminders and a grace, to show both a per-deal override and
			// that a done point sends nothing more.
			policy: `{"control_points": {"protocol": {"reminders": ["12h", "2h"], "grace": "6h"}}}`,
			arm: func(h *harness) {
				h.act("hold", day(0.5), deal.ActHoldPresentation, deal.HoldPresentationInput{})
			},
			first: plan{due: day(1.5), overdue: day(1.75), remind: []time.Duration{day(1), day(1.5) - h2}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActSendProtocol, deal.SendProtocolInput{})
			},
			doneAt: day(1.25),
		},
		{
			name: "presentation_retry", kind: deal.PointPresentationRetry, id: pointRetry,
			arm: func(h *harness) {
				h.act("decline", day(0.5), deal.ActDeclinePresentation, deal.DeclinePresentationInput{RetryAt: h.at(day(2)), Reason: "busy"})
			},
			first: plan{due: day(2), overdue: day(3), remind: []time.Duration{day(2)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActSchedulePresentation, deal.SchedulePresentationInput{At: h.at(day(4))})
			},
			doneAt: day(2.5),
			rearm: func(h *harness, at time.Duration) {
				h.act("rearm", at, deal.ActDeclinePresentation, deal.DeclinePresentationInput{RetryAt: h.at(day(4))})
			},
			rearmAt: day(1),
			second:  plan{due: day(4), overdue: day(5), remind: []time.Duration{day(4)}},
		},
		{
			name: "offer_validity", kind: deal.PointOfferValidity, id: offerPoint(1),
			arm: func(h *harness) {
				h.toOffer()
				h.act("offer", day(0.5), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 100000_00, ValidUntil: ptr(h.at(day(10)))})
			},
			first: plan{due: day(10), overdue: day(10), remind: []time.Duration{day(7), day(9)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActAcceptOffer, deal.AcceptOfferInput{})
			},
			doneAt: day(8),
			rearm: func(h *harness, at time.Duration) {
				h.act("rearm", at, deal.ActExtendOffer, deal.ExtendOfferInput{ValidUntil: h.at(day(15))})
			},
			rearmAt: day(8),
			second:  plan{due: day(15), overdue: day(15), remind: []time.Duration{day(12), day(14)}},
		},
		{
			name: "corrections_offer", kind: deal.PointCorrections, id: pointOfferCorrections,
			arm: func(h *harness) {
				h.toOffer()
				h.act("offer", day(0.5), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 100000_00})
				h.act("changes", day(1), deal.ActRequestOfferChanges, deal.RequestOfferChangesInput{Comment: "cheaper menu", CorrectionsDue: ptr(h.at(day(4)))})
			},
			first: plan{due: day(4), overdue: day(4), remind: []time.Duration{day(3)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActIssueOffer, deal.IssueOfferInput{Amount: 90000_00})
			},
			doneAt: day(3.5),
		},
		{
			name: "corrections_contract", kind: deal.PointCorrections, id: pointContractCorrections,
			arm: func(h *harness) {
				h.toContract()
				h.act("contract", day(1.5), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: approvers("director", "lawyer")})
				// No date given: the default corrections delay of 2 days.
				h.act("changes", day(1.75), deal.ActRequestContractChanges, deal.RequestContractChangesInput{Approver: "lawyer", Comment: "liability clause"})
			},
			first: plan{due: day(3.75), overdue: day(3.75), remind: []time.Duration{day(2.75)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActReviseContract, nil)
			},
			doneAt: day(2.5),
		},
		{
			name: "payment_due", kind: deal.PointPaymentDue, id: invoicePoint(1),
			arm:   func(h *harness) { h.toPayment() },
			first: plan{due: day(7), overdue: day(7), remind: []time.Duration{day(5)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 100000_00})
			},
			doneAt: day(6),
		},
		{
			name: "event_date", kind: deal.PointEventDate, id: pointEventDate,
			arm: func(h *harness) {
				h.toEvent()
				h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(20))})
			},
			// Due on the event's day (day 20 is 21 December, 09:00), overdue
			// at the end of the next business day: 23 December, 00:00.
			first: plan{due: day(20), overdue: day(21) + 15*time.Hour, remind: []time.Duration{day(19)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActHoldEvent, nil)
			},
			doneAt: day(20) + 3*time.Hour,
			// Moved after its reminder: the old date must not turn it overdue.
			rearm: func(h *harness, at time.Duration) {
				h.act("rearm", at, deal.ActRescheduleEvent, deal.RescheduleEventInput{Date: h.at(day(25))})
			},
			rearmAt: day(19.5),
			second:  plan{due: day(25), overdue: day(26) + 15*time.Hour, remind: []time.Duration{day(24)}},
		},
		{
			name: "event_items", kind: deal.PointEventItems, id: pointEventItems,
			arm: func(h *harness) {
				h.toEvent()
				h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(20)), Items: []string{"menu"}})
			},
			// Escalated 3 days before the event.
			first: plan{due: day(17), overdue: day(17), remind: []time.Duration{day(16)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "menu"})
			},
			doneAt: day(16.5),
			rearm: func(h *harness, at time.Duration) {
				h.act("rearm", at, deal.ActRescheduleEvent, deal.RescheduleEventInput{Date: h.at(day(25))})
			},
			rearmAt: day(10),
			second:  plan{due: day(22), overdue: day(22), remind: []time.Duration{day(21)}},
		},
		{
			name: "survey", kind: deal.PointSurvey, id: pointSurvey,
			arm:   func(h *harness) { h.toClose() }, // closing documents signed at day 5
			first: plan{due: day(8), overdue: day(8), remind: []time.Duration{day(7)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: allScored(5)})
			},
			doneAt: day(6),
		},
		{
			// Armed when the deal opens; every action moves it.
			name: "contact_interval", kind: deal.PointContactInterval, id: pointContact,
			arm:   func(*harness) {},
			first: plan{due: day(14), overdue: day(14), remind: []time.Duration{day(12)}},
			rearm: func(h *harness, at time.Duration) {
				h.act("rearm", at, deal.ActLogContact, deal.LogContactInput{Channel: "phone"})
			},
			rearmAt: day(13),
			second:  plan{due: day(27), overdue: day(27), remind: []time.Duration{day(25)}},
		},
		{
			// Not scheduled before the close: two calendar months after it,
			// closed on 7 December 09:00, due on 7 February 09:00 (day 68).
			name: "follow_up", kind: deal.PointFollowUp, id: pointFollowUp, won: true,
			arm: func(h *harness) {
				h.toClose()
				h.act("survey", day(5.5), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: allScored(5)})
				h.act("close", day(6), deal.ActCloseDeal, nil)
			},
			first: plan{due: day(68), overdue: day(71), remind: []time.Duration{day(68)}},
			done: func(h *harness, at time.Duration) {
				h.act("done", at, deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{Outcome: deal.OutcomeNotInterested})
			},
			doneAt: day(69),
			rearm: func(h *harness, at time.Duration) {
				h.act("rearm", at, deal.ActScheduleFollowUp, deal.ScheduleFollowUpInput{At: h.at(day(40)), Purpose: "training"})
			},
			rearmAt: day(30),
			second:  plan{due: day(40), overdue: day(43), remind: []time.Duration{day(40)}},
		},
	}
}

func offs(ds []time.Duration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = off(d)
	}
	return out
}

// endAfter loses an open deal a day after the moment given, so that anything
// still planned up to then would have fired.
func (h *harness) endAfter(c pointCase, t time.Duration) {
	if !c.won {
		h.end("end", t+day(1), "timing")
	}
}

// checkArmed fails unless the point is armed for p and has sent none of its
// reminders yet.
func (h *harness) checkArmed(t *testing.T, c pointCase, cp casework.ControlPoint, p plan) {
	t.Helper()
	if cp.Kind != c.kind || cp.Owner != "alice" || cp.Status != casework.PointOpen || cp.Reminded != 0 ||
		!cp.DueAt.Equal(h.at(p.due)) || !cp.OverdueAt.Equal(h.at(p.overdue)) || !equalTimes(cp.RemindAt, h.times(p.remind...)) {
		t.Errorf("point %s armed as %+v, want kind %s, open, due %s, overdue %s, reminders %v", c.id, cp, c.kind, off(p.due), off(p.overdue), offs(p.remind))
	}
}

// TestControlPoints runs every kind of control point of spec section 3
// through its life: missed (reminders before the due time go to the owner,
// then the point turns overdue with an overdue notice to the owner and an
// escalation to her manager), done in time (nothing is sent after it is
// done), and moved to a new date (nothing planned for the old date fires;
// reminders are planned afresh).
func TestControlPoints(t *testing.T) {
	for _, c := range pointCases() {
		t.Run(c.name+"/missed", func(t *testing.T) {
			h := newHarness(t)
			c.arm(h)
			h.snapshot("armed", c.first.remind[0]-time.Hour)
			if !c.won {
				h.snapshot("overdue", c.first.overdue+time.Hour)
			}
			h.endAfter(c, c.first.overdue)
			final := h.run(c.policy)
			h.mustApplyAll()
			h.checkArmed(t, c, point(h.views["armed"], c.id), c.first)
			v := final
			if !c.won {
				v = h.views["overdue"]
				if got := point(final, c.id).Status; got != casework.PointCancelled {
					t.Errorf("after the deal is lost the point is %s, want cancelled", got)
				}
			}
			if cp := point(v, c.id); cp.Status != casework.PointOverdue || !cp.Escalated || cp.Reminded != len(c.first.remind) {
				t.Errorf("missed point: %+v, want overdue, escalated, %d reminders sent", cp, len(c.first.remind))
			}
			h.wantNotices(c.id, c.first.notices(never)...)
		})
		if c.done != nil {
			t.Run(c.name+"/done", func(t *testing.T) {
				h := newHarness(t)
				c.arm(h)
				c.done(h, c.doneAt)
				h.endAfter(c, c.first.overdue)
				final := h.run(c.policy)
				h.mustApplyAll()
				if cp := point(final, c.id); cp.Status != casework.PointDone || cp.DoneAt == nil || !cp.DoneAt.Equal(h.at(c.doneAt)) || cp.Escalated {
					t.Errorf("point done at %s: %+v", off(c.doneAt), cp)
				}
				h.wantNotices(c.id, c.first.notices(c.doneAt)...)
			})
		}
		if c.rearm != nil {
			t.Run(c.name+"/rearmed", func(t *testing.T) {
				h := newHarness(t)
				c.arm(h)
				c.rearm(h, c.rearmAt)
				h.snapshot("rearmed", c.rearmAt+time.Hour)
				h.endAfter(c, c.second.overdue)
				h.run(c.policy)
				h.mustApplyAll()
				cp := point(h.views["rearmed"], c.id)
				h.checkArmed(t, c, cp, c.second)
				if !cp.ArmedAt.Equal(h.at(c.rearmAt)) {
					t.Errorf("re-armed at %s, want %s", cp.ArmedAt, h.at(c.rearmAt))
				}
				h.wantNotices(c.id, slices.Concat(c.first.notices(c.rearmAt), c.second.notices(never))...)
			})
		}
	}
}

// TestFollowUpDoneByNextDeal: a follow-up scheduled before the close is
// armed for its own date; the next deal for the client completes it (the
// follow_up_done signal), which ends the won deal without further notices.
func TestFollowUpDoneByNextDeal(t *testing.T) {
	h := newHarness(t)
	h.toClose()
	h.act("survey", day(5.5), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: allScored(5)})
	h.act("followup", day(5.75), deal.ActScheduleFollowUp, deal.ScheduleFollowUpInput{At: h.at(day(40)), Purpose: "team-building training", Product: "training"})
	h.act("close", day(6), deal.ActCloseDeal, nil)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalFollowUpDone, "deal-2") }, day(30))
	v := h.run(`{}`)
	h.mustApplyAll()

	if cp := point(h.views["close"], pointFollowUp); cp.Status != casework.PointOpen || !cp.DueAt.Equal(h.at(day(40))) ||
		cp.Subject != "Follow-up contact with the client: team-building training" {
		t.Errorf("follow-up point at the close: %+v", cp)
	}
	if cp := point(v, pointFollowUp); cp.Status != casework.PointDone || !cp.DoneAt.Equal(h.at(day(30))) {
		t.Errorf("follow-up point after the next deal: %+v", cp)
	}
	if f := v.FollowUp; f == nil || !f.At.Equal(h.at(day(40))) || f.Product != "training" || v.Status != deal.StatusWon {
		t.Errorf("won deal's follow-up: %+v, status %s", f, v.Status)
	}
	evs := h.events()
	if last := evs[len(evs)-1]; last.Type != "follow_up_done" || last.Data != `{"next_deal_id":"deal-2"}` || !last.At.Equal(h.at(day(30))) {
		t.Errorf("last history event: %+v", last)
	}
	h.wantNotices(pointFollowUp)
}
