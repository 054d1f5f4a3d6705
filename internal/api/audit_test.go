package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// auditCount is the number of audit entries stored.
func (a *testAPI) auditCount() int64 {
	a.t.Helper()
	var n int64
	if err := a.db.Model(&models.AuditEntry{}).Count(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

// auditOf returns the one audit entry of the request rec answered, found
// by its X-Request-ID.
func (a *testAPI) auditOf(rec *httptest.ResponseRecorder) models.AuditEntry {
	a.t.Helper()
	id := rec.Header().Get(echo.HeaderXRequestID)
	var rows []models.AuditEntry
	if err := a.db.Where("request_id = ?", id).Find(&rows).Error; err != nil {
		a.t.Fatal(err)
	}
	if len(rows) != 1 {
		a.t.Fatalf("request %s has %d audit entries, want 1: %+v", id, len(rows), rows)
	}
	return rows[0]
}

// checkEntry fails unless e records what want says (its ID, time, input
// request ID and key aside).
func checkEntry(t *testing.T, e, want models.AuditEntry) {
	t.Helper()
	e.ID, e.At, e.Input, e.RequestID, e.RequestKey = 0, time.Time{}, "", "", ""
	if e != want {
		t.Errorf("audit entry\n got %+v\nwant %+v", e, want)
	}
}

// Every state-changing request leaves exactly one entry saying who did
// what to which object, with the request's ID and the status answered;
// reads and unauthenticated requests leave none.
func TestAuditEntryPerChange(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	a.seedDeal("deal-a", "alice", "cl-1")

	before := time.Now().UTC().Add(-time.Second)
	rec := a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Romashka"}, "X-Request-ID", "rq-client-1")
	var cl models.ClientCard
	expect(t, rec, http.StatusCreated, &cl)
	e := a.auditOf(rec)
	if e.RequestID != "rq-client-1" || e.At.Before(before) || e.At.After(time.Now().Add(time.Second)) {
		t.Errorf("entry %+v", e)
	}
	var in map[string]any
	if err := json.Unmarshal([]byte(e.Input), &in); err != nil || in["name"] != "Romashka" {
		t.Errorf("input %q: %v", e.Input, err)
	}
	checkEntry(t, e, models.AuditEntry{Actor: "alice", Role: models.RoleSales, Action: "client.create",
		ObjectType: "client", ObjectID: cl.ID, Owner: "alice", Status: http.StatusCreated})

	rec = a.do(http.MethodPost, "/api/v1/deals/deal-a/actions/"+deal.ActLogContact, "dev-alice", map[string]any{"channel": "phone"})
	expect(t, rec, http.StatusOK, nil)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "alice", Role: models.RoleSales, Action: "deal.log_contact",
		ObjectType: "deal", ObjectID: "deal-a", Owner: "alice", Status: http.StatusOK})

	rec = a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl.ID, "title": "T", "amount": 1, "currency": "RUB"},
		"Idempotency-Key", "k1")
	expect(t, rec, http.StatusCreated, nil)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "alice", Role: models.RoleSales, Action: "deal.create",
		ObjectType: "deal", ObjectID: newID("deal-", "alice", "k1"), Owner: "alice", Status: http.StatusCreated})

	rec = a.do(http.MethodPost, "/api/v1/staff/bob/tokens", "dev-admin", map[string]any{"name": "ci"})
	var tok issued
	expect(t, rec, http.StatusCreated, &tok)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "admin", Role: models.RoleAdmin, Action: "token.issue",
		ObjectType: "token", ObjectID: tok.ID, Owner: "bob", Status: http.StatusCreated})

	rec = a.do(http.MethodDelete, "/api/v1/staff/bob/tokens/"+tok.ID, "dev-admin", nil)
	expect(t, rec, http.StatusOK, nil)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "admin", Role: models.RoleAdmin, Action: "token.revoke",
		ObjectType: "token", ObjectID: tok.ID, Owner: "bob", Status: http.StatusOK})

	rec = a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"name": "Bobby"})
	expect(t, rec, http.StatusOK, nil)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "admin", Role: models.RoleAdmin, Action: "staff.update",
		ObjectType: "staff", ObjectID: "bob", Owner: "bob", Status: http.StatusOK})

	// Refusals are recorded too: by role, by scope, by validation.
	rec = a.do(http.MethodPut, "/api/v1/policy", "dev-alice", "{}")
	expect(t, rec, http.StatusForbidden, nil)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "alice", Role: models.RoleSales, Action: "policy.update", Status: http.StatusForbidden})
	a.seedDeal("deal-b", "bob", "cl-1")
	rec = a.do(http.MethodPost, "/api/v1/deals/deal-b/actions/"+deal.ActLose, "dev-alice", map[string]any{"reason": "price"})
	expect(t, rec, http.StatusNotFound, nil)
	checkEntry(t, a.auditOf(rec), models.AuditEntry{Actor: "alice", Role: models.RoleSales, Action: "deal.lose",
		ObjectType: "deal", ObjectID: "deal-b", Status: http.StatusNotFound})
	rec = a.do(http.MethodPost, "/api/v1/clients", "dev-bob", map[string]any{"name": ""})
	expect(t, rec, http.StatusUnprocessableEntity, nil)
	if e := a.auditOf(rec); e.Action != "client.create" || e.Status != http.StatusUnprocessableEntity || e.Actor != "bob" {
		t.Errorf("refused client entry %+v", e)
	}

	n := a.auditCount()
	for _, r := range []struct{ method, path, token string }{
		{http.MethodGet, "/api/v1/deals", "dev-alice"},
		{http.MethodGet, "/api/v1/deals/deal-a", "dev-alice"},
		{http.MethodGet, "/api/v1/policy", "dev-alice"},
		{http.MethodGet, "/api/v1/staff/bob/tokens", "dev-admin"},
		{http.MethodGet, "/api/v1/audit", "dev-admin"},
		{http.MethodPost, "/api/v1/clients", ""},
		{http.MethodPost, "/api/v1/clients", "dev-nobody"},
	} {
		a.do(r.method, r.path, r.token, nil)
	}
	if got := a.auditCount(); got != n {
		t.Errorf("reads and unauthenticated requests added %d audit entries", got-n)
	}
}

