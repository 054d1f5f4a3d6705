package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

const (
	pointEventDate  = "event-date"
	pointEventItems = "event-items"
	pointSurvey     = "survey"
)

// eventPending allows actions on a planned event that has not been held.
var eventPending = inStageIf(deal.StageEvent, func(r *run) string {
	switch e := r.v.Event; {
	case e == nil:
		return "the event is not planned yet"
	case e.HeldAt != nil:
		return "the event has already been held"
	}
	return ""
})

func (r *run) pendingItems() []string {
	var names []string
	for _, it := range r.v.Event.Items {
		if !it.Approved {
			names = append(names, it.Name)
		}
	}
	return names
}

// armEvent (re-)arms the event date and, while items wait for approval, the
// escalation of unapproved items ahead of the date.
func (r *run) armEvent(now time.Time) {
	date := r.v.Event.Date
	r.arm(now, pointEventDate, deal.PointEventDate, date, "Hold the event on "+date.Format(time.DateOnly))
	if len(r.pendingItems()) > 0 {
		r.arm(now, pointEventItems, deal.PointEventItems, r.cps.After(date, -r.v.Policy.EventItemsLead), "Get the client's approval of every event item")
	}
}

var planEvent = engine.Handle(deal.ActPlanEvent,
	onceIn(deal.StageEvent, func(r *run) bool { return r.v.Event != nil }, "the event is already planned; use reschedule_event to move it"),
	func(_ *run, in *deal.PlanEventInput, st engine.Step) error {
		if err := engine.Future("date", in.Date, st.Now); err != nil {
			return err
		}
		for i, it := range in.Items {
			if strings.TrimSpace(it) == "" || slices.Index(in.Items, it) != i {
				return engine.Invalid("items", "names must be non-empty and unique")
			}
		}
		return nil
	},
	func(r *run, in *deal.PlanEventInput, s engine.Step) {
		e := &deal.Event{Date: in.Date, Items: []deal.EventItem{}, Reschedules: []deal.Reschedule{}}
		for _, it := range in.Items {
			e.Items = append(e.Items, deal.EventItem{Name: it})
		}
		r.v.Event = e
		r.armEvent(s.Now)
	})

var approveEventItem = engine.Handle(deal.ActApproveEventItem,
	engine.Unless(eventPending, func(r *run) bool { return len(r.pendingItems()) == 0 }, "every event item is approved"),
	func(r *run, in *deal.ApproveEventItemInput, _ engine.Step) error {
		return engine.OneOf("item", in.Item, r.pendingItems(), "awaiting approval", "pending")
	},
	func(r *run, in *deal.ApproveEventItemInput, s engine.Step) {
		for i := range r.v.Event.Items {
			if it := &r.v.Event.Items[i]; it.Name == in.Item {
				it.Approved, it.ApprovedAt = true, &s.Now
			}
		}
		if len(r.pendingItems()) == 0 {
			r.cps.Done(s.Now, pointEventItems)
		}
	})

var rescheduleEvent = engine.Handle(deal.ActRescheduleEvent, eventPending,
	func(r *run, in *deal.RescheduleEventInput, st engine.Step) error {
		if err := engine.Future("date", in.Date, st.Now); err != nil {
			return err
		}
		if in.Date.Equal(r.v.Event.Date) {
			return engine.Invalid("date", "is the current event date")
		}
		return nil
	},
	func(r *run, in *deal.RescheduleEventInput, s engine.Step) {
		e := r.v.Event
		e.Reschedules = append(e.Reschedules, deal.Reschedule{From: e.Date, To: in.Date, Reason: in.Reason, At: s.Now})
		e.Date = in.Date
		r.armEvent(s.Now)
	})

var holdEvent = engine.Handle(deal.ActHoldEvent,
	func(r *run) error {
		if err := eventPending(r); err != nil {
			return err
		}
		if pending := r.pendingItems(); len(pending) > 0 {
			return engine.NotAllowed("event items await the client's approval: %s", strings.Join(pending, ", "))
		}
		return nil
	},
	func(_ *run, in *deal.HoldEventInput, st engine.Step) error {
		return engine.NotFuture("held_at", in.HeldAt, st.Now)
	},
	func(r *run, in *deal.HoldEventInput, s engine.Step) {
		held := engine.OrNow(in.HeldAt, s.Now)
		r.v.Event.HeldAt = &held
		r.cps.Done(s.Now, pointEventDate)
		r.issueInvoices(s.Now, deal.DueAfterEvent)
		r.arm(s.Now, pointSurvey, deal.PointSurvey, r.cps.After(held, r.v.Policy.SurveyDelay), "Assess the client's satisfaction").Stage = string(deal.StageClose)
	})

var signClosingDocuments = engine.Handle(deal.ActSignClosingDocuments,
	inStageIf(deal.StageEvent, func(r *run) string {
		if e := r.v.Event; e == nil || e.HeldAt == nil {
			return "the event has not been held yet"
		}
		return ""
	}), nil,
	func(r *run, _ *deal.SignClosingDocumentsInput, s engine.Step) {
		r.v.Event.ClosingSignedAt = &s.Now
		r.document(s.Now, deal.DocAct, 1, fmt.Sprintf("act-%s", r.v.ID), "")
		r.enter(s.Now, deal.StageClose)
	})
