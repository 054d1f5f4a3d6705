package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
)

// Tests of the deviations of spec section 2, one test per deviation.

// TestPresentationDeclined: each decline sets a retry date on which the rep
// is reminded; the decline that reaches the policy's maximum loses the deal
// (reason other) and cancels the retry point.
func TestPresentationDeclined(t *testing.T) {
	declines := []struct{ at, retry time.Duration }{{day(0.5), day(2)}, {day(2.5), day(5)}, {day(5.5), day(8)}}
	for _, c := range []struct {
		name     string
		policy   string
		attempts int
	}{
		{"default three attempts", `{}`, 3},
		{"policy allows two", `{"presentation_max_attempts": 2}`, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			var want []notice
			for i, d := range declines[:c.attempts] {
				h.act(fmt.Sprintf("decline-%d", i+1), d.at, deal.ActDeclinePresentation, deal.DeclinePresentationInput{RetryAt: h.at(d.retry), Reason: "no time"})
				if i < c.attempts-1 {
					want = append(want, remind(d.retry, d.retry))
				}
			}
			last, prev := declines[c.attempts-1], declines[c.attempts-2]
			h.snapshot("before-last", last.at-day(0.25))
			v := h.run(c.policy)
			h.mustApplyAll()

			before := h.views["before-last"]
			if cp := point(before, pointRetry); before.Status != deal.StatusOpen || cp.Status != casework.PointOpen ||
				!cp.DueAt.Equal(h.at(prev.retry)) || cp.Reminded != 1 {
				t.Errorf("before the last decline: deal %s, retry point %+v", before.Status, cp)
			}
			if v.Status != deal.StatusLost || v.LostStage != deal.StagePresentation || v.LostReason != "other" ||
				v.LostComment != fmt.Sprintf("presentation declined %d times", c.attempts) ||
				v.ClosedAt == nil || !v.ClosedAt.Equal(h.at(last.at)) || len(v.Presentation.Declines) != c.attempts {
				t.Errorf("after %d declines: status %s stage %s reason %q comment %q closed %v declines %d",
					c.attempts, v.Status, v.LostStage, v.LostReason, v.LostComment, v.ClosedAt, len(v.Presentation.Declines))
			}
			if cp := point(v, pointRetry); cp.Status != casework.PointCancelled {
				t.Errorf("retry point after the loss: %s", cp.Status)
			}
			h.wantNotices(pointRetry, want...)
		})
	}
}

// offerLine summarises an offer version for comparison.
func (h *harness) offerLine(o deal.Offer) string {
	return fmt.Sprintf("v%d %s until %s issued %s %s %q %q", o.Version, o.Amount, off(o.ValidUntil.Sub(h.start)),
		off(o.IssuedAt.Sub(h.start)), o.Status, o.Terms, o.Comment)
}

