package api

import (
	"net/http"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// Contact persons: added and changed by whoever sees the client, checked
// like every input, audited; another's client and another client's
// contact are 404s; GET /clients/{id} lists them.
func TestContacts(t *testing.T) {
	a := newTestAPI(t, nil)
	cl := a.newClient("dev-alice")
	other := a.newClient("dev-alice")
	path := "/api/v1/clients/" + cl + "/contacts"

	var ct models.ContactItem
	rec := a.do(http.MethodPost, path, "dev-alice", map[string]any{"name": " Ivan Petrov ", "position": "Head of HR", "email": "ivan@romashka.ru", "phone": "+7 900"})
	expect(t, rec, http.StatusCreated, &ct)
	if len(ct.ID) != 19 || ct.ID[:3] != "ct-" || ct.Name != "Ivan Petrov" || ct.ClientID != cl || ct.CreatedBy != "alice" {
		t.Fatalf("created %+v", ct)
	}
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "alice", Role: models.RoleSales, Action: "contact.create",
		ObjectType: "contact", ObjectID: ct.ID, Owner: "alice", Status: http.StatusCreated})
	if ok, err := models.IsClientContact(t.Context(), a.db, cl, ct.ID); err != nil || !ok {
		t.Errorf("IsClientContact(client, contact) = %v, %v", ok, err)
	}
	if ok, err := models.IsClientContact(t.Context(), a.db, other, ct.ID); err != nil || ok {
		t.Errorf("IsClientContact(other client, contact) = %v, %v", ok, err)
	}

	e := expectError(t, a.do(http.MethodPost, path, "dev-alice", map[string]any{"name": " ", "email": "not an address"}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["name"] == "" || e.Error.Details.Fields["email"] == "" {
		t.Errorf("fields %v: want name and email", e.Error.Details.Fields)
	}
	expectError(t, a.do(http.MethodPost, path, "dev-bob", map[string]any{"name": "X"}), http.StatusNotFound, casework.CodeNotFound)

	var changed models.ContactItem
	rec = a.do(http.MethodPatch, path+"/"+ct.ID, "dev-maria", map[string]any{"position": "CEO"})
	expect(t, rec, http.StatusOK, &changed)
	if changed.Position != "CEO" || changed.Name != "Ivan Petrov" || changed.Email != "ivan@romashka.ru" || changed.UpdatedAt.Before(ct.UpdatedAt) {
		t.Errorf("changed %+v", changed)
	}
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "maria", Role: models.RoleManager, Action: "contact.update",
		ObjectType: "contact", ObjectID: ct.ID, Owner: "alice", Status: http.StatusOK})
	expectError(t, a.do(http.MethodPatch, path+"/"+ct.ID, "dev-alice", map[string]any{"email": "a@b@c"}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	expectError(t, a.do(http.MethodPatch, "/api/v1/clients/"+other+"/contacts/"+ct.ID, "dev-alice", map[string]any{"name": "Y"}),
		http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodPatch, path+"/"+ct.ID, "dev-bob", map[string]any{"name": "Y"}), http.StatusNotFound, casework.CodeNotFound)

	var detail models.ClientDetail
	expect(t, a.do(http.MethodGet, "/api/v1/clients/"+cl, "dev-alice", nil), http.StatusOK, &detail)
	if len(detail.Contacts) != 1 || detail.Contacts[0] != changed {
		t.Errorf("contacts %+v, want [%+v]", detail.Contacts, changed)
	}
}

// The directory over HTTP: search, state, scope, the report of clients
// without a next contact and its count on the control-point list.
func TestClientDirectory(t *testing.T) {
	a := newTestAPI(t, nil)
	var romashka, vasilek models.ClientCard
	expect(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "ООО Ромашка", "email": "info@romashka.ru"}), http.StatusCreated, &romashka)
	expect(t, a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Vasilek", "segment": "corporate"}), http.StatusCreated, &vasilek)
	bobs := a.newClient("dev-bob")
	a.seedDeal("deal-r", "alice", romashka.ID)

	var list clientList
	expect(t, a.do(http.MethodGet, "/api/v1/clients?q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88", "dev-alice", nil), http.StatusOK, &list) // "ромаш"
	if len(list.Items) != 1 || list.Items[0].ID != romashka.ID || list.Items[0].State != models.StateInDeal ||
		list.Items[0].Stage != "close" || list.Items[0].OpenDeals != 1 || list.Items[0].Owner != "alice" {
		t.Fatalf("search = %+v", list)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/clients?state=no_next_contact", "dev-alice", nil), http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].ID != vasilek.ID {
		t.Errorf("alice's clients without next contact = %+v (bob's %s must not show)", list, bobs)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/clients?limit=1", "dev-maria", nil), http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].ID != bobs || list.NextCursor == "" {
		t.Errorf("maria's first page = %+v", list)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/reports/clients-without-next-contact?owner=bob", "dev-maria", nil), http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].ID != bobs {
		t.Errorf("maria's report for bob = %+v", list)
	}
	var points controlPointList
	expect(t, a.do(http.MethodGet, "/api/v1/control-points", "dev-maria", nil), http.StatusOK, &points)
	if points.ClientsWithoutNextContact != nil {
		t.Errorf("control points counted clients without next contact unasked: %d", *points.ClientsWithoutNextContact)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/control-points?include=clients_without_next_contact", "dev-maria", nil), http.StatusOK, &points)
	if points.ClientsWithoutNextContact == nil || *points.ClientsWithoutNextContact != 2 {
		t.Errorf("control points count %v clients without next contact, want 2", points.ClientsWithoutNextContact)
	}
	expectError(t, a.do(http.MethodGet, "/api/v1/control-points?include=everything", "dev-maria", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	for q, field := range map[string]string{"state=gone": "state", "limit=0": "limit", "cursor=x": "cursor"} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/clients?"+q, "dev-alice", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: %s not named in %v", q, field, e.Error.Details.Fields)
		}
	}
}
