package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

const alice, maria = "dev-alice", "dev-maria"

func future(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

// eventToday is an event date a minute from now on today's date (UTC, the
// test calendar's zone), so that the event may be held now: hold_event is
// refused before the event's day. In the last minute of a day it waits for
// the next one.
func eventToday() string {
	now := time.Now().UTC()
	if d := now.Add(time.Minute); d.Day() != now.Day() {
		time.Sleep(d.Truncate(24*time.Hour).Sub(now) + time.Second)
	}
	return future(time.Minute)
}

// toContract drives a deal through presentation and offer to the contract stage.
func (s *stack) toContract(id string) {
	s.act(alice, id, "hold_presentation", map[string]any{"notes": "interested in a New Year party"})
	s.act(alice, id, "send_protocol", map[string]any{"url": "https://docs.example/protocol-1"})
	s.act(alice, id, "issue_offer", map[string]any{"amount": "150000.00", "valid_until": future(10 * 24 * time.Hour)})
	s.act(alice, id, "accept_offer", map[string]any{})
}

// signContract prepares and approves the contract with the given plan.
func (s *stack) signContract(id string, plan []map[string]any) deal.View {
	s.act(alice, id, "prepare_contract", map[string]any{"approvers": []map[string]string{{"role": "director", "name": "Irina Volkova"}, {"role": "accountant", "name": "Oleg Sidorov"}}, "payment_plan": plan})
	s.act(alice, id, "approve_contract", map[string]any{"approver": "Irina Volkova"})
	return s.act(alice, id, "approve_contract", map[string]any{"approver": "Oleg Sidorov"})
}

func TestAPIHappyPathToWon(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	if d.Stage != deal.StagePresentation || d.Status != deal.StatusOpen || d.Owner != "alice" {
		t.Fatalf("new deal: %s %s %s", d.Stage, d.Status, d.Owner)
	}
	s.agree(alice, d)
	s.act(alice, d.ID, "schedule_presentation", map[string]any{"at": future(time.Hour)})
	s.toContract(d.ID)
	v := s.signContract(d.ID, nil)
	if v.Stage != deal.StagePayment || len(v.Invoices) != 1 || v.Invoices[0].Amount.String() != "150000.00" {
		t.Fatalf("after signing: stage %s invoices %+v", v.Stage, v.Invoices)
	}
	v = s.act(alice, d.ID, "record_payment", map[string]any{"amount": 150000})
	if v.Stage != deal.StageEvent {
		t.Fatalf("after payment: stage %s", v.Stage)
	}
	s.act(alice, d.ID, "plan_event", map[string]any{"date": future(30 * 24 * time.Hour), "items": []string{"program", "venue", "menu"}})
	for _, item := range []string{"program", "venue", "menu"} {
		s.act(alice, d.ID, "approve_event_item", map[string]any{"item": item})
	}
	// Held before its day the event is refused; moved to today, it is held.
	var early apiError
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/hold_event", alice, map[string]any{}).decode(t, 409, &early)
	if !strings.Contains(early.Error.Message, "reschedule_event") {
		t.Fatalf("hold_event before the event's day: %+v", early)
	}
	s.act(alice, d.ID, "reschedule_event", map[string]any{"date": eventToday(), "reason": "the client moved it forward"})
	s.act(alice, d.ID, "hold_event", map[string]any{})
	s.act(alice, d.ID, "sign_closing_documents", map[string]any{})
	s.act(alice, d.ID, "submit_survey", map[string]any{"scores": map[string]int{"quality": 5, "speed": 5, "payment_convenience": 5}})
	s.act(alice, d.ID, "schedule_follow_up", map[string]any{"at": future(60 * 24 * time.Hour), "purpose": "team-building training"})
	v = s.act(alice, d.ID, "close_deal", map[string]any{})
	if v.Status != deal.StatusWon || v.FollowUp == nil || v.FollowUp.Purpose != "team-building training" {
		t.Fatalf("closed: status %s follow-up %+v", v.Status, v.FollowUp)
	}
	types := []deal.DocType{}
	for _, doc := range v.Documents {
		types = append(types, doc.Type)
	}
	if !slices.Equal(types, []deal.DocType{deal.DocProtocol, deal.DocOffer, deal.DocContract, deal.DocInvoice, deal.DocAct, deal.DocQuestionnaire}) {
		t.Fatalf("document register: %v", types)
	}
	var acts struct {
		Actions []struct{ Name string } `json:"actions"`
	}
	s.call("GET", "/api/v1/deals/"+d.ID+"/actions", alice, nil).decode(t, 200, &acts)
	if len(acts.Actions) != 3 || acts.Actions[0].Name != "schedule_follow_up" || acts.Actions[1].Name != "complete_follow_up" ||
		acts.Actions[2].Name != "log_contact" {
		t.Fatalf("actions of a won deal: %+v", acts.Actions)
	}
	// A contact on the won deal is only a contact; the follow-up ends with
	// its outcome: later (re-armed), then not interested.
	s.act(alice, d.ID, "log_contact", map[string]any{"channel": "phone"})
	v = s.act(alice, d.ID, "complete_follow_up", map[string]any{"outcome": "later", "next_at": future(30 * 24 * time.Hour), "product": "training"})
	if v.FollowUp.Outcome != deal.OutcomeLater || v.FollowUp.Product != "training" {
		t.Fatalf("follow-up after later: %+v", v.FollowUp)
	}
	v = s.act(alice, d.ID, "complete_follow_up", map[string]any{"outcome": "not_interested", "note": "no budget this year"})
	if v.FollowUp.Outcome != deal.OutcomeNotInterested {
		t.Fatalf("follow-up after not_interested: %+v", v.FollowUp)
	}
}

func TestAPILostAtOfferStage(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	s.act(alice, d.ID, "hold_presentation", map[string]any{})
	s.act(alice, d.ID, "send_protocol", map[string]any{})
	s.act(alice, d.ID, "issue_offer", map[string]any{"amount": 200000, "valid_until": future(5 * 24 * time.Hour)})
	s.act(alice, d.ID, "request_offer_changes", map[string]any{"comment": "too expensive"})
	s.act(alice, d.ID, "issue_offer", map[string]any{"amount": "180000.50"})
	v := s.act(alice, d.ID, "lose", map[string]any{"reason": "price", "comment": "competitor offered 150k"})
	if v.Status != deal.StatusLost || v.LostStage != deal.StageOffer || v.LostReason != "price" || len(v.Offers) != 2 {
		t.Fatalf("lost deal: %s %s %s offers %d", v.Status, v.LostStage, v.LostReason, len(v.Offers))
	}
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	s.call("GET", "/api/v1/deals?status=lost&stage=offer", alice, nil).decode(t, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != d.ID {
		t.Fatalf("lost deals at offer: %+v", list.Items)
	}
}

func TestAPIPaymentPlanFiftyFifty(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	s.toContract(d.ID)
	v := s.signContract(d.ID, []map[string]any{{"percent": 50, "due": "before_event"}, {"percent": 50, "due": "after_event"}})
	if len(v.Invoices) != 1 || v.Invoices[0].Amount.String() != "75000.00" {
		t.Fatalf("prepayment invoice: %+v", v.Invoices)
	}
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": "25000"})
	v = s.act(alice, d.ID, "record_payment", map[string]any{"amount": "50000"})
	if v.Stage != deal.StageEvent {
		t.Fatalf("after prepayment: %s", v.Stage)
	}
	s.act(alice, d.ID, "plan_event", map[string]any{"date": eventToday(), "items": []string{}})
	v = s.act(alice, d.ID, "hold_event", map[string]any{})
	if len(v.Invoices) != 2 || v.Invoices[1].Due != deal.DueAfterEvent || v.Invoices[1].Status != deal.InvoiceIssued {
		t.Fatalf("postpayment invoice: %+v", v.Invoices)
	}
	s.act(alice, d.ID, "sign_closing_documents", nil)
	s.act(alice, d.ID, "submit_survey", map[string]any{"scores": map[string]int{"quality": 4, "speed": 4, "payment_convenience": 4}})
	var refusal apiError
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/close_deal", alice, nil).decode(t, 409, &refusal)
	if refusal.Error.Code != "action_not_allowed" {
		t.Fatalf("close with unpaid postpayment: %+v", refusal)
	}
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": 75000})
	v = s.act(alice, d.ID, "close_deal", nil)
	if v.Status != deal.StatusWon || len(v.Payments) != 3 {
		t.Fatalf("closed: %s payments %d", v.Status, len(v.Payments))
	}
}

func TestAPICancellationWithRefund(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	s.toContract(d.ID)
	s.signContract(d.ID, []map[string]any{{"percent": 30, "due": "before_event"}, {"percent": 70, "due": "after_event"}})
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": "45000.00"})
	v := s.act(alice, d.ID, "cancel_with_refund", map[string]any{"refund_amount": "45000.00", "reason": "no_budget", "comment": "budget cut"})
	if v.Status != deal.StatusLost || v.LostStage != deal.StageEvent || v.LostReason != "no_budget" {
		t.Fatalf("cancelled: %s %s %s", v.Status, v.LostStage, v.LostReason)
	}
	last := v.Payments[len(v.Payments)-1]
	if last.Kind != deal.KindRefund || last.Amount.String() != "45000.00" {
		t.Fatalf("refund: %+v", last)
	}
	for _, cp := range v.ControlPoints {
		if cp.Status == casework.PointOpen {
			t.Errorf("control point %s still open after cancellation", cp.ID)
		}
	}
}

func TestAPIInvalidActionRefusedAndNothingChanges(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	before := s.view(alice, d.ID)
	var refusal apiError
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/record_payment", alice, map[string]any{"amount": 10}).decode(t, 409, &refusal)
	if refusal.Error.Code != "action_not_allowed" || refusal.Error.Details["stage"] != "presentation" {
		t.Fatalf("refusal: %+v", refusal)
	}
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/decline_presentation", alice, map[string]any{"retry_at": "2001-01-01T00:00:00Z"}).decode(t, 422, &refusal)
	if refusal.Error.Code != "invalid_input" {
		t.Fatalf("refusal: %+v", refusal)
	}
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/fly_to_moon", alice, map[string]any{}).decode(t, 404, nil)
	// The wrong stage is told before the bad input.
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/issue_offer", alice, map[string]any{"amount": "1.234"}).decode(t, 409, nil)
	after := s.view(alice, d.ID)
	if after.Seq != before.Seq || after.Stage != before.Stage {
		t.Fatalf("refused actions changed the deal: seq %d → %d", before.Seq, after.Seq)
	}
	s.agree(alice, after)
	s.call("GET", "/api/v1/deals/deal-does-not-exist", alice, nil).decode(t, 404, nil)
	s.call("GET", "/api/v1/deals/"+d.ID, "", nil).decode(t, 401, nil)
}

func TestAPIRetriedCreateReturnsSameDeal(t *testing.T) {
	s := newStack(t)
	body := map[string]any{"client_id": s.newClient(alice), "title": "Team building", "amount": 50000, "currency": "RUB"}
	key := "create-" + t.Name() + time.Now().Format(time.RFC3339Nano)
	var first, second deal.View
	s.call("POST", "/api/v1/deals", alice, body, "Idempotency-Key", key).decode(t, 201, &first)
	s.call("POST", "/api/v1/deals", alice, body, "Idempotency-Key", key).decode(t, 201, &second)
	if first.ID != second.ID || first.Seq != second.Seq {
		t.Fatalf("retry created another deal: %s vs %s", first.ID, second.ID)
	}
	// A retried action with the same key is applied once.
	var a, b deal.View
	s.call("POST", "/api/v1/deals/"+first.ID+"/actions/log_contact", alice, map[string]any{"channel": "phone"}, "Idempotency-Key", key+"-contact").decode(t, 200, &a)
	s.call("POST", "/api/v1/deals/"+first.ID+"/actions/log_contact", alice, map[string]any{"channel": "phone"}, "Idempotency-Key", key+"-contact").decode(t, 200, &b)
	if a.Seq != b.Seq || a.Seq != first.Seq+1 {
		t.Fatalf("retried action applied twice: seq %d, %d (opened at %d)", a.Seq, b.Seq, first.Seq)
	}
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	s.call("GET", "/api/v1/deals?client_id="+first.ClientID, alice, nil).decode(t, 200, &list)
	if len(list.Items) != 1 {
		t.Fatalf("%d deals for the client, want 1", len(list.Items))
	}
}

func TestAPIOfferExpiryNotifies(t *testing.T) {
	s := newStack(t)
	d := s.expiringOffer()
	type notice struct {
		Kind   string `json:"kind"`
		DealID string `json:"deal_id"`
	}
	has := func(token, kind string) bool {
		var in struct{ Items []notice }
		s.call("GET", "/api/v1/notifications", token, nil).decode(t, 200, &in)
		return slices.ContainsFunc(in.Items, func(n notice) bool { return n.Kind == kind && n.DealID == d.ID })
	}
	// The overdue notice and the escalation are delivered one after the
	// other: wait for both.
	eventually(t, 30*time.Second, "the offer expiry notice", func() bool { return has(alice, "overdue") })
	eventually(t, 10*time.Second, "the escalation to the manager", func() bool { return has(maria, "escalation") })
	if !has(alice, "reminder") {
		t.Fatal("missing the reminder before expiry")
	}
	v := s.view(alice, d.ID)
	if v.Offers[0].Status != deal.OfferExpired || !slices.Contains(v.AllowedActions, "extend_offer") {
		t.Fatalf("expired offer: %+v allowed %v", v.Offers[0], v.AllowedActions)
	}
	s.agree(alice, v)
	v = s.act(alice, d.ID, "extend_offer", map[string]any{"valid_until": future(48 * time.Hour)})
	if v.Offers[0].Status != deal.OfferSent {
		t.Fatalf("extended offer: %+v", v.Offers[0])
	}
}
