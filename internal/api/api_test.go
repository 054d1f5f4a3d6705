package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/models"
)

func TestAuth(t *testing.T) {
	a := newTestAPI(t, nil)
	for _, c := range []struct{ name, header string }{
		{"no header", ""},
		{"unknown token", "Bearer nope"},
		{"other scheme", "Basic ZGV2LWFsaWNlOg=="},
		{"empty token", "Bearer "},
		{"token without scheme", "dev-alice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := a.do(http.MethodGet, "/api/v1/policy", "", nil, "Authorization", c.header)
			expectError(t, rec, http.StatusUnauthorized, casework.CodeUnauthorized)
			if rec.Header().Get(echo.HeaderWWWAuthenticate) == "" {
				t.Error("no WWW-Authenticate header")
			}
		})
	}
	// Every route under /api/v1 but the public documents (the OpenAPI
	// document, the process maps) needs a token, even an unknown one.
	public := []string{"/api/v1/openapi.json", "/api/v1/process/deal.bpmn", "/api/v1/process/complaint.bpmn"}
	for _, r := range a.e.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") && !slices.Contains(public, r.Path) && r.Method != echo.RouteNotFound {
			path := echoParam.ReplaceAllString(r.Path, "x")
			expectError(t, a.do(r.Method, path, "", nil), http.StatusUnauthorized, casework.CodeUnauthorized)
		}
	}
	expectError(t, a.do(http.MethodGet, "/api/v1/nothing", "", nil), http.StatusUnauthorized, casework.CodeUnauthorized)
	expectError(t, a.do(http.MethodGet, "/api/v1/nothing", "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)

	var p policy.Document
	expect(t, a.do(http.MethodGet, "/api/v1/policy", "dev-alice", nil, "Authorization", "bearer dev-alice"), http.StatusOK, &p)
	if p.Version != 0 || p.Deal.OfferValidity != deal.DefaultPolicy().OfferValidity {
		t.Errorf("policy = %+v", p)
	}
}

func TestHealthAndErrors(t *testing.T) {
	f := &fakeTemporal{}
	a := newTestAPI(t, f)
	var s statusJSON
	expect(t, a.do(http.MethodGet, "/healthz", "", nil), http.StatusOK, &s)
	expect(t, a.do(http.MethodGet, "/readyz", "", nil), http.StatusOK, &s)
	if s.Status != "ok" {
		t.Errorf("status %q", s.Status)
	}
	f.err = errors.New("connection refused")
	e := expectError(t, a.do(http.MethodGet, "/readyz", "", nil), http.StatusServiceUnavailable, casework.CodeUnavailable)
	if strings.Join(e.Error.Details.Dependencies, ",") != "temporal" {
		t.Errorf("dependencies = %v, want [temporal]", e.Error.Details.Dependencies)
	}
	sqlDB, err := a.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlDB.Close(); err != nil {
		t.Fatal(err)
	}
	e = expectError(t, a.do(http.MethodGet, "/readyz", "", nil), http.StatusServiceUnavailable, casework.CodeUnavailable)
	if strings.Join(e.Error.Details.Dependencies, ",") != "temporal,database" {
		t.Errorf("dependencies = %v, want [temporal database]", e.Error.Details.Dependencies)
	}

	expectError(t, a.do(http.MethodGet, "/nowhere", "", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodDelete, "/healthz", "", nil), http.StatusMethodNotAllowed, casework.CodeMethodNotAllowed)
}

func TestPanicIsAGeneric500(t *testing.T) {
	a := newTestAPI(t, nil)
	a.e.GET("/boom", func(echo.Context) error { panic("secret detail") })
	rec := a.do(http.MethodGet, "/boom", "", nil)
	e := expectError(t, rec, http.StatusInternalServerError, casework.CodeInternal)
	if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("panic leaked to the user: %s", rec.Body)
	}
	if e.Error.Message != "internal error" {
		t.Errorf("message %q", e.Error.Message)
	}
	if !strings.Contains(a.logs.String(), "secret detail") {
		t.Error("the panic was not logged")
	}
}

