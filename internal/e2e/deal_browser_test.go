package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// local is a datetime-local value d from now in UTC, the test policy's
// calendar zone (none set).
func local(d time.Duration) string { return time.Now().Add(d).UTC().Format("2006-01-02T15:04") }

// set sets the value of the input selected by sel (datetime-local and
// textarea values included) without typing.
//
// It sets the value in the page's own script, found and set in one step:
// a node looked up first and set after can go stale in between (CDP's
// "No node with given id found").
func (b *browser) set(sel, value string) {
	b.t.Helper()
	js := `(function (el) { if (!el) return "missing"; el.value = ` + jsString(value) + `; return "set"; })(document.querySelector(` + jsString(sel) + `))`
	eventually(b.t, browserTimeout, "the input "+sel, func() bool { return b.eval(js) == "set" })
}

// act fills the action form of action with the values (input id suffix →
// value), submits it and waits for the deal page to come back.
func (b *browser) act(dealPath, action string, values map[string]string) {
	b.t.Helper()
	for field, v := range values {
		b.set("#act-"+action+"-"+field, v)
	}
	b.submitAt("#form-"+action+" button[type=submit]", dealPath)
}

// submitAt submits with the button sel (see submit) and checks that the
// next page is at path; it fails the test with the page's refusal when
// there is one.
func (b *browser) submitAt(sel, path string) {
	b.t.Helper()
	b.submit(sel)
	if msg := b.eval(`(document.querySelector(".error") || {}).textContent || ""`); msg != "" {
		b.screenshot("refused")
		b.t.Fatalf("%s refused: %s", sel, msg)
	}
	b.waitPath(path)
}

// eval runs JavaScript in the page.
func (b *browser) eval(js string) string {
	b.t.Helper()
	return get(b, "eval", chromedp.Evaluate[string](js))
}

// historyLen is the number of entries of the deal's history.
func (s *stack) historyLen(id string) int {
	var h struct {
		Items []struct{ Seq int } `json:"items"`
	}
	s.call("GET", "/api/v1/deals/"+id+"/history?limit=200", alice, nil).decode(s.t, 200, &h)
	return len(h.Items)
}

