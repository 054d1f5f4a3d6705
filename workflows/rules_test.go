package workflows

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// The rules of docs/process.md §1–§3 on the default business calendar (UTC,
// Saturday and Sunday off). The harness starts on Tuesday 1 December 2026,
// 09:00 UTC.

// when is the offset from the start of an RFC 3339 time.
func (h *harness) when(s string) time.Duration { return utc(s).Sub(h.start) }

// refusal schedules an action that must be refused and returns where the
// refusal's message will be.
func (h *harness) refusal(label string, d time.Duration, action string, input any) *string {
	msg := new(string)
	raw, err := json.Marshal(input)
	if err != nil {
		h.t.Fatal(err)
	}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(action, label, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { *msg = err.Error() }, OnAccept: func() {}, OnComplete: func(any, error) {},
		}, casework.Request{Actor: "alice", Role: casework.RoleSales, Input: raw})
	}, d)
	return msg
}

// dealRow reads the deal's read-model row.
func (h *harness) dealRow() *models.Deal {
	h.t.Helper()
	d, err := models.GetDeal(context.Background(), h.db, dealID)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// TestEventDatePointFollowsTheEventsDay: the event is on Friday 11
// December at 18:00. Held that evening, or late on the next business day
// (Monday), nothing escalates; not recorded by the end of Monday, it
// escalates at midnight. Holding it the day before is refused, naming
// reschedule_event.
func TestEventDatePointFollowsTheEventsDay(t *testing.T) {
	for _, c := range []struct {
		name, heldAt string
		escalates    bool
	}{
		{"held 3 hours after its start", "2026-12-11T21:00:00Z", false},
		{"held late on the next business day", "2026-12-14T23:00:00Z", false},
		{"not recorded", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.cal = calendar.Default()
			h.toEvent()
			date := utc("2026-12-11T18:00:00Z")
			h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: date})
			early := h.refusal("early", h.when("2026-12-10T12:00:00Z"), deal.ActHoldEvent, deal.HoldEventInput{})
			if c.heldAt != "" {
				h.act("held", h.when(c.heldAt), deal.ActHoldEvent, nil)
			}
			h.end("end", h.when("2026-12-21T12:00:00Z"), "timing")
			h.run(`{}`)
			h.mustApplyAll()
			if !strings.Contains(*early, deal.ActRescheduleEvent) {
				t.Errorf("hold_event the day before: %q, want a refusal naming %s", *early, deal.ActRescheduleEvent)
			}
			due := h.when("2026-12-11T18:00:00Z")
			want := []notice{remind(h.when("2026-12-10T18:00:00Z"), due)}
			if c.escalates {
				end := h.when("2026-12-15T00:00:00Z") // the end of Monday, the next business day
				want = append(want, overdue(end, due), escalation(end, due))
			}
			h.wantNotices(pointEventDate, want...)
			if cp := point(h.views["plan"], pointEventDate); !cp.OverdueAt.Equal(utc("2026-12-15T00:00:00Z")) {
				t.Errorf("event date point: %+v, want overdue at the end of Monday", cp)
			}
		})
	}
}

// TestSurveyPointArmedByTheClosingDocuments: the event is held on Saturday
// 5 December; the act is signed on Monday 7 December at 12:00, which arms the
// survey 3 business days later, Thursday 10 December at 12:00.
func TestSurveyPointArmedByTheClosingDocuments(t *testing.T) {
	h := newHarness(t)
	h.cal = calendar.Default()
	h.toEvent()
	h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(4.25))})
	h.act("held", day(4.5), deal.ActHoldEvent, nil)
	h.act("sign", h.when("2026-12-07T12:00:00Z"), deal.ActSignClosingDocuments, nil)
	h.end("end", day(12), "timing")
	h.run(`{}`)
	h.mustApplyAll()
	if cp := point(h.views["held"], pointSurvey); cp.ID != "" {
		t.Errorf("survey point armed when the event is held: %+v", cp)
	}
	cp := point(h.views["sign"], pointSurvey)
	if cp.Status != casework.PointOpen || cp.Stage != string(deal.StageClose) || !cp.DueAt.Equal(utc("2026-12-10T12:00:00Z")) {
		t.Errorf("survey point at the signing: %+v", cp)
	}
}

