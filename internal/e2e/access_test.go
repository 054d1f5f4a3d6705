package e2e

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/testdb"
)

// world is what the access tests run against: two teams (maria with alice
// and bob; zed with carol) and an admin, each owning one client, one deal
// and one complaint, created through the API.
type world struct {
	tokens    map[string]string // staff ID → bearer token
	clients   map[string]string // owner → client ID
	deals     map[string]string // owner → deal ID
	complaint map[string]string // assignee → complaint ID
}

// owners are the staff members owning objects in the world.
var owners = []string{"alice", "bob", "maria", "carol", "zed", "admin"}

func newWorld(s *stack) *world {
	s.t.Helper()
	w := &world{
		tokens:  map[string]string{"alice": alice, "bob": bob, "maria": maria, "admin": admin},
		clients: map[string]string{}, deals: map[string]string{}, complaint: map[string]string{},
	}
	s.call("POST", "/api/v1/staff", admin, map[string]any{"id": "zed", "name": "Zed", "role": "manager"}).decode(s.t, 201, nil)
	s.call("POST", "/api/v1/staff", admin, map[string]any{"id": "carol", "name": "Carol", "role": "sales", "manager_id": "zed"}).decode(s.t, 201, nil)
	for _, id := range []string{"zed", "carol"} {
		w.tokens[id] = s.issueToken(id, nil)
	}
	for _, o := range owners {
		v := s.newDeal(w.tokens[o], nil)
		w.clients[o], w.deals[o] = v.ClientID, v.ID
		c := s.register(w.tokens[o], form(v.ClientID, map[string]any{"deal_id": v.ID}))
		w.complaint[o] = c.ID
	}
	return w
}

// issueToken has the admin issue a token for a staff member and returns
// its secret.
func (s *stack) issueToken(staffID string, expiresAt *time.Time) string {
	s.t.Helper()
	body := map[string]any{"name": "test"}
	if expiresAt != nil {
		body["expires_at"] = expiresAt.UTC().Format(time.RFC3339Nano)
	}
	var tok struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	s.call("POST", "/api/v1/staff/"+staffID+"/tokens", admin, body).decode(s.t, 201, &tok)
	return tok.Token
}

// callers are the roles of the matrix and, for each, who calls and whose
// objects are the caller's own, their team's and another team's.
var callers = []struct {
	role, who            string
	own, team, otherTeam string
}{
	{"sales", "alice", "alice", "bob", "carol"},
	{"manager", "maria", "maria", "alice", "carol"},
	{"admin", "admin", "admin", "alice", "carol"},
}

// access is one row of the matrix: a route, the request made for an
// object owned by a given member, and the expected status for each role
// (sales, manager, admin) on its own, its team's and another team's
// object. Routes without an object expect the same status in all three.
type access struct {
	method, route string
	request       func(w *world, owner string) (path string, body any)
	want          [3][3]int
}

// same is the expectation of a route without an object: status per role.
func same(sales, manager, admin int) [3][3]int {
	return [3][3]int{{sales, sales, sales}, {manager, manager, manager}, {admin, admin, admin}}
}

// scoped is the expectation of an object route everyone may use within
// their scope: allowed on own objects for sales, own and team for
// managers, all for admins; 404 elsewhere.
func scoped(allowed int) [3][3]int {
	return [3][3]int{{allowed, 404, 404}, {allowed, allowed, 404}, {allowed, allowed, allowed}}
}

func at(path string, body any) func(*world, string) (string, any) {
	return func(*world, string) (string, any) { return path, body }
}

func onDeal(suffix string, body any) func(*world, string) (string, any) {
	return func(w *world, o string) (string, any) { return "/api/v1/deals/" + w.deals[o] + suffix, body }
}

func onComplaint(suffix string, body any) func(*world, string) (string, any) {
	return func(w *world, o string) (string, any) { return "/api/v1/complaints/" + w.complaint[o] + suffix, body }
}