func TestRequestID(t *testing.T) {
	a := newTestAPI(t, nil)
	rec := a.do(http.MethodGet, "/healthz", "", nil, "X-Request-ID", "abc-123")
	if got := rec.Header().Get(echo.HeaderXRequestID); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the caller's", got)
	}
	rec = a.do(http.MethodGet, "/healthz", "", nil, "X-Request-ID", "bad id\twith spaces")
	id := rec.Header().Get(echo.HeaderXRequestID)
	if len(id) != 32 {
		t.Errorf("X-Request-ID = %q, want a generated one", id)
	}
	if !strings.Contains(a.logs.String(), `"request_id":"`+id+`"`) {
		t.Errorf("request log lacks the request ID %s:\n%s", id, a.logs)
	}
}

func TestClients(t *testing.T) {
	a := newTestAPI(t, nil)
	var c models.ClientCard
	expect(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice",
		map[string]any{"name": " Romashka LLC ", "segment": "corporate", "email": "info@romashka.ru"}), http.StatusCreated, &c)
	if !strings.HasPrefix(c.ID, "cl-") || len(c.ID) != 19 || c.Name != "Romashka LLC" || c.CreatedBy != "alice" || c.Segment != "corporate" {
		t.Errorf("created %+v", c)
	}
	// The client is seen by its creator and her manager. Bob, who neither
	// created it nor has a deal of it, gets the 404 of a client that does
	// not exist (access control; he used to see every client).
	for _, token := range []string{"dev-alice", "dev-maria"} {
		var got models.ClientCard
		expect(t, a.do(http.MethodGet, "/api/v1/clients/"+c.ID, token, nil), http.StatusOK, &got)
		if got != c {
			t.Errorf("%s got %+v, want %+v", token, got, c)
		}
	}
	hidden := expectError(t, a.do(http.MethodGet, "/api/v1/clients/"+c.ID, "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	missing := expectError(t, a.do(http.MethodGet, "/api/v1/clients/cl-none", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	if hidden.Error.Code != missing.Error.Code || hidden.Error.Message != missing.Error.Message {
		t.Errorf("a hidden client (%+v) can be told from a missing one (%+v)", hidden.Error, missing.Error)
	}

	e := expectError(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice",
		map[string]any{"name": "  ", "email": "nope", "phone": strings.Repeat("1", 51)}), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	for _, f := range []string{"name", "email", "phone"} {
		if e.Error.Details.Fields[f] == "" {
			t.Errorf("%s not named in %v", f, e.Error.Details.Fields)
		}
	}
}

func TestListDeals(t *testing.T) {
	a := newTestAPI(t, nil)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	closed := base.Add(time.Hour)
	rows := []models.Deal{
		{ID: "deal-a", ClientID: "cl-1", Owner: "alice", Title: "A", Amount: 150000, Currency: "RUB",
			Stage: "offer", Status: "open", WaitingOn: "client", WaitingSince: base, CreatedAt: base, UpdatedAt: base},
		{ID: "deal-b", ClientID: "cl-2", Owner: "bob", Title: "B", Amount: 99, PaidAmount: 50, Currency: "EUR",
			Stage: "offer", Status: "lost", LostStage: "offer", LostReason: "price", CreatedAt: base.Add(time.Minute),
			UpdatedAt: base, ClosedAt: &closed},
		{ID: "deal-c", ClientID: "cl-1", Owner: "alice", Title: "C", Amount: 1, Currency: "RUB",
			Stage: "presentation", Status: "open", CreatedAt: base.Add(2 * time.Minute), UpdatedAt: base},
	}
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	// Pages run over all three deals as maria, whose team owns them all; a
	// sales rep lists only her own deals (access control).
	var page dealList
	expect(t, a.do(http.MethodGet, "/api/v1/deals?limit=2", "dev-maria", nil), http.StatusOK, &page)
	if len(page.Items) != 2 || page.Items[0].ID != "deal-c" || page.Items[1].ID != "deal-b" || page.NextCursor == "" {
		t.Fatalf("first page = %+v", page)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/deals?limit=2&cursor="+page.NextCursor, "dev-maria", nil), http.StatusOK, &page)
	if len(page.Items) != 1 || page.Items[0].ID != "deal-a" || page.NextCursor != "" {
		t.Fatalf("second page = %+v", page)
	}
	if it := page.Items[0]; it.Amount.String() != "1500.00" || it.WaitingOn != deal.WaitingClient || it.WaitingSince == nil || it.ClosedAt != nil {
		t.Errorf("item = %+v", it)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/deals", "dev-alice", nil), http.StatusOK, &page)
	if len(page.Items) != 2 || page.Items[0].ID != "deal-c" || page.Items[1].ID != "deal-a" || page.NextCursor != "" {
		t.Errorf("alice's deals = %+v", page)
	}
	var raw struct{ Items []map[string]any }
	expect(t, a.do(http.MethodGet, "/api/v1/deals?status=lost&owner=bob&stage=offer&client_id=cl-2", "dev-maria", nil), http.StatusOK, &raw)
	if len(raw.Items) != 1 || raw.Items[0]["lost_reason"] != "price" || raw.Items[0]["paid_amount"] != "0.50" {
		t.Errorf("filtered = %v", raw)
	}
	// Filtering on someone else's deals does not widen a sales rep's scope.
	expect(t, a.do(http.MethodGet, "/api/v1/deals?owner=bob", "dev-alice", nil), http.StatusOK, &raw)
	if len(raw.Items) != 0 {
		t.Errorf("alice listed bob's deals: %v", raw)
	}
	rec := a.do(http.MethodGet, "/api/v1/deals?client_id=cl-none", "dev-alice", nil)
	expect(t, rec, http.StatusOK, nil)
	if got := strings.TrimSpace(rec.Body.String()); got != `{"items":[],"next_cursor":""}` {
		t.Errorf("empty list = %s", got)
	}

	for q, field := range map[string]string{
		"stage=closing": "stage", "status=done": "status", "limit=0": "limit", "limit=201": "limit",
		"limit=ten": "limit", "cursor=garbage": "cursor",
	} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/deals?"+q, "dev-alice", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: %s not named: %+v", q, field, e.Error.Details)
		}
	}
}

