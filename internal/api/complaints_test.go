package api

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/models"
)

var complaintID = regexp.MustCompile(`^cmp-[0-9a-f]{16}$`)

func TestCreateComplaint(t *testing.T) {
	f := &fakeTemporal{complaint: fullComplaintView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	a.seedDeal("deal-1", "alice", cl)
	body := map[string]any{"client_id": cl, "deal_id": "deal-1", "channel": "phone", "category": "quality",
		"severity": "high", "description": " cold food ", "remedy_sought": " a discount "}

	var v, again, fresh complaint.View
	expect(t, a.do(http.MethodPost, "/api/v1/complaints", "dev-alice", body, "Idempotency-Key", "k1"), http.StatusCreated, &v)
	expect(t, a.do(http.MethodPost, "/api/v1/complaints", "dev-alice", body, "Idempotency-Key", "k1"), http.StatusCreated, &again)
	expect(t, a.do(http.MethodPost, "/api/v1/complaints", "dev-alice", body), http.StatusCreated, &fresh)
	if v.ID != newID("cmp-", "alice", "k1") || again.ID != v.ID || fresh.ID == v.ID ||
		!complaintID.MatchString(v.ID) || !complaintID.MatchString(fresh.ID) {
		t.Errorf("IDs: first %s, retry %s, without key %s", v.ID, again.ID, fresh.ID)
	}
	p := f.complaintParams[0]
	want := complaint.Form{ClientID: cl, DealID: "deal-1", Channel: "phone", Category: "quality",
		Severity: complaint.SeverityHigh, Description: "cold food", RemedySought: "a discount"}
	if p.ID != v.ID || p.Form != want || p.RegisteredBy != "alice" {
		t.Errorf("params = %+v", p)
	}
	def := complaint.DefaultPolicy()
	if !reflect.DeepEqual(p.Policy, def) {
		t.Errorf("policy = %+v, want the default", p.Policy)
	}
	if v.RegisteredBy != "alice" || v.Description != "cold food" || v.Number != fullComplaintView().Number {
		t.Errorf("view = %+v", v)
	}
	start, upd := f.starts[0], f.updates[0]
	if start.ID != v.ID || start.TaskQueue != "test" ||
		start.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING ||
		start.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE {
		t.Errorf("start options = %+v", start)
	}
	if upd.WorkflowID != v.ID || upd.UpdateName != engine.UpdateOpen || upd.UpdateID != "open" ||
		upd.WaitForStage != client.WorkflowUpdateStageCompleted {
		t.Errorf("update options = %+v", upd)
	}
	if len(f.params) != 0 {
		t.Errorf("a complaint started a deal: %+v", f.params)
	}
}

// Every failing field of the form is named at once, and nothing reaches
// Temporal.
func TestCreateComplaintRefusals(t *testing.T) {
	f := &fakeTemporal{complaint: fullComplaintView()}
	a := newTestAPI(t, f)
	cl, other := a.newClient("dev-alice"), a.newClient("dev-alice")
	a.seedDeal("deal-other", "alice", other)
	form := func(extra map[string]any) map[string]any {
		b := map[string]any{"client_id": cl, "channel": "email", "category": "billing", "severity": "low", "description": "wrong invoice"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	for _, c := range []struct {
		name   string
		body   any
		fields []string
	}{
		{"missing fields", map[string]any{"deal_id": "deal-x"}, []string{"client_id", "channel", "category", "severity", "description"}},
		{"bad values", map[string]any{"client_id": "cl-none", "deal_id": "deal-none", "channel": "fax", "category": "weather",
			"severity": "urgent", "description": "  "}, []string{"client_id", "deal_id", "channel", "category", "severity", "description"}},
		{"empty client", form(map[string]any{"client_id": ""}), []string{"client_id"}},
		{"deal of another client", form(map[string]any{"deal_id": "deal-other"}), []string{"deal_id"}},
		{"category not in the override", form(map[string]any{"policy": map[string]any{"categories": []string{"hygiene"}}}), []string{"category"}},
		{"bad override", form(map[string]any{"policy": map[string]any{"recurrence_window": "-1d"}}), []string{"policy"}},
		{"unknown override field", form(map[string]any{"policy": map[string]any{"nope": 1}}), []string{"policy"}},
		{"unknown field", form(map[string]any{"stage": "offer"}), []string{"stage"}},
		{"too long", form(map[string]any{"description": strings.Repeat("x", 5001)}), []string{"description"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			token := "dev-alice"
			if _, override := c.body.(map[string]any)["policy"]; override {
				token = "dev-admin" // only an admin may override the policy
			}
			e := expectError(t, a.do(http.MethodPost, "/api/v1/complaints", token, c.body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
			for _, field := range c.fields {
				if e.Error.Details.Fields[field] == "" {
					t.Errorf("%s not named in %v", field, e.Error.Details.Fields)
				}
			}
			if len(e.Error.Details.Fields) != len(c.fields) {
				t.Errorf("fields %v, want exactly %v", e.Error.Details.Fields, c.fields)
			}
		})
	}
	// A category an admin's override adds is accepted; the override is
	// merged over the current policy.
	expect(t, a.do(http.MethodPost, "/api/v1/complaints", "dev-admin", form(map[string]any{"category": "hygiene",
		"policy": map[string]any{"categories": []string{"hygiene"}, "recurrence_window": "30d"}})), http.StatusCreated, nil)
	if len(f.starts) != 1 {
		t.Fatalf("%d complaints reached Temporal, want only the valid one", len(f.starts))
	}
	def := complaint.DefaultPolicy()
	if p := f.complaintParams[0].Policy; p.RecurrenceWindow.String() != "30d" || p.Deadlines[complaint.SeverityCritical] != def.Deadlines[complaint.SeverityCritical] {
		t.Errorf("merged policy = %+v", p)
	}
}

func TestGetComplaintAndActions(t *testing.T) {
	f := &fakeTemporal{complaint: fullComplaintView()}
	f.complaint.Step, f.complaint.Status = complaint.StepCorrection, complaint.StatusOpen
	f.complaint.AllowedActions = []string{complaint.ActAssign, complaint.ActAddCorrectiveAction, complaint.ActClose}
	a := newTestAPI(t, f)
	a.seedComplaint("cmp-1", "bob")
	a.seedComplaint("cmp-gone", "bob")
	var v complaint.View
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-1", "dev-bob", nil), http.StatusOK, &v)
	if v.Number != "C-2025-000042" || f.queries[0] != "cmp-1 "+engine.QueryView {
		t.Errorf("view %+v after queries %v", v, f.queries)
	}
	var acts complaintActions
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-1/actions", "dev-maria", nil), http.StatusOK, &acts)
	if acts.Step != complaint.StepCorrection || acts.Status != complaint.StatusOpen || len(acts.Actions) != 3 ||
		acts.Actions[1].Name != complaint.ActAddCorrectiveAction || len(acts.Actions[1].Fields) != 3 ||
		!reflect.DeepEqual(acts.Actions[1].Fields[2], casework.Field{Name: "due", Type: "datetime", Required: true}) ||
		!reflect.DeepEqual(acts.Actions[2].Fields[0], casework.Field{Name: "no_process_change_reason", Type: "string"}) {
		t.Errorf("actions = %+v", acts)
	}
	// The actions offered are those the caller's role may take: a rep is
	// not offered assign, nor, while no corrective action was taken, the
	// manager's close; the view's allowed_actions say the same.
	names := func(acts complaintActions) (out []string) {
		for _, a := range acts.Actions {
			out = append(out, a.Name)
		}
		return out
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-1/actions", "dev-bob", nil), http.StatusOK, &acts)
	if got := strings.Join(names(acts), ","); got != "add_corrective_action,close" {
		t.Errorf("bob is offered %s", got)
	}
	f.complaint.CorrectiveActions = nil
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-1/actions", "dev-bob", nil), http.StatusOK, &acts)
	if got := strings.Join(names(acts), ","); got != "add_corrective_action" {
		t.Errorf("bob is offered %s without corrective actions", got)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-1", "dev-bob", nil), http.StatusOK, &v)
	if got := strings.Join(v.AllowedActions, ","); got != "add_corrective_action" {
		t.Errorf("bob's view allows %s", got)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-1", "dev-maria", nil), http.StatusOK, &v)
	if got := strings.Join(v.AllowedActions, ","); got != "assign,add_corrective_action,close" {
		t.Errorf("maria's view allows %s", got)
	}
	// A complaint in the read model whose workflow Temporal does not know.
	f.err = serviceerror.NewNotFound("workflow not found")
	e := expectError(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-gone", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	if e.Error.Message != "complaint not found" {
		t.Errorf("message %q", e.Error.Message)
	}
	expectError(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-gone/actions", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)

	// A deal's ID names no complaint, nor the reverse; Temporal is not asked.
	// Read-model rows under the crossed IDs let the requests past
	// authorization, so it is the kind check of the handlers that refuses.
	f.err = nil
	a.seedComplaint("deal-1", "bob")
	a.seedDeal("cmp-1", "bob", "cl-1")
	queries := len(f.queries)
	expectError(t, a.do(http.MethodGet, "/api/v1/complaints/deal-1", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodGet, "/api/v1/deals/cmp-1/actions", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	// assign is a handover, which only a manager may make (to a member of
	// their team): maria passes that check, and the kind check refuses.
	expectError(t, a.do(http.MethodPost, "/api/v1/complaints/deal-1/actions/assign", "dev-maria", map[string]any{"assignee": "bob"}),
		http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodPost, "/api/v1/deals/cmp-1/actions/close_deal", "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	if len(f.queries) != queries || len(f.updates) != 0 {
		t.Errorf("calls with a foreign ID reached Temporal: %v %v", f.queries[queries:], f.updates)
	}
}

func TestComplaintAction(t *testing.T) {
	f := &fakeTemporal{complaint: fullComplaintView()}
	f.complaint.AllowedActions = []string{complaint.ActConfirmByClient, complaint.ActClose}
	a := newTestAPI(t, f)
	a.seedComplaint("cmp-1", "alice") // in maria's team
	a.seedDeal("deal-1", "alice", "cl-1")
	body := `{"no_process_change_reason":"a one-off"}`
	var v complaint.View
	expect(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/close", "dev-maria", body, "Idempotency-Key", "close-1"), http.StatusOK, &v)
	u := f.updates[0]
	req, ok := u.Args[0].(casework.Request)
	if !ok || len(u.Args) != 1 || req.Actor != "maria" || req.Role != models.RoleManager || string(req.Input) != body {
		t.Errorf("update args = %#v", u.Args)
	}
	if u.WorkflowID != "cmp-1" || u.UpdateName != complaint.ActClose || u.UpdateID != "close-1" || u.WaitForStage != client.WorkflowUpdateStageCompleted {
		t.Errorf("update options = %+v", u)
	}
	if v.ID != fullComplaintView().ID {
		t.Errorf("view = %+v", v)
	}
	expect(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/confirm_by_client", "dev-alice", map[string]any{"satisfied": false}), http.StatusOK, nil)
	if r := f.updates[1].Args[0].(casework.Request); r.Role != models.RoleSales || f.updates[1].UpdateID != "" {
		t.Errorf("second update = %+v", f.updates[1])
	}
	// A deal action is no complaint action, and inputs are decoded strictly.
	expectError(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/close_deal", "dev-alice", `{}`), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodPost, "/api/v1/deals/deal-1/actions/acknowledge", "dev-alice", `{}`), http.StatusNotFound, casework.CodeNotFound)
	for body, field := range map[string]string{
		`{"satisfied":"yes"}`:      "satisfied",
		`{}`:                       "satisfied",
		`{"satisfied":true,"x":1}`: "x",
	} {
		e := expectError(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/confirm_by_client", "dev-alice", body),
			http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: %s not named in %v", body, field, e.Error.Details.Fields)
		}
	}
	// An action the complaint does not allow now is refused as such, before
	// its input is looked at.
	e := expectError(t, a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/acknowledge", "dev-alice", `{"x":1}`),
		http.StatusConflict, casework.CodeActionNotAllowed)
	if e.Error.Details.Step != string(complaint.StepClosed) || strings.Join(e.Error.Details.AllowedActions, ",") != "confirm_by_client,close" {
		t.Errorf("refusal details = %+v", e.Error.Details)
	}
	if len(f.updates) != 2 {
		t.Errorf("%d updates reached Temporal, want 2", len(f.updates))
	}
}

func TestComplaintActionErrors(t *testing.T) {
	refused := casework.Refusal{Code: casework.CodeActionNotAllowed, Message: "the complaint is in step acknowledgement, not correction",
		Allowed: []string{complaint.ActAcknowledge, complaint.ActAssign}}
	invalid := casework.Refusal{Code: casework.CodeInvalidInput, Message: "the input is not valid",
		Fields: map[string]string{"no_process_change_reason": "is required"}}
	cases := []struct {
		name   string
		err    error
		status int
		check  func(t *testing.T, e errResponse)
	}{
		{"not allowed", temporal.NewApplicationErrorWithOptions("refused", casework.CodeActionNotAllowed,
			temporal.ApplicationErrorOptions{Details: []any{refused}}), http.StatusConflict,
			func(t *testing.T, e errResponse) {
				d := e.Error.Details
				// assign is a manager's: alice is not offered it.
				if e.Error.Message != refused.Message || d.Stage != "" || strings.Join(d.AllowedActions, ",") != "acknowledge" {
					t.Errorf("error = %+v", e.Error)
				}
			}},
		{"invalid", fmt.Errorf("update failed: %w", temporal.NewApplicationErrorWithOptions("bad", casework.CodeInvalidInput,
			temporal.ApplicationErrorOptions{Details: []any{invalid}})), http.StatusUnprocessableEntity,
			func(t *testing.T, e errResponse) {
				if e.Error.Details.Fields["no_process_change_reason"] != "is required" {
					t.Errorf("error = %+v", e.Error)
				}
			}},
		{"no such complaint", serviceerror.NewNotFound("workflow not found for ID: cmp-1"), http.StatusNotFound,
			func(t *testing.T, e errResponse) {
				if e.Error.Message != "complaint not found" {
					t.Errorf("message %q", e.Error.Message)
				}
			}},
		{"complaint closed", serviceerror.NewNotFound("workflow execution already completed"), http.StatusConflict,
			func(t *testing.T, e errResponse) {
				if e.Error.Message != "the complaint is closed" {
					t.Errorf("message %q", e.Error.Message)
				}
			}},
		{"temporal down", serviceerror.NewUnavailable("connection refused"), http.StatusServiceUnavailable, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newTestAPI(t, &fakeTemporal{complaint: fullComplaintView(), err: c.err})
			a.seedComplaint("cmp-1", "alice")
			rec := a.do(http.MethodPost, "/api/v1/complaints/cmp-1/actions/close", "dev-alice", nil)
			var e errResponse
			expect(t, rec, c.status, &e)
			if c.check != nil {
				c.check(t, e)
			}
		})
	}
}

// complaintRow is a read-model complaint registered at the given time.
func complaintRow(id, clientID, dealID, channel, category, status string, at time.Time) models.Complaint {
	return models.Complaint{ID: id, Number: "C-" + id, ClientID: clientID, DealID: dealID, Channel: channel,
		Category: category, Severity: "normal", Status: status, Step: "investigation", Assignee: "alice",
		RegisteredBy: "alice", RegisteredAt: at, UpdatedAt: at, Seq: 3}
}

func TestListComplaints(t *testing.T) {
	a := newTestAPI(t, nil)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	closed := base.Add(time.Hour)
	rows := []models.Complaint{
		complaintRow("cmp-a", "cl-1", "", "phone", "quality", "open", base),
		complaintRow("cmp-b", "cl-2", "deal-2", "survey", "timing", "closed", base.Add(time.Minute)),
		complaintRow("cmp-c", "cl-1", "", "email", "quality", "open", base.Add(2*time.Minute)),
	}
	rows[1].ClosedAt, rows[1].AcknowledgedAt, rows[1].ProcessStep, rows[1].OnTime = &closed, &closed, "event", true
	rows[1].Step, rows[1].Recurrence, rows[1].RecurrenceOf = "closed", true, "cmp-a"
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var page complaintList
	expect(t, a.do(http.MethodGet, "/api/v1/complaints?limit=2", "dev-alice", nil), http.StatusOK, &page)
	if len(page.Items) != 2 || page.Items[0].ID != "cmp-c" || page.NextCursor == "" {
		t.Fatalf("first page = %+v", page)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints?limit=2&cursor="+page.NextCursor, "dev-alice", nil), http.StatusOK, &page)
	if len(page.Items) != 1 || page.Items[0].ID != "cmp-a" || page.NextCursor != "" {
		t.Fatalf("second page = %+v", page)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints?status=closed&client_id=cl-2&deal_id=deal-2&category=timing", "dev-alice", nil), http.StatusOK, &page)
	if len(page.Items) != 1 {
		t.Fatalf("filtered = %+v", page)
	}
	if it := page.Items[0]; it.ID != "cmp-b" || it.Step != complaint.StepClosed || it.ClosedAt == nil || !it.OnTime ||
		it.ProcessStep != "event" || !it.Recurrence || it.RecurrenceOf != "cmp-a" || it.Number != "C-cmp-b" {
		t.Errorf("item = %+v", it)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints?client_id=cl-1&category=quality&status=open", "dev-alice", nil), http.StatusOK, &page)
	if len(page.Items) != 2 {
		t.Errorf("open quality complaints of cl-1 = %+v", page.Items)
	}
	rec := a.do(http.MethodGet, "/api/v1/complaints?deal_id=deal-none", "dev-alice", nil)
	expect(t, rec, http.StatusOK, nil)
	if got := strings.TrimSpace(rec.Body.String()); got != `{"items":[],"next_cursor":""}` {
		t.Errorf("empty list = %s", got)
	}
	for q, field := range map[string]string{
		"status=won": "status", "category=weather": "category", "limit=0": "limit", "cursor=garbage": "cursor",
	} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/complaints?"+q, "dev-alice", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: %s not named: %+v", q, field, e.Error.Details)
		}
	}
}

func TestComplaintHistory(t *testing.T) {
	a := newTestAPI(t, noWorkflows())
	expectError(t, a.do(http.MethodGet, "/api/v1/complaints/cmp-x/history", "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	row := complaintRow("cmp-x", "cl-1", "", "phone", "quality", "open", at)
	if err := a.db.Create(&row).Error; err != nil {
		t.Fatal(err)
	}
	events := []models.ComplaintEvent{
		{ComplaintID: "cmp-x", Seq: 2, Type: "acknowledge", Actor: "alice", Step: "acknowledgement", At: at, Data: `{"message":"hi"}`},
		{ComplaintID: "cmp-x", Seq: 1, Type: "complaint_registered", Actor: "alice", Step: "acknowledgement", At: at},
	}
	if err := a.db.Create(&events).Error; err != nil {
		t.Fatal(err)
	}
	var h historyList
	rec := a.do(http.MethodGet, "/api/v1/complaints/cmp-x/history", "dev-alice", nil)
	expect(t, rec, http.StatusOK, &h)
	if len(h.Items) != 2 || h.Items[0].Seq != 1 || h.Items[1].Step != "acknowledgement" || string(h.Items[1].Data) != `{"message":"hi"}` {
		t.Errorf("history = %s", rec.Body)
	}
	if !strings.Contains(rec.Body.String(), `"data":null`) {
		t.Errorf("an event without data must have data null: %s", rec.Body)
	}
}

func TestComplaintReport(t *testing.T) {
	a := newTestAPI(t, nil)
	now := time.Now().UTC()
	rows := []models.Complaint{
		complaintRow("cmp-now", "cl-1", "", "phone", "quality", "open", now.Add(-time.Hour)),
		complaintRow("cmp-week", "cl-1", "deal-1", "survey", "timing", "open", now.Add(-7*24*time.Hour)),
		complaintRow("cmp-old", "cl-2", "", "email", "quality", "open", now.Add(-40*24*time.Hour)),
	}
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var s models.ComplaintStats
	expect(t, a.do(http.MethodGet, "/api/v1/reports/complaints", "dev-maria", nil), http.StatusOK, &s)
	if d := time.Since(s.To); d < 0 || d > time.Minute || s.To.Sub(s.From) != 30*24*time.Hour {
		t.Errorf("default period [%s, %s)", s.From, s.To)
	}
	if s.Total != 2 || s.ByChannel["survey"] != 1 || s.ByChannel["phone"] != 1 || s.ByCategory["quality"] != 1 {
		t.Errorf("default report = %+v", s)
	}
	to := now.Add(-24 * time.Hour).Format(time.RFC3339)
	expect(t, a.do(http.MethodGet, "/api/v1/reports/complaints?to="+to, "dev-maria", nil), http.StatusOK, &s)
	if s.Total != 1 || s.ByChannel["survey"] != 1 || s.To.Sub(s.From) != 30*24*time.Hour {
		t.Errorf("report up to %s = %+v", to, s)
	}
	from := now.Add(-50 * 24 * time.Hour).Format(time.RFC3339)
	expect(t, a.do(http.MethodGet, "/api/v1/reports/complaints?from="+from+"&to="+to, "dev-maria", nil), http.StatusOK, &s)
	if s.Total != 2 || s.ByChannel["email"] != 1 || s.From.Format(time.RFC3339) != from {
		t.Errorf("report [%s, %s) = %+v", from, to, s)
	}
	for q, field := range map[string]string{
		"from=yesterday":                                  "from",
		"to=2025-13-01T00:00:00Z":                         "to",
		"from=" + to + "&to=" + to:                        "from",
		"from=" + to + "&to=" + from:                      "from",
		"from=" + now.Add(time.Hour).Format(time.RFC3339): "from",
	} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/reports/complaints?"+q, "dev-maria", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" || len(e.Error.Details.Fields) != 1 {
			t.Errorf("%s: fields %v, want %s", q, e.Error.Details.Fields, field)
		}
	}
}

func TestComplaintNotifications(t *testing.T) {
	a := newTestAPI(t, nil)
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	rows := []models.Notification{
		{ID: "n1", Recipient: "alice", Kind: "reminder", ComplaintID: "cmp-1", ControlPointID: "acknowledge", Subject: "ack", DueAt: at, CreatedAt: at},
		{ID: "n2", Recipient: "alice", Kind: "reminder", DealID: "deal-1", ControlPointID: "survey", Subject: "survey", DueAt: at, CreatedAt: at.Add(time.Hour)},
	}
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var l notificationList
	rec := a.do(http.MethodGet, "/api/v1/notifications", "dev-alice", nil)
	expect(t, rec, http.StatusOK, &l)
	if len(l.Items) != 2 || l.Items[1].ComplaintID != "cmp-1" || l.Items[0].ComplaintID != "" {
		t.Errorf("notifications = %+v", l.Items)
	}
	if strings.Count(rec.Body.String(), `"complaint_id"`) != 1 {
		t.Errorf("complaint_id must be left out of deal notifications: %s", rec.Body)
	}
}
