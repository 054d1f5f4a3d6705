package workflows

import (
	"slices"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

func TestHappyPathToWonAndFollowUp(t *testing.T) {
	h := newHarness(t)
	h.act("schedule", day(0.05), deal.ActSchedulePresentation, deal.SchedulePresentationInput{At: h.at(day(0.1))})
	h.toContract()
	h.act("contract", day(1.1), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: approvers("director")})
	h.act("approve", day(2), deal.ActApproveContract, deal.ApproveContractInput{Approver: "director"})
	h.act("pay", day(3), deal.ActRecordPayment, map[string]any{"amount": 100000})
	h.act("plan", day(3.1), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(30)), Items: []string{"program", "venue"}})
	h.act("item1", day(4), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "program"})
	h.act("item2", day(5), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "venue"})
	h.act("held", day(30), deal.ActHoldEvent, deal.HoldEventInput{})
	h.act("sign", day(30.5), deal.ActSignClosingDocuments, nil)
	h.act("survey", day(31), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: map[string]int{"quality": 5, "speed": 5, "payment_convenience": 4}})
	h.act("followup", day(31.1), deal.ActScheduleFollowUp, deal.ScheduleFollowUpInput{At: h.at(day(91)), Purpose: "team-building training"})
	h.act("close", day(31.2), deal.ActCloseDeal, nil)
	h.snapshot("won", day(31.3))
	v := h.run(`{}`)

	h.mustApply("schedule", "hold", "protocol", "offer", "accept", "contract", "approve", "pay", "plan", "item1", "item2", "held", "sign", "survey", "followup", "close")
	won := h.views["won"]
	if won.Status != deal.StatusWon || won.Stage != deal.StageClose {
		t.Fatalf("after close: status %s stage %s", won.Status, won.Stage)
	}
	if got := point(won, pointFollowUp); got.Status != casework.PointOpen || !got.DueAt.Equal(h.at(day(91))) {
		t.Fatalf("follow-up point: %+v", got)
	}
	// The deal stays won; the follow-up reminder reaches the rep on the date,
	// and with no contact logged the point escalates after its grace.
	rem := h.noticesFor(pointFollowUp, casework.NoticeReminder)
	if len(rem) != 1 || rem[0].Recipient != "alice" || !rem[0].CreatedAt.Equal(h.at(day(91))) {
		t.Fatalf("follow-up reminder: %+v", rem)
	}
	if esc := h.noticesFor(pointFollowUp, casework.NoticeEscalation); len(esc) != 1 || esc[0].Recipient != "maria" {
		t.Fatalf("follow-up escalation: %+v", esc)
	}
	if v.Status != deal.StatusWon {
		t.Fatalf("final status %s", v.Status)
	}
	var docs []string
	for _, d := range v.Documents {
		docs = append(docs, string(d.Type))
	}
	want := []string{"protocol", "offer", "contract", "invoice", "act", "questionnaire"}
	if !slices.Equal(docs, want) {
		t.Fatalf("documents %v, want %v", docs, want)
	}
	// Every control point of the sale was met on time: none overdue.
	for _, cp := range won.ControlPoints {
		if cp.Status == casework.PointOverdue {
			t.Errorf("control point %s overdue on the happy path", cp.ID)
		}
	}
	hist := h.history()
	if hist[0] != "deal_opened" || !slices.Contains(hist, "deal_won") || !slices.Contains(hist, "close_deal") {
		t.Fatalf("history %v", hist)
	}
	if len(hist) != v.Seq {
		t.Fatalf("read model has %d events, workflow seq %d", len(hist), v.Seq)
	}
}

func TestRefusedActionNeverReachesHistory(t *testing.T) {
	h := newHarness(t)
	h.act("too-early", day(0.1), deal.ActAcceptOffer, deal.AcceptOfferInput{})
	h.act("bad-input", day(0.2), deal.ActDeclinePresentation, map[string]any{"retry_at": h.at(-day(1))})
	h.act("unknown-field", day(0.3), deal.ActHoldPresentation, map[string]any{"mood": "good"})
	h.snapshot("after", day(0.4))
	h.act("lose", day(0.5), deal.ActLose, deal.LoseInput{Reason: "timing"})
	v := h.run(`{}`)

	h.mustRefuse("too-early", casework.CodeActionNotAllowed)
	h.mustRefuse("bad-input", casework.CodeInvalidInput)
	h.mustRefuse("unknown-field", casework.CodeInvalidInput)
	h.mustApply("lose")
	if s := h.views["after"].Seq; s != 1 {
		t.Fatalf("refused actions changed the history: seq %d", s)
	}
	if v.Status != deal.StatusLost || v.LostStage != deal.StagePresentation || v.LostReason != "timing" {
		t.Fatalf("lost: %s %s %s", v.Status, v.LostStage, v.LostReason)
	}
}
