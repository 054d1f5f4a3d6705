package api

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
)

// decodeErr decodes body into a fresh value of v's type and returns the
// API error (nil on success) and the decoded value.
func decodeErr(t *testing.T, body string, v any) (*apiError, any) {
	t.Helper()
	ptr := reflect.New(reflect.TypeOf(v))
	err := decodeJSON([]byte(body), ptr.Interface())
	if err == nil {
		return nil, ptr.Elem().Interface()
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %v is not an API error", body, err)
	}
	return ae, nil
}

func TestDecodeRefuses(t *testing.T) {
	cases := []struct {
		name   string
		input  any
		body   string
		status int
		fields map[string]string // expected details.fields; nil for none
	}{
		{"unknown field", deal.LoseInput{}, `{"reason":"price","colour":"red"}`, 422,
			map[string]string{"colour": "unknown field"}},
		{"field name in other case", createDealInput{}, `{"client_id":"c","Title":"t","title":"t","amount":1,"currency":"RUB"}`, 422,
			map[string]string{"Title": "unknown field"}},
		{"nested unknown field", deal.PrepareContractInput{}, `{"approvers":["a"],"payment_plan":[{"percent":50,"due":"before_event","when":1}]}`, 422,
			map[string]string{"payment_plan[0].when": "unknown field"}},
		{"money with 3 decimals", deal.RecordPaymentInput{}, `{"amount":"10.005"}`, 422,
			map[string]string{"amount": `"10.005": not a decimal amount with at most 2 decimals`}},
		{"money as number with 3 decimals", deal.IssueOfferInput{}, `{"amount":10.005}`, 422,
			map[string]string{"amount": `"10.005": not a decimal amount with at most 2 decimals`}},
		{"money as bool", deal.CancelWithRefundInput{}, `{"refund_amount":true,"reason":"x"}`, 422,
			map[string]string{"refund_amount": `"true": not a decimal amount with at most 2 decimals`}},
		{"bad time", deal.SchedulePresentationInput{}, `{"at":"tomorrow"}`, 422,
			map[string]string{"at": "must be an RFC 3339 time such as 2025-01-31T15:00:00Z"}},
		{"optional bad time", deal.LogContactInput{}, `{"channel":"phone","at":"2025-13-01T00:00:00Z"}`, 422,
			map[string]string{"at": "must be an RFC 3339 time such as 2025-01-31T15:00:00Z"}},
		{"wrong types", deal.SubmitSurveyInput{}, `{"scores":{"quality":"five","speed":4.5}}`, 422,
			map[string]string{"scores.quality": "must be an integer", "scores.speed": "must be an integer"}},
		{"array expected", deal.PlanEventInput{}, `{"date":"2025-01-01T00:00:00Z","items":"menu"}`, 422,
			map[string]string{"items": "must be an array"}},
		{"object expected", deal.SubmitSurveyInput{}, `{"scores":[1]}`, 422,
			map[string]string{"scores": "must be an object"}},
		{"missing and null required fields", deal.RequestContractChangesInput{}, `{"approver":null}`, 422,
			map[string]string{"approver": "is required", "comment": "is required"}},
		{"malformed JSON", deal.LoseInput{}, `{"reason":`, 400, nil},
		{"trailing data", deal.LoseInput{}, `{"reason":"price"} {}`, 400, nil},
		{"not an object", deal.LoseInput{}, `["price"]`, 422, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ae, _ := decodeErr(t, c.body, c.input)
			if ae == nil {
				t.Fatal("accepted")
			}
			if ae.Status != c.status || ae.Code != deal.CodeInvalidInput {
				t.Errorf("got %d %s, want %d invalid_input", ae.Status, ae.Code, c.status)
			}
			var fields map[string]string
			if ae.Details != nil {
				fields = ae.Details.Fields
			}
			if !reflect.DeepEqual(fields, c.fields) {
				t.Errorf("fields = %v, want %v", fields, c.fields)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	at, err := time.Parse(time.RFC3339, "2025-02-01T09:30:00+03:00")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		input any
		body  string
		want  any
	}{
		{deal.RecordPaymentInput{}, `{"amount": 1500.5}`, deal.RecordPaymentInput{Amount: money.Amount(150050)}},
		{deal.RecordPaymentInput{}, `{"amount": "1500.05", "paid_at": "2025-02-01T09:30:00+03:00"}`,
			deal.RecordPaymentInput{Amount: money.Amount(150005), PaidAt: &at}},
		{deal.HoldEventInput{}, `{}`, deal.HoldEventInput{}},
		{deal.HoldEventInput{}, `{"held_at": null}`, deal.HoldEventInput{}},
		{deal.ReviseContractInput{}, `{}`, deal.ReviseContractInput{}},
		{deal.PrepareContractInput{}, `{"approvers": ["director", "lawyer"], "payment_plan": [{"percent": 100, "due": "before_event"}]}`,
			deal.PrepareContractInput{Approvers: []string{"director", "lawyer"}, PaymentPlan: []deal.Installment{{Percent: 100, Due: deal.DueBeforeEvent}}}},
		{createDealInput{}, `{"client_id": "c", "title": "t", "amount": 10, "currency": "RUB", "policy": {"offer_validity": "30s"}}`,
			createDealInput{ClientID: "c", Title: "t", Amount: 1000, Currency: "RUB", Policy: []byte(`{"offer_validity": "30s"}`)}},
	}
	for _, c := range cases {
		ae, got := decodeErr(t, c.body, c.input)
		if ae != nil {
			t.Errorf("%s: refused: %v %v", c.body, ae, ae.Details)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: decoded %+v, want %+v", c.body, got, c.want)
		}
	}
}

// Over HTTP: an empty body counts as {}, a body in another media type or
// over 1 MB is refused, and the refusals name the field.
func TestDecodeOverHTTP(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	path := "/api/v1/deals/deal-1/actions/" + deal.ActHoldEvent

	expect(t, a.do(http.MethodPost, path, "dev-alice", nil), http.StatusOK, nil)
	if got := string(f.updates[0].Args[0].(deal.Request).Input); got != "{}" {
		t.Errorf("empty body sent to the workflow as %q, want {}", got)
	}

	e := expectError(t, a.do(http.MethodPost, path, "dev-alice", `{"held_at":"2025-01-01T00:00:00Z","venue":"x"}`),
		http.StatusUnprocessableEntity, deal.CodeInvalidInput)
	if e.Error.Details.Fields["venue"] != "unknown field" {
		t.Errorf("details = %+v, want venue named", e.Error.Details)
	}
	e = expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/"+deal.ActRecordPayment, "dev-alice", `{"amount":"12.345"}`),
		http.StatusUnprocessableEntity, deal.CodeInvalidInput)
	if _, ok := e.Error.Details.Fields["amount"]; !ok {
		t.Errorf("details = %+v, want amount named", e.Error.Details)
	}
	expectError(t, a.do(http.MethodPost, path, "dev-alice", `{"held_at":`), http.StatusBadRequest, deal.CodeInvalidInput)
	expectError(t, a.do(http.MethodPost, path, "dev-alice", nil, "Content-Type", "text/plain"),
		http.StatusUnsupportedMediaType, codeUnsupportedMedia)
	big := `{"notes":"` + strings.Repeat("x", 1<<20) + `"}`
	expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/"+deal.ActHoldPresentation, "dev-alice", big),
		http.StatusRequestEntityTooLarge, codePayloadTooLarge)
	if len(f.updates) != 1 {
		t.Errorf("%d updates reached Temporal, want only the valid one", len(f.updates))
	}
}
