package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/salesflow/salesflow/models"
)

// TestBrowserClients: alice creates a client through the directory's form
// and finds it in the directory; a double-submitted "new client" form
// (the same idempotency key twice) creates one client; bob, of the same
// team but not the client's, gets the 404 page for alice's client.
func TestBrowserClients(t *testing.T) {
	s := newStack(t)
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/clients")
	// A refusal shows the API's field error in place and keeps the input.
	b.fill("#c-name", "Bad Mail LLC")
	b.fill("#c-phone", strings.Repeat("7", 60))
	b.submit("#new-client-form button[type=submit]")
	if e := b.text("#c-phone-error"); e == "" {
		t.Error("no error beside the phone field")
	}
	if v := get(b, "typed name", chromedp.Value(chromedp.CSS("#c-name"))); v != "Bad Mail LLC" {
		t.Errorf("the refused form lost the name typed: %q", v)
	}
	b.look("refused")
	if n := s.count(&models.Client{}, "name = ?", "Bad Mail LLC"); n != 0 {
		t.Errorf("a refused form made %d clients", n)
	}
	b.open("/clients")
	b.fill("#c-name", "Vasilek Browser LLC")
	b.do("choose segment", chromedp.SetValue(chromedp.CSS("#c-segment"), "smb"))
	b.fill("#c-email", "office@vasilek.example")
	b.submit("#new-client-form button[type=submit]")
	clientPath := b.path()
	if !strings.HasPrefix(clientPath, "/clients/cl-") {
		t.Fatalf("after creating a client the browser is at %s, want its page", clientPath)
	}
	if h := b.text("h1"); h != "Vasilek Browser LLC" {
		t.Errorf("client page heading = %q", h)
	}
	b.look("client")

	b.open("/clients?q=vasilek")
	if row := b.text("#directory tbody"); !strings.Contains(row, "Vasilek Browser LLC") {
		t.Errorf("directory search for vasilek shows %q", row)
	}
	b.look("directory")

	b.open("/clients")
	b.fill("#c-name", "Twice Submitted LLC")
	// The form sent three times, two at once, as a double click and a
	// reload would: one idempotency key.
	sent := get(b, "submit the form three times", chromedp.Evaluate[int](`(async () => {
		const f = document.querySelector('#new-client-form');
		const send = () => fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f)), redirect: 'manual'});
		const first = await Promise.all([send(), send()]);
		await send();
		return first.length + 1;
	})()`, chromedp.EvalAwaitPromise))
	if sent != 3 {
		t.Fatalf("sent the form %d times, want 3", sent)
	}
	if n := s.count(&models.Client{}, "name = ?", "Twice Submitted LLC"); n != 1 {
		t.Errorf("a form submitted three times with one idempotency key made %d clients, want 1", n)
	}

	bob := s.newBrowser(t)
	bob.signIn("dev-bob")
	bob.open(clientPath)
	if got := get(bob, "error page status", chromedp.AttributeValue(chromedp.CSS(".error-page"), "data-status")); got.Value != "404" {
		t.Errorf("bob on alice's client page: status %q, want the 404 page", got.Value)
	}
	bob.look("bob-404")
	if status, _ := s.withCookie("GET", clientPath, bob.sessionCookie()); status != http.StatusNotFound {
		t.Errorf("bob on alice's client page: HTTP %d, want 404", status)
	}
}

// TestBrowserPipeline: alice opens a deal for her client and finds
// it on her board in the presentation column; maria, their manager, sees
// alice's and bob's deals on hers.
func TestBrowserPipeline(t *testing.T) {
	s := newStack(t)
	bobs := s.newDeal("dev-bob", map[string]any{"title": "Bob's conference"})
	client := s.newClient(alice)
	b := s.newBrowser(t)
	b.signIn(alice)
	if p := b.openDeal(client, "Alice's summer party", "250000"); !strings.HasPrefix(p, "/deals/") {
		t.Errorf("after opening a deal the browser is at %s, want the deal's page", p)
	}
	b.open("/pipeline")
	col := b.text("#col-presentation")
	if !strings.Contains(col, "Alice's summer party") || !strings.Contains(col, "Romashka LLC") {
		t.Errorf("alice's presentation column = %q, want her new deal with its client", col)
	}
	if strings.Contains(col, "Bob's conference") {
		t.Errorf("alice's board shows bob's deal")
	}
	b.look("alice")
	b.open("/")
	if waiting := b.text("#waiting"); !strings.Contains(waiting, "Alice's summer party") {
		t.Errorf("My work's deals waiting on us = %q, want the new deal", waiting)
	}
	b.look("mywork")
	b.phone()
	b.open("/pipeline")
	b.look("phone")

	m := s.newBrowser(t)
	m.signIn(maria)
	m.open("/pipeline")
	col = m.text("#col-presentation")
	for _, want := range []string{"Alice's summer party", bobs.Title} {
		if !strings.Contains(col, want) {
			t.Errorf("maria's presentation column = %q, want %q", col, want)
		}
	}
	m.open("/pipeline?owner=bob")
	if col := m.text("#col-presentation"); strings.Contains(col, "Alice's summer party") || !strings.Contains(col, bobs.Title) {
		t.Errorf("maria's board filtered to bob = %q", col)
	}
	m.look("maria")
}

