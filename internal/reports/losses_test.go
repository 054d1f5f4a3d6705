package reports_test

import (
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// closedDeal is a deal won ("" stage) or lost in stage for reason, closed
// at closed, with the process counters offer versions, presentation
// declines, contract changes and overdue points.
func closedDeal(id, owner, product, stage, reason, closed string, counters [4]int) *models.Deal {
	d := newDeal(id, "lc1", owner, product, at("2025-12-01T00:00:00Z"))
	d.ClosedAt = tp(closed)
	if stage == "" {
		d.Status, d.Stage = "won", "close"
	} else {
		d.Status, d.Stage, d.LostStage, d.LostReason = "lost", stage, stage, reason
	}
	d.OfferVersions, d.PresentationDeclines, d.ContractChanges, d.OverduePoints = counters[0], counters[1], counters[2], counters[3]
	return d
}

func TestLosses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db, client("lc1", "Retail Co", "retail"),
			// L1: lost exactly at From (in the period).
			closedDeal("L1", "alice", "p1", "presentation", "no_response", "2026-01-01T00:00:00Z", [4]int{0, 2, 0, 1}),
			closedDeal("L2", "alice", "p1", "offer", "price", "2026-02-01T00:00:00Z", [4]int{3, 0, 0, 2}),
			closedDeal("L3", "bob", "p2", "offer", "price", "2026-02-02T00:00:00Z", [4]int{2, 1, 0, 0}),
			closedDeal("L4", "bob", "p1", "offer", "competitor", "2026-03-01T00:00:00Z", [4]int{1, 0, 0, 1}),
			closedDeal("L5", "alice", "p1", "contract", "no_budget", "2026-03-05T00:00:00Z", [4]int{2, 0, 3, 0}),
			// L6: lost exactly at To (not in the period); L7: carol's.
			closedDeal("L6", "alice", "p1", "offer", "price", "2026-04-01T00:00:00Z", [4]int{9, 9, 9, 9}),
			closedDeal("L7", "carol", "p1", "presentation", "price", "2026-02-01T00:00:00Z", [4]int{9, 9, 9, 9}),
			closedDeal("L8", "alice", "p1", "presentation", "timing", "2026-03-10T00:00:00Z", [4]int{0, 1, 0, 0}),
			closedDeal("W1", "alice", "p1", "", "", "2026-01-20T00:00:00Z", [4]int{1, 0, 0, 0}),
			closedDeal("W2", "bob", "p1", "", "", "2026-02-20T00:00:00Z", [4]int{2, 1, 1, 1}),
			// W3: won before the period; O1: open.
			closedDeal("W3", "alice", "p1", "", "", "2025-12-31T23:59:59Z", [4]int{9, 9, 9, 9}),
			newDeal("O1", "lc1", "alice", "p1", at("2026-02-01T00:00:00Z")),
		)
		admin, mgr, alice := scopes(t, db)
		run := runner(t, db, reports.Losses)
		none := []reports.LossReason{}

		// The manager: lost L1 L2 L3 L4 L5 L8 (6); won W1 W2 (2).
		// presentation: L1 no_response, L8 timing (a tie: by reason);
		// offer: L2 L3 price (2), L4 competitor (1); contract: L5.
		// Lost counters: offer versions 0+3+2+1+2+0 = 8 → 8/6 = 1.33;
		// declines 2+0+1+0+0+1 = 4 → 0.67; contract changes 3 → 0.50;
		// overdue 1+2+0+1+0+0 = 4 → 0.67.
		// Won counters: offer versions 1+2 = 3 → 1.50; declines 1, changes
		// 1, overdue 1 → 0.50 each.
		got := run(reports.Filter{Scope: mgr})
		want := &reports.LossesReport{Period: reports.Period{From: from, To: to}, Lost: 6,
			ByStage: []reports.LossStage{
				{Stage: "presentation", Lost: 2, Reasons: []reports.LossReason{{Reason: "no_response", Count: 1}, {Reason: "timing", Count: 1}}},
				{Stage: "offer", Lost: 3, Reasons: []reports.LossReason{{Reason: "price", Count: 2}, {Reason: "competitor", Count: 1}}},
				{Stage: "contract", Lost: 1, Reasons: []reports.LossReason{{Reason: "no_budget", Count: 1}}},
				{Stage: "payment", Reasons: none}, {Stage: "event", Reasons: none}, {Stage: "close", Reasons: none},
			},
			LostContext: reports.ProcessContext{Deals: 6,
				OfferVersions:        reports.Counter{Total: 8, Average: f64(1.33)},
				PresentationDeclines: reports.Counter{Total: 4, Average: f64(0.67)},
				ContractChanges:      reports.Counter{Total: 3, Average: f64(0.5)},
				OverduePoints:        reports.Counter{Total: 4, Average: f64(0.67)}},
			WonContext: reports.ProcessContext{Deals: 2,
				OfferVersions:        reports.Counter{Total: 3, Average: f64(1.5)},
				PresentationDeclines: reports.Counter{Total: 1, Average: f64(0.5)},
				ContractChanges:      reports.Counter{Total: 1, Average: f64(0.5)},
				OverduePoints:        reports.Counter{Total: 1, Average: f64(0.5)}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("manager's losses\n got %s\nwant %s", jsonOf(t, got), jsonOf(t, want))
		}
		tab := got.Table()
		if len(tab.Rows) != 5+5 ||
			!reflect.DeepEqual(tab.Rows[2], []string{"losses", "offer", "price", "2", "", "", "", ""}) ||
			!reflect.DeepEqual(tab.Rows[6], []string{"context", "", "offer_versions", "", "8", "1.33", "3", "1.50"}) {
			t.Errorf("table %v", tab.Rows)
		}

		// alice: L1 L2 L5 L8 lost, W1 won. Offer versions 0+3+2+0 = 5 →
		// 1.25.
		if r := run(reports.Filter{Scope: alice}); r.Lost != 4 || r.ByStage[1].Lost != 1 || r.WonContext.Deals != 1 ||
			!reflect.DeepEqual(r.LostContext.OfferVersions, reports.Counter{Total: 5, Average: f64(1.25)}) {
			t.Errorf("alice's losses %s", jsonOf(t, r))
		}
		// The admin adds carol's L7 (presentation, price).
		if r := run(reports.Filter{Scope: admin}); r.Lost != 7 || r.ByStage[0].Lost != 3 ||
			!reflect.DeepEqual(r.ByStage[0].Reasons[0], reports.LossReason{Reason: "no_response", Count: 1}) {
			t.Errorf("admin's losses %s", jsonOf(t, r))
		}
		// The zero scope, and a manager asking for carol: nothing.
		for _, f := range []reports.Filter{{}, {Scope: mgr, Owners: []string{"carol"}}} {
			r := run(f)
			if r.Lost != 0 || r.LostContext.Deals != 0 || r.LostContext.OfferVersions.Average != nil || r.WonContext.Deals != 0 {
				t.Errorf("%+v: %s", f, jsonOf(t, r))
			}
		}
		// Product p2: L3 alone.
		if r := run(reports.Filter{Scope: mgr, Product: "p2"}); r.Lost != 1 || r.ByStage[1].Reasons[0].Reason != "price" || r.WonContext.Deals != 0 {
			t.Errorf("p2 losses %s", jsonOf(t, r))
		}
		// Segment corp: none of these clients.
		if r := run(reports.Filter{Scope: mgr, Segment: "corp"}); r.Lost != 0 {
			t.Errorf("corp losses %s", jsonOf(t, r))
		}
	})
}
