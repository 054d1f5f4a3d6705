package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// newClient registers a client through the API and returns its ID.
func (a *testAPI) newClient(token string) string {
	a.t.Helper()
	var c models.ClientCard
	expect(a.t, a.do(http.MethodPost, "/api/v1/clients", token, map[string]any{"name": "Romashka"}), http.StatusCreated, &c)
	return c.ID
}

func TestCreateDeal(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	body := map[string]any{"client_id": cl, "title": " Party ", "amount": 1500.5, "currency": "RUB"}

	var v deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body, "Idempotency-Key", "k1"), http.StatusCreated, &v)
	var again deal.View
	rec := a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body, "Idempotency-Key", "k1")
	expect(t, rec, http.StatusCreated, &again)
	if rec.Header().Get("Idempotent-Replayed") != "true" || len(f.starts) != 1 {
		t.Errorf("retry: replayed %q, %d starts", rec.Header().Get("Idempotent-Replayed"), len(f.starts))
	}
	// Bob may not open a deal of alice's client, which he cannot see
	// (access control); with the same key on a client of his own he gets a
	// deal of his own.
	e := expectError(t, a.do(http.MethodPost, "/api/v1/deals", "dev-bob", body, "Idempotency-Key", "k1"), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["client_id"] != "no such client" {
		t.Errorf("bob with alice's client: %+v", e.Error.Details)
	}
	bobsBody := maps.Clone(body)
	bobsBody["client_id"] = a.newClient("dev-bob")
	var bobs, fresh deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-bob", bobsBody, "Idempotency-Key", "k1"), http.StatusCreated, &bobs)
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body), http.StatusCreated, &fresh)

	if v.ID != again.ID || v.ID == bobs.ID || v.ID == fresh.ID || bobs.ID == fresh.ID {
		t.Errorf("IDs: first %s, retry %s, bob's %s, without key %s", v.ID, again.ID, bobs.ID, fresh.ID)
	}
	if v.ID != newID("deal-", "alice", "k1") || !strings.HasPrefix(fresh.ID, "deal-") || len(fresh.ID) != len("deal-")+16 {
		t.Errorf("ID %s / %s not of the documented form", v.ID, fresh.ID)
	}
	p := f.params[0]
	if p.Owner != "alice" || p.Title != "Party" || p.Amount.String() != "1500.50" || p.ClientID != cl ||
		p.Policy.OfferValidity != deal.DefaultPolicy().OfferValidity || p.Policy.InvoiceDue != deal.DefaultPolicy().InvoiceDue {
		t.Errorf("params = %+v", p)
	}
	if v.Owner != "alice" || v.ID != p.ID {
		t.Errorf("view = %+v", v)
	}
	start, upd := f.starts[0], f.updates[0]
	if start.ID != p.ID || start.TaskQueue != "test" ||
		start.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING {
		t.Errorf("start options = %+v", start)
	}
	if upd.WorkflowID != p.ID || upd.UpdateName != engine.UpdateOpen || upd.UpdateID != "open" ||
		upd.WaitForStage != client.WorkflowUpdateStageCompleted {
		t.Errorf("update options = %+v", upd)
	}
	if len(f.signals) != 0 {
		t.Errorf("signals without previous_deal_id: %v", f.signals)
	}
}

