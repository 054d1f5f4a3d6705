package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/satisfaction"
)

// TestSurveyInTheBrowser: alice finds a survey of her client among her
// surveys, a questionnaire with a score left out comes back refused with
// the API's message and her other scores kept, the complete one records
// the survey (a 3 opens a complaint, linked from the page); maria's
// satisfaction report shows the client surveyed.
func TestSurveyInTheBrowser(t *testing.T) {
	s := newStack(t)
	clientID := s.paidClient("Vasilek", "training", time.Now().UTC().AddDate(0, -1, 0))
	var v satisfaction.View
	s.call("POST", "/api/v1/surveys", "dev-alice", map[string]string{"client_id": clientID, "product": "training"}).
		decode(t, http.StatusCreated, &v)
	b := s.newBrowser(t)
	b.signIn("dev-alice")
	b.open("/surveys")
	b.waitFor("#surveys")
	b.look("list")
	page := "/surveys/" + v.ID
	b.open(page)
	b.waitFor("#form-record_survey")
	b.set("#act-record_survey-scores-quality", "4")
	b.set("#act-record_survey-scores-speed", "3")
	b.submit("#form-record_survey button[type=submit]")
	if msg := b.text("#form-record_survey .error"); msg == "" {
		t.Fatal("an incomplete questionnaire was not refused")
	}
	if got := b.eval(`document.querySelector("#act-record_survey-scores-quality").value`); got != "4" {
		t.Fatalf("the refused form lost its score: %q", got)
	}
	b.look("refused")
	b.act(page, "record_survey", map[string]string{"scores-payment_convenience": "5"})
	b.waitFor("#answers")
	if st := b.eval(`document.querySelector("#survey-status").dataset.status`); st != "recorded" {
		t.Fatalf("survey status %q", st)
	}
	if b.count(`a[href="/complaints/cmp-`+v.ID+`"]`) != 1 {
		t.Fatal("no link to the complaint the 3 opened")
	}
	b.look("recorded")

	m := s.newBrowser(t)
	m.signIn("dev-maria")
	m.open("/reports/satisfaction")
	m.waitFor("#coverage-percent")
	if got := m.eval(`document.querySelector("#coverage-percent").dataset.surveyed + "/" + document.querySelector("#coverage-percent").dataset.clients`); got != "1/1" {
		t.Fatalf("coverage %s", got)
	}
	m.look("report")
}
