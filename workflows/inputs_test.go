package workflows

import (
	"context"
	"slices"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/models"
)

// Input that fits the process (docs/process.md §2): the validator rules of
// issue 11's point 6, each refused with a reason and nothing applied.

// TestSurveyAnswersEveryQuestion: a survey must score every question of its
// questionnaire, the product's own when the policy has one.
func TestSurveyAnswersEveryQuestion(t *testing.T) {
	h := newHarness(t)
	h.toClose()
	h.act("default-questions", day(5.25), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: allScored(5)})
	h.act("missing", day(5.5), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: map[string]int{"venue": 5}})
	h.act("survey", day(5.75), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: map[string]int{"venue": 5, "menu": 4}})
	h.end("end", day(6), "timing")
	v := h.run(`{"survey_questions_by_product": {"events": ["venue", "menu"]}}`)
	h.mustRefuse("default-questions", casework.CodeInvalidInput)
	h.mustRefuse("missing", casework.CodeInvalidInput)
	h.mustApplyAll("default-questions", "missing")
	if v.Survey == nil || len(v.Survey.Scores) != 2 {
		t.Fatalf("survey %+v, want the product's two questions", v.Survey)
	}
}

// TestLoseAfterPaymentNeedsRefundDecision: once money was received a deal
// is lost with a refund (recorded with its date) or with the decision to
// keep the money and why; with nothing paid there is nothing to decide.
func TestLoseAfterPaymentNeedsRefundDecision(t *testing.T) {
	refund := func(a money.Amount) *money.Amount { return &a }
	t.Run("refund", func(t *testing.T) {
		h := newHarness(t)
		h.toEvent() // 100 000.00 paid at day 2.5
		h.act("no-decision", day(2.8), deal.ActLose, deal.LoseInput{Reason: "timing"})
		h.act("both", day(2.85), deal.ActLose, deal.LoseInput{Reason: "timing", RefundAmount: refund(100), KeepPayment: true, KeepPaymentReason: "x"})
		h.act("too-much", day(2.9), deal.ActLose, deal.LoseInput{Reason: "timing", RefundAmount: refund(100000_01)})
		future := h.at(day(4))
		h.act("future", day(2.95), deal.ActLose, deal.LoseInput{Reason: "timing", RefundAmount: refund(100), RefundedAt: &future})
		refunded := h.at(day(2.75))
		h.act("lose", day(3), deal.ActLose, deal.LoseInput{Reason: "timing", RefundAmount: refund(40000_00), RefundedAt: &refunded})
		v := h.run(`{}`)
		for _, l := range []string{"no-decision", "both", "too-much", "future"} {
			h.mustRefuse(l, casework.CodeInvalidInput)
		}
		h.mustApply("lose")
		last := v.Payments[len(v.Payments)-1]
		if v.Status != deal.StatusLost || last.Kind != deal.KindRefund || last.Amount != 40000_00 || !last.At.Equal(refunded) || last.Reason != "timing" {
			t.Fatalf("lost deal %s, last payment %+v", v.Status, last)
		}
	})
	t.Run("keep", func(t *testing.T) {
		h := newHarness(t)
		h.toEvent()
		h.act("no-reason", day(2.9), deal.ActLose, deal.LoseInput{Reason: "timing", KeepPayment: true, KeepPaymentReason: " "})
		h.act("lose", day(3), deal.ActLose, deal.LoseInput{Reason: "timing", KeepPayment: true, KeepPaymentReason: "the venue was booked and paid"})
		v := h.run(`{}`)
		h.mustRefuse("no-reason", casework.CodeInvalidInput)
		h.mustApply("lose")
		if v.KeptPayment == nil || v.KeptPayment.Amount != 100000_00 || v.KeptPayment.Reason != "the venue was booked and paid" || len(v.Payments) != 1 {
			t.Fatalf("kept payment %+v, payments %+v", v.KeptPayment, v.Payments)
		}
		if !slices.ContainsFunc(h.events(), func(e models.DealEvent) bool { return e.Type == "payment_kept" }) {
			t.Error("no payment_kept event in the history")
		}
	})
	t.Run("nothing paid", func(t *testing.T) {
		h := newHarness(t)
		h.toPayment()
		h.act("refund", day(2.2), deal.ActLose, deal.LoseInput{Reason: "no_budget", RefundAmount: refund(100)})
		h.act("keep", day(2.3), deal.ActLose, deal.LoseInput{Reason: "no_budget", KeepPayment: true, KeepPaymentReason: "x"})
		h.act("lose", day(2.5), deal.ActLose, deal.LoseInput{Reason: "no_budget"})
		h.run(`{}`)
		h.mustRefuse("refund", casework.CodeInvalidInput)
		h.mustRefuse("keep", casework.CodeInvalidInput)
		h.mustApply("lose")
	})
}