func TestCreateDealRefusals(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	for _, c := range []struct {
		token  string
		body   map[string]any
		fields []string
	}{
		{"dev-alice", map[string]any{"client_id": "cl-none", "title": "", "amount": 0, "currency": "rub"},
			[]string{"client_id", "title", "amount", "currency"}},
		// A negative amount is refused by the decoder alone, before these
		// checks; 0 passes the decoder and fails here with the currency.
		{"dev-alice", map[string]any{"client_id": cl, "title": "T", "amount": "0", "currency": "RUBL"}, []string{"amount", "currency"}},
		// Only an admin may override the policy: an admin's bad override.
		{"dev-admin", map[string]any{"client_id": cl, "title": "T", "amount": 1, "currency": "RUB", "policy": map[string]any{"offer_validity": "-1s"}},
			[]string{"policy"}},
		{"dev-admin", map[string]any{"client_id": cl, "title": "T", "amount": 1, "currency": "RUB", "policy": map[string]any{"nope": 1}},
			[]string{"policy"}},
		{"dev-alice", map[string]any{"title": "T", "currency": "RUB"}, []string{"client_id"}}, // the offer sets the amount
		{"dev-alice", map[string]any{"client_id": cl, "title": "T", "currency": "RUB", "product": "pigeons"}, []string{"product"}},
	} {
		e := expectError(t, a.do(http.MethodPost, "/api/v1/deals", c.token, c.body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		for _, field := range c.fields {
			if e.Error.Details.Fields[field] == "" {
				t.Errorf("%v: %s not named in %v", c.body, field, e.Error.Details.Fields)
			}
		}
		if len(e.Error.Details.Fields) != len(c.fields) {
			t.Errorf("%v: fields %v, want exactly %v", c.body, e.Error.Details.Fields, c.fields)
		}
	}
	e := expectError(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl, "title": "T", "amount": 1, "currency": "RUB"},
		"Idempotency-Key", strings.Repeat("k", 201)), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["Idempotency-Key"] == "" {
		t.Errorf("long Idempotency-Key not named: %+v", e.Error.Details)
	}
	if len(f.starts) != 0 {
		t.Errorf("%d invalid deals reached Temporal", len(f.starts))
	}
}

func TestCreateFollowUpDeal(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	a.seedDeal("deal-prev", "alice", cl)
	a.seedDeal("deal-bobs", "bob", cl)
	a.seedDeal("deal-other-client", "alice", a.newClient("dev-alice"))
	// Only a deal of the same client the caller can see can be followed up:
	// bob's deal is "no such deal" to alice, and none reaches its workflow.
	for prev, problem := range map[string]string{
		"deal-bobs": "no such deal", "deal-none": "no such deal", "deal-other-client": "is a deal of another client",
	} {
		body := map[string]any{"client_id": cl, "title": "Training", "amount": "10", "currency": "RUB", "previous_deal_id": prev}
		e := expectError(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields["previous_deal_id"] != problem {
			t.Errorf("previous deal %s: %+v, want %q", prev, e.Error.Details, problem)
		}
	}
	// The follow-up of deal-prev planned to talk about training: a next deal
	// created without a product takes it, one with a product keeps its own.
	if err := a.db.Model(&models.Deal{}).Where("id = ?", "deal-prev").Update("next_contact_product", "training").Error; err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"client_id": cl, "title": "Training", "amount": "10", "currency": "RUB",
		"previous_deal_id": "deal-prev"}
	var v deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body), http.StatusCreated, &v)
	if len(f.signals) != 1 || f.signals[0] != [3]any{"deal-prev", workflows.SignalFollowUpDone, v.ID} {
		t.Errorf("signals = %v", f.signals)
	}
	if f.params[0].PreviousDealID != "deal-prev" || f.params[0].Product != "training" {
		t.Errorf("params = %+v", f.params[0])
	}
	body["product"] = "consulting"
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body), http.StatusCreated, &v)
	if f.params[1].Product != "consulting" {
		t.Errorf("params with a product = %+v", f.params[1])
	}
}

// A retry after the deal's workflow finished returns the finished deal.
func TestCreateDealAfterFinish(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	f.alreadyStarted = fmt.Errorf("failed workflow start: %w", serviceerror.NewWorkflowExecutionAlreadyStarted("closed", "", ""))
	a := newTestAPI(t, f)
	body := map[string]any{"client_id": a.newClient("dev-alice"), "title": "T", "amount": "10", "currency": "RUB"}
	var v deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body, "Idempotency-Key", "k"), http.StatusCreated, &v)
	if want := newID("deal-", "alice", "k") + " " + engine.QueryView; len(f.queries) != 1 || f.queries[0] != want {
		t.Errorf("queries = %v, want [%s]", f.queries, want)
	}
	if v.Seq != fullView().Seq {
		t.Errorf("view = %+v", v)
	}
}