// TestContactIntervalFromTheLoggedContact: the contract is signed on
// Thursday 3 December at 09:00, the last client-facing step. On Friday the
// rep logs a call made on Thursday at 15:00: the interval restarts from it,
// 14 calendar days, to Thursday 17 December 15:00. A payment and a
// reassignment are not contacts and move nothing; a logged contact before
// the last one, or in the future, is refused.
func TestContactIntervalFromTheLoggedContact(t *testing.T) {
	h := newHarness(t)
	h.cal = calendar.Default()
	h.toPayment()
	call := utc("2026-12-03T15:00:00Z")
	h.act("call", h.when("2026-12-04T10:00:00Z"), deal.ActLogContact, deal.LogContactInput{Channel: "phone", At: &call})
	h.act("before-last", h.when("2026-12-04T11:00:00Z"), deal.ActLogContact, deal.LogContactInput{Channel: "phone", At: ptr(utc("2026-12-03T12:00:00Z"))})
	h.act("future", h.when("2026-12-04T11:00:00Z"), deal.ActLogContact, deal.LogContactInput{Channel: "phone", At: ptr(utc("2026-12-05T12:00:00Z"))})
	h.act("pay", h.when("2026-12-07T10:00:00Z"), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 30000_00})
	h.actAs("reassign", h.when("2026-12-17T18:00:00Z"), "maria", casework.RoleManager, deal.ActReassign, deal.ReassignInput{Owner: "bob"})
	h.end("end", h.when("2026-12-18T12:00:00Z"), "timing")
	h.run(`{}`)
	h.mustApplyAll("before-last", "future")
	h.mustRefuse("before-last", casework.CodeInvalidInput)
	h.mustRefuse("future", casework.CodeInvalidInput)

	due := utc("2026-12-17T15:00:00Z")
	for _, label := range []string{"call", "pay"} {
		cp := point(h.views[label], pointContact)
		if !cp.DueAt.Equal(due) || !cp.ArmedAt.Equal(utc("2026-12-04T10:00:00Z")) {
			t.Errorf("contact point after %s: %+v, want due %s, armed by the logged call", label, cp, due)
		}
	}
	if v := h.views["call"]; v.LastContactAt == nil || !v.LastContactAt.Equal(call) {
		t.Errorf("last contact: %v, want %s", v.LastContactAt, call)
	}
	if cp := point(h.views["reassign"], pointContact); !cp.DueAt.Equal(due) || cp.Status != casework.PointOverdue {
		t.Errorf("contact point after the reassignment: %+v", cp)
	}
	d := h.when(due.Format(time.RFC3339))
	h.wantNotices(pointContact, remind(h.when("2026-12-15T15:00:00Z"), d), overdue(d, d), escalation(d, d))
}

// closeWon drives a deal to won on Tuesday 8 December 2026, 09:00.
func (h *harness) closeWon() {
	h.toClose()
	h.act("survey", day(5.5), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: allScored(5)})
	h.act("close", h.when("2026-12-08T09:00:00Z"), deal.ActCloseDeal, nil)
}

// TestFollowUpTwoCalendarMonthsAfterClose: won on Tuesday 8 December, the
// deal's follow-up falls two calendar months later, on Monday 8 February
// 2027 (not 60 business days later); unattended, it escalates 3 business
// days after, and still takes its outcome then. The read model shows it as
// the client's next contact.
func TestFollowUpTwoCalendarMonthsAfterClose(t *testing.T) {
	h := newHarness(t)
	h.cal = calendar.Default()
	h.closeWon()
	var row *models.Deal
	h.env.RegisterDelayedCallback(func() { row = h.dealRow() }, h.when("2026-12-09T09:00:00Z"))
	// Overdue and escalated, the follow-up still takes its outcome.
	h.act("late", h.when("2027-02-12T10:00:00Z"), deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{Outcome: deal.OutcomeNotInterested})
	v := h.run(`{}`)
	h.mustApplyAll()

	due := utc("2027-02-08T09:00:00Z")
	if cp := point(h.views["close"], pointFollowUp); !cp.DueAt.Equal(due) || !cp.OverdueAt.Equal(utc("2027-02-11T09:00:00Z")) {
		t.Errorf("follow-up point: %+v, want due %s", cp, due)
	}
	if row.NextContactAt == nil || !row.NextContactAt.Equal(due) || row.NextContactPurpose != deal.FollowUpPurpose || row.FollowUpOutcome != "" {
		t.Errorf("read model of the won deal: next contact %v %q, outcome %q", row.NextContactAt, row.NextContactPurpose, row.FollowUpOutcome)
	}
	d, o := h.when("2027-02-08T09:00:00Z"), h.when("2027-02-11T09:00:00Z")
	h.wantNotices(pointFollowUp, remind(d, d), overdue(o, d), escalation(o, d))
	if v.Status != deal.StatusWon || v.FollowUp.Outcome != deal.OutcomeNotInterested {
		t.Errorf("status %s, follow-up %+v, want won with the late outcome", v.Status, v.FollowUp)
	}
}

