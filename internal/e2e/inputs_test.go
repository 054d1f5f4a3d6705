package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

// refused sends an action that must be refused with status and code and
// returns the refusal, checking the deal did not change.
func (s *stack) refused(id, action string, input any, status int, code string) apiError {
	s.t.Helper()
	before := s.view(alice, id)
	var e apiError
	s.call("POST", "/api/v1/deals/"+id+"/actions/"+action, alice, input).decode(s.t, status, &e)
	if e.Error.Code != code {
		s.t.Fatalf("%s refused with %+v, want %s", action, e.Error, code)
	}
	if after := s.view(alice, id); after.Seq != before.Seq {
		s.t.Fatalf("a refused %s changed the deal (seq %d → %d)", action, before.Seq, after.Seq)
	}
	return e
}

// field is the problem a refusal names for the input field.
func (e apiError) field(name string) string {
	fields, _ := e.Error.Details["fields"].(map[string]any)
	s, _ := fields[name].(string)
	return s
}

// TestAPIInputsFitTheProcess: a deal opened without an amount takes the
// accepted offer's; a contact by a channel outside the catalogue is 422
// naming the catalogue's; lose after a prepayment without a refund decision
// is refused, and with a dated refund records it; a survey missing a
// question is 422 (docs/process.md §2.2, §2.6, §2.7).
func TestAPIInputsFitTheProcess(t *testing.T) {
	s := newStack(t)
	var d deal.View
	body := map[string]any{"client_id": s.newClient(alice), "title": "Team building", "product": "training", "currency": "RUB"}
	s.call("POST", "/api/v1/deals", alice, body).decode(t, 201, &d)
	recordHistory(t, d.ID)
	if d.Amount != 0 {
		t.Fatalf("a deal opened without an amount has %s", d.Amount)
	}
	s.agree(alice, d)
	e := s.refused(d.ID, "log_contact", map[string]any{"channel": "pigeon"}, 422, "invalid_input")
	if !strings.Contains(e.field("channel"), "phone, email, meeting") {
		t.Fatalf("unknown channel: %+v", e.Error)
	}
	s.toContract(d.ID)
	if v := s.view(alice, d.ID); v.Amount.String() != "150000.00" {
		t.Fatalf("after the accepted offer the amount is %s", v.Amount)
	}
	s.signContract(d.ID, nil)
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": "150000.00"})

	e = s.refused(d.ID, "lose", map[string]any{"reason": "timing"}, 422, "invalid_input")
	if !strings.Contains(e.Error.Message, "keep_payment") || e.field("refund_amount") == "" {
		t.Fatalf("lose after a prepayment without a refund decision: %+v", e.Error)
	}
	s.act(alice, d.ID, "plan_event", map[string]any{"date": eventToday(), "items": []string{}})
	s.act(alice, d.ID, "hold_event", map[string]any{})
	s.act(alice, d.ID, "sign_closing_documents", map[string]any{})
	e = s.refused(d.ID, "submit_survey", map[string]any{"scores": map[string]int{"quality": 5, "speed": 5}}, 422, "invalid_input")
	if !strings.Contains(e.field("scores"), "payment_convenience") {
		t.Fatalf("a survey missing a question: %+v", e.Error)
	}

	refunded := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	v := s.act(alice, d.ID, "lose", map[string]any{"reason": "timing", "refund_amount": "100000.00", "refunded_at": refunded.Format(time.RFC3339)})
	last := v.Payments[len(v.Payments)-1]
	if v.Status != deal.StatusLost || last.Kind != deal.KindRefund || last.Amount.String() != "100000.00" || !last.At.Equal(refunded) {
		t.Fatalf("lost with a refund: %s, last payment %+v", v.Status, last)
	}
	var list struct {
		Items []struct {
			RefundedAmount string `json:"refunded_amount"`
		} `json:"items"`
	}
	s.call("GET", "/api/v1/deals?client_id="+d.ClientID, alice, nil).decode(t, 200, &list)
	if len(list.Items) != 1 || list.Items[0].RefundedAmount != "100000.00" {
		t.Fatalf("read model: %+v", list.Items)
	}
}

// TestAPIContractBackToOfferAndSurveyComplaint: approvers are named roles
// with a person's name (a role alone is 422); contract corrections send the
// deal back to a revised offer whose amount the new contract invoices; a
// low speed score opens a complaint of category timing.
func TestAPIContractBackToOfferAndSurveyComplaint(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	s.toContract(d.ID)
	e := s.refused(d.ID, "prepare_contract", map[string]any{"approvers": []map[string]string{{"role": "kitchen chief"}}}, 422, "invalid_input")
	if e.field("approvers[0].name") == "" {
		t.Fatalf("a role without a name: %+v", e.Error)
	}
	s.act(alice, d.ID, "prepare_contract", map[string]any{"approvers": []map[string]string{{"role": "director", "name": "Irina Volkova"}}})
	s.act(alice, d.ID, "request_contract_changes", map[string]any{"approver": "Irina Volkova", "comment": "half the guests, a smaller price"})
	v := s.act(alice, d.ID, "revise_contract", map[string]any{"back_to_offer": true})
	if v.Stage != deal.StageOffer || v.Contract.Status != deal.ContractSuperseded || v.Offers[0].Status != deal.OfferChangesRequested {
		t.Fatalf("back to the offer: stage %s contract %s offer %s", v.Stage, v.Contract.Status, v.Offers[0].Status)
	}
	s.act(alice, d.ID, "issue_offer", map[string]any{"amount": "90000.00"})
	s.act(alice, d.ID, "accept_offer", map[string]any{"version": 2})
	s.act(alice, d.ID, "prepare_contract", map[string]any{"approvers": []map[string]string{{"role": "director", "name": "Irina Volkova"}}})
	v = s.act(alice, d.ID, "approve_contract", map[string]any{"approver": "Irina Volkova"})
	if v.Stage != deal.StagePayment || v.Contract.Revision != 2 || v.Invoices[0].Amount.String() != "90000.00" {
		t.Fatalf("revised contract: stage %s revision %d invoices %+v", v.Stage, v.Contract.Revision, v.Invoices)
	}
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": "90000.00"})
	s.act(alice, d.ID, "plan_event", map[string]any{"date": eventToday(), "items": []string{}})
	s.act(alice, d.ID, "hold_event", map[string]any{})
	s.act(alice, d.ID, "sign_closing_documents", map[string]any{})
	v = s.act(alice, d.ID, "submit_survey", map[string]any{"scores": map[string]int{"quality": 4, "speed": 2, "payment_convenience": 5}})
	if v.ComplaintID == "" {
		t.Fatal("a score of 2 opened no complaint")
	}
	recordHistory(t, v.ComplaintID)
	if c := s.complaintView(alice, v.ComplaintID); c.Category != "timing" {
		t.Fatalf("survey complaint of category %q, want timing (from speed)", c.Category)
	}
}