func onStaff(suffix string, body any) func(*world, string) (string, any) {
	return func(_ *world, o string) (string, any) { return "/api/v1/staff/" + o + suffix, body }
}

// matrix is the authorization matrix: every route of the API. Bodies are
// chosen so an allowed request is refused by validation (422) or changes
// nothing, keeping the world as it is for the next row.
var matrix = []access{
	{"POST", "/api/v1/clients", at("/api/v1/clients", map[string]any{}), same(422, 422, 422)},
	{"GET", "/api/v1/clients/:id", func(w *world, o string) (string, any) { return "/api/v1/clients/" + w.clients[o], nil }, scoped(200)},
	{"GET", "/api/v1/clients", at("/api/v1/clients", nil), same(200, 200, 200)},
	{"POST", "/api/v1/clients/:id/contacts", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/contacts", map[string]any{}
	}, scoped(422)},
	{"PATCH", "/api/v1/clients/:id/contacts/:contact_id", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/contacts/ct-none", map[string]any{}
	}, same(404, 404, 404)},
	{"POST", "/api/v1/clients/:id/qualifications", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/qualifications", map[string]any{}
	}, scoped(422)},
	{"GET", "/api/v1/clients/:id/qualifications", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/qualifications", nil
	}, scoped(200)},
	{"POST", "/api/v1/clients/:id/qualifications/:qid/approval", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/qualifications/qual-none/approval", map[string]any{}
	}, [3][3]int{{403, 403, 403}, {422, 422, 404}, {422, 422, 422}}},
	{"POST", "/api/v1/deals", at("/api/v1/deals", map[string]any{}), same(422, 422, 422)},
	{"GET", "/api/v1/deals", at("/api/v1/deals", nil), same(200, 200, 200)},
	{"GET", "/api/v1/deals/:id", onDeal("", nil), scoped(200)},
	{"GET", "/api/v1/deals/:id/actions", onDeal("/actions", nil), scoped(200)},
	{"POST", "/api/v1/deals/:id/actions/:action", onDeal("/actions/log_contact", map[string]any{}), scoped(422)},
	{"POST", "/api/v1/deals/:id/actions/:action", onDeal("/actions/reassign", map[string]any{"owner": "nobody"}),
		[3][3]int{{403, 404, 404}, {422, 422, 404}, {422, 422, 422}}},
	{"GET", "/api/v1/deals/:id/history", onDeal("/history", nil), scoped(200)},
	{"POST", "/api/v1/complaints", at("/api/v1/complaints", map[string]any{}), same(422, 422, 422)},
	{"GET", "/api/v1/complaints", at("/api/v1/complaints", nil), same(200, 200, 200)},
	{"GET", "/api/v1/complaints/:id", onComplaint("", nil), scoped(200)},
	{"GET", "/api/v1/complaints/:id/actions", onComplaint("/actions", nil), scoped(200)},
	{"POST", "/api/v1/complaints/:id/actions/:action", onComplaint("/actions/acknowledge", map[string]any{}), scoped(422)},
	{"POST", "/api/v1/complaints/:id/actions/:action", onComplaint("/actions/assign", map[string]any{"assignee": "nobody"}),
		[3][3]int{{403, 404, 404}, {422, 422, 404}, {422, 422, 422}}},
	{"GET", "/api/v1/complaints/:id/history", onComplaint("/history", nil), scoped(200)},
	{"GET", "/api/v1/reports/complaints", at("/api/v1/reports/complaints", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/funnel", at("/api/v1/reports/funnel", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/losses", at("/api/v1/reports/losses", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/kpi", at("/api/v1/reports/kpi", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/stuck", at("/api/v1/reports/stuck", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/roadmap", at("/api/v1/reports/roadmap", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/clients", at("/api/v1/reports/clients", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/clients/:id/history", func(w *world, o string) (string, any) {
		return "/api/v1/reports/clients/" + w.clients[o] + "/history", nil
	}, scoped(200)},
	{"GET", "/api/v1/reports/clients-without-next-contact", at("/api/v1/reports/clients-without-next-contact", nil), same(200, 200, 200)},
	{"POST", "/api/v1/classification/run", at("/api/v1/classification/run", nil), same(403, 403, 202)},
	{"GET", "/api/v1/notifications", at("/api/v1/notifications", nil), same(200, 200, 200)},
	{"POST", "/api/v1/notifications/:id/read", at("/api/v1/notifications/nope/read", nil), same(404, 404, 404)},
	{"POST", "/api/v1/notifications/read-all", at("/api/v1/notifications/read-all", nil), same(200, 200, 200)},
	{"GET", "/api/v1/me/preferences", at("/api/v1/me/preferences", nil), same(200, 200, 200)},
	{"PUT", "/api/v1/me/preferences", at("/api/v1/me/preferences", map[string]any{}), same(422, 422, 422)},
	{"GET", "/api/v1/control-points", at("/api/v1/control-points", nil), same(200, 200, 200)},
	{"GET", "/api/v1/process/deal.bpmn", at("/api/v1/process/deal.bpmn", nil), same(200, 200, 200)},
	{"GET", "/api/v1/process/complaint.bpmn", at("/api/v1/process/complaint.bpmn", nil), same(200, 200, 200)},
	{"GET", "/api/v1/process/deal/overlay", at("/api/v1/process/deal/overlay", nil), same(200, 200, 200)},
	{"GET", "/api/v1/process/complaint/overlay", at("/api/v1/process/complaint/overlay", nil), same(200, 200, 200)},
	{"GET", "/api/v1/policy", at("/api/v1/policy", nil), same(200, 200, 200)},
	{"PUT", "/api/v1/policy", at("/api/v1/policy", map[string]any{}), same(403, 403, 422)},
	{"GET", "/api/v1/staff", at("/api/v1/staff", nil), same(403, 200, 200)},
	{"POST", "/api/v1/staff", at("/api/v1/staff", map[string]any{}), same(403, 403, 422)},
	{"GET", "/api/v1/staff/:id", onStaff("", nil), [3][3]int{{403, 403, 403}, {200, 200, 404}, {200, 200, 200}}},
	{"PATCH", "/api/v1/staff/:id", onStaff("", map[string]any{}), [3][3]int{{403, 403, 403}, {403, 403, 403}, {200, 200, 200}}},
	{"GET", "/api/v1/staff/:id/tokens", onStaff("/tokens", nil), [3][3]int{{403, 403, 403}, {403, 403, 403}, {200, 200, 200}}},
	{"POST", "/api/v1/staff/:id/tokens", onStaff("/tokens", map[string]any{"expires_at": "2001-01-01T00:00:00Z"}),
		[3][3]int{{403, 403, 403}, {403, 403, 403}, {422, 422, 422}}},
	{"DELETE", "/api/v1/staff/:id/tokens/:token", onStaff("/tokens/tok_0000000000000000", nil),
		[3][3]int{{403, 403, 403}, {403, 403, 403}, {404, 404, 404}}},
	{"GET", "/api/v1/audit", at("/api/v1/audit", nil), same(403, 200, 200)},
	{"POST", "/api/v1/clients/:id/assessments", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/assessments", map[string]any{}
	}, scoped(422)},
	{"GET", "/api/v1/clients/:id/assessments", func(w *world, o string) (string, any) {
		return "/api/v1/clients/" + w.clients[o] + "/assessments", nil
	}, scoped(200)},
	{"GET", "/api/v1/reports/key-accounts", at("/api/v1/reports/key-accounts", nil), same(200, 200, 200)},
	{"GET", "/api/v1/reports/satisfaction", at("/api/v1/reports/satisfaction", nil), same(200, 200, 200)},
	{"POST", "/api/v1/programmes", at("/api/v1/programmes", map[string]any{}), same(403, 422, 422)},
	{"GET", "/api/v1/programmes", at("/api/v1/programmes", nil), same(200, 200, 200)},
	{"GET", "/api/v1/programmes/:id", at("/api/v1/programmes/vip-none", nil), same(404, 404, 404)},
	{"GET", "/api/v1/programmes/:id/actions", at("/api/v1/programmes/vip-none/actions", nil), same(404, 404, 404)},
	{"POST", "/api/v1/programmes/:id/actions/:action", at("/api/v1/programmes/vip-none/actions/skip_interview", map[string]any{}), same(404, 404, 404)},
	{"GET", "/api/v1/programmes/:id/history", at("/api/v1/programmes/vip-none/history", nil), same(404, 404, 404)},
	{"GET", "/api/v1/interviews", at("/api/v1/interviews", nil), same(200, 200, 200)},
	{"POST", "/api/v1/surveys", at("/api/v1/surveys", map[string]any{}), same(422, 422, 422)},
	{"GET", "/api/v1/surveys", at("/api/v1/surveys", nil), same(200, 200, 200)},
	{"GET", "/api/v1/surveys/:id", at("/api/v1/surveys/srv-none", nil), same(404, 404, 404)},
	{"GET", "/api/v1/surveys/:id/actions", at("/api/v1/surveys/srv-none/actions", nil), same(404, 404, 404)},
	{"POST", "/api/v1/surveys/:id/actions/:action", at("/api/v1/surveys/srv-none/actions/decline_survey", map[string]any{}), same(404, 404, 404)},
	{"GET", "/api/v1/surveys/:id/history", at("/api/v1/surveys/srv-none/history", nil), same(404, 404, 404)},
	{"GET", "/api/v1/deals/:id/documents", onDeal("/documents", nil), scoped(200)},
	{"GET", "/api/v1/deals/:id/documents/:doc_id", onDeal("/documents/doc-none", nil), same(404, 404, 404)},
	{"GET", "/api/v1/document-templates", at("/api/v1/document-templates", nil), same(200, 200, 200)},
	{"GET", "/api/v1/document-templates/:type", at("/api/v1/document-templates/offer", nil), same(200, 200, 200)},
	{"GET", "/api/v1/document-templates/:type/versions", at("/api/v1/document-templates/offer/versions", nil), same(200, 200, 200)},
	{"PUT", "/api/v1/document-templates/:type", at("/api/v1/document-templates/offer", map[string]any{}), same(403, 403, 422)},
	{"GET", "/api/v1/company", at("/api/v1/company", nil), same(200, 200, 200)},
	{"PUT", "/api/v1/company", at("/api/v1/company", map[string]any{}), same(403, 403, 422)},
}

// TestAuthorizationMatrix drives every route as every role on its own,
// its team's and another team's objects and checks each status against
// the matrix; the matrix must name every route the API serves.
func TestAuthorizationMatrix(t *testing.T) {
	s := newStack(t)
	w := newWorld(s)

	covered := map[string]bool{}
	for _, a := range matrix {
		covered[a.method+" "+a.route] = true
	}
	e := api.New(api.Deps{DB: s.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, r := range e.Routes() {
		served := strings.HasPrefix(r.Path, "/api/v1/") && r.Path != "/api/v1/openapi.json" && r.Method != echo.RouteNotFound
		if served && !covered[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in the authorization matrix", r.Method, r.Path)
		}
	}

	for _, a := range matrix {
		for i, c := range callers {
			for j, owner := range []string{c.own, c.team, c.otherTeam} {
				path, body := a.request(w, owner)
				got := s.call(a.method, path, w.tokens[c.who], body).status
				if want := a.want[i][j]; got != want {
					t.Errorf("%s %s as %s on %s's object: %d, want %d", a.method, path, c.role, owner, got, want)
				}
			}
		}
	}
}

// TestListsMatchDirectReads checks that every list and report shows a
// caller exactly the objects a direct read lets them see.
func TestListsMatchDirectReads(t *testing.T) {
	s := newStack(t)
	w := newWorld(s)
	for _, who := range owners {
		token := w.tokens[who]
		var deals struct {
			Items []struct{ ID, Owner string } `json:"items"`
		}
		s.call("GET", "/api/v1/deals?limit=200", token, nil).decode(t, 200, &deals)
		listed := map[string]bool{}
		for _, d := range deals.Items {
			listed[d.ID] = true
		}
		readable := 0
		for _, o := range owners {
			id := w.deals[o]
			direct := s.call("GET", "/api/v1/deals/"+id, token, nil).status == 200
			if direct != listed[id] {
				t.Errorf("%s: deal of %s readable %v but listed %v", who, o, direct, listed[id])
			}
			if direct {
				readable++
			}
		}
		var cmps struct {
			Items []struct{ ID string } `json:"items"`
		}
		s.call("GET", "/api/v1/complaints?limit=200", token, nil).decode(t, 200, &cmps)
		listedCmp := map[string]bool{}
		for _, c := range cmps.Items {
			listedCmp[c.ID] = true
		}
		for _, o := range owners {
			direct := s.call("GET", "/api/v1/complaints/"+w.complaint[o], token, nil).status == 200
			if direct != listedCmp[w.complaint[o]] {
				t.Errorf("%s: complaint of %s readable %v but listed %v", who, o, direct, listedCmp[w.complaint[o]])
			}
		}
		var report struct {
			Total int `json:"total"`
		}
		s.call("GET", "/api/v1/reports/complaints", token, nil).decode(t, 200, &report)
		if report.Total != len(cmps.Items) {
			t.Errorf("%s: the complaint report counts %d, the list has %d", who, report.Total, len(cmps.Items))
		}
		var points struct {
			Items []struct {
				SubjectID string `json:"subject_id"`
			} `json:"items"`
		}
		s.call("GET", "/api/v1/control-points?limit=200", token, nil).decode(t, 200, &points)
		for _, p := range points.Items {
			if !listed[p.SubjectID] && !listedCmp[p.SubjectID] {
				t.Errorf("%s sees a control point of %s, which they cannot read", who, p.SubjectID)
			}
		}
		want := map[string]int{"alice": 1, "bob": 1, "carol": 1, "maria": 3, "zed": 2, "admin": len(owners)}[who]
		if readable != want {
			t.Errorf("%s reads %d deals, want %d", who, readable, want)
		}
	}
}

// TestHandover checks that a manager reassigns a deal and a complaint
// within the team, the new owner takes over, and the old one loses sight.
func TestHandover(t *testing.T) {
	s := newStack(t)
	w := newWorld(s)
	dealID := w.deals["alice"]
	v := s.act(maria, dealID, deal.ActReassign, map[string]any{"owner": "bob", "reason": "alice is on leave"})
	if v.Owner != "bob" {
		t.Fatalf("reassigned deal owned by %q", v.Owner)
	}
	for _, cp := range v.ControlPoints {
		if cp.Active() && cp.Owner != "bob" {
			t.Errorf("open control point %s still owned by %s", cp.ID, cp.Owner)
		}
	}
	s.call("GET", "/api/v1/deals/"+dealID, alice, nil).decode(t, 404, nil)
	s.call("GET", "/api/v1/deals/"+dealID, bob, nil).decode(t, 200, nil)
	// Outside the team: refused, nothing changes.
	var refusal apiError
	s.call("POST", "/api/v1/deals/"+dealID+"/actions/reassign", maria, map[string]any{"owner": "carol"}).decode(t, 422, &refusal)
	if refusal.Error.Details["fields"] == nil {
		t.Errorf("refusal names no field: %+v", refusal)
	}
	s.call("POST", "/api/v1/complaints/"+w.complaint["bob"]+"/actions/assign", bob, map[string]any{"assignee": "alice"}).decode(t, 403, nil)
	cmp := actOn[struct{ Assignee string }](s, maria, "/api/v1/complaints/"+w.complaint["bob"], "assign", map[string]any{"assignee": "alice"})
	if cmp.Assignee != "alice" {
		t.Fatalf("complaint assigned to %q", cmp.Assignee)
	}
	eventually(t, 10*time.Second, "alice to see the complaint", func() bool {
		return s.call("GET", "/api/v1/complaints/"+w.complaint["bob"], alice, nil).status == 200
	})
	// The audit names the manager and the deal.
	var audit struct {
		Items []struct{ Actor, Action, Owner string } `json:"items"`
	}
	s.call("GET", "/api/v1/audit?object="+dealID, maria, nil).decode(t, 200, &audit)
	if !slices.ContainsFunc(audit.Items, func(e struct{ Actor, Action, Owner string }) bool {
		return e.Actor == "maria" && e.Action == "deal.reassign"
	}) {
		t.Errorf("no audit entry of maria's reassignment: %+v", audit.Items)
	}
	s.call("GET", "/api/v1/audit?object="+dealID, w.tokens["carol"], nil).decode(t, 403, nil)
}

// TestTokensOverHTTP checks issued tokens end to end: shown once and
// stored hashed, working until they expire, revoked at once, and dead as
// soon as their member is deactivated.
func TestTokensOverHTTP(t *testing.T) {
	s := newStack(t)
	soon := time.Now().Add(2 * time.Second)
	short := s.issueToken("bob", &soon)
	long := s.issueToken("bob", nil)
	for _, tok := range []string{short, long} {
		s.call("GET", "/api/v1/deals", tok, nil).decode(t, 200, nil)
		testdb.Nowhere(t, s.db, tok, "a plain token")
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	s.call("GET", "/api/v1/staff/bob/tokens", admin, nil).decode(t, 200, &list)
	if len(list.Items) != 3 { // dev-bob + 2
		t.Fatalf("bob has %d tokens listed, want 3", len(list.Items))
	}
	for _, it := range list.Items {
		if _, shown := it["token"]; shown {
			t.Errorf("a listed token shows its secret: %v", it)
		}
	}
	eventually(t, 10*time.Second, "the short token to expire", func() bool {
		return s.call("GET", "/api/v1/deals", short, nil).status == 401
	})
	s.call("GET", "/api/v1/deals", long, nil).decode(t, 200, nil)

	// Revocation works at once and only on that token.
	revokeMe := s.issueToken("bob", nil)
	var all struct {
		Items []struct {
			ID        string  `json:"id"`
			RevokedAt *string `json:"revoked_at"`
		} `json:"items"`
	}
	s.call("GET", "/api/v1/staff/bob/tokens", admin, nil).decode(t, 200, &all)
	newest := all.Items[0].ID
	s.call("DELETE", "/api/v1/staff/bob/tokens/"+newest, admin, nil).decode(t, 200, nil)
	s.call("GET", "/api/v1/deals", revokeMe, nil).decode(t, 401, nil)
	s.call("GET", "/api/v1/deals", long, nil).decode(t, 200, nil)

	// Deactivation kills every token of the member at once.
	s.call("PATCH", "/api/v1/staff/bob", admin, map[string]any{"active": false}).decode(t, 200, nil)
	for _, tok := range []string{long, bob} {
		s.call("GET", "/api/v1/deals", tok, nil).decode(t, 401, nil)
	}
	s.call("POST", "/api/v1/staff/bob/tokens", admin, map[string]any{}).decode(t, 409, nil)
	s.call("PATCH", "/api/v1/staff/admin", admin, map[string]any{"active": false}).decode(t, 422, nil)
}
