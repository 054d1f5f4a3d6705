package activities

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// Every language has its own subject and body for every notification kind
// and the digest, so no e-mail falls back to the generic template or to
// another language.
func TestEveryLanguageHasEveryTemplate(t *testing.T) {
	kinds := []string{string(casework.NoticeReminder), string(casework.NoticeOverdue), string(casework.NoticeEscalation), "notice", "digest"}
	for _, lang := range []string{models.LangRussian, models.LangEnglish} {
		for _, k := range kinds {
			for _, part := range []string{".subject", ".body"} {
				if emailTemplates[lang].Lookup(k+part) == nil {
					t.Errorf("%s: no template %s%s", lang, k, part)
				}
			}
		}
	}
	v := noticeView{Key: "k", Kind: "reminder", Name: "Alice", Subject: "Offer", DealID: "d1", ControlPointID: "offer-v1",
		Due: formatTime(time.Date(2025, 11, 6, 9, 0, 0, 0, time.UTC), "ru", nil)}
	seen := map[string]string{}
	for _, lang := range []string{models.LangRussian, models.LangEnglish} {
		for _, k := range []string{"reminder", "overdue", "escalation", "unknown-kind"} {
			v.Kind = k
			subject, body, err := renderNotice(lang, v)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, k, err)
			}
			if subject == "" || strings.Contains(subject, "\n") || !strings.Contains(body, "d1") || !strings.HasSuffix(body, "k\n") {
				t.Errorf("%s %s: subject %q body %q", lang, k, subject, body)
			}
			if other, dup := seen[subject]; dup {
				t.Errorf("%s %s has the same subject as %s: %q", lang, k, other, subject)
			}
			seen[subject] = lang + " " + k
		}
	}
	if got := formatTime(time.Date(2025, 11, 6, 9, 0, 0, 0, time.UTC), "en", time.FixedZone("MSK", 3*3600)); got != "6 Nov 2025 12:00 MSK" {
		t.Errorf("English time in MSK = %q", got)
	}
}

func TestRussianPlural(t *testing.T) {
	for n, want := range map[int]string{
		0: "many", 1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many", 14: "many",
		21: "one", 22: "few", 25: "many", 101: "one", 111: "many", 112: "many", 1004: "few",
	} {
		if got := russianPlural(n, "one", "few", "many"); got != want {
			t.Errorf("%d: %s, want %s", n, got, want)
		}
	}
}

func TestMessageRejectsHeaderInjection(t *testing.T) {
	e := &EmailChannel{From: "salesflow@example.com"}
	to := &mail.Address{Name: "Alice", Address: "a@example.com"}
	if _, err := e.message(to, "s", "b", "<id@salesflow>", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.message(to, "s", "b", "<id@salesflow>", [][2]string{{HeaderNotification, "k\r\nBcc: x@evil"}}); err == nil {
		t.Error("a key with a line break made it into a header")
	}
}