// TestFollowUpLaterRearms: a contact logged on the won deal is only a
// contact; the follow-up's outcome "later" re-arms it at the agreed date,
// with its purpose and product in the read model; "not_interested" then
// closes it and the deal's workflow ends.
func TestFollowUpLaterRearms(t *testing.T) {
	h := newHarness(t)
	h.cal = calendar.Default()
	h.closeWon()
	next := utc("2027-03-15T10:00:00Z")
	h.act("contact", h.when("2026-12-10T10:00:00Z"), deal.ActLogContact, deal.LogContactInput{Channel: "phone", Note: "thanks for the party"})
	h.act("no-date", h.when("2027-02-03T09:00:00Z"), deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{Outcome: deal.OutcomeLater})
	h.act("date-not-later", h.when("2027-02-03T09:00:00Z"), deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{Outcome: deal.OutcomeNotInterested, NextAt: &next})
	h.act("later", h.when("2027-02-03T10:00:00Z"), deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{
		Outcome: deal.OutcomeLater, Note: "budget in March", NextAt: &next, Purpose: "team-building training", Product: "training"})
	var row *models.Deal
	h.env.RegisterDelayedCallback(func() { row = h.dealRow() }, h.when("2027-02-03T11:00:00Z"))
	h.act("no", h.when("2027-03-15T12:00:00Z"), deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{Outcome: deal.OutcomeNotInterested})
	v := h.run(`{}`)
	h.mustApplyAll("no-date", "date-not-later")
	h.mustRefuse("no-date", casework.CodeInvalidInput)
	h.mustRefuse("date-not-later", casework.CodeInvalidInput)

	if c := h.views["contact"]; point(c, pointFollowUp).Status != casework.PointOpen || c.Status != deal.StatusWon {
		t.Errorf("a contact on the won deal completed the follow-up: %+v", point(c, pointFollowUp))
	}
	if cp := point(h.views["later"], pointFollowUp); cp.Status != casework.PointOpen || !cp.DueAt.Equal(next) {
		t.Errorf("follow-up after later: %+v, want open, due %s", cp, next)
	}
	if row.FollowUpOutcome != string(deal.OutcomeLater) || row.NextContactAt == nil || !row.NextContactAt.Equal(next) ||
		row.NextContactPurpose != "team-building training" || row.NextContactProduct != "training" {
		t.Errorf("read model after later: %+v", row)
	}
	if f := v.FollowUp; f.Outcome != deal.OutcomeNotInterested || point(v, pointFollowUp).Status != casework.PointDone {
		t.Errorf("after not_interested: %+v", f)
	}
	if final := h.dealRow(); final.FollowUpOutcome != string(deal.OutcomeNotInterested) || final.NextContactAt != nil {
		t.Errorf("read model after not_interested: outcome %q next %v", final.FollowUpOutcome, final.NextContactAt)
	}
	n := h.when("2027-03-15T10:00:00Z")
	h.wantNotices(pointFollowUp, remind(n, n))
}

