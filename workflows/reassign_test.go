package workflows

import (
	"slices"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

// TestReassignHandsOverOpenControlPoints: a manager hands the deal to bob;
// he owns the deal and its open control points from then on, so the
// offer's reminders and overdue notice reach him, not alice. Handing it to
// its owner again is refused.
func TestReassignHandsOverOpenControlPoints(t *testing.T) {
	h := newHarness(t)
	h.toOffer()
	h.act("offer", day(0.5), deal.ActIssueOffer, deal.IssueOfferInput{Amount: 120000_00, ValidUntil: ptr(h.at(day(5)))})
	h.actAs("reassign", day(1), "maria", casework.RoleManager, deal.ActReassign, deal.ReassignInput{Owner: "bob", Reason: "alice is on leave"})
	h.actAs("again", day(1.5), "maria", casework.RoleManager, deal.ActReassign, deal.ReassignInput{Owner: "bob"})
	h.actAs("end", day(6), "bob", casework.RoleSales, deal.ActLose, deal.LoseInput{Reason: "timing"})
	v := h.run(`{}`)
	h.mustApplyAll("again")
	h.mustRefuse("again", casework.CodeInvalidInput)

	if v.Owner != "bob" {
		t.Fatalf("owner after reassign: %q", v.Owner)
	}
	if cp := point(h.views["reassign"], offerPoint(1)); cp.Owner != "bob" {
		t.Errorf("the open offer point after reassign: %+v", cp)
	}
	if cp := point(h.views["reassign"], pointProtocol); cp.Owner != "alice" {
		t.Errorf("the protocol point, done before, is no longer alice's: %+v", cp)
	}
	reminders := h.noticesFor(offerPoint(1), casework.NoticeReminder)
	if len(reminders) == 0 {
		t.Error("the offer point reminded nobody")
	}
	for _, n := range reminders {
		if n.Recipient != "bob" {
			t.Errorf("reminder at %s went to %s", n.DueAt, n.Recipient)
		}
	}
	if hist := h.history(); !slices.Contains(hist, deal.ActReassign) {
		t.Errorf("history has no reassignment: %v", hist)
	}
}