// TestOfferRevisionsExpiryAndExtension: changes requested on v1 arm the
// corrections point, which issuing v2 completes; v2 expires unanswered after
// its reminders, escalates, cannot be accepted, is extended (re-armed) and
// accepted. Every version is kept.
func TestOfferRevisionsExpiryAndExtension(t *testing.T) {
	h := newHarness(t)
	h.toOffer()
	h.act("v1", day(0.5), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 120000_00, ValidUntil: ptr(h.at(day(10))), Terms: "buffet for 80"})
	h.act("changes", day(1), deal.ActRequestOfferChanges, deal.RequestOfferChangesInput{Comment: "cheaper menu", CorrectionsDue: ptr(h.at(day(4)))})
	h.act("v2", day(2), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 100000_00, ValidUntil: ptr(h.at(day(8))), Terms: "buffet for 70"})
	h.snapshot("expired", day(8.25))
	h.act("accept-expired", day(8.5), deal.ActAcceptOffer, deal.AcceptOfferInput{})
	h.act("extend", day(9), deal.ActExtendOffer, deal.ExtendOfferInput{ValidUntil: h.at(day(15))})
	h.act("accept-v1", day(12.25), deal.ActAcceptOffer, deal.AcceptOfferInput{Version: 1})
	h.act("accept", day(12.5), deal.ActAcceptOffer, deal.AcceptOfferInput{Version: 2})
	h.act("end", day(13), deal.ActLose, deal.LoseInput{Reason: "timing"})
	v := h.run(`{}`)
	h.mustApply("v1", "changes", "v2", "extend", "accept", "end")
	h.mustRefuse("accept-expired", casework.CodeActionNotAllowed)
	h.mustRefuse("accept-v1", casework.CodeInvalidInput)

	changes := h.views["changes"]
	if got := point(changes, offerPoint(1)).Status; got != casework.PointDone {
		t.Errorf("v1 validity point after changes requested: %s, want done", got)
	}
	if cp := point(changes, pointOfferCorrections); cp.Kind != deal.PointCorrections || cp.Status != casework.PointOpen ||
		!cp.DueAt.Equal(h.at(day(4))) || !equalTimes(cp.RemindAt, h.times(day(3))) {
		t.Errorf("corrections point after changes requested: %+v", cp)
	}
	if cp := point(h.views["v2"], pointOfferCorrections); cp.Status != casework.PointDone || !cp.DoneAt.Equal(h.at(day(2))) {
		t.Errorf("corrections point after v2: %+v", cp)
	}

	expired := h.views["expired"]
	if o := expired.Offers[1]; o.Status != deal.OfferExpired {
		t.Errorf("v2 after its validity: %s, want expired", o.Status)
	}
	if cp := point(expired, offerPoint(2)); cp.Status != casework.PointOverdue || !cp.Escalated {
		t.Errorf("v2 validity point after expiry: %+v", cp)
	}
	if a := expired.AllowedActions; slices.Contains(a, deal.ActAcceptOffer) ||
		!slices.Contains(a, deal.ActExtendOffer) || !slices.Contains(a, deal.ActIssueOffer) || !slices.Contains(a, deal.ActLose) {
		t.Errorf("allowed on an expired offer: %v", a)
	}
	extended := h.views["extend"]
	if o := extended.Offers[1]; o.Status != deal.OfferSent || !o.ValidUntil.Equal(h.at(day(15))) {
		t.Errorf("v2 after the extension: %s until %s", o.Status, o.ValidUntil)
	}
	if cp := point(extended, offerPoint(2)); cp.Status != casework.PointOpen || cp.Escalated || cp.Reminded != 0 ||
		!cp.DueAt.Equal(h.at(day(15))) || !equalTimes(cp.RemindAt, h.times(day(12), day(14))) {
		t.Errorf("v2 validity point after the extension: %+v", cp)
	}

	var got []string
	for _, o := range v.Offers {
		got = append(got, h.offerLine(o))
	}
	want := []string{
		h.offerLine(deal.Offer{Version: 1, Amount: 120000_00, ValidUntil: h.at(day(10)), IssuedAt: h.at(day(0.5)), Status: deal.OfferChangesRequested, Terms: "buffet for 80", Comment: "cheaper menu"}),
		h.offerLine(deal.Offer{Version: 2, Amount: 100000_00, ValidUntil: h.at(day(15)), IssuedAt: h.at(day(2)), Status: deal.OfferAccepted, Terms: "buffet for 70"}),
	}
	if !slices.Equal(got, want) {
		t.Errorf("offers:\n got  %q\n want %q", got, want)
	}
	if v.Amount != 100000_00 || v.LostStage != deal.StageContract {
		t.Errorf("deal amount %s lost at %s, want the accepted 100000.00 and contract", v.Amount, v.LostStage)
	}
	var offerDocs []int
	for _, d := range v.Documents {
		if d.Type == deal.DocOffer {
			offerDocs = append(offerDocs, d.Version)
		}
	}
	if !slices.Equal(offerDocs, []int{1, 2}) {
		t.Errorf("offer documents %v, want versions 1 and 2", offerDocs)
	}
	if !slices.Contains(h.history(), "offer_expired") {
		t.Error("no offer_expired in the history")
	}
	h.wantNotices(offerPoint(2),
		remind(day(5), day(8)), remind(day(7), day(8)),
		overdue(day(8), day(8)), escalation(day(8), day(8)),
		remind(day(12), day(15)))
	h.wantNotices(offerPoint(1))         // answered on day 1, before its first reminder
	h.wantNotices(pointOfferCorrections) // done on day 2, before its reminder
}