// TestCancelWithRefundRecordsItsDate: the refund of a cancellation carries
// the date the money went back, not in the future, now by default.
func TestCancelWithRefundRecordsItsDate(t *testing.T) {
	h := newHarness(t)
	h.toEvent()
	future, back := h.at(day(4)), h.at(day(2.8))
	h.act("future", day(2.9), deal.ActCancelWithRefund, deal.CancelWithRefundInput{RefundAmount: 100, RefundedAt: &future, Reason: "timing"})
	h.act("cancel", day(3), deal.ActCancelWithRefund, deal.CancelWithRefundInput{RefundAmount: 100000_00, RefundedAt: &back, Reason: "timing"})
	v := h.run(`{}`)
	h.mustRefuse("future", casework.CodeInvalidInput)
	h.mustApply("cancel")
	if last := v.Payments[len(v.Payments)-1]; last.Kind != deal.KindRefund || !last.At.Equal(back) {
		t.Fatalf("refund %+v, want dated %s", last, back)
	}
}

// TestLastDeclineNeedsNoRetryDate: the decline that uses up the last
// attempt loses the deal, so it asks no retry date; an earlier one does.
func TestLastDeclineNeedsNoRetryDate(t *testing.T) {
	h := newHarness(t)
	h.act("first-without-date", day(0.05), deal.ActDeclinePresentation, deal.DeclinePresentationInput{Reason: "busy"})
	h.act("first", day(0.2), deal.ActDeclinePresentation, deal.DeclinePresentationInput{RetryAt: h.at(day(1)), Reason: "busy"})
	h.act("last", day(1.1), deal.ActDeclinePresentation, deal.DeclinePresentationInput{Reason: "not interested"})
	v := h.run(`{"presentation_max_attempts": 2}`)
	h.mustRefuse("first-without-date", casework.CodeInvalidInput)
	h.mustApplyAll("first-without-date")
	d := v.Presentation.Declines
	if v.Status != deal.StatusLost || len(d) != 2 || !d[1].RetryAt.IsZero() || point(v, pointRetry).Status != casework.PointCancelled {
		t.Fatalf("deal %s, declines %+v, retry point %+v", v.Status, d, point(v, pointRetry))
	}
}

// TestApproversAreContactsOrNamedRoles: an approver is a contact person of
// the client (contact_id) or a role with the person's name; a role alone,
// a bare name or a plain string names nobody. Approvals name either.
func TestApproversAreContactsOrNamedRoles(t *testing.T) {
	h := newHarness(t)
	h.toContract()
	for label, approvers := range map[string]any{
		"role-alone":  []map[string]string{{"role": "kitchen chief"}},
		"bare-name":   []map[string]string{{"name": "Ivan Petrov"}},
		"plain-names": []string{"director"},
		"twice":       []map[string]string{{"role": "director", "name": "Irina"}, {"role": "cfo", "name": "Irina"}},
		"none":        []string{},
	} {
		h.act(label, day(1.1), deal.ActPrepareContract, map[string]any{"approvers": approvers})
	}
	h.act("prepare", day(1.3), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: []deal.ApproverInput{
		{ContactID: "ct-1", Name: "Anna Smirnova"}, {Role: "kitchen chief", Name: "Pavel Orlov"},
	}})
	h.act("by-contact", day(1.4), deal.ActApproveContract, deal.ApproveContractInput{Approver: "ct-1"})
	h.act("by-name", day(1.5), deal.ActApproveContract, deal.ApproveContractInput{Approver: "Pavel Orlov"})
	h.end("end", day(2), "timing")
	v := h.run(`{}`)
	for _, l := range []string{"role-alone", "bare-name", "plain-names", "twice", "none"} {
		h.mustRefuse(l, casework.CodeInvalidInput)
	}
	h.mustApply("prepare", "by-contact", "by-name", "end")
	a := v.Contract.Approvers
	if v.Contract.Status != deal.ContractSigned || a[0].ContactID != "ct-1" || a[1].Role != "kitchen chief" || !a[0].Approved || !a[1].Approved {
		t.Fatalf("contract %s, approvers %+v", v.Contract.Status, a)
	}
}