func TestGetDealAndActions(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	a.seedDeal("deal-1", "bob", "cl-1")
	a.seedDeal("deal-gone", "bob", "cl-1")
	var v deal.View
	expect(t, a.do(http.MethodGet, "/api/v1/deals/deal-1", "dev-bob", nil), http.StatusOK, &v)
	if v.Title != fullView().Title || f.queries[0] != "deal-1 "+engine.QueryView {
		t.Errorf("view %+v after queries %v", v, f.queries)
	}
	var acts dealActions
	expect(t, a.do(http.MethodGet, "/api/v1/deals/deal-1/actions", "dev-bob", nil), http.StatusOK, &acts)
	if acts.Stage != deal.StageClose || acts.Status != deal.StatusOpen || len(acts.Actions) != 3 ||
		acts.Actions[0].Name != deal.ActScheduleFollowUp || len(acts.Actions[0].Fields) != 3 ||
		!reflect.DeepEqual(acts.Actions[0].Fields[0], casework.Field{Name: "at", Type: "datetime", Required: true}) {
		t.Errorf("actions = %+v", acts)
	}
	f.view.AllowedActions = nil
	rec := a.do(http.MethodGet, "/api/v1/deals/deal-1/actions", "dev-bob", nil)
	expect(t, rec, http.StatusOK, nil)
	if !strings.Contains(rec.Body.String(), `"actions":[]`) {
		t.Errorf("no actions must be [], got %s", rec.Body)
	}
	// A deal in the read model whose workflow Temporal does not know.
	f.err = serviceerror.NewNotFound("workflow not found")
	queries := len(f.queries)
	expectError(t, a.do(http.MethodGet, "/api/v1/deals/deal-gone", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodGet, "/api/v1/deals/deal-gone/actions", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	if len(f.queries) != queries+2 {
		t.Errorf("queries = %v, want the two for deal-gone", f.queries[queries:])
	}
	// Nor is one missing from both: authorization looks it up in Temporal
	// (the read model may lag), and finds nothing.
	expectError(t, a.do(http.MethodGet, "/api/v1/deals/deal-none", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodGet, "/api/v1/deals/deal-none/actions", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
}

func TestDoAction(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	a.seedDeal("deal-1", "bob", "cl-1")
	body := `{"channel":"phone","note":"called"}`
	var v deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/log_contact", "dev-bob", body, "Idempotency-Key", "try-1"), http.StatusOK, &v)
	u := f.updates[0]
	req, ok := u.Args[0].(casework.Request)
	if !ok || len(u.Args) != 1 || req.Actor != "bob" || string(req.Input) != body {
		t.Errorf("update args = %#v", u.Args)
	}
	if u.WorkflowID != "deal-1" || u.UpdateName != deal.ActLogContact || u.UpdateID != "try-1" || u.WaitForStage != client.WorkflowUpdateStageCompleted {
		t.Errorf("update options = %+v", u)
	}
	expect(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/log_contact", "dev-bob", body), http.StatusOK, &v)
	if f.updates[1].UpdateID != "" {
		t.Errorf("update ID without Idempotency-Key = %q, want empty (the SDK picks one)", f.updates[1].UpdateID)
	}
	expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/fly_away", "dev-bob", `{}`), http.StatusNotFound, casework.CodeNotFound)
	if len(f.updates) != 2 {
		t.Errorf("an unknown action reached Temporal")
	}
}

func TestActionErrors(t *testing.T) {
	refused := casework.Refusal{Code: casework.CodeActionNotAllowed, Message: "accept_offer is not allowed in stage presentation",
		Stage: string(deal.StagePresentation), Allowed: []string{deal.ActSchedulePresentation, deal.ActLose}}
	invalid := casework.Refusal{Code: casework.CodeInvalidInput, Message: "the input is not valid",
		Stage: string(deal.StageOffer), Fields: map[string]string{"valid_until": "must be in the future"}}
	cases := []struct {
		name   string
		err    error
		status int
		code   string
		check  func(t *testing.T, e errResponse)
	}{
		{"not allowed", temporal.NewApplicationErrorWithOptions("refused", casework.CodeActionNotAllowed,
			temporal.ApplicationErrorOptions{Details: []any{refused}}), http.StatusConflict, casework.CodeActionNotAllowed,
			func(t *testing.T, e errResponse) {
				d := e.Error.Details
				if e.Error.Message != refused.Message || d.Stage != "presentation" || strings.Join(d.AllowedActions, ",") != "schedule_presentation,lose" {
					t.Errorf("error = %+v", e.Error)
				}
			}},
		{"invalid", fmt.Errorf("update failed: %w", temporal.NewApplicationErrorWithOptions("bad", casework.CodeInvalidInput,
			temporal.ApplicationErrorOptions{Details: []any{invalid}})), http.StatusUnprocessableEntity, casework.CodeInvalidInput,
			func(t *testing.T, e errResponse) {
				if e.Error.Details.Fields["valid_until"] != "must be in the future" || e.Error.Details.Stage != "offer" {
					t.Errorf("error = %+v", e.Error)
				}
			}},
		{"refusal without details", temporal.NewApplicationError("just no", casework.CodeActionNotAllowed),
			http.StatusConflict, casework.CodeActionNotAllowed, func(t *testing.T, e errResponse) {
				if e.Error.Message != "just no" {
					t.Errorf("message %q", e.Error.Message)
				}
			}},
		{"no such deal", serviceerror.NewNotFound("workflow not found for ID: deal-1"), http.StatusNotFound, casework.CodeNotFound, nil},
		{"deal closed", serviceerror.NewNotFound("workflow execution already completed"), http.StatusConflict, casework.CodeActionNotAllowed,
			func(t *testing.T, e errResponse) {
				if e.Error.Message != "the deal is closed" {
					t.Errorf("message %q", e.Error.Message)
				}
			}},
		{"temporal down", serviceerror.NewUnavailable("connection refused 10.0.0.7"), http.StatusServiceUnavailable, casework.CodeUnavailable, nil},
		{"timed out", context.DeadlineExceeded, http.StatusServiceUnavailable, casework.CodeUnavailable, nil},
		{"workflow bug", temporal.NewApplicationError("nil pointer in handler", "PanicError"), http.StatusBadGateway, casework.CodeTemporalUnavailable, nil},
		{"other", errors.New("internal server detail"), http.StatusBadGateway, casework.CodeTemporalUnavailable, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeTemporal{view: fullView(), err: c.err}
			a := newTestAPI(t, f)
			a.seedDeal("deal-1", "alice", "cl-1")
			rec := a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/accept_offer", "dev-alice", nil)
			e := expectError(t, rec, c.status, c.code)
			if c.check != nil {
				c.check(t, e)
			}
			if c.status >= 500 {
				if strings.Contains(rec.Body.String(), c.err.Error()) {
					t.Errorf("internal error leaked: %s", rec.Body)
				}
				if !strings.Contains(a.logs.String(), c.err.Error()) {
					t.Errorf("the error was not logged")
				}
			}
		})
	}
}

// TestDealOfAClientInItsOwnTimeZone checks that a client's time zone
// becomes the zone of its deals' business calendar, keeping the company's
// holidays, and that an unknown zone is refused.
func TestDealOfAClientInItsOwnTimeZone(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	var cl struct {
		ID       string `json:"id"`
		TimeZone string `json:"time_zone"`
	}
	expect(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Far East LLC", "time_zone": "Asia/Vladivostok"}), http.StatusCreated, &cl)
	expect(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Nowhere", "time_zone": "Mars/Olympus"}), http.StatusUnprocessableEntity, nil)
	body := map[string]any{"client_id": cl.ID, "title": "Training", "amount": 100, "currency": "RUB"}
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", body), http.StatusCreated, nil)
	if got := f.params[0].Calendar; got.TimeZone != "Asia/Vladivostok" || cl.TimeZone != "Asia/Vladivostok" {
		t.Fatalf("deal calendar zone %q, client %q", got.TimeZone, cl.TimeZone)
	}
}