// Secret-looking fields of an audited input are stored redacted, at any
// depth, even when the request is refused.
func TestAuditRedactsSecrets(t *testing.T) {
	a := newTestAPI(t, nil)
	var body map[string]any
	if err := roundTrip(policy.Default(), &body); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"s3cr3t-value", "hunter2-value", "key-value-123", "tok-value-456"}
	body["webhook_secret"] = secrets[0]
	body["notify"] = map[string]any{"url": "https://hooks.example.com", "Password": secrets[1],
		"list": []any{map[string]any{"api_key": secrets[2]}, map[string]any{"access_token": secrets[3]}}}
	rec := a.do(http.MethodPut, "/api/v1/policy", "dev-admin", body)
	e := expectError(t, rec, http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["webhook_secret"] == "" {
		t.Errorf("unknown field not named: %+v", e.Error.Details)
	}
	entry := a.auditOf(rec)
	if entry.Status != http.StatusUnprocessableEntity || entry.Action != "policy.update" || entry.Actor != "admin" {
		t.Errorf("entry %+v", entry)
	}
	var in struct {
		WebhookSecret string `json:"webhook_secret"`
		Deal          map[string]any
		Notify        struct {
			URL      string `json:"url"`
			Password string
			List     []map[string]string
		}
	}
	if err := json.Unmarshal([]byte(entry.Input), &in); err != nil {
		t.Fatalf("input %q: %v", entry.Input, err)
	}
	if in.WebhookSecret != redacted || in.Notify.Password != redacted || len(in.Notify.List) != 2 ||
		in.Notify.List[0]["api_key"] != redacted || in.Notify.List[1]["access_token"] != redacted {
		t.Errorf("stored input %s", entry.Input)
	}
	// What is no secret is kept.
	if in.Notify.URL != "https://hooks.example.com" || in.Deal["offer_validity"] == nil {
		t.Errorf("stored input lost its plain fields: %s", entry.Input)
	}
	for _, s := range secrets {
		testdb.Nowhere(t, a.db, s, "a secret of the input")
		if strings.Contains(a.logs.String(), s) {
			t.Errorf("the secret %s was logged", s)
		}
	}
	// A body that is not JSON is kept only as its length.
	rec = a.do(http.MethodPost, "/api/v1/clients", "dev-alice", `password=hunter2`)
	if in := a.auditOf(rec).Input; strings.Contains(in, "hunter2") || !strings.Contains(in, "unparsed_bytes") {
		t.Errorf("non-JSON input stored as %q", in)
	}
}

// auditPage is the answer of GET /audit, with the list of its actions.
type auditPage struct{ auditList }

// actions lists the entries' actions, in order.
func (p auditPage) actions() []string {
	var out []string
	for _, e := range p.Items {
		out = append(out, e.Action)
	}
	return out
}

