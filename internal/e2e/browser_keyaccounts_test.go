package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/salesflow/salesflow/internal/keyaccount"
)

// TestBrowserKeyAccount: alice opens her client's key-account page from
// the client page, sends a score out of range and sees the API's problem
// beside that field with her values kept, corrects it and sees the
// quadrant and the history; maria reads the report.
func TestBrowserKeyAccount(t *testing.T) {
	s := newStack(t)
	id := s.newClient(alice)
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/clients/" + id)
	b.submit("#key-account-link")
	crit := keyaccount.DefaultPolicy().Criteria
	for i, c := range crit {
		v := "40" // ours: 40 → the lower half
		if c.Side == keyaccount.SideClient {
			v = "70"
		}
		if i == 0 {
			v = "150"
		}
		b.fill("#ka-"+c.ID, v)
	}
	b.submit("#assess-form button[type=submit]")
	if e := b.text("#ka-" + crit[0].ID + "-error"); e != "от 0 до 100" {
		t.Fatalf("error beside the first criterion %q", e)
	}
	if v := get(b, "kept value", chromedp.Value(chromedp.CSS("#ka-"+crit[1].ID))); v != "70" {
		t.Errorf("kept value %q, want 70", v)
	}
	b.checkAccessible()
	b.fill("#ka-"+crit[0].ID, "70")
	b.submit("#assess-form button[type=submit]")
	if q := b.text("#ka-quadrant"); q != "Целевой" {
		t.Fatalf("quadrant badge %q, want Целевой (target)", q)
	}
	if rows := b.count("#ka-history tbody tr"); rows != 1 {
		t.Fatalf("history has %d rows", rows)
	}
	b.checkAccessible()
	b.open("/clients/" + id)
	if q := b.text("#ka-badge"); q != "Целевой" {
		t.Errorf("the client page's badge %q, want Целевой", q)
	}
	b.checkAccessible()

	m := s.newBrowser(t)
	m.signIn(maria)
	m.open("/reports")
	m.submit("#key-accounts-report")
	if now := m.text("#ka-now"); !strings.Contains(now, "Целевой") || !strings.Contains(now, "1") {
		t.Errorf("report %q", now)
	}
	m.checkAccessible()
}
