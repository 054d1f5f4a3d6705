package e2e

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

const bob = "dev-bob"

// complaintItem is a complaint as GET /complaints lists it.
type complaintItem struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	DealID   string `json:"deal_id"`
	Channel  string `json:"channel"`
	Step     string `json:"step"`
	Status   string `json:"status"`
	Assignee string `json:"assignee"`
}

// complaints lists the complaints matching the query (such as
// "client_id=cl-1") from the read model.
func (s *stack) complaints(token, query string) []complaintItem {
	s.t.Helper()
	var list struct {
		Items []complaintItem `json:"items"`
	}
	s.call("GET", "/api/v1/complaints?"+query, token, nil).decode(s.t, 200, &list)
	return list.Items
}

// register registers a complaint on the form and checks the read model
// agrees with the new view.
func (s *stack) register(token string, form map[string]any) complaint.View {
	s.t.Helper()
	var v complaint.View
	s.call("POST", "/api/v1/complaints", token, form).decode(s.t, 201, &v)
	recordHistory(s.t, v.ID)
	s.agreeComplaint(token, v)
	return v
}

// actComplaint applies a complaint action and returns the new view,
// checking the read model agrees with the workflow afterwards.
func (s *stack) actComplaint(token, id, action string, input any) complaint.View {
	s.t.Helper()
	v := actOn[complaint.View](s, token, "/api/v1/complaints/"+id, action, input)
	s.agreeComplaint(token, v)
	return v
}

// complaintView reads the live complaint view.
func (s *stack) complaintView(token, id string) complaint.View {
	s.t.Helper()
	var v complaint.View
	s.call("GET", "/api/v1/complaints/"+id, token, nil).decode(s.t, 200, &v)
	return v
}

// agreeComplaint checks that the read model (list and history) matches the
// workflow's view of a complaint.
func (s *stack) agreeComplaint(token string, v complaint.View) {
	s.t.Helper()
	var hist struct {
		Items []struct{ Seq int } `json:"items"`
	}
	s.call("GET", "/api/v1/complaints/"+v.ID+"/history", token, nil).decode(s.t, 200, &hist)
	for _, it := range s.complaints(token, "client_id="+v.ClientID) {
		if it.ID != v.ID {
			continue
		}
		got := []string{it.Number, it.DealID, it.Channel, it.Step, it.Status, it.Assignee}
		want := []string{v.Number, v.DealID, v.Channel, string(v.Step), string(v.Status), v.Assignee}
		if !slices.Equal(got, want) {
			s.t.Fatalf("read model %v != workflow %v", got, want)
		}
		if len(hist.Items) != v.Seq {
			s.t.Fatalf("read model history has %d events, workflow %d", len(hist.Items), v.Seq)
		}
		return
	}
	s.t.Fatalf("complaint %s is not in the read model list", v.ID)
}

