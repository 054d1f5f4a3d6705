package api

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// staffIDs are the IDs of a staff list, in order.
func staffIDs(l staffList) []string {
	var ids []string
	for _, s := range l.Items {
		ids = append(ids, s.ID)
	}
	return ids
}

// A sales rep reaches only her own deals, a manager also her team's, an
// admin every deal; an object out of scope answers exactly as one that
// does not exist, and the refusal comes from the read model before
// Temporal is asked.
func TestDealScope(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	a.seedDeal("deal-a", "alice", "cl-1")
	a.seedDeal("deal-b", "bob", "cl-1")
	a.seedDeal("deal-m", "admin", "cl-1") // nobody's team

	for _, c := range []struct {
		token string
		sees  []string
	}{
		{"dev-alice", []string{"deal-a"}},
		{"dev-bob", []string{"deal-b"}},
		{"dev-maria", []string{"deal-a", "deal-b"}},
		{"dev-admin", []string{"deal-a", "deal-b", "deal-m"}},
	} {
		t.Run(c.token, func(t *testing.T) {
			var l dealList
			expect(t, a.do(http.MethodGet, "/api/v1/deals", c.token, nil), http.StatusOK, &l)
			var listed []string
			for _, d := range l.Items {
				listed = append(listed, d.ID)
			}
			slices.Sort(listed)
			if !slices.Equal(listed, c.sees) {
				t.Errorf("listed %v, want %v", listed, c.sees)
			}
			for _, id := range []string{"deal-a", "deal-b", "deal-m"} {
				queries, updates := len(f.queries), len(f.updates)
				paths := []struct{ method, path string }{
					{http.MethodGet, "/api/v1/deals/" + id},
					{http.MethodGet, "/api/v1/deals/" + id + "/actions"},
					{http.MethodGet, "/api/v1/deals/" + id + "/history"},
					{http.MethodPost, "/api/v1/deals/" + id + "/actions/" + deal.ActLogContact},
				}
				for _, p := range paths {
					var body any
					if p.method == http.MethodPost {
						body = map[string]any{"channel": "phone"}
					}
					rec := a.do(p.method, p.path, c.token, body)
					if !slices.Contains(c.sees, id) {
						e := expectError(t, rec, http.StatusNotFound, casework.CodeNotFound)
						if e.Error.Message != "deal not found" {
							t.Errorf("%s %s: message %q, want that of a missing deal", p.method, p.path, e.Error.Message)
						}
					} else if rec.Code != http.StatusOK {
						t.Errorf("%s %s: %d %s", p.method, p.path, rec.Code, rec.Body)
					}
				}
				if !slices.Contains(c.sees, id) && (len(f.queries) != queries || len(f.updates) != updates) {
					t.Errorf("%s out of scope reached Temporal", id)
				}
			}
		})
	}
}

