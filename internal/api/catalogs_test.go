package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
)

// Segments, products and contact channels come from the policy document's
// catalogues, which GET /policy shows and an admin edits: a value outside
// them is refused with 422 naming the allowed ones, before any workflow is
// asked.
func TestCatalogues(t *testing.T) {
	f := &fakeTemporal{view: fullView(), complaint: fullComplaintView()}
	a := newTestAPI(t, f)
	doc := a.getPolicy("dev-alice")
	if !slices.Equal(doc.Catalogs.Segments, policy.DefaultCatalogs().Segments) || !slices.Contains(doc.Catalogs.ContactChannels, "phone") {
		t.Fatalf("default catalogues %+v", doc.Catalogs)
	}
	doc.Catalogs = policy.Catalogs{Segments: []string{"restaurants"}, Products: []string{"banquets"}, ContactChannels: []string{"phone", "survey", "telegram"}}
	expect(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", doc), http.StatusOK, nil)
	if got := a.getPolicy("dev-alice").Catalogs; !slices.Equal(got.ContactChannels, doc.Catalogs.ContactChannels) {
		t.Fatalf("saved catalogues %+v", got)
	}
	refused := func(path string, body map[string]any, field, allowed string) {
		t.Helper()
		e := expectError(t, a.do(http.MethodPost, path, "dev-alice", body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if got := e.Error.Details.Fields[field]; got != "must be one of "+allowed {
			t.Errorf("POST %s: %s refused with %q, want the allowed values %s", path, field, got, allowed)
		}
	}
	refused("/api/v1/clients", map[string]any{"name": "Romashka", "segment": "corporate"}, "segment", "restaurants")
	cl := a.newClient("dev-alice") // no segment: optional
	expect(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Vasilek", "segment": "restaurants"}), http.StatusCreated, nil)
	refused("/api/v1/deals", map[string]any{"client_id": cl, "title": "Party", "product": "events", "currency": "RUB"}, "product", "banquets")
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl, "title": "Party", "product": "banquets", "currency": "RUB"}), http.StatusCreated, nil)
	refused("/api/v1/complaints", map[string]any{"client_id": cl, "channel": "email", "category": "quality", "severity": "low", "description": "cold soup"}, "channel", "phone, survey, telegram")
	a.seedDeal("deal-a", "alice", cl)
	updates := len(f.updates)
	refused("/api/v1/deals/deal-a/actions/"+deal.ActLogContact, map[string]any{"channel": "pigeon"}, "channel", "phone, survey, telegram")
	if len(f.updates) != updates {
		t.Error("a refused contact reached the workflow")
	}
	expect(t, a.do(http.MethodPost, "/api/v1/deals/deal-a/actions/"+deal.ActLogContact, "dev-alice", map[string]any{"channel": "telegram"}), http.StatusOK, nil)
	refused("/api/v1/deals/deal-a/actions/"+deal.ActScheduleFollowUp, map[string]any{"at": "2030-01-01T09:00:00Z", "product": "kites"}, "product", "banquets")
}

// A catalogue must list unique, non-empty values (contact channels with
// survey), and a survey question's complaint category must be a complaint
// category.
func TestPutPolicyRefusesBadCatalogues(t *testing.T) {
	a := newTestAPI(t, nil)
	for name, change := range map[string]func(*policy.Document) string{
		"empty segments":    func(d *policy.Document) string { d.Catalogs.Segments = []string{}; return "catalogs" },
		"duplicate product": func(d *policy.Document) string { d.Catalogs.Products = []string{"a", "a"}; return "catalogs" },
		"no survey channel": func(d *policy.Document) string { d.Catalogs.ContactChannels = []string{"phone"}; return "catalogs" },
		"unknown category":  func(d *policy.Document) string { d.Deal.SurveyComplaintCategories["speed"] = "weather"; return "deal" },
		"unknown question":  func(d *policy.Document) string { d.Deal.SurveyComplaintCategories["mood"] = "staff"; return "deal" },
		"questions of nothing": func(d *policy.Document) string {
			d.Deal.SurveyQuestionsByProduct = map[string][]string{"kites": {"q"}}
			return "deal"
		},
	} {
		doc := policy.Default()
		field := change(&doc)
		e := expectError(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", doc), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if len(e.Error.Details.Fields) != 1 || e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: fields %v, want %s", name, e.Error.Details.Fields, field)
		}
	}
}

// A corrective action's owner is an active staff member: anyone else (a
// role, a departed colleague) is refused with 422 not_active_staff before
// the workflow is asked, when the complaint's step allows the action.
func TestCorrectiveActionOwnerIsActiveStaff(t *testing.T) {
	v := fullComplaintView()
	v.Step, v.Status = complaint.StepCorrection, complaint.StatusOpen
	v.AllowedActions = []string{complaint.ActAddCorrectiveAction}
	f := &fakeTemporal{complaint: v}
	a := newTestAPI(t, f)
	a.seedComplaint("cmp-1", "alice")
	expect(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"active": false}), http.StatusOK, nil)
	for _, owner := range []string{"kitchen chief", "bob"} {
		body := map[string]any{"description": "check the menu with the client", "owner": owner, "due": "2030-01-01T09:00:00Z"}
		e := expectError(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/"+complaint.ActAddCorrectiveAction, "dev-alice", body),
			http.StatusUnprocessableEntity, casework.CodeNotActiveStaff)
		if !strings.Contains(e.Error.Message, owner) || e.Error.Details.Fields["owner"] == "" {
			t.Errorf("owner %q: %+v", owner, e.Error)
		}
	}
	if len(f.updates) != 0 {
		t.Fatalf("refused owners reached the workflow: %v", f.updates)
	}
	body := map[string]any{"description": "check the menu with the client", "owner": "maria", "due": "2030-01-01T09:00:00Z"}
	expect(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/"+complaint.ActAddCorrectiveAction, "dev-alice", body), http.StatusOK, nil)
}