// form is a complete registration form for the client; extra fields are
// merged in.
func form(clientID string, extra map[string]any) map[string]any {
	f := map[string]any{"client_id": clientID, "channel": "phone", "category": "quality", "severity": "high",
		"description": "The hot dishes were served cold", "remedy_sought": "a discount"}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// toCorrection drives a fresh complaint to its last step with a remedy the
// client is satisfied with.
func (s *stack) toCorrection(id string) complaint.View {
	s.t.Helper()
	s.actComplaint(alice, id, "acknowledge", map[string]any{"message": "We are sorry and look into it"})
	s.actComplaint(alice, id, "record_investigation", map[string]any{"root_cause": "one-off oven failure", "process_step": "event"})
	s.actComplaint(alice, id, "resolve_for_client", map[string]any{"remedy": "apology"})
	return s.actComplaint(alice, id, "confirm_by_client", map[string]any{"satisfied": true})
}

var complaintNumber = regexp.MustCompile(`^C-(\d{4})-\d{6}$`)

func TestComplaintWholeProcedure(t *testing.T) {
	s := newStack(t)
	cl := s.newClient(alice)
	v := s.register(alice, form(cl, nil))
	m := complaintNumber.FindStringSubmatch(v.Number)
	if m == nil || m[1] != fmt.Sprint(time.Now().UTC().Year()) {
		t.Fatalf("number %q is not C-<this year>-NNNNNN", v.Number)
	}
	if v.Step != complaint.StepAcknowledgement || v.Status != complaint.StatusOpen || v.RegisteredBy != "alice" ||
		v.Assignee != "alice" || v.Recurrence || !strings.HasPrefix(v.ID, "cmp-") {
		t.Fatalf("registered: %+v", v)
	}
	id := v.ID
	v = s.actComplaint(alice, id, "acknowledge", map[string]any{"message": "We are sorry and look into it"})
	if v.Step != complaint.StepInvestigation || v.Acknowledgement == nil || v.Acknowledgement.By != "alice" {
		t.Fatalf("acknowledged: %s %+v", v.Step, v.Acknowledgement)
	}
	v = s.actComplaint(maria, id, "assign", map[string]any{"assignee": "bob"})
	if v.Assignee != "bob" {
		t.Fatalf("assigned to %q", v.Assignee)
	}
	s.actComplaint(bob, id, "record_investigation", map[string]any{"root_cause": "the caterer's van broke down", "process_step": "event", "department": "catering"})
	v = s.actComplaint(bob, id, "resolve_for_client", map[string]any{"remedy": "discount", "amount": "5000.00"})
	if v.Step != complaint.StepConfirmation || v.Resolutions[0].Amount == nil || v.Resolutions[0].Amount.String() != "5000.00" {
		t.Fatalf("resolved: %s %+v", v.Step, v.Resolutions)
	}
	v = s.actComplaint(bob, id, "confirm_by_client", map[string]any{"satisfied": false, "comment": "too little"})
	if v.Step != complaint.StepInvestigation || v.Resolutions[0].Confirmation == nil || v.Resolutions[0].Confirmation.Satisfied {
		t.Fatalf("not satisfied: %s %+v", v.Step, v.Resolutions)
	}
	s.actComplaint(bob, id, "record_investigation", map[string]any{"root_cause": "no backup van is contracted", "process_step": "event"})
	s.actComplaint(bob, id, "resolve_for_client", map[string]any{"remedy": "refund", "amount": 15000})
	v = s.actComplaint(bob, id, "confirm_by_client", map[string]any{"satisfied": true})
	if v.Step != complaint.StepCorrection || len(v.Investigations) != 2 || len(v.Resolutions) != 2 {
		t.Fatalf("satisfied: %s, %d investigations, %d resolutions", v.Step, len(v.Investigations), len(v.Resolutions))
	}
	v = s.actComplaint(bob, id, "add_corrective_action", map[string]any{"description": "contract a backup van", "owner": "maria", "due": future(14 * 24 * time.Hour)})
	if len(v.CorrectiveActions) != 1 {
		t.Fatalf("corrective actions: %+v", v.CorrectiveActions)
	}
	ca := v.CorrectiveActions[0].ID
	var refusal apiError
	s.call("POST", "/api/v1/complaints/"+id+"/actions/close", bob, map[string]any{}).decode(t, 409, &refusal)
	if refusal.Error.Code != "action_not_allowed" {
		t.Fatalf("close with an open corrective action: %+v", refusal)
	}
	s.actComplaint(maria, id, "complete_corrective_action", map[string]any{"id": ca, "note": "signed with a second caterer"})
	v = s.actComplaint(bob, id, "close", map[string]any{})
	if v.Status != complaint.StatusClosed || v.Step != complaint.StepClosed || v.ClosedAt == nil || v.ClosedBy != "bob" ||
		v.CorrectiveActions[0].CompletedAt == nil || len(v.AllowedActions) != 0 {
		t.Fatalf("closed: %+v", v)
	}
	for _, cp := range v.ControlPoints {
		if cp.Active() {
			t.Errorf("control point %s still %s after close", cp.ID, cp.Status)
		}
	}
	// The complaint is bob's now: alice registered it but no longer sees it.
	if items := s.complaints(bob, "status=closed&client_id="+cl); len(items) != 1 || items[0].ID != id {
		t.Fatalf("closed complaints of the client: %+v", items)
	}
	s.call("GET", "/api/v1/complaints/"+id, alice, nil).decode(t, 404, nil)
	if got := s.complaintView(bob, id); got.Status != complaint.StatusClosed || got.Seq != v.Seq {
		t.Fatalf("view after close: %s seq %d", got.Status, got.Seq)
	}
	s.call("POST", "/api/v1/complaints/"+id+"/actions/assign", maria, map[string]any{"assignee": "alice"}).decode(t, 409, &refusal)
	if refusal.Error.Code != "action_not_allowed" {
		t.Fatalf("action on a closed complaint: %+v", refusal)
	}
}

func TestComplaintRefusals(t *testing.T) {
	s := newStack(t)
	cl := s.newClient(alice)
	v := s.register(alice, form(cl, nil))
	var refusal apiError
	s.call("POST", "/api/v1/complaints/"+v.ID+"/actions/close", alice, map[string]any{"no_process_change_reason": "none"}).decode(t, 409, &refusal)
	allowed, _ := refusal.Error.Details["allowed_actions"].([]any)
	if refusal.Error.Code != "action_not_allowed" || refusal.Error.Details["step"] != "acknowledgement" ||
		!slices.Contains(allowed, any("acknowledge")) || slices.Contains(allowed, any("close")) {
		t.Fatalf("close right after registration: %+v", refusal)
	}
	s.call("POST", "/api/v1/complaints/"+v.ID+"/actions/record_investigation", alice, map[string]any{"root_cause": "x", "process_step": "event"}).decode(t, 409, nil)
	s.call("POST", "/api/v1/complaints/"+v.ID+"/actions/acknowledge", alice, map[string]any{"message": "  "}).decode(t, 422, &refusal)
	if refusal.Error.Details["fields"].(map[string]any)["message"] == nil {
		t.Fatalf("empty acknowledgement: %+v", refusal)
	}
	s.call("POST", "/api/v1/complaints/"+v.ID+"/actions/close_deal", alice, map[string]any{}).decode(t, 404, nil)
	s.call("POST", "/api/v1/complaints/cmp-does-not-exist/actions/acknowledge", alice, map[string]any{"message": "hi"}).decode(t, 404, nil)
	s.call("GET", "/api/v1/complaints/cmp-does-not-exist", alice, nil).decode(t, 404, nil)
	s.call("GET", "/api/v1/complaints/cmp-does-not-exist/history", alice, nil).decode(t, 404, nil)
	after := s.complaintView(alice, v.ID)
	if after.Seq != v.Seq || after.Step != v.Step {
		t.Fatalf("refused actions changed the complaint: seq %d → %d", v.Seq, after.Seq)
	}
	s.agreeComplaint(alice, after)

	// Forms missing or botching mandatory fields name each one, and leave
	// nothing in the read model.
	other := s.newClient(alice)
	s.call("POST", "/api/v1/complaints", alice, map[string]any{"client_id": other}).decode(t, 422, &refusal)
	fields, _ := refusal.Error.Details["fields"].(map[string]any)
	for _, f := range []string{"channel", "category", "severity", "description"} {
		if fields[f] == nil {
			t.Errorf("missing %s not named: %v", f, fields)
		}
	}
	bad := map[string]any{"client_id": other, "deal_id": "deal-nope", "channel": "fax", "category": "weather", "severity": "urgent", "description": " "}
	s.call("POST", "/api/v1/complaints", alice, bad).decode(t, 422, &refusal)
	fields, _ = refusal.Error.Details["fields"].(map[string]any)
	if len(fields) != 5 || fields["deal_id"] == nil || fields["description"] == nil {
		t.Errorf("botched form: fields %v", fields)
	}
	s.call("POST", "/api/v1/complaints", alice, form("cl-nobody", nil)).decode(t, 422, &refusal)
	if fields, _ = refusal.Error.Details["fields"].(map[string]any); fields["client_id"] == nil {
		t.Errorf("unknown client: %+v", refusal)
	}
	if items := s.complaints(alice, "client_id="+other); len(items) != 0 {
		t.Fatalf("a refused registration reached the read model: %+v", items)
	}
	if items := s.complaints(alice, "client_id=cl-nobody"); len(items) != 0 {
		t.Fatalf("a refused registration reached the read model: %+v", items)
	}
}

func TestComplaintClosedWithoutProcessChange(t *testing.T) {
	s := newStack(t)
	v := s.register(alice, form(s.newClient(alice), map[string]any{"severity": "low"}))
	s.toCorrection(v.ID)
	reason := map[string]any{"no_process_change_reason": "a one-off equipment failure; the process is sound"}
	var refusal apiError
	s.call("POST", "/api/v1/complaints/"+v.ID+"/actions/close", alice, reason).decode(t, 409, &refusal)
	if refusal.Error.Code != "action_not_allowed" {
		t.Fatalf("sales closing without process change: %+v", refusal)
	}
	s.call("POST", "/api/v1/complaints/"+v.ID+"/actions/close", maria, map[string]any{}).decode(t, 422, &refusal)
	if fields, _ := refusal.Error.Details["fields"].(map[string]any); fields["no_process_change_reason"] == nil {
		t.Fatalf("close without corrective actions or reason: %+v", refusal)
	}
	v = s.actComplaint(maria, v.ID, "close", reason)
	if v.Status != complaint.StatusClosed || v.ClosedBy != "maria" || v.NoProcessChangeReason != reason["no_process_change_reason"] ||
		len(v.CorrectiveActions) != 0 {
		t.Fatalf("closed by the manager: %+v", v)
	}
}

// A survey score of 3 opens a complaint linked from the deal, the deal
// still closes, and the report counts the test's complaints.
func TestSurveyOpensComplaintAndReport(t *testing.T) {
	s := newStack(t)
	from := time.Now().Add(-time.Minute).UTC()
	d := s.newDeal(alice, nil)
	s.toContract(d.ID)
	s.signContract(d.ID, nil)
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": "150000.00"})
	s.act(alice, d.ID, "plan_event", map[string]any{"date": eventToday(), "items": []string{}})
	s.act(alice, d.ID, "hold_event", map[string]any{})
	s.act(alice, d.ID, "sign_closing_documents", map[string]any{})
	v := s.act(alice, d.ID, "submit_survey", map[string]any{"scores": map[string]int{"quality": 3, "speed": 5, "payment_convenience": 5}})
	if v.ComplaintID == "" || v.Survey == nil || !v.Survey.Dissatisfied {
		t.Fatalf("survey with a 3: complaint %q survey %+v", v.ComplaintID, v.Survey)
	}
	c := s.complaintView(alice, v.ComplaintID)
	if c.Channel != complaint.ChannelSurvey || c.DealID != d.ID || c.ClientID != d.ClientID || c.Status != complaint.StatusOpen ||
		!complaintNumber.MatchString(c.Number) || !strings.Contains(c.Description, "quality") {
		t.Fatalf("survey complaint: %+v", c)
	}
	eventually(t, 30*time.Second, "the survey complaint in the read model", func() bool {
		return slices.ContainsFunc(s.complaints(alice, "deal_id="+d.ID), func(it complaintItem) bool { return it.ID == c.ID })
	})
	s.agreeComplaint(alice, s.complaintView(alice, c.ID))
	// A complaint about the deal can also be registered by hand.
	direct := s.register(alice, form(d.ClientID, map[string]any{"deal_id": d.ID, "channel": "meeting", "category": "timing"}))
	if items := s.complaints(alice, "deal_id="+d.ID); len(items) != 2 || direct.DealID != d.ID {
		t.Fatalf("complaints of the deal: %+v", items)
	}
	v = s.act(alice, d.ID, "close_deal", map[string]any{})
	if v.Status != deal.StatusWon || v.ComplaintID != c.ID {
		t.Fatalf("closed deal: %s complaint %q", v.Status, v.ComplaintID)
	}

	type report struct {
		Total       int            `json:"total"`
		ByChannel   map[string]int `json:"by_channel"`
		ByCategory  map[string]int `json:"by_category"`
		ClosedDeals int            `json:"closed_deals"`
		Per100      *float64       `json:"complaints_per_100_closed_deals"`
	}
	var r report
	to := time.Now().Add(time.Minute).UTC()
	s.call("GET", "/api/v1/reports/complaints?from="+from.Format(time.RFC3339)+"&to="+to.Format(time.RFC3339), maria, nil).decode(t, 200, &r)
	if r.Total < 2 || r.ByChannel["survey"] < 1 || r.ByChannel["meeting"] < 1 || r.ByCategory["timing"] < 1 ||
		r.ClosedDeals < 1 || r.Per100 == nil {
		t.Fatalf("report over the test: %+v", r)
	}
	var def report
	s.call("GET", "/api/v1/reports/complaints", maria, nil).decode(t, 200, &def)
	if def.Total < 2 || def.ByChannel["survey"] < 1 {
		t.Fatalf("report over the last 30 days: %+v", def)
	}
	s.call("GET", "/api/v1/reports/complaints?from="+to.Format(time.RFC3339)+"&to="+from.Format(time.RFC3339), maria, nil).decode(t, 422, nil)
}

// TestComplaintListFilters: the list filters by step and severity, within
// the caller's scope, and refuses a value outside either enum with a 422
// naming the field.
func TestComplaintListFilters(t *testing.T) {
	s := newStack(t)
	cl := s.newClient(alice)
	high := s.register(alice, form(cl, nil))
	low := s.register(alice, form(cl, map[string]any{"severity": "low"}))
	s.actComplaint(alice, low.ID, "acknowledge", map[string]any{"message": "We look into it"})
	ids := func(token, query string) []string {
		var out []string
		for _, it := range s.complaints(token, "client_id="+cl+"&"+query) {
			out = append(out, it.ID)
		}
		return out
	}
	for _, c := range []struct {
		token, query string
		want         []string
	}{
		{alice, "step=acknowledgement", []string{high.ID}},
		{alice, "step=investigation", []string{low.ID}},
		{alice, "severity=high", []string{high.ID}},
		{alice, "severity=low&step=investigation", []string{low.ID}},
		{alice, "severity=low&step=acknowledgement", nil},
		{alice, "severity=critical", nil},
		{maria, "step=investigation", []string{low.ID}},
		{bob, "step=investigation", nil},
	} {
		if got := ids(c.token, c.query); !slices.Equal(got, c.want) {
			t.Errorf("%s %s: %v, want %v", c.token, c.query, got, c.want)
		}
	}
	for field, bad := range map[string]string{"step": "waiting", "severity": "urgent"} {
		var refusal apiError
		s.call("GET", "/api/v1/complaints?"+field+"="+bad, alice, nil).decode(t, 422, &refusal)
		fields, _ := refusal.Error.Details["fields"].(map[string]any)
		if refusal.Error.Code != "invalid_input" || len(fields) != 1 || !strings.HasPrefix(fmt.Sprint(fields[field]), "must be one of ") {
			t.Errorf("%s=%s: %+v", field, bad, refusal)
		}
	}
}