// TestContractBackToOffer: contract corrections may send the deal back to a
// revised offer (docs/process.md §2.3): the contract is set aside, the
// accepted offer awaits revision by the committed date, and the next
// accepted version leads to a new contract revision at its amount.
func TestContractBackToOffer(t *testing.T) {
	h := newHarness(t)
	h.toContract() // offer v1 of 100 000.00 accepted at day 1
	h.act("contract", day(1.1), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: approvers("director")})
	due := h.at(day(3))
	h.act("changes", day(1.2), deal.ActRequestContractChanges, deal.RequestContractChangesInput{Approver: "director", Comment: "a smaller programme", CorrectionsDue: &due})
	h.act("back", day(1.3), deal.ActReviseContract, deal.ReviseContractInput{BackToOffer: true})
	h.snapshot("back", day(1.35))
	h.act("offer-v2", day(1.5), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 80000_00})
	h.act("accept-v2", day(1.6), deal.ActAcceptOffer, deal.AcceptOfferInput{Version: 2})
	h.act("contract-again", day(1.7), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: approvers("director")})
	h.act("approve", day(1.8), deal.ActApproveContract, deal.ApproveContractInput{Approver: "director"})
	h.end("end", day(2), "timing")
	v := h.run(`{}`)
	h.mustApplyAll()
	b := h.views["back"]
	o := b.Offers[0]
	if b.Stage != deal.StageOffer || b.Contract.Status != deal.ContractSuperseded || o.Status != deal.OfferChangesRequested || o.Comment != "a smaller programme" {
		t.Fatalf("back at the offer: stage %s, contract %s, offer %+v", b.Stage, b.Contract.Status, o)
	}
	if cp := point(b, pointOfferCorrections); cp.Status != casework.PointOpen || !cp.DueAt.Equal(due) || point(b, pointContractCorrections).Status != casework.PointDone {
		t.Fatalf("offer corrections %+v, contract corrections %s", cp, point(b, pointContractCorrections).Status)
	}
	if v.Amount != 80000_00 || v.Contract.Revision != 2 || v.Invoices[0].Amount != 80000_00 || v.Documents[len(v.Documents)-2].Ref != "contract-r2" {
		t.Fatalf("after the revised offer: amount %s, contract r%d, invoices %+v", v.Amount, v.Contract.Revision, v.Invoices)
	}
}

// TestSurveyComplaintCategoryFromQuestion: the complaint a low score opens
// takes its category from the lowest-scored question, as the policy maps
// it (speed → timing by default).
func TestSurveyComplaintCategoryFromQuestion(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores map[string]int
		policy string
		want   string
	}{
		{"speed", map[string]int{"quality": 4, "speed": 2, "payment_convenience": 3}, `{}`, "timing"},
		{"payment", map[string]int{"quality": 5, "speed": 5, "payment_convenience": 3}, `{}`, "billing"},
		{"mapped by the deal", map[string]int{"quality": 3, "speed": 5, "payment_convenience": 5}, `{"survey_complaint_categories": {"quality": "staff"}}`, "staff"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.toClose()
			h.act("survey", day(6), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: c.scores})
			h.end("end", day(6.5), "timing")
			h.run(c.policy)
			h.mustApplyAll()
			row, err := models.GetComplaint(context.Background(), h.db, "cmp-"+dealID)
			if err != nil || row.Category != c.want {
				t.Fatalf("complaint %+v (%v), want category %s", row, err, c.want)
			}
		})
	}
}