// TestExpiredOfferRevised: the other answer to an expired offer is a new
// version. It supersedes the expired one, whose validity point is cancelled
// (the obligation no longer applies) and sends nothing more; the new version
// gets the default validity of 10 days.
func TestExpiredOfferRevised(t *testing.T) {
	h := newHarness(t)
	h.toOffer()
	h.act("v1", day(0.5), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 120000_00, ValidUntil: ptr(h.at(day(5)))})
	h.act("v2", day(6), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 110000_00})
	h.act("accept", day(7), deal.ActAcceptOffer, deal.AcceptOfferInput{})
	h.act("end", day(7.5), deal.ActLose, deal.LoseInput{Reason: "timing"})
	v := h.run(`{}`)
	h.mustApplyAll()

	if cp := point(h.views["v2"], offerPoint(1)); cp.Status != casework.PointCancelled || !cp.DoneAt.Equal(h.at(day(6))) {
		t.Errorf("the expired v1's point once v2 supersedes it: %+v, want cancelled at %s", cp, h.at(day(6)))
	}
	if cp := point(h.views["v2"], offerPoint(2)); cp.Status != casework.PointOpen || !cp.DueAt.Equal(h.at(day(16))) ||
		!equalTimes(cp.RemindAt, h.times(day(13), day(15))) {
		t.Errorf("v2's validity point: %+v", cp)
	}
	if len(v.Offers) != 2 || v.Offers[0].Status != deal.OfferExpired || v.Offers[1].Status != deal.OfferAccepted {
		t.Errorf("offers: %+v", v.Offers)
	}
	h.wantNotices(offerPoint(1), remind(day(2), day(5)), remind(day(4), day(5)), overdue(day(5), day(5)), escalation(day(5), day(5)))
	h.wantNotices(offerPoint(2))
}

// approvals lists who approved the contract revision.
func approvals(c *deal.Contract) []string {
	var out []string
	for _, a := range c.Approvers {
		if a.Approved {
			out = append(out, a.Name)
		}
	}
	return out
}