// TestBrowserDealToWon: alice opens a deal with the form and walks it from
// the presentation to won by clicking through the generated action forms;
// the same approve form submitted twice (same idempotency key) applies
// once; a form of a stage the deal has left is refused with the API's
// message beside it; bob gets the 404 page for alice's deal.
func TestBrowserDealToWon(t *testing.T) {
	s := newStack(t)
	client := s.newClient(alice)
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/deals/new?client_id=" + client)
	b.screenshot("new")
	b.fill("#title", "Corporate New Year party")
	b.fill("#product", "events")
	b.fill("#amount", "150000.00")
	b.click("#new-deal button[type=submit]")
	b.waitFor("#stage-path .current")
	page := b.path()
	id := strings.TrimPrefix(page, "/deals/")
	recordHistory(t, id)
	if cur := b.text("#stage-path li.current"); cur != "presentation" {
		t.Fatalf("current stage %q, want presentation", cur)
	}
	b.waitFor(`.process-map[data-state="ready"]`)
	b.screenshot("presentation")
	b.act(page, "schedule_presentation", map[string]string{"at": local(time.Hour)})
	stale := b.eval(`document.getElementById("form-hold_presentation").outerHTML`)
	b.act(page, "hold_presentation", map[string]string{"notes": "interested in a New Year party"})
	b.act(page, "send_protocol", map[string]string{"url": "https://docs.example/protocol-1"})
	// The presentation form of a page from before: refused, with the API's
	// message beside it, not an error page.
	b.eval(`document.body.insertAdjacentHTML("beforeend", ` + jsString(stale) + `);
		const f = document.body.lastElementChild; f.querySelector("[name=idempotency_key]").value = "stale-" + Date.now(); f.submit(); ""`)
	b.waitFor("#form-hold_presentation .error")
	if msg := b.text("#form-hold_presentation .error"); !strings.Contains(msg, "stage offer") {
		t.Errorf("stale form refusal %q", msg)
	}
	b.screenshot("stale")
	b.open(page)
	b.act(page, "issue_offer", map[string]string{"amount": "150000.00", "valid_until": local(10 * 24 * time.Hour)})
	b.act(page, "accept_offer", nil)
	b.act(page, "prepare_contract", map[string]string{
		"approvers-0-role": "director", "approvers-0-name": "Irina Volkova",
		"approvers-1-role": "accountant", "approvers-1-name": "Oleg Sidorov",
	})
	b.screenshot("contract")
	b.set("#act-approve_contract-approver", "Irina Volkova")
	twice := b.eval(`document.getElementById("form-approve_contract").outerHTML`)
	b.act(page, "approve_contract", nil)
	n := s.historyLen(id)
	b.eval(`document.body.insertAdjacentHTML("beforeend", ` + jsString(twice) + `); document.body.dataset.old = "1"; document.body.lastElementChild.submit(); ""`)
	b.waitFor("body:not([data-old]) .flash")
	if again := s.historyLen(id); again != n {
		t.Errorf("the same form submitted twice: history %d entries, then %d", n, again)
	}
	b.act(page, "approve_contract", map[string]string{"approver": "Oleg Sidorov"})
	b.act(page, "record_payment", map[string]string{"amount": "150000"})
	b.act(page, "plan_event", map[string]string{"date": local(30 * 24 * time.Hour), "items": "program\nvenue\nmenu"})
	for _, item := range []string{"program", "venue", "menu"} {
		b.act(page, "approve_event_item", map[string]string{"item": item})
	}
	b.act(page, "reschedule_event", map[string]string{"date": eventTodayLocal(), "reason": "the client moved it forward"})
	b.act(page, "hold_event", nil)
	b.act(page, "sign_closing_documents", nil)
	b.act(page, "submit_survey", map[string]string{"scores-quality": "5", "scores-speed": "5", "scores-payment_convenience": "5"})
	b.act(page, "schedule_follow_up", map[string]string{"at": local(60 * 24 * time.Hour), "purpose": "team-building training"})
	b.act(page, "close_deal", nil)
	if st := b.text("#deal-status"); st != "won" {
		t.Errorf("deal status on the page %q, want won", st)
	}
	if v := s.view(alice, id); v.Status != "won" {
		t.Errorf("deal status %s, want won", v.Status)
	}
	b.waitFor(`.process-map[data-state="ready"]`)
	b.screenshot("won")
	b.do("phone-sized", chromedp.EmulateViewport(390, 844))
	b.open(page)
	b.screenshot("phone")
	if wide := b.eval(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".card"))
		.slice(0, 5).map(e => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`); wide != "" {
		t.Errorf("on a phone-sized screen these reach past the right edge: %s", wide)
	}

	other := s.newBrowser(t)
	other.signIn(bob)
	other.open(page)
	if st := other.text(".error-page h1"); !strings.HasPrefix(st, "404") {
		t.Errorf("bob on alice's deal: %q, want the 404 page", st)
	}
	other.screenshot("bob")
}

// eventTodayLocal is eventToday as a datetime-local value: two minutes
// ahead (a whole minute after truncation), on today's date.
func eventTodayLocal() string {
	now := time.Now().UTC()
	if d := now.Add(3 * time.Minute); d.Day() != now.Day() {
		time.Sleep(d.Truncate(24*time.Hour).Sub(now) + time.Second)
	}
	return local(2 * time.Minute)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

// TestBrowserComplaint: alice finds a registered complaint in the filtered
// list, opens it and takes its steps through the generated forms; a form
// missing a required select comes back with the field's error in place and
// what she typed kept.
func TestBrowserComplaint(t *testing.T) {
	s := newStack(t)
	v := s.register(alice, form(s.newClient(alice), nil))
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/complaints?status=open")
	b.click(`#complaints a[href="/complaints/` + v.ID + `"]`)
	page := "/complaints/" + v.ID
	b.waitFor("#step-path .current")
	b.open("/complaints?status=open")
	b.screenshot("list")
	b.open(page)
	if cur := b.text("#step-path .current"); !strings.HasPrefix(cur, "acknowledgement") {
		t.Fatalf("current step %q", cur)
	}
	b.act(page, "acknowledge", map[string]string{"message": "We are sorry; we are looking into it."})
	b.set("#act-record_investigation-root_cause", "the venue was double-booked")
	b.click("#form-record_investigation button[type=submit]")
	b.waitFor("#form-record_investigation .field-error")
	if kept := get(b, "kept value", chromedp.Value(chromedp.CSS("#act-record_investigation-root_cause"))); kept != "the venue was double-booked" {
		t.Errorf("typed root cause not kept: %q", kept)
	}
	b.screenshot("refused")
	b.act(page, "record_investigation", map[string]string{"process_step": "event"})
	if cur := b.text("#step-path .current"); !strings.HasPrefix(cur, "resolution") {
		t.Errorf("current step %q, want resolution", cur)
	}
	b.screenshot("page")
}
