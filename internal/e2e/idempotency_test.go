package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// idemKey is the header of every request in these tests.
const idemKey = "Idempotency-Key"

// Every creating POST honours Idempotency-Key: the same key and body answer
// the first answer and create nothing more; another body is refused with
// 422 idempotency_key_reused; keys are the caller's own.
func TestIdempotentCreates(t *testing.T) {
	s := newStack(t)
	client := map[string]any{"name": "Vasilek LLC", "segment": "corporate"}
	first := s.call("POST", "/api/v1/clients", alice, client, idemKey, "client-1")
	again := s.call("POST", "/api/v1/clients", alice, client, idemKey, "client-1")
	var cl struct{ ID string }
	first.decode(t, 201, &cl)
	if again.status != 201 || !bytes.Equal(again.body, first.body) {
		t.Fatalf("retried POST /clients: %d %s, want the first answer %s", again.status, again.body, first.body)
	}
	if n := s.count(&models.Client{}, "name = ?", "Vasilek LLC"); n != 1 {
		t.Fatalf("%d clients after a retried POST /clients, want 1", n)
	}
	reused(t, s.call("POST", "/api/v1/clients", alice, map[string]any{"name": "Another LLC"}, idemKey, "client-1"))
	// Bob's key of the same name is his own.
	s.call("POST", "/api/v1/clients", bob, client, idemKey, "client-1").decode(t, 201, nil)

	body := map[string]any{"client_id": cl.ID, "title": "Summer party", "amount": "90000.00", "currency": "RUB"}
	var d deal.View
	created := s.call("POST", "/api/v1/deals", alice, body, idemKey, "deal-1")
	created.decode(t, 201, &d)
	s.act(alice, d.ID, "hold_presentation", map[string]any{})
	// The replay is the original answer (the deal as created), not the
	// deal as it is now.
	if r := s.call("POST", "/api/v1/deals", alice, body, idemKey, "deal-1"); r.status != 201 || !bytes.Equal(r.body, created.body) {
		t.Fatalf("retried POST /deals: %d %s", r.status, r.body)
	}
	changed := map[string]any{"client_id": cl.ID, "title": "Winter party", "amount": "90000.00", "currency": "RUB"}
	reused(t, s.call("POST", "/api/v1/deals", alice, changed, idemKey, "deal-1"))
	if n := s.count(&models.Deal{}, "client_id = ?", cl.ID); n != 1 {
		t.Fatalf("%d deals of the client, want 1", n)
	}

	complaintForm := form(cl.ID, nil)
	firstComplaint := s.call("POST", "/api/v1/complaints", alice, complaintForm, idemKey, "cmp-1")
	firstComplaint.decode(t, 201, nil)
	if r := s.call("POST", "/api/v1/complaints", alice, complaintForm, idemKey, "cmp-1"); r.status != 201 || !bytes.Equal(r.body, firstComplaint.body) {
		t.Fatalf("retried POST /complaints: %d %s", r.status, r.body)
	}
	reused(t, s.call("POST", "/api/v1/complaints", alice, form(cl.ID, map[string]any{"severity": "low"}), idemKey, "cmp-1"))

	staff := map[string]any{"id": "carol", "name": "Carol", "role": "sales", "manager_id": "maria"}
	s.call("POST", "/api/v1/staff", admin, staff, idemKey, "staff-1").decode(t, 201, nil)
	s.call("POST", "/api/v1/staff", admin, staff, idemKey, "staff-1").decode(t, 201, nil)
	reused(t, s.call("POST", "/api/v1/staff", admin, map[string]any{"id": "dave", "name": "Dave", "role": "sales"}, idemKey, "staff-1"))
}

// A token's secret is stored nowhere, so a replay of its issue cannot show
// it: it answers 409 naming the token issued, and issues no other.
func TestIdempotentTokenIssue(t *testing.T) {
	s := newStack(t)
	var tok struct{ ID, Token string }
	s.call("POST", "/api/v1/staff/bob/tokens", admin, map[string]any{"name": "laptop"}, idemKey, "tok-1").decode(t, 201, &tok)
	var refusal apiError
	s.call("POST", "/api/v1/staff/bob/tokens", admin, map[string]any{"name": "laptop"}, idemKey, "tok-1").decode(t, 409, &refusal)
	if refusal.Error.Code != "conflict" || !bytes.Contains([]byte(refusal.Error.Message), []byte(tok.ID)) {
		t.Fatalf("replayed token issue: %+v", refusal)
	}
	if n := s.count(&models.Token{}, "staff_id = ? AND name = ?", "bob", "laptop"); n != 1 {
		t.Fatalf("%d tokens issued, want 1", n)
	}
	// Another staff member's path is another request.
	s.call("POST", "/api/v1/staff/alice/tokens", admin, map[string]any{"name": "laptop"}, idemKey, "tok-1").decode(t, 201, nil)
	testdb.Nowhere(t, s.db, tok.Token, "the token's secret")
	s.tokens[tok.Token] = true // checkAudit: no audit entry holds it either
}

// Concurrent retries of one POST /clients create one client: each answer
// is that client or 409 (the first is still running).
func TestIdempotentConcurrentCreates(t *testing.T) {
	s := newStack(t)
	raw, err := json.Marshal(map[string]any{"name": "Kolokolchik LLC"})
	if err != nil {
		t.Fatal(err)
	}
	const retries = 6
	statuses := make([]int, retries)
	ids := make([]string, retries)
	var wg sync.WaitGroup
	for i := range retries {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", s.url+"/api/v1/clients", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+alice)
			req.Header.Set(idemKey, "race-1")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var cl struct{ ID string }
			_ = json.NewDecoder(res.Body).Decode(&cl)
			statuses[i], ids[i] = res.StatusCode, cl.ID
		})
	}
	wg.Wait()
	var id string
	for i, st := range statuses {
		switch {
		case st == 201 && (id == "" || id == ids[i]):
			id = ids[i]
		case st == 409:
		default:
			t.Errorf("retry %d: status %d, client %q (first %q)", i, st, ids[i], id)
		}
	}
	if n := s.count(&models.Client{}, "name = ?", "Kolokolchik LLC"); n != 1 || id == "" {
		t.Fatalf("%d clients after %d concurrent retries (answered %v), want 1", n, retries, statuses)
	}
}

// reused fails unless r is the refusal of a reused Idempotency-Key.
func reused(t *testing.T, r response) {
	t.Helper()
	var refusal apiError
	r.decode(t, 422, &refusal)
	if refusal.Error.Code != "idempotency_key_reused" {
		t.Fatalf("same key, another body: %+v", refusal)
	}
}

// count counts the rows of model matching the condition in the read model.
func (s *stack) count(model any, cond string, args ...any) int64 {
	s.t.Helper()
	var n int64
	if err := s.db.Model(model).Where(cond, args...).Count(&n).Error; err != nil {
		s.t.Fatal(err)
	}
	return n
}