// TestContractApprovalsRestartOnRevision: three approvers; a change request
// by one of them stops approvals, the revision restarts them (approvals of
// the old revision no longer count) and the contract is signed only once all
// three approved the new one.
func TestContractApprovalsRestartOnRevision(t *testing.T) {
	h := newHarness(t)
	h.toContract()
	h.act("prepare", day(1.25), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: approvers("director", "accountant", "lawyer")})
	h.act("director", day(1.5), deal.ActApproveContract, deal.ApproveContractInput{Approver: "director"})
	h.act("accountant", day(1.75), deal.ActApproveContract, deal.ApproveContractInput{Approver: "accountant"})
	h.act("stranger", day(2), deal.ActApproveContract, deal.ApproveContractInput{Approver: "cfo"})
	h.act("changes", day(2.25), deal.ActRequestContractChanges, deal.RequestContractChangesInput{Approver: "lawyer", Comment: "liability clause", CorrectionsDue: ptr(h.at(day(4.5)))})
	h.act("approve-while-changing", day(2.5), deal.ActApproveContract, deal.ApproveContractInput{Approver: "lawyer"})
	h.act("revise", day(3), deal.ActReviseContract, nil)
	h.act("director-2", day(3.5), deal.ActApproveContract, deal.ApproveContractInput{Approver: "director"})
	h.act("lawyer-2", day(3.75), deal.ActApproveContract, deal.ApproveContractInput{Approver: "lawyer"})
	h.act("director-again", day(4.25), deal.ActApproveContract, deal.ApproveContractInput{Approver: "director"})
	h.act("accountant-2", day(4.5), deal.ActApproveContract, deal.ApproveContractInput{Approver: "accountant"})
	h.act("end", day(5), deal.ActLose, deal.LoseInput{Reason: "timing"})
	v := h.run(`{}`)
	h.mustApply("prepare", "director", "accountant", "changes", "revise", "director-2", "lawyer-2", "accountant-2", "end")
	h.mustRefuse("stranger", casework.CodeInvalidInput)
	h.mustRefuse("approve-while-changing", casework.CodeActionNotAllowed)
	h.mustRefuse("director-again", casework.CodeInvalidInput)

	changes := h.views["changes"]
	if c := changes.Contract; c.Status != deal.ContractChangesRequested || c.Revision != 1 {
		t.Errorf("after the change request: revision %d %s", c.Revision, c.Status)
	}
	if cp := point(changes, pointContractCorrections); cp.Kind != deal.PointCorrections || cp.Status != casework.PointOpen || !cp.DueAt.Equal(h.at(day(4.5))) {
		t.Errorf("corrections point: %+v", cp)
	}
	revised := h.views["revise"]
	if c := revised.Contract; c.Revision != 2 || c.Status != deal.ContractAwaitingApproval || len(approvals(c)) != 0 ||
		slices.ContainsFunc(c.Approvers, func(a deal.Approver) bool { return a.ApprovedAt != nil }) {
		t.Errorf("revision 2 must start without approvals: %+v", c)
	}
	if cp := point(revised, pointContractCorrections); cp.Status != casework.PointDone || !cp.DoneAt.Equal(h.at(day(3))) {
		t.Errorf("corrections point after the revision: %+v", cp)
	}
	// The accountant approved revision 1 only: two of three is not signed.
	two := h.views["lawyer-2"]
	if c := two.Contract; two.Stage != deal.StageContract || c.Status != deal.ContractAwaitingApproval ||
		!slices.Equal(approvals(c), []string{"director", "lawyer"}) {
		t.Errorf("after director and lawyer approved revision 2: stage %s, %s, approved %v", two.Stage, c.Status, approvals(c))
	}
	signed := h.views["accountant-2"]
	if c := signed.Contract; signed.Stage != deal.StagePayment || c.Status != deal.ContractSigned || c.Revision != 2 ||
		c.SignedAt == nil || !c.SignedAt.Equal(h.at(day(4.5))) || len(approvals(c)) != 3 {
		t.Errorf("after all three approved: stage %s contract %+v", signed.Stage, c)
	}
	if crs := v.Contract.ChangeRequests; len(crs) != 1 || crs[0].Revision != 1 || crs[0].Approver != "lawyer" ||
		crs[0].Comment != "liability clause" || !crs[0].At.Equal(h.at(day(2.25))) {
		t.Errorf("change requests: %+v", crs)
	}
	var revisions []int
	for _, d := range v.Documents {
		if d.Type == deal.DocContract {
			revisions = append(revisions, d.Version)
		}
	}
	if !slices.Equal(revisions, []int{1, 2}) {
		t.Errorf("contract documents %v, want revisions 1 and 2", revisions)
	}
	h.wantNotices(pointContractCorrections) // revised before its reminder
}

// invoiceLine summarises an invoice for comparison.
func (h *harness) invoiceLine(i deal.Invoice) string {
	return fmt.Sprintf("%s #%d %s %s paid %s issued %s due %s %s", i.Number, i.Installment, i.Due, i.Amount, i.Paid,
		off(i.IssuedAt.Sub(h.start)), off(i.DueAt.Sub(h.start)), i.Status)
}