func TestAuditList(t *testing.T) {
	a := newTestAPI(t, nil)
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, e := range []models.AuditEntry{
		{Actor: "alice", Role: "sales", Action: "e1", ObjectType: "client", ObjectID: "cl-1", Owner: "alice"},
		{Actor: "admin", Role: "admin", Action: "e2", ObjectType: "staff", ObjectID: "bob", Owner: "bob"},
		{Actor: "admin", Role: "admin", Action: "e3", ObjectType: "policy", ObjectID: "1"},
		{Actor: "admin", Role: "admin", Action: "e4", ObjectType: "token", ObjectID: "tok_1", Owner: "admin"},
		{Actor: "maria", Role: "manager", Action: "e5", ObjectType: "deal", ObjectID: "deal-x", Owner: "zed", Input: `{"a":1}`},
	} {
		e.At, e.RequestID, e.Status = t0.Add(time.Duration(i)*time.Hour), "rq-"+e.Action, http.StatusOK
		if err := models.AppendAudit(context.Background(), a.db, &e); err != nil {
			t.Fatal(err)
		}
	}
	list := func(token, query string) auditPage {
		t.Helper()
		var p auditPage
		expect(t, a.do(http.MethodGet, "/api/v1/audit?"+query, token, nil), http.StatusOK, &p)
		return p
	}

	expectError(t, a.do(http.MethodGet, "/api/v1/audit", "dev-alice", nil), http.StatusForbidden, casework.CodeForbidden)
	// Maria sees what her team did or what was done to their objects.
	if got := list("dev-maria", "").actions(); !slices.Equal(got, []string{"e5", "e2", "e1"}) {
		t.Errorf("maria's audit = %v", got)
	}
	all := list("dev-admin", "")
	if got := all.actions(); !slices.Equal(got, []string{"e5", "e4", "e3", "e2", "e1"}) {
		t.Errorf("admin's audit = %v", got)
	}
	if e := all.Items[0]; e.RequestID != "rq-e5" || e.Actor != "maria" || e.Role != "manager" || e.ObjectType != "deal" ||
		e.ObjectID != "deal-x" || e.Owner != "zed" || string(e.Input) != `{"a":1}` || e.Status != 200 || !e.At.Equal(t0.Add(4*time.Hour)) {
		t.Errorf("entry = %+v", e)
	}

	ts := func(d time.Duration) string { return url.QueryEscape(t0.Add(d).Format(time.RFC3339)) }
	for _, c := range []struct {
		token, query string
		want         []string
	}{
		{"dev-admin", "actor=admin", []string{"e4", "e3", "e2"}},
		{"dev-maria", "actor=admin", []string{"e2"}},
		{"dev-maria", "actor=zed", nil},
		{"dev-admin", "object=bob", []string{"e2"}},
		{"dev-maria", "object=tok_1", nil},
		{"dev-admin", "from=" + ts(time.Hour) + "&to=" + ts(3*time.Hour), []string{"e3", "e2"}},
		{"dev-admin", "from=" + ts(4*time.Hour), []string{"e5"}},
		{"dev-admin", "to=" + ts(0), nil},
		{"dev-admin", "actor=admin&from=" + ts(2*time.Hour), []string{"e4", "e3"}},
	} {
		if got := list(c.token, c.query).actions(); !slices.Equal(got, c.want) {
			t.Errorf("%s ?%s = %v, want %v", c.token, c.query, got, c.want)
		}
	}

	// Pages.
	p := list("dev-admin", "limit=2")
	var pages [][]string
	for {
		pages = append(pages, p.actions())
		if p.NextCursor == "" {
			break
		}
		p = list("dev-admin", "limit=2&cursor="+p.NextCursor)
	}
	if len(pages) != 3 || strings.Join(slices.Concat(pages...), ",") != "e5,e4,e3,e2,e1" {
		t.Errorf("pages = %v", pages)
	}
	for q, field := range map[string]string{"from=yesterday": "from", "to=2025-13-01T00:00:00Z": "to", "cursor=x": "cursor", "limit=0": "limit"} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/audit?"+q, "dev-admin", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: %s not named: %+v", q, field, e.Error.Details)
		}
	}
}

// The database itself refuses to change or delete audit entries.
func TestAuditIsAppendOnly(t *testing.T) {
	a := newTestAPI(t, nil)
	rec := a.do(http.MethodPost, "/api/v1/clients", "dev-alice", map[string]any{"name": "Romashka"})
	e := a.auditOf(rec)
	if err := a.db.Model(&models.AuditEntry{}).Where("id = ?", e.ID).Update("actor", "mallory").Error; err == nil {
		t.Error("an audit entry was updated")
	}
	if err := a.db.Exec("UPDATE audit_entries SET status = 200").Error; err == nil {
		t.Error("audit entries were updated")
	}
	if err := a.db.Where("id = ?", e.ID).Delete(&models.AuditEntry{}).Error; err == nil {
		t.Error("an audit entry was deleted")
	}
	if got := a.auditOf(rec); got != e {
		t.Errorf("entry changed: %+v → %+v", e, got)
	}
}
