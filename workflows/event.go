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
// escalation of unapproved items ahead of the date. The event date is met
// by holding the event on its day: the point turns overdue only at the end
// of that day plus its grace (docs/process.md §3), for deals started with
// versionProcessRules; before, at the date's instant plus the grace.
func (r *run) armEvent(now time.Time) {
	date := r.v.Event.Date
	cp := r.arm(now, pointEventDate, deal.PointEventDate, date, "Hold the event on "+date.In(r.cps.Calendar().Location()).Format(time.DateOnly))
	if r.rules {
		cp.OverdueAt = r.cps.DayEnd(date, r.v.Policy.Point(deal.PointEventDate).Grace)
	}
	if len(r.pendingItems()) > 0 {
		r.arm(now, pointEventItems, deal.PointEventItems, r.cps.After(date, r.v.Policy.EventItemsLead.Neg()), "Get the client's approval of every event item")
	}
}

// beforeEventDay refuses holding the event before its day in the deal's
// calendar: the date is moved with reschedule_event first.
func (r *run) beforeEventDay(t time.Time, field string) error {
	cal := r.cps.Calendar()
	day := r.v.Event.Date.In(cal.Location()).Format(time.DateOnly)
	if !t.Before(cal.StartOfDay(r.v.Event.Date)) {
		return nil
	}
	if field == "" {
		return engine.NotAllowed("the event is planned for %s; to hold it earlier, move the date with reschedule_event first", day)
	}
	return engine.Invalid(field, "is before the event's day %s; move the date with reschedule_event first", day)
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
	func(r *run, in *deal.HoldEventInput, st engine.Step) error {
		if err := r.beforeEventDay(st.Now, ""); err != nil {
			return err
		}
		if err := engine.NotFuture("held_at", in.HeldAt, st.Now); err != nil || in.HeldAt == nil {
			return err
		}
		return r.beforeEventDay(*in.HeldAt, "held_at")
	},
	func(r *run, in *deal.HoldEventInput, s engine.Step) {
		held := engine.OrNow(in.HeldAt, s.Now)
		r.v.Event.HeldAt = &held
		r.cps.Done(s.Now, pointEventDate)
		r.issueInvoices(s.Now, deal.DueAfterEvent)
		if !r.rules {
			r.armSurvey(s.Now, held)
		}
	})

// armSurvey arms the satisfaction survey, due survey_delay after from: the
// closing documents signed (docs/process.md §3), since submit_survey waits
// for them; for deals started before versionProcessRules, the event held.
func (r *run) armSurvey(now, from time.Time) {
	r.arm(now, pointSurvey, deal.PointSurvey, r.cps.After(from, r.v.Policy.SurveyDelay), "Assess the client's satisfaction").Stage = string(deal.StageClose)
}

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
		if r.rules {
			r.armSurvey(s.Now, s.Now)
		}
	})