func TestComplaintScope(t *testing.T) {
	f := &fakeTemporal{complaint: fullComplaintView()}
	a := newTestAPI(t, f)
	a.seedComplaint("cmp-a", "alice")
	a.seedComplaint("cmp-b", "bob")
	for _, c := range []struct {
		token string
		sees  []string
	}{
		{"dev-alice", []string{"cmp-a"}},
		{"dev-maria", []string{"cmp-a", "cmp-b"}},
		{"dev-admin", []string{"cmp-a", "cmp-b"}},
	} {
		var l complaintList
		expect(t, a.do(http.MethodGet, "/api/v1/complaints", c.token, nil), http.StatusOK, &l)
		var listed []string
		for _, it := range l.Items {
			listed = append(listed, it.ID)
		}
		slices.Sort(listed)
		if !slices.Equal(listed, c.sees) {
			t.Errorf("%s listed %v, want %v", c.token, listed, c.sees)
		}
	}
	queries := len(f.queries)
	expectError(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-b", "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-b/history", "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-b/actions/"+complaint.ActAcknowledge, "dev-alice",
		map[string]any{"message": "sorry"}), http.StatusNotFound, casework.CodeNotFound)
	if len(f.queries) != queries || len(f.updates) != 0 {
		t.Errorf("bob's complaint reached Temporal for alice: %v %v", f.queries[queries:], f.updates)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-b", "dev-maria", nil), http.StatusOK, nil)

	// A complaint may name only a deal the caller can see.
	a.seedDeal("deal-b", "bob", "cl-1")
	form := map[string]any{"client_id": a.newClient("dev-alice"), "deal_id": "deal-b", "channel": "email",
		"category": "billing", "severity": "low", "description": "wrong invoice"}
	e := expectError(t, a.do(http.MethodPost, "/api/v1/complaints", "dev-alice", form), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["deal_id"] != "no such deal" {
		t.Errorf("bob's deal in alice's complaint: %+v", e.Error.Details)
	}
}

// Handing a deal or a complaint over is for managers (to their team) and
// admins (to anyone active), checked before the workflow is asked.
func TestHandover(t *testing.T) {
	f := &fakeTemporal{view: fullView(), complaint: fullComplaintView()}
	f.view.AllowedActions = append(f.view.AllowedActions, deal.ActReassign)
	a := newTestAPI(t, f)
	a.seedDeal("deal-a", "alice", "cl-1")
	a.seedComplaint("cmp-a", "alice")
	a.seedDeal("deal-m", "maria", "cl-1")
	if err := models.CreateStaff(context.Background(), a.db, &models.Staff{ID: "carol", Name: "Carol", Role: models.RoleSales, ManagerID: "maria"}); err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := models.UpdateStaff(context.Background(), a.db, "carol", models.StaffChange{Active: &off}, time.Now()); err != nil {
		t.Fatal(err)
	}
	reassign := "/api/v1/deals/deal-a/actions/" + deal.ActReassign
	assign := "/api/v1/complaints/cmp-a/actions/" + complaint.ActAssign

	// Alice may not hand over even her own deal or complaint.
	expectError(t, a.do(http.MethodPost, reassign, "dev-alice", map[string]any{"owner": "bob"}), http.StatusForbidden, casework.CodeForbidden)
	expectError(t, a.do(http.MethodPost, assign, "dev-alice", map[string]any{"assignee": "bob"}), http.StatusForbidden, casework.CodeForbidden)
	// Maria only to an active member of her team (herself included).
	for target, field := range map[string]string{"admin": "owner", "carol": "owner", "nobody": "owner", "": "owner"} {
		e := expectError(t, a.do(http.MethodPost, reassign, "dev-maria", map[string]any{"owner": target}),
			http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("reassign to %q: %+v", target, e.Error.Details)
		}
	}
	e := expectError(t, a.do(http.MethodPost, assign, "dev-maria", map[string]any{"assignee": "admin"}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["assignee"] == "" {
		t.Errorf("assign outside the team: %+v", e.Error.Details)
	}
	if len(f.updates) != 0 {
		t.Fatalf("refused handovers reached Temporal: %+v", f.updates)
	}
	expect(t, a.do(http.MethodPost, reassign, "dev-maria", map[string]any{"owner": "bob"}), http.StatusOK, nil)
	expect(t, a.do(http.MethodPost, assign, "dev-maria", map[string]any{"assignee": "maria"}), http.StatusOK, nil)
	// An admin to anyone active.
	expect(t, a.do(http.MethodPost, "/api/v1/deals/deal-m/actions/"+deal.ActReassign, "dev-admin", map[string]any{"owner": "admin"}), http.StatusOK, nil)
	expectError(t, a.do(http.MethodPost, reassign, "dev-admin", map[string]any{"owner": "carol"}), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if len(f.updates) != 3 {
		t.Errorf("%d handovers reached Temporal, want 3", len(f.updates))
	}
	if r := f.updates[0].Args[0].(casework.Request); r.Actor != "maria" || r.Role != models.RoleManager {
		t.Errorf("handover request = %+v", r)
	}
}

// A client is seen by whoever created it and by those with a deal of it in
// scope.
func TestClientScope(t *testing.T) {
	a := newTestAPI(t, &fakeTemporal{view: fullView()})
	cl := a.newClient("dev-alice")
	path := "/api/v1/clients/" + cl
	expectError(t, a.do(http.MethodGet, path, "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	body := map[string]any{"client_id": cl, "title": "T", "amount": 1, "currency": "RUB"}
	expectError(t, a.do(http.MethodPost, "/api/v1/deals", "dev-bob", body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	a.seedDeal("deal-b", "bob", cl) // say, alice's deal handed over to bob
	expect(t, a.do(http.MethodGet, path, "dev-bob", nil), http.StatusOK, nil)
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-bob", body), http.StatusCreated, nil)
	expect(t, a.do(http.MethodGet, path, "dev-admin", nil), http.StatusOK, nil)
}

// The staff register: managers see their team, admins everyone, sales
// reps nothing; only admins change it.
func TestStaffScope(t *testing.T) {
	a := newTestAPI(t, nil)
	expectError(t, a.do(http.MethodGet, "/api/v1/staff", "dev-alice", nil), http.StatusForbidden, casework.CodeForbidden)
	expectError(t, a.do(http.MethodGet, "/api/v1/staff/alice", "dev-alice", nil), http.StatusForbidden, casework.CodeForbidden)
	var l staffList
	expect(t, a.do(http.MethodGet, "/api/v1/staff", "dev-maria", nil), http.StatusOK, &l)
	if got := staffIDs(l); !slices.Equal(got, []string{"alice", "bob", "maria"}) {
		t.Errorf("maria's staff list = %v", got)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/staff/bob", "dev-maria", nil), http.StatusOK, nil)
	expectError(t, a.do(http.MethodGet, "/api/v1/staff/admin", "dev-maria", nil), http.StatusNotFound, casework.CodeNotFound)
	expect(t, a.do(http.MethodGet, "/api/v1/staff", "dev-admin", nil), http.StatusOK, &l)
	if got := staffIDs(l); !slices.Equal(got, []string{"admin", "alice", "bob", "maria"}) {
		t.Errorf("admin's staff list = %v", got)
	}
	// The role is checked before the object: a manager gets 403 on her own
	// team member, not a 404.
	expectError(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-maria", map[string]any{"name": "B"}), http.StatusForbidden, casework.CodeForbidden)
	expectError(t, a.do(http.MethodGet, "/api/v1/staff/bob/tokens", "dev-maria", nil), http.StatusForbidden, casework.CodeForbidden)
	expectError(t, a.do(http.MethodPost, "/api/v1/staff/bob/tokens", "dev-maria", map[string]any{}), http.StatusForbidden, casework.CodeForbidden)
	expectError(t, a.do(http.MethodPost, "/api/v1/staff", "dev-maria", map[string]any{"id": "x", "name": "X", "role": "sales"}), http.StatusForbidden, casework.CodeForbidden)
}

// A deal or complaint the read model does not show yet (its projection
// lags, or a survey has just opened the complaint) is authorized by the
// owner its workflow reports, with the same 404 out of scope.
func TestObjectNotYetInReadModel(t *testing.T) {
	f := &fakeTemporal{view: fullView(), complaint: fullComplaintView()} // owned by alice, assigned to bob
	a := newTestAPI(t, f)
	for token, status := range map[string]int{"dev-alice": http.StatusOK, "dev-maria": http.StatusOK, "dev-bob": http.StatusNotFound} {
		rec := a.do(http.MethodGet, "/api/v1/deals/deal-new", token, nil)
		if rec.Code != status {
			t.Errorf("%s: deal-new → %d, want %d", token, rec.Code, status)
		}
	}
	for token, status := range map[string]int{"dev-bob": http.StatusOK, "dev-admin": http.StatusOK, "dev-alice": http.StatusNotFound} {
		rec := a.do(http.MethodGet, "/api/v1/complaints/cmp-new", token, nil)
		if rec.Code != status {
			t.Errorf("%s: cmp-new → %d, want %d", token, rec.Code, status)
		}
	}
	updates := len(f.updates)
	expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-new/actions/"+deal.ActLogContact, "dev-bob", map[string]any{"channel": "phone"}),
		http.StatusNotFound, casework.CodeNotFound)
	if len(f.updates) != updates {
		t.Error("an action on a deal out of scope reached its workflow")
	}
}
