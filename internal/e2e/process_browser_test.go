package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserProcessMap: the process page draws the generated deal map
// with bpmn-js without an import warning, and its badges show the overlay
// the API gives the same member: alice's open deal in the presentation
// stage, none of bob's.
func TestBrowserProcessMap(t *testing.T) {
	s := newStack(t)
	s.newDeal(alice, nil)
	s.newDeal(alice, nil)
	s.newDeal(bob, nil)
	var overlay struct {
		Elements map[string]struct {
			Open int `json:"open"`
		} `json:"elements"`
	}
	s.call("GET", "/api/v1/process/deal/overlay", alice, nil).decode(t, 200, &overlay)
	if got := overlay.Elements["Stage_presentation"].Open; got != 2 {
		t.Fatalf("API overlay: %d open in presentation, want alice's 2", got)
	}

	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/process")
	b.waitFor(`.process-map[data-state="ready"]`)
	if w := b.attr(".process-map", "data-import-warnings"); w != "0" {
		t.Errorf("bpmn-js import warnings: %q, want 0", w)
	}
	badge := `.pm-badges[data-element="Stage_presentation"] .pm-open`
	b.waitFor(badge)
	if n := b.attr(badge, "data-count"); n != strconv.Itoa(overlay.Elements["Stage_presentation"].Open) {
		t.Errorf("badge on Stage_presentation: %q, want the API's %d", n, overlay.Elements["Stage_presentation"].Open)
	}
	b.screenshot("deal")
	b.open("/process?map=complaint")
	b.waitFor(`.process-map[data-state="ready"]`)
	if w := b.attr(".process-map", "data-import-warnings"); w != "0" {
		t.Errorf("complaint map import warnings: %q, want 0", w)
	}
	b.screenshot("complaint")
}

// attr returns the value of attribute name of the element selected by the
// CSS selector sel ("" when it has none).
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	return get(b, "read "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}
