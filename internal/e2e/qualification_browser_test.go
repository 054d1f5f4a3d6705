package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// answerQuestionnaire sets every question of the client page's questionnaire to score,
// the twelfth to last (11×score + last points), with the browser's own
// checks of the inputs off so that what the API refuses reaches it.
func (b *browser) answerQuestionnaire(score, last int) {
	b.t.Helper()
	b.eval(`(function () { document.querySelector("#qual-details").open = true; document.querySelector("#qualification-form").noValidate = true; return ""; })()`)
	for i := 1; i <= 12; i++ {
		v := score
		if i == 12 {
			v = last
		}
		b.set(fmt.Sprintf("#qa-q%02d", i), strconv.Itoa(v))
	}
}

// TestBrowserQualification: alice qualifies her client on its page; an
// answer out of range is refused in place (in Russian), with what she
// typed kept; 59 points put the client in the band refuse, shown as a
// badge, and the new-deal form is then refused naming the total; she may
// not approve, maria approves with a reason, and alice opens the deal,
// whose page shows the client's band.
func TestBrowserQualification(t *testing.T) {
	s := newStack(t)
	client := s.newClient(alice)
	page := "/clients/" + client
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open(page)
	if got := b.text("#qualification .empty"); got == "" {
		t.Error("an unqualified client shows no note")
	}
	b.answerQuestionnaire(5, 11)
	b.submit("#qualification-form button[type=submit]")
	if e := b.text("#qa-q12-error"); e != "от 0 до 10" {
		t.Errorf("q12's error = %q, want it in Russian in place", e)
	}
	if v := b.eval(`document.querySelector("#qa-q01").value`); v != "5" {
		t.Errorf("the refused form lost q01: %q", v)
	}
	b.look("refused")

	b.answerQuestionnaire(5, 4)
	b.submitAt("#qualification-form button[type=submit]", page+"#qualification")
	if band := b.attr("#qual-h .band", "data-band"); band != "refuse" {
		t.Errorf("badge band = %q, want refuse", band)
	}
	if row := b.text("#qual-history tbody tr"); !strings.Contains(row, "59/120") || !strings.Contains(row, "alice") {
		t.Errorf("history row = %q", row)
	}
	if n := b.count("#approval-form"); n != 0 {
		t.Error("a sales rep is offered the approval form")
	}
	b.look("refuse")

	b.open("/deals/new?client_id=" + client)
	b.fill("#title", "Refused party")
	b.submit("#new-deal button[type=submit]")
	if msg := b.text("#new-deal .error"); !strings.Contains(msg, "59 из 120") || !strings.Contains(msg, "одобрение руководителя") {
		t.Errorf("new-deal refusal = %q, want the total and the approval named", msg)
	}
	b.look("deal-refused")

	m := s.newBrowser(t)
	m.signIn(maria)
	m.open(page)
	m.set("#qa-reason", "Стратегический клиент")
	m.submitAt("#approval-form button[type=submit]", page+"#qualification")
	if row := m.text("#qual-history tbody tr"); !strings.Contains(row, "Стратегический клиент") || !strings.Contains(row, "maria") {
		t.Errorf("history after the approval = %q", row)
	}
	m.look("approved")

	dealPath := b.openDeal(client, "Approved party", "1000")
	if !strings.HasPrefix(dealPath, "/deals/") {
		t.Fatalf("after the approval the browser is at %s, want the deal's page", dealPath)
	}
	if band := b.attr("p.muted .band", "data-band"); band != "refuse" {
		t.Errorf("the deal page's client band = %q", band)
	}
	// As the deal tests do, a screenshot only: the deal page's stage path
	// and process map are outside this test (and fail axe-core's contrast
	// and nesting rules of their own).
	b.screenshot("deal")
}

// TestBrowserQualificationPolicy: the admin edits the qualification part
// on the policy page: thresholds out of order are refused in the part,
// with what was typed kept; new thresholds and approval turned off are
// saved as a new version the API serves.
func TestBrowserQualificationPolicy(t *testing.T) {
	s := newStack(t)
	b := s.newBrowser(t)
	b.signIn("dev-admin")
	b.open("/admin/policy")
	b.set("#p-qualification-thresholds", `{"excellent": 50, "workable": 80, "doubtful": 60}`)
	b.submit("#policy-form > button[type=submit]")
	if e := b.text("#part-qualification .field-error"); !strings.Contains(e, "thresholds must be") {
		t.Errorf("the qualification part's error = %q", e)
	}
	if v := b.eval(`document.querySelector("#p-qualification-thresholds").value`); !strings.Contains(v, `"excellent": 50`) {
		t.Errorf("the refused thresholds were not kept: %q", v)
	}
	b.screenshot("refused")
	b.set("#p-qualification-thresholds", `{"excellent": 110, "workable": 90, "doubtful": 70}`)
	b.click("#p-qualification-refuse-needs-approval")
	b.submitAt("#policy-form > button[type=submit]", "/admin/policy")
	var doc struct {
		Version       int `json:"version"`
		Qualification struct {
			Questions  []struct{ ID string } `json:"questions"`
			Thresholds struct{ Excellent, Workable, Doubtful int }
			Refuse     bool `json:"refuse_needs_approval"`
		} `json:"qualification"`
	}
	s.call("GET", "/api/v1/policy", alice, nil).decode(t, 200, &doc)
	q := doc.Qualification
	if doc.Version != 1 || q.Thresholds.Excellent != 110 || q.Thresholds.Workable != 90 || q.Thresholds.Doubtful != 70 || q.Refuse || len(q.Questions) != 12 {
		t.Errorf("saved policy = %+v", doc)
	}
	b.look("saved")

	// Without the approval, a client in the band refuse is not offered one
	// and may have a deal opened.
	client := s.newClient(alice)
	zeros := map[string]any{}
	for _, q := range q.Questions {
		zeros[q.ID] = 0
	}
	s.call("POST", "/api/v1/clients/"+client+"/qualifications", alice, map[string]any{"answers": zeros}).decode(t, 201, nil)
	b.open("/clients/" + client)
	if band := b.attr("#qual-h .band", "data-band"); band != "refuse" || b.count("#qual-refused") != 0 || b.count("#approval-form") != 0 {
		t.Errorf("band %q; with no approval needed the page still asks for one", band)
	}
	s.call("POST", "/api/v1/deals", alice, map[string]any{"client_id": client, "title": "Unchecked", "currency": "RUB"}).decode(t, 201, nil)
}
