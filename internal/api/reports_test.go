package api

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/salesflow/salesflow/models"
)

// TestReportsAreScoped: every manager report counts only the caller's
// scope — a rep their own deals, a manager the team, an admin all — and
// the owner and team filters narrow it but never widen it.
func TestReportsAreScoped(t *testing.T) {
	a := newTestAPI(t, nil)
	for _, s := range []models.Staff{
		{ID: "zed", Name: "Zed", Role: models.RoleManager},
		{ID: "carol", Name: "Carol", Role: models.RoleSales, ManagerID: "zed"},
	} {
		if err := models.CreateStaff(t.Context(), a.db, &s); err != nil {
			t.Fatal(err)
		}
	}
	for id, owner := range map[string]string{"deal-a1": "alice", "deal-b1": "bob", "deal-b2": "bob", "deal-c1": "carol"} {
		a.seedDeal(id, owner, "cl-"+owner)
	}
	type funnel struct {
		Deals int `json:"deals"`
	}
	for _, c := range []struct {
		token, query string
		want         int
	}{
		{"dev-alice", "", 1},
		{"dev-bob", "", 2},
		{"dev-maria", "", 3},
		{"dev-admin", "", 4},
		{"dev-maria", "?owner=bob", 2},
		{"dev-alice", "?owner=bob", 0},    // another rep's figures: none
		{"dev-maria", "?team=zed", 0},     // another team: none
		{"dev-admin", "?team=zed", 1},     // zed and carol
		{"dev-admin", "?team=maria", 3},   // maria, alice and bob
		{"dev-maria", "?owner=nobody", 0}, // an unknown rep: none
	} {
		var f funnel
		expect(t, a.do(http.MethodGet, "/api/v1/reports/funnel"+c.query, c.token, nil), http.StatusOK, &f)
		if f.Deals != c.want {
			t.Errorf("%s funnel%s: %d deals, want %d", c.token, c.query, f.Deals, c.want)
		}
	}
	for _, bad := range []struct{ query, field string }{
		{"?team=maria&owner=carol", "owner"},
		{"?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from"},
		{"?to=yesterday", "to"},
	} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/reports/kpi"+bad.query, "dev-admin", nil), http.StatusUnprocessableEntity, "invalid_input")
		if e.Error.Details.Fields[bad.field] == "" {
			t.Errorf("%s: %+v does not name %s", bad.query, e.Error.Details, bad.field)
		}
	}
}

// TestReportsAsCSV: with Accept: text/csv every report answers a CSV file
// whose header and rows are the report's table; JSON stays the default.
func TestReportsAsCSV(t *testing.T) {
	a := newTestAPI(t, nil)
	a.seedDeal("deal-a1", "alice", "cl-1")
	for _, name := range []string{"funnel", "losses", "kpi", "stuck", "roadmap", "clients"} {
		rec := a.do(http.MethodGet, "/api/v1/reports/"+name, "dev-maria", nil, "Accept", "text/csv")
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Errorf("%s as CSV: %d %s", name, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="`+name+`.csv"` {
			t.Errorf("%s: Content-Disposition %q", name, got)
		}
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil || len(rows) == 0 || len(rows[0]) < 2 {
			t.Errorf("%s: CSV %v (%v)", name, rows, err)
		}
		json := a.do(http.MethodGet, "/api/v1/reports/"+name, "dev-maria", nil, "Accept", "application/json, text/csv")
		if !strings.HasPrefix(json.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: JSON first in Accept gave %s", name, json.Header().Get("Content-Type"))
		}
	}
	if !wantsCSV("text/csv;q=0.9") || wantsCSV("*/*") || wantsCSV("") || !wantsCSV("text/html, text/csv") {
		t.Error("wantsCSV misreads Accept")
	}
}

// TestReportCursorRefused: a cursor the API did not issue is a 422 naming
// the cursor, not a failure.
func TestReportCursorRefused(t *testing.T) {
	a := newTestAPI(t, nil)
	e := expectError(t, a.do(http.MethodGet, "/api/v1/reports/roadmap?cursor=%21%21", "dev-admin", nil), http.StatusUnprocessableEntity, "invalid_input")
	if e.Error.Details.Fields["cursor"] == "" {
		t.Errorf("bad cursor not named: %+v", e.Error.Details)
	}
}
