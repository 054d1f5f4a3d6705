package workflows

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

// moscow is the example production calendar shipped in deploy/: Moscow time,
// 1–10 January 2027 off, 31 December 2026 a working day.
func moscow(t *testing.T) calendar.Calendar {
	t.Helper()
	c, err := calendar.Load(filepath.Join("..", "deploy", "calendar.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReminderOnAHolidayMovesToThePreviousWorkingDay(t *testing.T) {
	h := newHarness(t)
	h.cal = moscow(t)
	// The client declines and asks to try again on 5 January, 10:00 Moscow:
	// a holiday. The retry reminder (due on the date itself) goes out on the
	// last working day before it, 31 December, at 09:00 Moscow; the point
	// escalates one business day after the date, counted from the first
	// working day after the holidays: 12 January, 09:00 Moscow.
	h.act("decline", day(0.1), deal.ActDeclinePresentation, deal.DeclinePresentationInput{RetryAt: utc("2027-01-05T07:00:00Z"), Reason: "after the holidays"})
	h.act("lose", day(60), deal.ActLose, deal.LoseInput{Reason: "no_response"})
	h.run(`{}`)
	h.mustApplyAll()

	rem := h.noticesFor(pointRetry, casework.NoticeReminder)
	if len(rem) != 1 || !rem[0].CreatedAt.Equal(utc("2026-12-31T06:00:00Z")) {
		t.Fatalf("retry reminder: %+v", rem)
	}
	esc := h.noticesFor(pointRetry, casework.NoticeEscalation)
	if len(esc) != 1 || esc[0].Recipient != "maria" || !esc[0].CreatedAt.Equal(utc("2027-01-12T06:00:00Z")) {
		t.Fatalf("retry escalation: %+v", esc)
	}
}

func TestDeadlinesCountBusinessDays(t *testing.T) {
	h := newHarness(t)
	h.cal = moscow(t)
	// The contract is signed on Thursday 3 December 2026, 12:00 Moscow. The
	// invoice is due 5 business days later — Fri 4, Mon 7, Tue 8, Wed 9,
	// Thu 10 — on 10 December 12:00 Moscow, not on Tuesday the 8th as in
	// calendar days; its reminder goes 2 business days before (Tuesday 8th)
	// and, unpaid, it escalates at the due time.
	h.toPayment()
	h.act("lose", day(20), deal.ActLose, deal.LoseInput{Reason: "no_budget"})
	v := h.run(`{}`)
	h.mustApplyAll()

	due := utc("2026-12-10T09:00:00Z")
	if inv := v.Invoices[0]; !inv.DueAt.Equal(due) {
		t.Fatalf("invoice due %s, want %s", inv.DueAt, due)
	}
	rem := h.noticesFor(invoicePoint(1), casework.NoticeReminder)
	if len(rem) != 1 || !rem[0].CreatedAt.Equal(utc("2026-12-08T09:00:00Z")) {
		t.Fatalf("invoice reminder: %+v", rem)
	}
	esc := h.noticesFor(invoicePoint(1), casework.NoticeEscalation)
	if len(esc) != 1 || !esc[0].CreatedAt.Equal(due) {
		t.Fatalf("invoice escalation: %+v", esc)
	}
}
