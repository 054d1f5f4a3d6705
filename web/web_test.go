package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/salesflow/salesflow/models"
)

// TestCataloguesMatch: every text key is in both the Russian and the
// English catalogue, every text is words for people (not empty, not an
// identifier), and every key a template names ({{.T "key"}},
// {{$.T "key"}}) is in them.
func TestCataloguesMatch(t *testing.T) {
	ru, en := catalogues[models.LangRussian], catalogues[models.LangEnglish]
	if len(ru) < 600 || len(en) < 600 {
		t.Fatalf("%d Russian texts, %d English: the files were not read", len(ru), len(en))
	}
	for k := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is Russian only", k)
		}
	}
	for k := range en {
		if _, ok := ru[k]; !ok {
			t.Errorf("key %q is English only", k)
		}
	}
	for lang, cat := range catalogues {
		for k, text := range cat {
			if strings.TrimSpace(text) == "" || strings.Contains(text, "_") {
				t.Errorf("%s text of %s is not words: %q", lang, k, text)
			}
		}
	}
	used := regexp.MustCompile(`\.T "([^"]+)"`)
	for name := range parseTemplates() {
		src, err := templateFS.ReadFile("templates/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses key %q, which no catalogue has", name, m[1])
			}
		}
	}
}

// TestLocalPath: a form may send the browser back only to a path of this
// site.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/clients?q=a": "/clients?q=a", "": "/", "//evil.example": "/", "https://evil.example/": "/", "/\\evil": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMoney: amounts show their thousands apart.
func TestMoney(t *testing.T) {
	for in, want := range map[string]string{
		"150000.00": "150\u202f000.00", "999": "999", "1000": "1\u202f000", "-1234567.5": "-1\u202f234\u202f567.5", "": "",
	} {
		if got := money(in); got != want {
			t.Errorf("money(%q) = %q, want %q", in, got, want)
		}
	}
}
