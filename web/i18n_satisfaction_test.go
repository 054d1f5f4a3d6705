package web

import (
	"strings"
	"testing"

	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/models"
)

// TestSatisfactionTextsComplete: every action and input field of the
// survey's catalogue, every survey status and its control point kind has a
// text in Russian and in English, in words.
func TestSatisfactionTextsComplete(t *testing.T) {
	var keys []string
	for _, a := range satisfaction.Inputs {
		keys = append(keys, "action."+a.Name)
		for _, f := range satisfaction.Inputs.Fields(a.Name) {
			keys = append(keys, fieldKeys(f)...)
		}
	}
	for _, s := range satisfaction.Statuses {
		keys = append(keys, "sstatus."+string(s))
	}
	for _, k := range satisfaction.PointKinds {
		keys = append(keys, "point."+string(k))
	}
	if len(keys) < 8 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, k := range keys {
		for _, lang := range []string{models.LangRussian, models.LangEnglish} {
			text, ok := catalogues[lang][k]
			if !ok || strings.Contains(text, "_") {
				t.Errorf("%s has no %s text in words: %q", k, lang, text)
			}
		}
	}
}
