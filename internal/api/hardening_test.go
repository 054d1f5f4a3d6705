package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

func TestRateLimit(t *testing.T) {
	a := newTestAPI(t, nil, func(d *Deps) { d.RateLimit, d.RateBurst = 1, 2 })
	for range 2 {
		expect(t, a.do(http.MethodGet, "/api/v1/policy", "dev-alice", nil), http.StatusOK, nil)
	}
	rec := a.do(http.MethodGet, "/api/v1/policy", "dev-alice", nil)
	expectError(t, rec, http.StatusTooManyRequests, casework.CodeRateLimited)
	secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Errorf("Retry-After = %q, want whole seconds >= 1", rec.Header().Get("Retry-After"))
	}
	// The bucket is the token's: another member's token is unaffected, and
	// so is another token of the same member.
	expect(t, a.do(http.MethodGet, "/api/v1/policy", "dev-bob", nil), http.StatusOK, nil)
	tok := a.issue("alice", map[string]any{})
	expect(t, a.do(http.MethodGet, "/api/v1/policy", tok.Token, nil), http.StatusOK, nil)
	// A refused request does not use up the bucket further: still refused,
	// not locked out for longer.
	rec = a.do(http.MethodGet, "/api/v1/policy", "dev-alice", nil)
	expectError(t, rec, http.StatusTooManyRequests, casework.CodeRateLimited)
	if again, _ := strconv.Atoi(rec.Header().Get("Retry-After")); again > secs {
		t.Errorf("Retry-After grew from %d to %d s", secs, again)
	}
}

// securityHeaders are the headers every answer carries.
var securityHeaders = map[string]string{
	"X-Content-Type-Options": "nosniff",
	"X-Frame-Options":        "DENY",
	"Referrer-Policy":        "no-referrer",
	"Cache-Control":          "no-store",
}

func TestSecurityHeaders(t *testing.T) {
	a := newTestAPI(t, nil)
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"answer":       a.do(http.MethodGet, "/api/v1/policy", "dev-alice", nil),
		"unauthorized": a.do(http.MethodGet, "/api/v1/policy", "", nil),
		"not found":    a.do(http.MethodGet, "/api/v1/clients/cl-none", "dev-alice", nil),
		"health":       a.do(http.MethodGet, "/healthz", "", nil),
	} {
		for h, want := range securityHeaders {
			if got := rec.Header().Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", name, h, got, want)
			}
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy = %q", name, csp)
		}
	}
}

// The request ID of an answer is in its header and in its error body, the
// caller's when it is plain.
func TestRequestIDInErrors(t *testing.T) {
	a := newTestAPI(t, nil)
	var body struct {
		Error struct {
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	rec := a.do(http.MethodGet, "/api/v1/clients/cl-none", "dev-alice", nil, "X-Request-ID", "req-42")
	expect(t, rec, http.StatusNotFound, &body)
	if rec.Header().Get(echo.HeaderXRequestID) != "req-42" || body.Error.RequestID != "req-42" {
		t.Errorf("X-Request-ID %q, request_id %q, want req-42", rec.Header().Get(echo.HeaderXRequestID), body.Error.RequestID)
	}
	for _, rec := range []*httptest.ResponseRecorder{
		a.do(http.MethodGet, "/api/v1/policy", "", nil, "X-Request-ID", "<script>"),
		a.do(http.MethodPut, "/api/v1/policy", "dev-alice", "{}"),
	} {
		expect(t, rec, rec.Code, &body)
		if id := rec.Header().Get(echo.HeaderXRequestID); len(id) != 32 || body.Error.RequestID != id {
			t.Errorf("%d: X-Request-ID %q, request_id %q", rec.Code, id, body.Error.RequestID)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	a.seedDeal("deal-1", "alice", "cl-1")
	big := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	expectError(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", big), http.StatusRequestEntityTooLarge, casework.CodePayloadTooLarge)
	// Without a Content-Length, the limit cuts the body as it is read.
	for _, path := range []string{"/api/v1/clients", "/api/v1/deals/deal-1/actions/" + deal.ActLogContact} {
		req := httptest.NewRequest(http.MethodPost, path, io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.Header.Set(echo.HeaderAuthorization, "Bearer dev-alice")
		rec := httptest.NewRecorder()
		a.e.ServeHTTP(rec, req)
		expectError(t, rec, http.StatusRequestEntityTooLarge, casework.CodePayloadTooLarge)
	}
	var n int64
	a.db.Table("clients").Count(&n)
	if n != 0 || len(f.updates) != 0 {
		t.Errorf("an oversized body went through: %d clients, %d updates", n, len(f.updates))
	}
}

func TestUnknownFieldIsNamed(t *testing.T) {
	a := newTestAPI(t, nil)
	e := expectError(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Romashka", "nmae": "x"}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["nmae"] != "unknown field" || len(e.Error.Details.Fields) != 1 {
		t.Errorf("fields = %v, want nmae named", e.Error.Details.Fields)
	}
}

// A panic in a real handler (here: the API without a Temporal client,
// whose first call dereferences nil) answers a generic 500.
func TestHandlerPanicLeaksNothing(t *testing.T) {
	a := newTestAPI(t, nil)
	a.seedDeal("deal-1", "alice", "cl-1")
	rec := a.do(http.MethodGet, "/api/v1/deals/deal-1", "dev-alice", nil, "X-Request-ID", "boom-1")
	e := expectError(t, rec, http.StatusInternalServerError, casework.CodeInternal)
	for _, leak := range []string{"goroutine", "nil pointer", "runtime", ".go:", "panic"} {
		if strings.Contains(rec.Body.String(), leak) {
			t.Errorf("the answer leaks %q: %s", leak, rec.Body)
		}
	}
	if e.Error.Message != "internal error" {
		t.Errorf("message %q", e.Error.Message)
	}
	if !strings.Contains(a.logs.String(), "nil pointer") || !strings.Contains(a.logs.String(), `"request_id":"boom-1"`) {
		t.Error("the panic was not logged with its request ID")
	}
}

// A database failure answers "internal" without SQL or driver text.
func TestDatabaseErrorLeaksNothing(t *testing.T) {
	a := newTestAPI(t, nil)
	sqlDB, err := a.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlDB.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/deals", "/api/v1/complaints", "/api/v1/clients/cl-1"} {
		rec := a.do(http.MethodGet, path, "dev-alice", nil)
		var body map[string]map[string]any
		expect(t, rec, http.StatusInternalServerError, &body)
		if body["error"]["code"] != casework.CodeInternal || body["error"]["message"] != "internal error" {
			t.Errorf("%s: %s", path, rec.Body)
		}
		low := strings.ToLower(rec.Body.String())
		for _, leak := range []string{"sql", "select", "database", "closed", "tokens", "where"} {
			if strings.Contains(low, leak) {
				t.Errorf("%s: the answer leaks %q: %s", path, leak, rec.Body)
			}
		}
	}
	if !strings.Contains(a.logs.String(), "closed") {
		t.Error("the database error was not logged")
	}
}