// TestPaymentInPartsAndPostpayment: a 50/50 plan. Invoice 1 is issued at
// signing, due in 5 days, reminded 2 days before and escalated when unpaid;
// a part payment keeps it open, the rest moves the deal to the event.
// Invoice 2 is issued when the event is held and keeps the deal from closing
// until it is paid.
func TestPaymentInPartsAndPostpayment(t *testing.T) {
	h := newHarness(t)
	h.toPayment(deal.Installment{Percent: 50, Due: deal.DueBeforeEvent}, deal.Installment{Percent: 50, Due: deal.DueAfterEvent})
	h.act("part", day(6), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 20000_00})
	h.act("too-much", day(7.5), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 40000_00})
	h.act("rest", day(8), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 30000_00})
	h.act("plan", day(8.5), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(11.4))}) // held that evening
	h.snapshot("before-event", day(11.25))
	h.act("held", day(11.5), deal.ActHoldEvent, nil)
	h.act("sign", day(11.75), deal.ActSignClosingDocuments, nil)
	h.act("survey", day(12), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: allScored(5)})
	h.act("close-unpaid", day(12.25), deal.ActCloseDeal, nil)
	h.act("postpay", day(12.5), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 50000_00})
	h.act("close", day(12.75), deal.ActCloseDeal, nil)
	v := h.run(`{}`)
	h.mustApply("contract", "approve", "part", "rest", "plan", "held", "sign", "survey", "postpay", "close")
	h.mustRefuse("too-much", casework.CodeInvalidInput)
	h.mustRefuse("close-unpaid", casework.CodeActionNotAllowed)

	inv1 := deal.Invoice{Number: dealID + "-1", Installment: 1, Due: deal.DueBeforeEvent, Amount: 50000_00, IssuedAt: h.at(day(2)), DueAt: h.at(day(7)), Status: deal.InvoiceIssued}
	inv2 := deal.Invoice{Number: dealID + "-2", Installment: 2, Due: deal.DueAfterEvent, Amount: 50000_00, IssuedAt: h.at(day(11.5)), DueAt: h.at(day(16.5)), Status: deal.InvoiceIssued}
	paid := func(i deal.Invoice, amount money.Amount, s deal.InvoiceStatus) deal.Invoice {
		i.Paid, i.Status = amount, s
		return i
	}
	for _, c := range []struct {
		label string
		stage deal.Stage
		want  []deal.Invoice
	}{
		{"approve", deal.StagePayment, []deal.Invoice{inv1}},
		{"part", deal.StagePayment, []deal.Invoice{paid(inv1, 20000_00, deal.InvoiceIssued)}},
		{"rest", deal.StageEvent, []deal.Invoice{paid(inv1, 50000_00, deal.InvoicePaid)}},
		{"before-event", deal.StageEvent, []deal.Invoice{paid(inv1, 50000_00, deal.InvoicePaid)}},
		{"held", deal.StageEvent, []deal.Invoice{paid(inv1, 50000_00, deal.InvoicePaid), inv2}},
		{"postpay", deal.StageClose, []deal.Invoice{paid(inv1, 50000_00, deal.InvoicePaid), paid(inv2, 50000_00, deal.InvoicePaid)}},
	} {
		view, ok := h.views[c.label]
		if !ok {
			t.Errorf("no view after %s", c.label)
			continue
		}
		var got, want []string
		for _, i := range view.Invoices {
			got = append(got, h.invoiceLine(i))
		}
		for _, i := range c.want {
			want = append(want, h.invoiceLine(i))
		}
		if view.Stage != c.stage || !slices.Equal(got, want) {
			t.Errorf("after %s: stage %s invoices\n got  %q\n want stage %s %q", c.label, view.Stage, got, c.stage, want)
		}
	}
	if w := h.views["sign"]; w.Stage != deal.StageClose || w.WaitingOn != deal.WaitingClient {
		t.Errorf("after signing: stage %s waiting on %s", w.Stage, w.WaitingOn)
	}
	if w := h.views["survey"]; w.WaitingOn != deal.WaitingPayment || slices.Contains(w.AllowedActions, deal.ActCloseDeal) {
		t.Errorf("with the postpayment due: waiting on %s, allowed %v", w.WaitingOn, w.AllowedActions)
	}
	var pays []string
	for _, p := range v.Payments {
		pays = append(pays, fmt.Sprintf("%s %s %s", p.Kind, p.Amount, off(p.At.Sub(h.start))))
	}
	if want := []string{"payment 20000.00 +6d", "payment 30000.00 +8d", "payment 50000.00 +12d12h"}; !slices.Equal(pays, want) {
		t.Errorf("payments %q, want %q", pays, want)
	}
	if v.Status != deal.StatusWon {
		t.Errorf("final status %s", v.Status)
	}
	if cp := point(h.views["rest"], invoicePoint(1)); cp.Status != casework.PointDone || !cp.DoneAt.Equal(h.at(day(8))) {
		t.Errorf("invoice 1 point after full payment: %+v", cp)
	}
	if cp := point(h.views["held"], invoicePoint(2)); cp.Kind != deal.PointPaymentDue || cp.Status != casework.PointOpen ||
		!cp.DueAt.Equal(h.at(day(16.5))) || !equalTimes(cp.RemindAt, h.times(day(14.5))) {
		t.Errorf("invoice 2 point: %+v", cp)
	}
	h.wantNotices(invoicePoint(1), remind(day(5), day(7)), overdue(day(7), day(7)), escalation(day(7), day(7)))
	h.wantNotices(invoicePoint(2)) // paid before its reminder
}

