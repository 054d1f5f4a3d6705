package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/salesflow/salesflow/models"
)

// TestBrowserProgramme: maria creates a VIP programme through its form;
// bob, the interviewer of alice's client, finds the interview under "my
// interviews" and records it through the generated form, its complaint
// included; the programme page then shows the interview held with its
// outcomes.
func TestBrowserProgramme(t *testing.T) {
	s := newStack(t)
	if err := models.CreateClient(t.Context(), s.db, &models.Client{ID: "cl-vipb", Name: "Vasilek LLC", CreatedBy: "alice"}); err != nil {
		t.Fatal(err)
	}
	row := models.ClientClass{ClientID: "cl-vipb", AsOf: time.Now().UTC(), Owner: "alice", Category: "permanent", ABC: "A", XYZ: "X"}
	if err := s.db.Create(&row).Error; err != nil {
		t.Fatal(err)
	}
	m := s.newBrowser(t)
	m.signIn("dev-maria")
	m.open("/programmes")
	m.fill("#p-name", "Key clients 2027")
	m.click("input[name=categories][value=permanent]")
	m.submit("#new-programme-form button[type=submit]")
	page := m.path()
	if !strings.HasPrefix(page, "/programmes/vip-") {
		t.Fatalf("after creating a programme the browser is at %s", page)
	}
	if got := m.text("#interviews tbody"); !strings.Contains(got, "Vasilek LLC") || !strings.Contains(got, "bob") {
		t.Errorf("interviews %q", got)
	}
	m.look("programme")

	b := s.newBrowser(t)
	b.signIn("dev-bob")
	b.open("/programmes")
	if got := b.text("#my-interviews"); !strings.Contains(got, "Vasilek LLC") {
		t.Errorf("bob's interviews %q", got)
	}
	b.look("mine")
	b.submit("#my-interviews a[href^='/programmes/']")
	if got := get(b, "prefilled client", chromedp.Value(chromedp.CSS("#act-record_interview-client_id"))); got != "cl-vipb" {
		t.Errorf("the interview form from my interviews names client %q, want cl-vipb", got)
	}
	held := time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04")
	b.act(page, "record_interview", map[string]string{
		"held_on": held, "service_rating": "3", "service_comment": "slow answers",
		"key_contacts-0-name": "Ivan Petrov", "key_contacts-0-role": "CEO",
		"upsell-0-topic": "Backup channel", "upsell-0-as": "follow_up",
		"referrals-0-name": "Romashka LLC", "referrals-0-note": "Ivan's partner",
		"complaint-0-description": "support answers late", "complaint-0-category": "quality", "complaint-0-severity": "normal",
	})
	got := b.text("#interviews tbody")
	for _, want := range []string{"3/5", "Backup channel", "Romashka LLC", "quality"} {
		if !strings.Contains(got, want) {
			t.Errorf("the recorded interview shows %q, want %q in it", got, want)
		}
	}
	b.look("recorded")
}
