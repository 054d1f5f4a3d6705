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

// TestBrowserDealToWon: alice opens a deal from her client's page with the
// one new-deal form and walks it from the presentation to won by clicking
// through the generated action forms, all in Russian, her language; a
// form refused by the API shows its field error in Russian; the same
// approve form submitted twice (same idempotency key) applies once; a
// form of a stage the deal has left is refused with the API's reason, in
// Russian, beside it; bob gets the 404 page for alice's deal.
func TestBrowserDealToWon(t *testing.T) {
	s := newStack(t)
	client := s.newClient(alice)
	b := s.newBrowser(t)
	b.signIn(alice)
	page := b.openDeal(client, "Corporate New Year party", "150000.00")
	id := strings.TrimPrefix(page, "/deals/")
	recordHistory(t, id)
	if cur := b.attr("#stage-path li.current", "data-stage"); cur != "presentation" {
		t.Fatalf("current stage %q, want presentation", cur)
	}
	b.waitFor(`.process-map[data-state="ready"]`)
	b.screenshot("presentation")
	// The page speaks Russian: the forms' headings, labels and choices, the
	// stage path and the map's legend.
	for sel, want := range map[string]string{
		"#form-schedule_presentation h3": "Назначить презентацию", "label[for=act-lose-reason]": "Причина *",
		"#form-decline_presentation h3": "Отказ от презентации", "#stage-path li.current": "Презентация",
		".pm-legend": "открыто сейчас",
	} {
		if got := b.text(sel); !strings.HasPrefix(got, want) && !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	// Refused by the API (no time given): the message and the field's
	// error in Russian, in place.
	b.submit("#form-schedule_presentation button[type=submit]")
	if msg := b.text("#form-schedule_presentation .error"); msg != "Проверьте отмеченные поля" {
		t.Errorf("refusal message %q", msg)
	}
	if e := b.text("#act-schedule_presentation-at-error"); !strings.HasPrefix(e, "обязательное поле") {
		t.Errorf("field error %q, want Russian", e)
	}
	b.screenshot("ru-refused")
	b.act(page, "schedule_presentation", map[string]string{"at": local(time.Hour)})
	stale := b.eval(`document.getElementById("form-hold_presentation").outerHTML`)
	b.act(page, "hold_presentation", map[string]string{"notes": "interested in a New Year party"})
	b.act(page, "send_protocol", map[string]string{"url": "https://docs.example/protocol-1"})
	// The presentation form of a page from before: refused, with the API's
	// message beside it, not an error page.
	b.eval(`document.body.insertAdjacentHTML("beforeend", ` + jsString(stale) + `);
		const f = document.body.lastElementChild; f.querySelector("[name=idempotency_key]").value = "stale-" + Date.now(); f.submit(); ""`)
	b.waitFor("#form-hold_presentation .error")
	if msg := b.text("#form-hold_presentation .error"); msg != "Сейчас это сделать нельзя: сделка на этапе «Предложение», а не «Презентация»" {
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
	if st := b.attr("#deal-status", "data-status"); st != "won" {
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
	other.open("/deals/new?client_id=" + client)
	if st := other.text(".error-page h1"); !strings.HasPrefix(st, "404") {
		t.Errorf("bob opening a deal for alice's client: %q, want the 404 page", st)
	}
}

// openDeal opens a deal for client the one way there is: the link on the
// client's page to the new-deal form, which names the client and, refused
// once by the API for a bad amount, shows the error in place and keeps
// what was typed; it returns the new deal's page.
func (b *browser) openDeal(client, title, amount string) string {
	b.t.Helper()
	b.open("/clients/" + client)
	b.submit("#open-deal")
	b.waitPath("/deals/new?client_id=" + client)
	if name := b.text("#deal-client"); name == "" {
		b.t.Error("the new-deal form does not name the client")
	}
	b.fill("#title", title)
	b.do("choose product", chromedp.SetValue(chromedp.CSS("#product"), "events"))
	// An amount of three decimals: the API refuses it, its error in place,
	// in Russian, and what was typed kept.
	b.fill("#amount", "1.234")
	b.submit("#new-deal button[type=submit]")
	if e := b.text("#amount-error"); !strings.HasPrefix(e, "«1.234» — не сумма") {
		b.t.Errorf("amount error %q, want Russian in place", e)
	}
	if v := get(b, "kept title", chromedp.Value(chromedp.CSS("#title"))); v != title || b.text("#deal-client") == "" {
		b.t.Errorf("the refused form kept title %q and lost the client", v)
	}
	b.fill("#amount", amount)
	b.screenshot("new")
	b.submit("#new-deal button[type=submit]")
	b.waitFor("#stage-path .current")
	return b.path()
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

// TestBrowserComplaint: alice filters the list by status, step and
// severity with its form, which keeps her choices, finds the registered
// complaint there, opens it and takes its steps through the generated
// forms; a form missing a required select comes back with the field's
// error, in Russian, in place and what she typed kept.
func TestBrowserComplaint(t *testing.T) {
	s := newStack(t)
	cl := s.newClient(alice)
	v := s.register(alice, form(cl, nil))
	low := s.register(alice, form(cl, map[string]any{"severity": "low"}))
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/complaints")
	for sel, value := range map[string]string{"#f-status": "open", "#f-step": "acknowledgement", "#f-severity": "high"} {
		b.do("choose "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
	}
	b.submit("#complaint-filters button[type=submit]")
	for sel, want := range map[string]string{"#f-status": "open", "#f-step": "acknowledgement", "#f-severity": "high"} {
		if got := get(b, "chosen "+sel, chromedp.Value(chromedp.CSS(sel))); got != want {
			t.Errorf("%s after filtering = %q, want %q kept", sel, got, want)
		}
	}
	if n, other := b.count(`#complaints a[href="/complaints/`+v.ID+`"]`), b.count(`#complaints a[href="/complaints/`+low.ID+`"]`); n != 1 || other != 0 {
		t.Errorf("high-severity filter: %d rows of the high complaint, %d of the low one", n, other)
	}
	if step := b.text(`#complaints tbody tr td:nth-child(5)`); step != "Подтверждение" {
		t.Errorf("step column %q, want its Russian name", step)
	}
	b.look("filters")
	b.click(`#complaints a[href="/complaints/` + v.ID + `"]`)
	page := "/complaints/" + v.ID
	b.waitFor("#step-path .current")
	b.open(page)
	if cur := b.attr("#step-path .current", "data-step"); cur != "acknowledgement" {
		t.Fatalf("current step %q", cur)
	}
	b.act(page, "acknowledge", map[string]string{"message": "We are sorry; we are looking into it."})
	b.set("#act-record_investigation-root_cause", "the venue was double-booked")
	b.click("#form-record_investigation button[type=submit]")
	b.waitFor("#form-record_investigation .field-error")
	if e := b.text("#act-record_investigation-process_step-error"); !strings.HasPrefix(e, "допустимые значения: ") {
		t.Errorf("process step error %q, want Russian", e)
	}
	if kept := get(b, "kept value", chromedp.Value(chromedp.CSS("#act-record_investigation-root_cause"))); kept != "the venue was double-booked" {
		t.Errorf("typed root cause not kept: %q", kept)
	}
	b.screenshot("refused")
	b.act(page, "record_investigation", map[string]string{"process_step": "event"})
	if cur := b.attr("#step-path .current", "data-step"); cur != "resolution" {
		t.Errorf("current step %q, want resolution", cur)
	}
	b.screenshot("page")
}