// TestCancelWithRefund: after a prepayment the client cancels; the refund is
// recorded, the deal is lost at its stage with the reason, and every open
// control point is cancelled, so nothing is sent afterwards. Without a
// payment there is nothing to refund.
func TestCancelWithRefund(t *testing.T) {
	for _, c := range []struct {
		name      string
		plan      []deal.Installment
		paid      money.Amount
		event     bool // plan an event with an item before cancelling
		stage     deal.Stage
		invoice   deal.InvoiceStatus
		cancelled []string // the points open when the client cancels
	}{
		{"full prepayment, event planned", nil, 100000_00, true, deal.StageEvent, deal.InvoicePaid,
			[]string{pointContact, pointEventDate, pointEventItems}},
		{"part of the prepayment", []deal.Installment{{Percent: 50, Due: deal.DueBeforeEvent}, {Percent: 50, Due: deal.DueAfterEvent}},
			20000_00, false, deal.StagePayment, deal.InvoiceCancelled, []string{pointContact, invoicePoint(1)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.toPayment(c.plan...)
			h.act("refund-unpaid", day(2.25), deal.ActCancelWithRefund, deal.CancelWithRefundInput{RefundAmount: 1000_00, Reason: "competitor"})
			h.act("pay", day(3), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: c.paid})
			if c.event {
				h.act("plan", day(3.25), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(20)), Items: []string{"menu"}})
			}
			h.act("refund-too-much", day(3.5), deal.ActCancelWithRefund, deal.CancelWithRefundInput{RefundAmount: c.paid + 1, Reason: "competitor"})
			h.act("refund-bad-reason", day(3.75), deal.ActCancelWithRefund, deal.CancelWithRefundInput{RefundAmount: c.paid, Reason: "weather"})
			h.act("cancel", day(4), deal.ActCancelWithRefund, deal.CancelWithRefundInput{RefundAmount: c.paid, Reason: "competitor", Comment: "cheaper elsewhere"})
			v := h.run(`{}`)
			h.mustApply("pay", "cancel")
			h.mustRefuse("refund-unpaid", casework.CodeActionNotAllowed)
			h.mustRefuse("refund-too-much", casework.CodeInvalidInput)
			h.mustRefuse("refund-bad-reason", casework.CodeInvalidInput)

			if v.Status != deal.StatusLost || v.LostStage != c.stage || v.LostReason != "competitor" ||
				v.LostComment != "cheaper elsewhere" || !v.ClosedAt.Equal(h.at(day(4))) {
				t.Errorf("after the cancellation: %s at %s, %q %q, closed %v", v.Status, v.LostStage, v.LostReason, v.LostComment, v.ClosedAt)
			}
			var pays []string
			for _, p := range v.Payments {
				pays = append(pays, fmt.Sprintf("%s %s %s %s", p.Kind, p.Amount, off(p.At.Sub(h.start)), p.Reason))
			}
			want := []string{fmt.Sprintf("payment %s +3d ", c.paid), fmt.Sprintf("refund %s +4d competitor", c.paid)}
			if !slices.Equal(pays, want) {
				t.Errorf("payments %q, want %q", pays, want)
			}
			if got := v.Invoices[0].Status; got != c.invoice {
				t.Errorf("invoice 1 is %s, want %s", got, c.invoice)
			}
			for _, cp := range v.ControlPoints {
				wasOpen := slices.Contains(c.cancelled, cp.ID)
				if cp.Active() || wasOpen != (cp.Status == casework.PointCancelled) || (wasOpen && !cp.DoneAt.Equal(h.at(day(4)))) {
					t.Errorf("point %s: %s done %v", cp.ID, cp.Status, cp.DoneAt)
				}
			}
			for _, id := range c.cancelled {
				if point(v, id).ID == "" {
					t.Errorf("point %s was never armed", id)
				}
			}
			if n := h.notifications(); len(n) != 0 {
				t.Errorf("notifications after the cancellation: %+v", n)
			}
			if hist := h.history(); hist[len(hist)-1] != "deal_lost" {
				t.Errorf("history ends with %s", hist[len(hist)-1])
			}
		})
	}
}

