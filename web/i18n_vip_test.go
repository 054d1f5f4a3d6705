package web

import (
	"testing"

	"github.com/salesflow/salesflow/internal/vip"
)

// TestVipTextsComplete: every action, input field (the rows' and the
// complaint's sub-fields included), enum value and control point kind of
// the VIP programme has a Russian and an English text — words, not
// identifiers (TestCataloguesMatch checks the words its pages use).
func TestVipTextsComplete(t *testing.T) {
	keys := catalogKeys(vip.Inputs)
	for _, k := range vip.PointKinds {
		keys = append(keys, "point."+string(k))
	}
	if len(keys) < 40 {
		t.Fatalf("only %d keys found", len(keys))
	}
	checkInWords(t, keys, false)
}
