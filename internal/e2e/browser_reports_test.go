package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core's browser script, from the npm package pinned in
// package-lock.json (make test installs it with npm ci): injected into the
// page under test only, never shipped with the app.
var axeScript = filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js")

// axeViolation is a serious or critical accessibility violation axe-core
// found.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeResult is what the page's axe-core run reports back.
type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

// checkAccessible runs axe-core on the page shown (axeRun) and fails the
// test on any serious or critical violation, or when it checked nothing.
func (b *browser) checkAccessible() {
	b.t.Helper()
	res := b.axeRun()
	if res.Passes == 0 {
		b.t.Errorf("axe-core checked nothing on %s", b.path())
	}
	for _, v := range res.Violations {
		b.t.Errorf("accessibility of %s: %s (%s): %s at %v", b.path(), v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// axeRun runs axe-core's WCAG 2.x A and AA and best-practice rules on the
// page shown and returns what passed and the serious and critical
// violations.
func (b *browser) axeRun() axeResult {
	b.t.Helper()
	src, err := os.ReadFile(axeScript)
	if err != nil {
		b.t.Fatalf("the accessibility check needs axe-core from npm (npm ci): %v", err)
	}
	get(b, "inject axe-core", chromedp.Evaluate[bool](string(src)+";true"))
	return get(b, "run axe-core", chromedp.Evaluate[axeResult](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then(r => ({passes: r.passes.length, violations: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))}))`,
		chromedp.EvalAwaitPromise))
}

// download is a file fetched by the signed-in browser.
type download struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

// fetchLink fetches the href of the link selected by sel with the
// browser's session, as clicking a download link does.
func (b *browser) fetchLink(sel string) download {
	b.t.Helper()
	b.waitFor(sel)
	return get(b, "fetch "+sel, chromedp.Evaluate[download](`fetch(document.querySelector(`+"`"+sel+"`"+`).href)
		.then(r => r.text().then(body => ({status: r.status, type: r.headers.get("Content-Type"), disposition: r.headers.get("Content-Disposition") || "", body})))`,
		chromedp.EvalAwaitPromise))
}

// TestBrowserDashboard: alice wins a deal and lets another's offer run
// out (through the API); maria, her manager, opens the dashboard: its
// funnel counts the won deal, the overdue point shows under alice, its
// charts are server-rendered SVG with accessible names, the funnel's CSV
// downloads with her session, a bad period shows the API's field error in
// place, and axe-core finds no serious or critical violations.
func TestBrowserDashboard(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	s.winDeal(d.ID, time.Now())
	// Another deal's offer expires in seconds: its control point becomes
	// overdue.
	s.expiringOffer()
	eventually(t, 30*time.Second, "an overdue control point", func() bool {
		var points struct{ Items []struct{ Owner string } }
		s.call("GET", "/api/v1/control-points?status=overdue", maria, nil).decode(t, 200, &points)
		return len(points.Items) == 1
	})
	b := s.newBrowser(t)
	b.signIn(maria)
	b.open("/reports")
	if won := b.text("#funnel-won"); won != "1" {
		t.Errorf("funnel won = %q, want 1", won)
	}
	if deals := b.text("#funnel-deals"); deals != "2" {
		t.Errorf("funnel deals = %q, want 2", deals)
	}
	if overdue := b.text("#overdue tbody"); !strings.Contains(overdue, "Alice") || !strings.Contains(overdue, "1") {
		t.Errorf("overdue control points per rep: %q, want alice's one", overdue)
	}
	titles := get(b, "chart titles", chromedp.Evaluate[[]string](`[...document.querySelectorAll("svg.chart[role=img]")]
		.map(s => document.getElementById(s.getAttribute("aria-labelledby"))?.textContent || "")`))
	if len(titles) != 3 || slices.Contains(titles, "") {
		t.Errorf("chart titles %q, want three named charts", titles)
	}
	if bars := get(b, "funnel bars", chromedp.Evaluate[int](`document.querySelectorAll("#chart-funnel rect").length`)); bars != 6 {
		t.Errorf("funnel chart has %d bars, want 6", bars)
	}
	if kpi := b.text("#kpi tbody"); !strings.Contains(kpi, "150000.00") {
		t.Errorf("KPI table %q does not show alice's first sale", kpi)
	}
	b.screenshot("")
	b.checkAccessible()
	b.do("phone-sized screen", chromedp.EmulateViewport(390, 844))
	if wide := get(b, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Error("the dashboard scrolls sideways on a phone-sized screen")
	}
	b.screenshot("phone")
	b.do("desktop screen", chromedp.EmulateReset())

	csv := b.fetchLink("#funnel .csv a")
	lines := strings.Split(strings.TrimSpace(csv.Body), "\n")
	if csv.Status != 200 || !strings.HasPrefix(csv.Type, "text/csv") || !strings.Contains(csv.Disposition, "funnel.csv") ||
		len(lines) != 8 || !strings.HasPrefix(lines[7], "total,2,") {
		t.Errorf("funnel CSV: %d %q %q\n%s", csv.Status, csv.Type, csv.Disposition, csv.Body)
	}

	b.open("/reports?from=2030-01-02&to=2030-01-01")
	if e := b.text("#f-from-err"); e == "" {
		t.Error("a period ending before it starts shows no error beside from")
	}
	if v := get(b, "from value", chromedp.Value(chromedp.CSS("#f-from"))); v != "2030-01-02" {
		t.Errorf("from after the refusal = %q, want what was typed", v)
	}
	b.screenshot("refused")
}

// TestBrowserAdmin: the admin creates a member, issues a token whose
// secret shows once, edits the policy with a bad value and sees the API's
// problem under that field with the value kept, and reads the audit
// trail; axe-core finds no serious or critical violations on the pages.
func TestBrowserAdmin(t *testing.T) {
	s := newStack(t)
	b := s.newBrowser(t)
	b.signIn(admin)
	b.open("/admin")
	b.checkAccessible()
	b.fill("#s-id", "carol")
	b.fill("#s-name", "Carol Smirnova")
	b.click("#staff-form button[type=submit]")
	b.waitPath("/admin/staff/carol")
	b.fill("#t-name", "laptop")
	b.click("#token-form button[type=submit]")
	secret := get(b, "secret", chromedp.Value(chromedp.CSS("#secret")))
	if secret == "" {
		t.Fatal("no token secret shown after issuing")
	}
	b.screenshot("token")
	b.checkAccessible()
	s.call("GET", "/api/v1/me/preferences", secret, nil).decode(t, 200, nil)
	b.open("/admin/staff/carol")
	if n := get(b, "secrets shown", chromedp.Evaluate[int](`document.querySelectorAll("#secret").length`)); n != 0 {
		t.Error("the token's secret shows again")
	}

	// A refused change shows the API's problem beside the field, with
	// what was typed kept.
	b.open("/admin/staff/admin")
	b.fill("#m-name", "Chief Administrator")
	b.click("#m-active")
	b.click("#member-form button[type=submit]")
	if e := b.text("#m-active-err"); !strings.Contains(e, "deactivate yourself") {
		t.Errorf("deactivating oneself shows %q beside active", e)
	}
	if v := get(b, "name value", chromedp.Value(chromedp.CSS("#m-name"))); v != "Chief Administrator" {
		t.Errorf("name after the refusal = %q, want what was typed", v)
	}
	b.screenshot("refused")

	b.open("/admin/policy")
	b.fill("#p-deal-invoice-due", "soon")
	b.click("#policy-form > button[type=submit]")
	if e := b.text("#p-deal-invoice-due-err"); e == "" {
		t.Error("no error beside deal.invoice_due")
	}
	if v := get(b, "invoice_due value", chromedp.Value(chromedp.CSS("#p-deal-invoice-due"))); v != "soon" {
		t.Errorf("invoice_due after the refusal = %q, want what was typed", v)
	}
	b.screenshot("policy")
	b.checkAccessible()

	b.open("/admin/audit?actor=admin")
	if rows := b.text("#audit tbody"); !strings.Contains(rows, "staff.create") || !strings.Contains(rows, "token.issue") {
		t.Errorf("audit trail %q lacks the admin's changes", rows)
	}
	b.screenshot("audit")
	b.checkAccessible()
}

// TestBrowserAdminForbidden: alice, a rep, sees her own (empty) dashboard,
// gets the 403 page for the admin pages and has no admin entry in the
// navigation; her My work and dashboard pass the accessibility check.
func TestBrowserAdminForbidden(t *testing.T) {
	s := newStack(t)
	b := s.newBrowser(t)
	b.signIn(alice)
	b.checkAccessible()
	b.open("/reports")
	if deals := b.text("#funnel-deals"); deals != "0" {
		t.Errorf("alice's funnel counts %s deals, want 0", deals)
	}
	b.checkAccessible()
	for _, p := range []string{"/admin", "/admin/policy", "/admin/audit"} {
		b.open(p)
		b.waitFor(`.error-page[data-status="403"]`)
	}
	if n := get(b, "admin nav", chromedp.Evaluate[int](`document.querySelectorAll('header a[href="/admin"]').length`)); n != 0 {
		t.Error("a rep's navigation offers the admin pages")
	}
	b.screenshot("")
	b.checkAccessible()
}