// TestEventItemsAndReschedule: unapproved items escalate 3 days before the
// event and keep it from being held; moving the event re-plans both the
// event date and the items points, so nothing planned for the old date is
// ever sent.
func TestEventItemsAndReschedule(t *testing.T) {
	h := newHarness(t)
	h.toEvent()
	h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(20)), Items: []string{"program", "venue", "menu"}})
	h.act("program", day(4), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "program"})
	h.act("unknown-item", day(4.25), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "fireworks"})
	h.act("move", day(10), deal.ActRescheduleEvent, deal.RescheduleEventInput{Date: h.at(day(25)), Reason: "venue unavailable"})
	h.act("hold-unapproved", day(22.5), deal.ActHoldEvent, nil)
	h.act("venue", day(23), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "venue"})
	h.act("menu", day(23.25), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "menu"})
	h.act("hold-early", day(24.5), deal.ActHoldEvent, nil) // the evening before the event's day
	h.act("held", day(25.125), deal.ActHoldEvent, nil)
	h.end("end", day(25.25), "timing")
	h.run(`{}`)
	h.mustApply("plan", "program", "move", "venue", "menu", "held", "end")
	h.mustRefuse("unknown-item", casework.CodeInvalidInput)
	h.mustRefuse("hold-unapproved", casework.CodeActionNotAllowed)
	h.mustRefuse("hold-early", casework.CodeActionNotAllowed)

	for _, c := range []struct {
		label, id   string
		due, remind time.Duration
	}{
		{"plan", pointEventItems, day(17), day(16)}, // 3 days before the event
		{"plan", pointEventDate, day(20), day(19)},
		{"move", pointEventItems, day(22), day(21)},
		{"move", pointEventDate, day(25), day(24)},
	} {
		if cp := point(h.views[c.label], c.id); cp.Status != casework.PointOpen || !cp.DueAt.Equal(h.at(c.due)) ||
			!equalTimes(cp.RemindAt, h.times(c.remind)) {
			t.Errorf("after %s, point %s: %+v, want open, due %s, reminder %s", c.label, c.id, cp, off(c.due), off(c.remind))
		}
	}
	moved := h.views["move"].Event
	if rs := moved.Reschedules; !moved.Date.Equal(h.at(day(25))) || len(rs) != 1 || !rs[0].From.Equal(h.at(day(20))) ||
		!rs[0].To.Equal(h.at(day(25))) || rs[0].Reason != "venue unavailable" || !rs[0].At.Equal(h.at(day(10))) {
		t.Errorf("moved event: %+v", moved)
	}
	if cp := point(h.views["menu"], pointEventItems); cp.Status != casework.PointDone || !cp.DoneAt.Equal(h.at(day(23.25))) {
		t.Errorf("items point once every item is approved: %+v", cp)
	}
	if cp := point(h.views["held"], pointEventDate); cp.Status != casework.PointDone {
		t.Errorf("event date point after the event: %+v", cp)
	}
	h.wantNotices(pointEventItems, remind(day(21), day(22)), overdue(day(22), day(22)), escalation(day(22), day(22)))
	h.wantNotices(pointEventDate, remind(day(24), day(25)))
}

// TestSurveyDissatisfaction: a score of 2 (explicit) or 3 (hidden) on any
// question marks the survey dissatisfied, lists the questions and records
// dissatisfaction_detected for the complaint procedure; 4 and 5 do not. Unknown
// questions and scores outside 1..5 are refused.
func TestSurveyDissatisfaction(t *testing.T) {
	for _, c := range []struct {
		name    string
		scores  map[string]int
		refused bool
		low     []string
	}{
		{"satisfied", map[string]int{"quality": 5, "speed": 4, "payment_convenience": 5}, false, []string{}},
		{"hidden dissatisfaction", map[string]int{"quality": 5, "speed": 3, "payment_convenience": 5}, false, []string{"speed"}},
		{"explicit and hidden", map[string]int{"quality": 2, "speed": 3, "payment_convenience": 4}, false, []string{"quality", "speed"}},
		{"unknown question", map[string]int{"quality": 5, "speed": 5, "payment_convenience": 5, "mood": 5}, true, nil},
		{"a question unanswered", map[string]int{"quality": 5, "speed": 4}, true, nil},
		{"score above the scale", map[string]int{"quality": 6}, true, nil},
		{"score below the scale", map[string]int{"quality": 0}, true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.toClose()
			h.act("survey", day(5.5), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: c.scores})
			h.end("end", day(6), "timing")
			v := h.run(`{}`)
			var detected []string
			for _, e := range h.events() {
				if e.Type == "dissatisfaction_detected" {
					detected = append(detected, e.Data)
				}
			}
			if c.refused {
				h.mustRefuse("survey", casework.CodeInvalidInput)
				if v.Survey != nil || len(detected) != 0 {
					t.Errorf("refused survey recorded: %+v, %v", v.Survey, detected)
				}
				return
			}
			h.mustApply("survey")
			s := v.Survey
			if s == nil || s.Dissatisfied != (len(c.low) > 0) || !slices.Equal(s.LowScores, c.low) || !s.SubmittedAt.Equal(h.at(day(5.5))) {
				t.Fatalf("survey %+v, want low scores %v", s, c.low)
			}
			var want []string
			if len(c.low) > 0 {
				raw, _ := json.Marshal(map[string][]string{"questions": c.low})
				want = []string{string(raw)}
			}
			if !slices.Equal(detected, want) {
				t.Errorf("dissatisfaction_detected events %q, want %q", detected, want)
			}
		})
	}
}

