package web

import (
	"strings"
	"testing"

	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
)

// TestVipTextsComplete: every action, input field (the rows' and the
// complaint's sub-fields included), enum value and control point kind of
// the VIP programme has a Russian and an English text — words, not
// identifiers (TestCataloguesMatch checks the words its pages use).
func TestVipTextsComplete(t *testing.T) {
	var keys []string
	for _, a := range vip.Inputs {
		keys = append(keys, "action."+a.Name)
		elem := elementTypes(vip.Inputs, a.Name)
		for _, f := range vip.Inputs.Fields(a.Name) {
			keys = append(keys, fieldKeys(f)...)
			if e := elem[f.Name]; e != nil {
				for _, sub := range describe(e) {
					keys = append(keys, fieldKeys(sub)...)
				}
			}
		}
	}
	for _, k := range vip.PointKinds {
		keys = append(keys, "point."+string(k))
	}
	if len(keys) < 40 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, k := range keys {
		for _, lang := range []string{models.LangRussian, models.LangEnglish} {
			text, ok := catalogues[lang][k]
			switch {
			case !ok:
				t.Errorf("%s has no %s text", k, lang)
			case strings.Contains(text, "_"):
				t.Errorf("%s text of %s is an identifier, not words: %q", lang, k, text)
			}
		}
	}
}
