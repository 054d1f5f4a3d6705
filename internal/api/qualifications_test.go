package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/models"
)

// qualAnswers answers every default question with score, the last one with
// last: 11×score + last points in all.
func qualAnswers(score, last int) map[string]any {
	out := map[string]any{}
	for i, q := range qualification.DefaultPolicy().Questions {
		out[q.ID] = score
		if i == 11 {
			out[q.ID] = last
		}
	}
	return map[string]any{"answers": out}
}

// qualify posts a qualification of client cl as token's owner and returns
// it.
func (a *testAPI) qualify(token, cl string, body any) qualification.Item {
	a.t.Helper()
	var q qualification.Item
	expect(a.t, a.do(http.MethodPost, "/api/v1/clients/"+cl+"/qualifications", token, body), http.StatusCreated, &q)
	return q
}

// A qualification is scored with the policy's questions (5×11 + 4 = 59 is
// refuse, 7×11 + 3 = 80 workable), shown newest first and, the latest, on
// the client; an Idempotency-Key makes a retry answer the same one.
func TestQualifyClient(t *testing.T) {
	a := newTestAPI(t, nil)
	cl := a.newClient("dev-alice")
	var detail models.ClientDetail
	expect(t, a.do(http.MethodGet, "/api/v1/clients/"+cl, "dev-alice", nil), http.StatusOK, &detail)
	if detail.Qualification != nil {
		t.Errorf("an unqualified client shows %+v", detail.Qualification)
	}
	first := a.qualify("dev-alice", cl, qualAnswers(5, 4))
	if first.Total != 59 || first.Max != 120 || first.Band != qualification.BandRefuse || first.By != "alice" ||
		first.ClientID != cl || first.Answers["q12"] != 4 || len(first.Answers) != 12 || first.PolicyVersion != 0 {
		t.Errorf("first = %+v", first)
	}
	rec := a.do(http.MethodPost, "/api/v1/clients/"+cl+"/qualifications", "dev-alice", qualAnswers(7, 3), "Idempotency-Key", "q-2")
	var second, again qualification.Item
	expect(t, rec, http.StatusCreated, &second)
	if e := a.auditOf(rec); e.Action != "qualification.create" || e.ObjectID != cl || e.Actor != "alice" {
		t.Errorf("audit = %+v", e)
	}
	rec = a.do(http.MethodPost, "/api/v1/clients/"+cl+"/qualifications", "dev-alice", qualAnswers(7, 3), "Idempotency-Key", "q-2")
	expect(t, rec, http.StatusCreated, &again)
	if second.Total != 80 || second.Band != qualification.BandWorkable || again.ID != second.ID || rec.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("second = %+v, retry = %+v", second, again)
	}
	var list qualificationList
	expect(t, a.do(http.MethodGet, "/api/v1/clients/"+cl+"/qualifications", "dev-alice", nil), http.StatusOK, &list)
	if len(list.Items) != 2 || list.Items[0].ID != second.ID || list.Items[1].ID != first.ID {
		t.Errorf("history = %+v", list.Items)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/clients/"+cl, "dev-alice", nil), http.StatusOK, &detail)
	if q := detail.Qualification; q == nil || q.ID != second.ID || q.Band != qualification.BandWorkable || q.Total != 80 || q.Max != 120 {
		t.Errorf("client's qualification = %+v", q)
	}
	other := a.newClient("dev-alice")
	var dir clientList
	expect(t, a.do(http.MethodGet, "/api/v1/clients", "dev-alice", nil), http.StatusOK, &dir)
	for _, it := range dir.Items {
		switch q := it.Qualification; it.ID {
		case cl:
			if q == nil || q.ID != second.ID || q.Band != qualification.BandWorkable {
				t.Errorf("directory: the qualified client shows %+v", q)
			}
		case other:
			if q != nil {
				t.Errorf("directory: an unqualified client shows %+v", q)
			}
		}
	}
}