// TestLostAtEveryStage: the deal can be lost in each of the six stages,
// with the stage and a reason from the catalogue (other needs a comment);
// every control point and invoice still open is cancelled.
func TestLostAtEveryStage(t *testing.T) {
	for _, c := range []struct {
		stage           deal.Stage
		prep            func(h *harness)
		at              time.Duration
		reason, comment string
	}{
		{deal.StagePresentation, func(*harness) {}, day(0.5), "no_response", ""},
		{deal.StageOffer, (*harness).toOffer, day(0.5), "price", ""},
		{deal.StageContract, (*harness).toContract, day(1.25), "competitor", ""},
		{deal.StagePayment, func(h *harness) { h.toPayment() }, day(2.25), "no_budget", "budget frozen"},
		{deal.StageEvent, (*harness).toEvent, day(3), "timing", ""},
		{deal.StageClose, (*harness).toClose, day(5.5), "other", "client merged with another company"},
	} {
		t.Run(string(c.stage), func(t *testing.T) {
			h := newHarness(t)
			c.prep(h)
			h.act("bad-reason", c.at-day(0.125), deal.ActLose, deal.LoseInput{Reason: "weather"})
			h.act("other-without-comment", c.at-day(0.0625), deal.ActLose, deal.LoseInput{Reason: "other", Comment: "  "})
			in := deal.LoseInput{Reason: c.reason, Comment: c.comment}
			if c.stage.Index() >= deal.StageEvent.Index() { // paid in full by toEvent
				in.KeepPayment, in.KeepPaymentReason = true, "kept for the work done"
			}
			h.act("lose", c.at, deal.ActLose, in)
			v := h.run(`{}`)
			h.mustRefuse("bad-reason", casework.CodeInvalidInput)
			h.mustRefuse("other-without-comment", casework.CodeInvalidInput)
			h.mustApplyAll("bad-reason", "other-without-comment")

			if v.Status != deal.StatusLost || v.Stage != c.stage || v.LostStage != c.stage || v.LostReason != c.reason ||
				v.LostComment != c.comment || v.ClosedAt == nil || !v.ClosedAt.Equal(h.at(c.at)) || len(v.AllowedActions) != 0 {
				t.Errorf("lost deal: %s stage %s lost at %s, %q %q, closed %v, allowed %v",
					v.Status, v.Stage, v.LostStage, v.LostReason, v.LostComment, v.ClosedAt, v.AllowedActions)
			}
			for _, cp := range v.ControlPoints {
				if cp.Active() {
					t.Errorf("point %s still %s", cp.ID, cp.Status)
				}
			}
			if point(v, pointContact).Status != casework.PointCancelled {
				t.Errorf("contact point %s, want cancelled", point(v, pointContact).Status)
			}
			for _, i := range v.Invoices {
				if i.Status == deal.InvoiceIssued {
					t.Errorf("invoice %s still issued", i.Number)
				}
			}
			evs := h.events()
			if last := evs[len(evs)-1]; last.Type != "deal_lost" || last.Stage != string(c.stage) {
				t.Errorf("last history event %s in %s", last.Type, last.Stage)
			}
		})
	}
}
