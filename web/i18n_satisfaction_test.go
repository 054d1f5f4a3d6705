package web

import (
	"testing"

	"github.com/salesflow/salesflow/internal/satisfaction"
)

// TestSatisfactionTextsComplete: every action and input field of the
// survey's catalogue, every survey status and its control point kind has a
// text in Russian and in English, in words.
func TestSatisfactionTextsComplete(t *testing.T) {
	keys := catalogKeys(satisfaction.Inputs)
	for _, s := range satisfaction.Statuses {
		keys = append(keys, "sstatus."+string(s))
	}
	for _, k := range satisfaction.PointKinds {
		keys = append(keys, "point."+string(k))
	}
	if len(keys) < 8 {
		t.Fatalf("only %d keys", len(keys))
	}
	checkInWords(t, keys, false)
}