func TestHistory(t *testing.T) {
	a := newTestAPI(t, noWorkflows())
	expectError(t, a.do(http.MethodGet, "/api/v1/deals/deal-x/history", "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	if err := a.db.Create(&models.Deal{ID: "deal-x", ClientID: "c", Owner: "alice", Title: "X", Currency: "RUB",
		Stage: "offer", Status: "open", CreatedAt: at}).Error; err != nil {
		t.Fatal(err)
	}
	events := []models.DealEvent{
		{DealID: "deal-x", CaseEvent: models.CaseEvent{Seq: 2, Type: "issue_offer", Actor: "alice", Stage: "offer", At: at, Data: `{"amount":"10.00"}`}},
		{DealID: "deal-x", CaseEvent: models.CaseEvent{Seq: 1, Type: "opened", Actor: "alice", Stage: "presentation", At: at}},
	}
	if err := a.db.Create(&events).Error; err != nil {
		t.Fatal(err)
	}
	var h historyList
	rec := a.do(http.MethodGet, "/api/v1/deals/deal-x/history", "dev-alice", nil)
	expect(t, rec, http.StatusOK, &h)
	if len(h.Items) != 2 || h.Items[0].Seq != 1 || h.Items[1].Type != "issue_offer" || string(h.Items[1].Data) != `{"amount":"10.00"}` {
		t.Errorf("history = %s", rec.Body)
	}
	if !strings.Contains(rec.Body.String(), `"data":null`) {
		t.Errorf("an event without data must have data null: %s", rec.Body)
	}
}

func TestNotifications(t *testing.T) {
	a := newTestAPI(t, nil)
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	rows := []models.Notification{
		{ID: "n1", Recipient: "alice", Kind: "reminder", DealID: "d", ControlPointID: "offer-v1", Subject: "offer", DueAt: at, CreatedAt: at},
		{ID: "n2", Recipient: "alice", Kind: "overdue", DealID: "d", ControlPointID: "offer-v1", Subject: "offer", DueAt: at, CreatedAt: at.Add(time.Hour)},
		{ID: "n3", Recipient: "maria", Kind: "escalation", DealID: "d", CreatedAt: at},
	}
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var l notificationList
	expect(t, a.do(http.MethodGet, "/api/v1/notifications", "dev-alice", nil), http.StatusOK, &l)
	if len(l.Items) != 2 || l.Items[0].Key != "n2" || l.Items[1].Key != "n1" || l.Items[0].ID != models.NotificationID("n2") {
		t.Errorf("alice's notifications = %+v", l.Items)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/notifications?limit=1", "dev-maria", nil), http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].Kind != casework.NoticeEscalation {
		t.Errorf("maria's notifications = %+v", l.Items)
	}
	expectError(t, a.do(http.MethodGet, "/api/v1/notifications?limit=-1", "dev-maria", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
}