// TestFollowUpNextDealCompletes: the outcome next_deal waits for the next
// deal; the deal opened naming this one (the follow_up_done signal the API
// sends) completes the follow-up and ends the workflow.
func TestFollowUpNextDealCompletes(t *testing.T) {
	h := newHarness(t)
	h.cal = calendar.Default()
	h.closeWon()
	h.act("next", h.when("2027-02-01T10:00:00Z"), deal.ActCompleteFollowUp, deal.CompleteFollowUpInput{
		Outcome: deal.OutcomeNextDeal, Purpose: "team-building training", Product: "training"})
	var row *models.Deal
	h.env.RegisterDelayedCallback(func() { row = h.dealRow() }, h.when("2027-02-01T11:00:00Z"))
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalFollowUpDone, "deal-2") }, h.when("2027-02-02T10:00:00Z"))
	v := h.run(`{}`)
	h.mustApplyAll()

	if cp := point(h.views["next"], pointFollowUp); cp.Status != casework.PointOpen {
		t.Errorf("follow-up before the next deal: %+v", cp)
	}
	if row.FollowUpOutcome != string(deal.OutcomeNextDeal) || row.NextContactProduct != "training" {
		t.Errorf("read model awaiting the next deal: %+v", row)
	}
	cp := point(v, pointFollowUp)
	if f := v.FollowUp; cp.Status != casework.PointDone || !cp.DoneAt.Equal(utc("2027-02-02T10:00:00Z")) ||
		f.Outcome != deal.OutcomeNextDeal || f.NextDealID != "deal-2" || f.Product != "training" {
		t.Errorf("follow-up after the next deal: %+v, %+v", cp, f)
	}
	if final := h.dealRow(); final.FollowUpOutcome != string(deal.OutcomeNextDeal) || final.NextContactAt != nil {
		t.Errorf("read model after the next deal: outcome %q next %v", final.FollowUpOutcome, final.NextContactAt)
	}
	h.wantNotices(pointFollowUp)
}

// TestDealStartedBeforeTheChangeKeepsItsDeadlines: a deal whose workflow
// started before durations carried units and before the process rules
// (both versions default, as on replay of its history) keeps its old
// meaning: "7d" to pay and "14d" between contacts count business days,
// "60d" to the follow-up too; every action restarts the contact interval;
// the event point escalates at the event's instant; the survey is armed
// when the event is held; and a contact on the won deal completes its
// follow-up. It started before the local sync too, so its syncs are
// activities on the task queue.
func TestDealStartedBeforeTheChangeKeepsItsDeadlines(t *testing.T) {
	h := newHarness(t)
	h.cal = calendar.Default()
	h.env.OnGetVersion("local-sync", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.env.OnGetVersion(versionProcessRules, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.env.OnGetVersion("duration-units", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.closeWon()
	h.act("contact", h.when("2026-12-10T10:00:00Z"), deal.ActLogContact, deal.LogContactInput{Channel: "phone"})
	v := h.run(`{"invoice_due": "7d", "contact_interval": "14d", "follow_up_delay": "60d",
		"control_points": {"event_date": {"reminders": ["1d"], "grace": "0s"}}}`)
	h.mustApplyAll()

	// Signed on Thursday 3 December at 09:00: 7 business days to pay.
	if inv := h.views["approve"].Invoices[0]; !inv.DueAt.Equal(utc("2026-12-14T09:00:00Z")) {
		t.Errorf("invoice due %s, want 7 business days later", inv.DueAt)
	}
	// Paid on Thursday 3 December at 21:00, not a contact today.
	if cp := point(h.views["pay"], pointContact); !cp.DueAt.Equal(utc("2026-12-23T21:00:00Z")) {
		t.Errorf("contact point after the payment: %+v, want 14 business days after it", cp)
	}
	if cp := point(h.views["plan"], pointEventDate); !cp.OverdueAt.Equal(cp.DueAt) {
		t.Errorf("event date point: %+v, want overdue at the event's instant", cp)
	}
	if cp := point(h.views["held"], pointSurvey); !cp.ArmedAt.Equal(h.at(day(4.5))) {
		t.Errorf("survey point: %+v, want armed when the event is held", cp)
	}
	// Won on Tuesday 8 December: 60 business days is Tuesday 2 March.
	if cp := point(h.views["close"], pointFollowUp); !cp.DueAt.Equal(utc("2027-03-02T09:00:00Z")) {
		t.Errorf("follow-up point: %+v, want 60 business days after the close", cp)
	}
	if cp := point(v, pointFollowUp); cp.Status != casework.PointDone || !cp.DoneAt.Equal(utc("2026-12-10T10:00:00Z")) {
		t.Errorf("follow-up after a contact on the won deal: %+v", cp)
	}
}