// TestBrowserMyWork: alice's offer goes overdue (policy timers of seconds);
// My work lists the overdue control point and her two notifications, she
// marks one read, then all; the board marks the deal overdue in the offer
// column.
func TestBrowserMyWork(t *testing.T) {
	s := newStack(t)
	d := s.expiringOffer()
	eventually(t, 30*time.Second, "alice's reminder and overdue notice", func() bool {
		var in struct{ Items []inboxNotice }
		s.call("GET", "/api/v1/notifications?unread=true", alice, nil).decode(t, 200, &in)
		return len(in.Items) == 2
	})
	b := s.newBrowser(t)
	b.signIn(alice)
	if points := b.text("#points"); !strings.Contains(points, "Romashka LLC") || b.count("#points .badge.overdue") != 1 {
		t.Errorf("My work's control points = %q, want the overdue offer point", points)
	}
	if n := b.count("#notifications li"); n != 2 {
		t.Errorf("My work shows %d unread notifications, want 2", n)
	}
	b.look("")
	b.submit("#notifications li form button")
	if n := b.count("#notifications li"); n != 1 {
		t.Errorf("after marking one read My work shows %d unread notifications, want 1", n)
	}
	b.submit("#read-all button")
	if n := b.count("#notifications li"); n != 0 {
		t.Errorf("after marking all read My work shows %d unread notifications, want 0", n)
	}
	b.open("/pipeline")
	if card := b.text("#col-offer .deal-card"); !strings.Contains(card, d.Title) || b.count("#col-offer .badge.overdue") != 1 {
		t.Errorf("offer column card = %q, want the deal with an overdue badge", card)
	}
	b.look("board")
}

// TestBrowserBoardPages: a column pages on its own, 20 deals at a time,
// newest first; its "more" link keeps the other columns where they are.
func TestBrowserBoardPages(t *testing.T) {
	s := newStack(t)
	client := s.newClient(alice)
	start := time.Now().Add(-time.Hour)
	for i := range 25 {
		d := models.Deal{ID: fmt.Sprintf("board-%02d", i), ClientID: client, Owner: "alice", Title: fmt.Sprintf("Board deal %02d", i),
			Currency: "RUB", Stage: "presentation", Status: "open", CreatedAt: start.Add(time.Duration(i) * time.Minute), Seq: 1}
		if err := s.db.Create(&d).Error; err != nil {
			t.Fatal(err)
		}
	}
	offer := models.Deal{ID: "board-offer", ClientID: client, Owner: "alice", Title: "Board offer", Currency: "RUB",
		Stage: "offer", Status: "open", CreatedAt: start, Seq: 1}
	if err := s.db.Create(&offer).Error; err != nil {
		t.Fatal(err)
	}
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/pipeline")
	if n := b.count("#col-presentation .deal-card"); n != 20 {
		t.Errorf("first page of the presentation column: %d cards, want 20", n)
	}
	if first := b.text("#col-presentation .deal-card .title"); first != "Board deal 24" {
		t.Errorf("the column starts with %q, want the newest deal", first)
	}
	b.submit("#col-presentation a.more")
	if n := b.count("#col-presentation .deal-card"); n != 5 {
		t.Errorf("second page of the presentation column: %d cards, want 5", n)
	}
	if first := b.text("#col-presentation .deal-card .title"); first != "Board deal 04" {
		t.Errorf("the second page starts with %q, want Board deal 04", first)
	}
	if n := b.count("#col-offer .deal-card"); n != 1 || b.count("#col-presentation a.more:not(.first)") != 0 {
		t.Errorf("second page: %d offer cards, want 1 (other columns unchanged), and no more link", n)
	}
	b.look("")
	b.submit("#col-presentation a.first")
	if n := b.count("#col-presentation .deal-card"); n != 20 {
		t.Errorf("back on the first page: %d cards, want 20", n)
	}
}
