package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

const (
	pointEventDate  = "event-date"
	pointEventItems = "event-items"
	pointSurvey     = "survey"
)

// eventPending allows actions on a planned event that has not been held.
func (r *run) eventPending() error {
	if err := r.inStage(deal.StageEvent); err != nil {
		return err
	}
	switch e := r.v.Event; {
	case e == nil:
		return notAllowed("the event is not planned yet")
	case e.HeldAt != nil:
		return notAllowed("the event has already been held")
	}
	return nil
}

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
		r.arm(now, pointEventItems, deal.PointEventItems, r.cps.after(date, -r.v.Policy.EventItemsLead), "Get the client's approval of every event item")
	}
}

var planEvent = def(deal.ActPlanEvent,
	func(r *run) error {
		if err := r.inStage(deal.StageEvent); err != nil {
			return err
		}
		if r.v.Event != nil {
			return notAllowed("the event is already planned; use reschedule_event to move it")
		}
		return nil
	},
	func(_ *run, in *deal.PlanEventInput, st step) error {
		if err := future("date", in.Date, st.now); err != nil {
			return err
		}
		for i, it := range in.Items {
			if strings.TrimSpace(it) == "" || slices.Index(in.Items, it) != i {
				return invalid("items", "names must be non-empty and unique")
			}
		}
		return nil
	},
	func(r *run, in *deal.PlanEventInput, s step) {
		e := &deal.Event{Date: in.Date, Items: []deal.EventItem{}, Reschedules: []deal.Reschedule{}}
		for _, it := range in.Items {
			e.Items = append(e.Items, deal.EventItem{Name: it})
		}
		r.v.Event = e
		r.armEvent(s.now)
	})

var approveEventItem = def(deal.ActApproveEventItem,
	func(r *run) error {
		if err := r.eventPending(); err != nil {
			return err
		}
		if len(r.pendingItems()) == 0 {
			return notAllowed("every event item is approved")
		}
		return nil
	},
	func(r *run, in *deal.ApproveEventItemInput, _ step) error {
		if pending := r.pendingItems(); !slices.Contains(pending, in.Item) {
			return invalid("item", "%q is not awaiting approval (pending: %s)", in.Item, strings.Join(pending, ", "))
		}
		return nil
	},
	func(r *run, in *deal.ApproveEventItemInput, s step) {
		for i := range r.v.Event.Items {
			if it := &r.v.Event.Items[i]; it.Name == in.Item {
				it.Approved, it.ApprovedAt = true, &s.now
			}
		}
		if len(r.pendingItems()) == 0 {
			r.cps.done(s.now, pointEventItems)
		}
	})

var rescheduleEvent = def(deal.ActRescheduleEvent, (*run).eventPending,
	func(r *run, in *deal.RescheduleEventInput, st step) error {
		if err := future("date", in.Date, st.now); err != nil {
			return err
		}
		if in.Date.Equal(r.v.Event.Date) {
			return invalid("date", "is the current event date")
		}
		return nil
	},
	func(r *run, in *deal.RescheduleEventInput, s step) {
		e := r.v.Event
		e.Reschedules = append(e.Reschedules, deal.Reschedule{From: e.Date, To: in.Date, Reason: in.Reason, At: s.now})
		e.Date = in.Date
		r.armEvent(s.now)
	})

var holdEvent = def(deal.ActHoldEvent,
	func(r *run) error {
		if err := r.eventPending(); err != nil {
			return err
		}
		if pending := r.pendingItems(); len(pending) > 0 {
			return notAllowed("event items await the client's approval: %s", strings.Join(pending, ", "))
		}
		return nil
	},
	func(_ *run, in *deal.HoldEventInput, st step) error {
		return notFuture("held_at", in.HeldAt, st.now)
	},
	func(r *run, in *deal.HoldEventInput, s step) {
		held := orNow(in.HeldAt, s.now)
		r.v.Event.HeldAt = &held
		r.cps.done(s.now, pointEventDate)
		r.issueInvoices(s.now, deal.DueAfterEvent)
		r.arm(s.now, pointSurvey, deal.PointSurvey, r.cps.after(held, r.v.Policy.SurveyDelay), "Assess the client's satisfaction").Stage = deal.StageClose
	})

var signClosingDocuments = def(deal.ActSignClosingDocuments,
	func(r *run) error {
		if err := r.inStage(deal.StageEvent); err != nil {
			return err
		}
		if e := r.v.Event; e == nil || e.HeldAt == nil {
			return notAllowed("the event has not been held yet")
		}
		return nil
	}, nil,
	func(r *run, _ *deal.SignClosingDocumentsInput, s step) {
		r.v.Event.ClosingSignedAt = &s.now
		r.document(s.now, deal.DocAct, 1, fmt.Sprintf("act-%s", r.v.ID), "")
		r.enter(s.now, deal.StageClose)
	})
