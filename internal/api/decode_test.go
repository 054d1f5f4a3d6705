package api

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
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

// boundedInput tries the bounds on kinds of fields no action input has.
type boundedInput struct {
	M  map[string]string `json:"m,omitempty" maxlen:"3"`
	P  *string           `json:"p,omitempty" maxlen:"3"`
	A  money.Amount      `json:"a,omitempty"`
	PA *money.Amount     `json:"pa,omitempty"`
	AS []money.Amount    `json:"as,omitempty"`
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
		{"nested unknown field", deal.PrepareContractInput{}, `{"approvers":[{"role":"cfo","name":"a"}],"payment_plan":[{"percent":50,"due":"before_event","when":1}]}`, 422,
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
		{"string over the default bound", deal.HoldPresentationInput{}, `{"notes":"` + strings.Repeat("x", 2001) + `"}`, 422,
			map[string]string{"notes": "must be at most 2000 characters"}},
		{"string over its tag", deal.ApproveContractInput{}, `{"approver":"` + strings.Repeat("я", 101) + `"}`, 422,
			map[string]string{"approver": "must be at most 100 characters"}},
		{"slice item over its tag", deal.PrepareContractInput{}, `{"approvers":[{"role":"director","name":"a"},{"role":"cfo","name":"` + strings.Repeat("x", 101) + `"}]}`, 422,
			map[string]string{"approvers[1].name": "must be at most 100 characters"}},
		{"approvers as plain names", deal.PrepareContractInput{}, `{"approvers":["director"]}`, 422,
			map[string]string{"approvers[0]": "must be an object"}},
		{"approver without a name", deal.PrepareContractInput{}, `{"approvers":[{"role":"kitchen chief"}]}`, 422,
			map[string]string{"approvers[0].name": "is required"}},
		{"map key over its tag", deal.SubmitSurveyInput{}, `{"scores":{"` + strings.Repeat("q", 201) + `":5}}`, 422,
			map[string]string{"scores": "keys must be at most 200 characters"}},
		{"map value and pointer over their tags", boundedInput{}, `{"m":{"k":"long"},"p":"long"}`, 422,
			map[string]string{"m.k": "must be at most 3 characters", "p": "must be at most 3 characters"}},
		{"zero offer", deal.IssueOfferInput{}, `{"amount":0}`, 422,
			map[string]string{"amount": "must be greater than 0"}},
		{"negative payment", deal.RecordPaymentInput{}, `{"amount":"-0.01"}`, 422,
			map[string]string{"amount": "must be greater than 0"}},
		{"zero refund", deal.CancelWithRefundInput{}, `{"refund_amount":"0.00","reason":"price"}`, 422,
			map[string]string{"refund_amount": "must be greater than 0"}},
		{"negative remedy amount", complaint.ResolveForClientInput{}, `{"remedy":"refund","amount":-5}`, 422,
			map[string]string{"amount": "must be greater than 0"}},
		{"negative amounts anywhere", boundedInput{}, `{"a":-1,"pa":"-2","as":["1","-3"]}`, 422,
			map[string]string{"a": "must not be negative", "pa": "must not be negative", "as[1]": "must not be negative"}},
		{"number beyond float64", deal.AcceptOfferInput{}, `{"version":1e400}`, 422,
			map[string]string{"version": "must be an integer"}},
		{"amount beyond float64", deal.IssueOfferInput{}, `{"amount":1e400}`, 422,
			map[string]string{"amount": `"1e400": not a decimal amount with at most 2 decimals`}},
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
			if ae.Status != c.status || ae.Code != casework.CodeInvalidInput {
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
	tenRoubles := money.Amount(1000)
	cases := []struct {
		input any
		body  string
		want  any
	}{
		{deal.RecordPaymentInput{}, `{"amount": 1500.5}`, deal.RecordPaymentInput{Amount: money.Amount(150050)}},
		{deal.RecordPaymentInput{}, `{"amount": "1500.05", "paid_at": "2025-02-01T09:30:00+03:00"}`,
			deal.RecordPaymentInput{Amount: money.Amount(150005), PaidAt: &at}},
		{deal.HoldPresentationInput{}, `{"notes":"` + strings.Repeat("я", 2000) + `"}`,
			deal.HoldPresentationInput{Notes: strings.Repeat("я", 2000)}},
		{boundedInput{}, `{"m":{"abc":"abc"},"a":0,"pa":"0.00"}`,
			boundedInput{M: map[string]string{"abc": "abc"}, PA: new(money.Amount)}},
		{deal.HoldEventInput{}, `{}`, deal.HoldEventInput{}},
		{deal.HoldEventInput{}, `{"held_at": null}`, deal.HoldEventInput{}},
		{deal.ReviseContractInput{}, `{}`, deal.ReviseContractInput{}},
		{deal.PrepareContractInput{}, `{"approvers": [{"role": "director", "name": "Irina"}, {"contact_id": "ct-1", "name": "Oleg"}], "payment_plan": [{"percent": 100, "due": "before_event"}]}`,
			deal.PrepareContractInput{Approvers: []deal.ApproverInput{{Role: "director", Name: "Irina"}, {ContactID: "ct-1", Name: "Oleg"}}, PaymentPlan: []deal.Installment{{Percent: 100, Due: deal.DueBeforeEvent}}}},
		{createDealInput{}, `{"client_id": "c", "title": "t", "amount": 10, "currency": "RUB", "policy": {"offer_validity": "30s"}}`,
			createDealInput{ClientID: "c", Title: "t", Amount: &tenRoubles, Currency: "RUB", Policy: []byte(`{"offer_validity": "30s"}`)}},
		{createDealInput{}, `{"client_id": "c", "title": "t", "currency": "RUB"}`,
			createDealInput{ClientID: "c", Title: "t", Currency: "RUB"}},
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
	f.view.AllowedActions = []string{deal.ActHoldEvent, deal.ActRecordPayment}
	a := newTestAPI(t, f)
	a.seedDeal("deal-1", "alice", "cl-1")
	path := "/api/v1/deals/deal-1/actions/" + deal.ActHoldEvent

	expect(t, a.do(http.MethodPost, path, "dev-alice", nil), http.StatusOK, nil)
	if got := string(f.updates[0].Args[0].(casework.Request).Input); got != "{}" {
		t.Errorf("empty body sent to the workflow as %q, want {}", got)
	}

	e := expectError(t, a.do(http.MethodPost, path, "dev-alice", `{"held_at":"2025-01-01T00:00:00Z","venue":"x"}`),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["venue"] != "unknown field" {
		t.Errorf("details = %+v, want venue named", e.Error.Details)
	}
	e = expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/"+deal.ActRecordPayment, "dev-alice", `{"amount":"12.345"}`),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if _, ok := e.Error.Details.Fields["amount"]; !ok {
		t.Errorf("details = %+v, want amount named", e.Error.Details)
	}
	expectError(t, a.do(http.MethodPost, path, "dev-alice", `{"held_at":`), http.StatusBadRequest, casework.CodeInvalidInput)
	expectError(t, a.do(http.MethodPost, path, "dev-alice", nil, "Content-Type", "text/plain"),
		http.StatusUnsupportedMediaType, casework.CodeUnsupportedMedia)
	big := `{"notes":"` + strings.Repeat("x", 1<<20) + `"}`
	expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/"+deal.ActHoldPresentation, "dev-alice", big),
		http.StatusRequestEntityTooLarge, casework.CodePayloadTooLarge)
	if len(f.updates) != 1 {
		t.Errorf("%d updates reached Temporal, want only the valid one", len(f.updates))
	}
}

// Every bound an action input declares is one decode reads: a maxlen is a
// positive number, validate:"positive" is on money amounts only.
func TestDecodeInputTags(t *testing.T) {
	amount := reflect.TypeFor[money.Amount]()
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ == timeType {
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := path + "." + f.Name
			if tag, ok := f.Tag.Lookup("maxlen"); ok {
				if n, err := strconv.Atoi(tag); err != nil || n <= 0 {
					t.Errorf("%s: maxlen %q is not a positive number", name, tag)
				}
			}
			if tag, ok := f.Tag.Lookup("validate"); ok {
				base := f.Type
				if base.Kind() == reflect.Pointer {
					base = base.Elem()
				}
				if tag != "positive" || base != amount {
					t.Errorf("%s: validate:%q; only money amounts take validate:\"positive\"", name, tag)
				}
			}
			walk(f.Type, name)
		}
	}
	for _, c := range []casework.Catalog{deal.Inputs, complaint.Inputs} {
		for _, a := range c {
			walk(reflect.TypeOf(a.Input), a.Name)
		}
	}
}

// A deal's currency must be an ISO 4217 code, not merely three letters.
func TestCreateDealCurrency(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	for _, cur := range []string{"XYZ", "rub", "RUR", "BGN"} {
		e := expectError(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl, "title": "T", "amount": 1, "currency": cur}),
			http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if got := e.Error.Details.Fields["currency"]; got != "must be an ISO 4217 currency code such as RUB or EUR" || len(e.Error.Details.Fields) != 1 {
			t.Errorf("%s: fields %v", cur, e.Error.Details.Fields)
		}
	}
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl, "title": "T", "amount": 1, "currency": "EUR"}),
		http.StatusCreated, nil)
}
