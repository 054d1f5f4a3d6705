package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/api/serviceerror"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// Outages of PostgreSQL and Temporal are told apart from every other error.
func TestUnavailableClassifiesOutages(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{refused, true},
		{fmt.Errorf("open read model: %w", refused), true},
		{fmt.Errorf("query: %w", syscall.ECONNRESET), true},
		{io.ErrUnexpectedEOF, true},
		{context.DeadlineExceeded, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "57P01"}, true},
		{&pgconn.PgError{Code: "57P03"}, true},
		{serviceerror.NewUnavailable("frontend down"), true},
		{serviceerror.NewDeadlineExceeded("slow"), true},
		{nil, false},
		{errors.New("bug"), false},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "28P01"}, false},
		{serviceerror.NewNotFound("no workflow"), false},
		{models.ErrNotFound, false},
	} {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// An outage answers 503 unavailable with Retry-After, logged, never 500.
func TestOutageAnswers503WithRetryAfter(t *testing.T) {
	a := newTestAPI(t, &fakeTemporal{view: fullView(), err: serviceerror.NewUnavailable("frontend down")})
	a.seedDeal("deal-a", "alice", "cl-1")
	rec := a.do(http.MethodPost, "/api/v1/deals/deal-a/actions/"+deal.ActLogContact, "dev-alice", map[string]any{"channel": "phone"})
	expectError(t, rec, http.StatusServiceUnavailable, casework.CodeUnavailable)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if e := a.auditOf(rec); e.Status != http.StatusServiceUnavailable {
		t.Errorf("entry %+v", e)
	}
}

// Retries of one request (same Idempotency-Key and body) share one audit
// entry: a failed attempt's outcome gives way to the success of the retry,
// a success is never overwritten, and another body gets its own entry.
func TestAuditRetriesShareOneEntry(t *testing.T) {
	f := &fakeTemporal{view: fullView(), err: serviceerror.NewUnavailable("frontend down")}
	a := newTestAPI(t, f)
	a.seedDeal("deal-a", "alice", "cl-1")
	send := func(rid, channel string) *httptest.ResponseRecorder {
		return a.do(http.MethodPost, "/api/v1/deals/deal-a/actions/"+deal.ActLogContact, "dev-alice",
			map[string]any{"channel": channel}, "Idempotency-Key", "k-1", "X-Request-ID", rid)
	}
	expectError(t, send("rq-1", "phone"), http.StatusServiceUnavailable, casework.CodeUnavailable)
	n := a.auditCount()
	f.mu.Lock()
	f.err = nil
	f.mu.Unlock()
	expect(t, send("rq-2", "phone"), http.StatusOK, nil)
	expect(t, send("rq-3", "phone"), http.StatusOK, nil)
	if got := a.auditCount(); got != n {
		t.Fatalf("retries added %d entries", got-n)
	}
	var e models.AuditEntry
	if err := a.db.Where("action = ?", "deal.log_contact").First(&e).Error; err != nil {
		t.Fatal(err)
	}
	if e.Status != http.StatusOK || e.RequestID != "rq-2" || e.ObjectID != "deal-a" || e.Owner != "alice" {
		t.Errorf("entry after the retries: %+v, want the success of rq-2", e)
	}
	// The same body spaced and ordered otherwise is the same request.
	rec := a.do(http.MethodPost, "/api/v1/deals/deal-a/actions/"+deal.ActLogContact, "dev-alice",
		"{ \"channel\" :  \"phone\" }", "Idempotency-Key", "k-1", "X-Request-ID", "rq-5")
	expect(t, rec, http.StatusOK, nil)
	if got := a.auditCount(); got != n {
		t.Fatalf("a respaced retry added %d entries", got-n)
	}
	expect(t, send("rq-4", "email"), http.StatusOK, nil)
	if got := a.auditCount(); got != n+1 {
		t.Errorf("another body under the same key added %d entries, want 1", got-n)
	}
}

// While the server waits for its dependencies its gate answers liveness,
// not readiness, and refuses every request with 503 and Retry-After; once
// open it hands requests to the API.
func TestGate(t *testing.T) {
	g := &Gate{}
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/healthz"); rec.Code != http.StatusOK {
		t.Errorf("/healthz %d", rec.Code)
	}
	g.Waiting([]string{"database"})
	rec := get("/readyz")
	e := expectError(t, rec, http.StatusServiceUnavailable, casework.CodeUnavailable)
	if len(e.Error.Details.Dependencies) != 1 || e.Error.Details.Dependencies[0] != "database" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("/readyz while waiting: %s", rec.Body)
	}
	if rec := get("/api/v1/deals"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a request while waiting: %d", rec.Code)
	}
	a := newTestAPI(t, &fakeTemporal{})
	g.Open(a.e)
	if rec := get("/readyz"); rec.Code != http.StatusOK {
		t.Errorf("/readyz once open: %d %s", rec.Code, rec.Body)
	}
}

// An entry whose outcome is not recorded yet is listed as pending; once
// completed with a success it is final.
func TestAuditListShowsPending(t *testing.T) {
	a := newTestAPI(t, nil)
	ctx := context.Background()
	e := models.AuditEntry{At: time.Now().UTC(), RequestID: "rq-p", RequestKey: "key-p", Actor: "admin", Role: models.RoleAdmin, Action: "staff.update"}
	if err := models.BeginAudit(ctx, a.db, &e); err != nil {
		t.Fatal(err)
	}
	first := func() models.AuditItem {
		var p auditPage
		expect(t, a.do(http.MethodGet, "/api/v1/audit?actor=admin", "dev-admin", nil), http.StatusOK, &p)
		if len(p.Items) == 0 || p.Items[len(p.Items)-1].RequestID != "rq-p" {
			t.Fatalf("audit list %+v", p.Items)
		}
		return p.Items[len(p.Items)-1]
	}
	if got := first(); !got.Pending || got.Status != models.AuditPending {
		t.Errorf("pending entry listed as %+v", got)
	}
	for _, status := range []int{http.StatusOK, http.StatusUnprocessableEntity} {
		if err := models.CompleteAudit(ctx, a.db, "key-p", models.AuditOutcome{Status: status, RequestID: "rq-p"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := first(); got.Pending || got.Status != http.StatusOK {
		t.Errorf("completed entry listed as %+v", got)
	}
}