// Every question must be answered, from 0 to 10, and only the policy's;
// the 422 names each failing answer. Another team's client is a 404, as
// an unknown one.
func TestQualificationRefusals(t *testing.T) {
	a := newTestAPI(t, nil)
	cl := a.newClient("dev-alice")
	path := "/api/v1/clients/" + cl + "/qualifications"
	body := qualAnswers(5, 5)
	answers := body["answers"].(map[string]any)
	delete(answers, "q07")
	answers["q01"], answers["q02"], answers["budget"] = 11, -1, 3
	e := expectError(t, a.do(http.MethodPost, path, "dev-alice", body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	want := map[string]string{"answers.q07": "is required", "answers.q01": "must be from 0 to 10",
		"answers.q02": "must be from 0 to 10", "answers.budget": "is not a question of the questionnaire"}
	for k, v := range want {
		if e.Error.Details.Fields[k] != v {
			t.Errorf("%s: %q, want %q (%v)", k, e.Error.Details.Fields[k], v, e.Error.Details.Fields)
		}
	}
	if len(e.Error.Details.Fields) != len(want) {
		t.Errorf("fields = %v", e.Error.Details.Fields)
	}
	for _, b := range []any{
		map[string]any{},
		map[string]any{"answers": map[string]any{"q01": 2.5}},
		map[string]any{"answers": map[string]any{"q01": "ten"}},
		map[string]any{"answers": qualAnswers(5, 5)["answers"], "total": 60},
	} {
		expectError(t, a.do(http.MethodPost, path, "dev-alice", b), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	}
	expectError(t, a.do(http.MethodPost, path, "dev-bob", qualAnswers(5, 5)), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodGet, path, "dev-bob", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodPost, "/api/v1/clients/cl-nobody/qualifications", "dev-alice", qualAnswers(5, 5)), http.StatusNotFound, casework.CodeNotFound)
	var list qualificationList
	expect(t, a.do(http.MethodGet, path, "dev-maria", nil), http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("refused qualifications were stored: %+v", list.Items)
	}
}

// A client refused by its latest qualification cannot have a deal opened
// (409 qualification_refused naming the band and the total) until a
// manager approves it with a reason; sales may not approve, a reason is
// required, a second approval or one of another band is a conflict, and a
// new qualification in the band refuse needs its own approval. Without
// refuse_needs_approval in the policy nothing is gated.
func TestQualificationGatesDeals(t *testing.T) {
	f := &fakeTemporal{view: fullView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	openDeal := func() *httptest.ResponseRecorder {
		return a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl, "title": "Party", "currency": "RUB"})
	}
	expect(t, openDeal(), http.StatusCreated, nil) // not qualified yet
	refused := a.qualify("dev-alice", cl, qualAnswers(5, 4))
	e := expectError(t, openDeal(), http.StatusConflict, CodeQualificationRefused)
	if !strings.Contains(e.Error.Message, "refuse") || !strings.Contains(e.Error.Message, "59 of 120") || !strings.Contains(e.Error.Message, "manager's approval") {
		t.Errorf("message = %q", e.Error.Message)
	}
	// Field problems come first.
	expectError(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", map[string]any{"client_id": cl, "title": "", "currency": "RUB"}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	approval := "/api/v1/clients/" + cl + "/qualifications/" + refused.ID + "/approval"
	expectError(t, a.do(http.MethodPost, approval, "dev-alice", map[string]any{"reason": "strategic"}), http.StatusForbidden, casework.CodeForbidden)
	e = expectError(t, a.do(http.MethodPost, approval, "dev-maria", map[string]any{"reason": "  "}), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["reason"] != "must not be empty" {
		t.Errorf("empty reason: %+v", e.Error.Details)
	}
	expectError(t, a.do(http.MethodPost, "/api/v1/clients/"+cl+"/qualifications/qual-nothing/approval", "dev-maria", map[string]any{"reason": "x"}),
		http.StatusNotFound, casework.CodeNotFound)
	expectError(t, openDeal(), http.StatusConflict, CodeQualificationRefused)
	var ap qualification.Approval
	rec := a.do(http.MethodPost, approval, "dev-maria", map[string]any{"reason": "A strategic account"})
	expect(t, rec, http.StatusCreated, &ap)
	if ap.QualificationID != refused.ID || ap.By != "maria" || ap.Reason != "A strategic account" {
		t.Errorf("approval = %+v", ap)
	}
	if e := a.auditOf(rec); e.Action != "qualification.approve" || e.Actor != "maria" || e.ObjectID != cl {
		t.Errorf("audit = %+v", e)
	}
	expectError(t, a.do(http.MethodPost, approval, "dev-admin", map[string]any{"reason": "again"}), http.StatusConflict, casework.CodeConflict)
	expect(t, openDeal(), http.StatusCreated, nil)
	var detail models.ClientDetail
	expect(t, a.do(http.MethodGet, "/api/v1/clients/"+cl, "dev-alice", nil), http.StatusOK, &detail)
	if q := detail.Qualification; q == nil || !q.Approved || q.Band != qualification.BandRefuse {
		t.Errorf("approved client's qualification = %+v", q)
	}
	var list qualificationList
	expect(t, a.do(http.MethodGet, "/api/v1/clients/"+cl+"/qualifications", "dev-alice", nil), http.StatusOK, &list)
	if list.Items[0].Approval == nil || list.Items[0].Approval.By != "maria" {
		t.Errorf("history = %+v", list.Items)
	}

	workable := a.qualify("dev-alice", cl, qualAnswers(8, 2)) // 90
	expectError(t, a.do(http.MethodPost, "/api/v1/clients/"+cl+"/qualifications/"+workable.ID+"/approval", "dev-maria",
		map[string]any{"reason": "x"}), http.StatusConflict, casework.CodeConflict)
	a.qualify("dev-alice", cl, qualAnswers(0, 0))
	expectError(t, openDeal(), http.StatusConflict, CodeQualificationRefused)

	doc := a.getPolicy("dev-admin")
	doc.Qualification.RefuseNeedsApproval = false
	expect(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", doc), http.StatusOK, nil)
	expect(t, openDeal(), http.StatusCreated, nil)
	if n := len(f.params); n != 3 {
		t.Errorf("%d deals started, want 3", n)
	}
}

// The qualification part of the policy: GET shows the default questions
// with id and text; an admin's PUT changes them and the thresholds, and
// qualifications then use them (with the version); a PUT without the part
// keeps it; a broken part is a 422 naming qualification.
func TestQualificationPolicyRoundTrip(t *testing.T) {
	a := newTestAPI(t, nil)
	doc := a.getPolicy("dev-alice")
	if len(doc.Qualification.Questions) != 12 || doc.Qualification.Questions[0].ID != "q01" || doc.Qualification.Questions[0].Text == "" ||
		doc.Qualification.Thresholds != (qualification.Thresholds{Excellent: 100, Workable: 80, Doubtful: 60}) || !doc.Qualification.RefuseNeedsApproval {
		t.Fatalf("default qualification = %+v", doc.Qualification)
	}
	doc.Qualification.Questions = []qualification.Question{{ID: "budget", Text: "Has a budget?", TextRU: "Есть бюджет?"}, {ID: "fit", Text: "Fits us?"}}
	doc.Qualification.Thresholds = qualification.Thresholds{Excellent: 18, Workable: 14, Doubtful: 10}
	expect(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", doc), http.StatusOK, nil)
	cl := a.newClient("dev-alice")
	q := a.qualify("dev-alice", cl, map[string]any{"answers": map[string]any{"budget": 9, "fit": 5}})
	if q.Total != 14 || q.Max != 20 || q.Band != qualification.BandWorkable || q.PolicyVersion != 1 {
		t.Errorf("qualification with the saved policy = %+v", q)
	}
	expectError(t, a.do(http.MethodPost, "/api/v1/clients/"+cl+"/qualifications", "dev-alice", qualAnswers(5, 5)),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)

	var m map[string]any
	if err := roundTrip(a.getPolicy("dev-admin"), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "qualification")
	expect(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", m), http.StatusOK, nil)
	if got := a.getPolicy("dev-alice"); got.Version != 2 || len(got.Qualification.Questions) != 2 || got.Qualification.Questions[0].TextRU != "Есть бюджет?" {
		t.Errorf("after a PUT without the part: %+v", got.Qualification)
	}
	m["qualification"] = map[string]any{"questions": []any{}, "thresholds": map[string]any{"excellent": 1, "workable": 1, "doubtful": 1}, "refuse_needs_approval": true}
	e := expectError(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", m), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if !strings.Contains(e.Error.Details.Fields["qualification"], "questions must not be empty") {
		t.Errorf("fields = %v", e.Error.Details.Fields)
	}
	m["qualification"] = map[string]any{"questions": []any{map[string]any{"id": "a", "txt": "A"}}}
	e = expectError(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", m), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["qualification.questions[0].txt"] != "unknown field" || e.Error.Details.Fields["qualification.thresholds"] != "is required" {
		t.Errorf("fields = %v", e.Error.Details.Fields)
	}
}
