package reports_test

import (
	"context"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// funnelFixture: the cohort of the first quarter, seen by the manager mgr,
// is F1, F4–F10 and F12 (9 deals).
func funnelFixture(t *testing.T, db *gorm.DB) {
	won := func(d *models.Deal, offer, contract, payment, event, closeAt, closed string) *models.Deal {
		d.Status, d.Stage = "won", "close"
		d.OfferAt, d.ContractAt, d.PaymentAt, d.EventAt, d.CloseAt, d.ClosedAt =
			tp(offer), tp(contract), tp(payment), tp(event), tp(closeAt), tp(closed)
		return d
	}
	// F1: created exactly at From (in the cohort), won.
	f1 := won(newDeal("F1", "fc1", "alice", "p1", at("2026-01-01T00:00:00Z")),
		"2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z",
		"2026-01-11T00:00:00Z", "2026-01-13T00:00:00Z")
	// F2: created exactly at To (not in the cohort).
	f2 := won(newDeal("F2", "fc1", "alice", "p1", at("2026-04-01T00:00:00Z")),
		"2026-04-02T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-04T00:00:00Z", "2026-04-05T00:00:00Z",
		"2026-04-06T00:00:00Z", "2026-04-07T00:00:00Z")
	// F3: created a second before From.
	f3 := newDeal("F3", "fc1", "alice", "p1", at("2025-12-31T23:59:59Z"))
	// F4: lost in the offer stage; 2 days 30 s in presentation.
	f4 := newDeal("F4", "fc1", "alice", "p1", at("2026-01-10T00:00:00Z"))
	f4.Status, f4.Stage, f4.LostStage, f4.LostReason = "lost", "offer", "offer", "price"
	f4.OfferAt, f4.ClosedAt = tp("2026-01-12T00:00:30Z"), tp("2026-01-20T00:00:00Z")
	// F5: open in the contract stage.
	f5 := newDeal("F5", "fc1", "alice", "p1", at("2026-01-15T00:00:00Z"))
	f5.Stage, f5.OfferAt, f5.ContractAt = "contract", tp("2026-01-19T00:00:00Z"), tp("2026-01-22T00:00:00Z")
	// F6: open in presentation.
	f6 := newDeal("F6", "fc1", "alice", "p1", at("2026-02-01T00:00:00Z"))
	// F7: lost in presentation.
	f7 := newDeal("F7", "fc1", "alice", "p1", at("2026-02-02T00:00:00Z"))
	f7.Status, f7.LostStage, f7.LostReason, f7.ClosedAt = "lost", "presentation", "no_response", tp("2026-02-03T00:00:00Z")
	// F8: won; stage times with fractions of a second (whole seconds are
	// counted between the times truncated to the second).
	f8 := won(newDeal("F8", "fc1", "alice", "p1", at("2026-02-05T00:00:00Z")),
		"2026-02-08T00:00:00.7Z", "2026-02-12T00:00:00.2Z", "2026-02-14T00:00:00Z", "2026-02-15T00:00:00Z",
		"2026-02-16T00:00:00Z", "2026-02-18T00:00:00Z")
	// F9: cancelled in the offer stage, 5 days in presentation.
	f9 := newDeal("F9", "fc1", "alice", "p1", at("2026-03-01T00:00:00Z"))
	f9.Status, f9.Stage, f9.OfferAt, f9.ClosedAt = "cancelled", "offer", tp("2026-03-06T00:00:00Z"), tp("2026-03-07T00:00:00Z")
	// F10: bob's, open in the payment stage.
	f10 := newDeal("F10", "fc1", "bob", "p1", at("2026-03-05T00:00:00Z"))
	f10.Stage, f10.OfferAt, f10.ContractAt, f10.PaymentAt =
		"payment", tp("2026-03-06T00:00:00Z"), tp("2026-03-07T00:00:00Z"), tp("2026-03-08T00:00:00Z")
	// F11: carol's (another team), won.
	f11 := won(newDeal("F11", "fc1", "carol", "p1", at("2026-01-20T00:00:00Z")),
		"2026-01-21T00:00:00Z", "2026-01-22T00:00:00Z", "2026-01-23T00:00:00Z", "2026-01-24T00:00:00Z",
		"2026-01-25T00:00:00Z", "2026-01-26T00:00:00Z")
	// F12: product p2, a corp client, open in the offer stage.
	f12 := newDeal("F12", "fc2", "alice", "p2", at("2026-03-10T00:00:00Z"))
	f12.Stage, f12.OfferAt = "offer", tp("2026-03-11T00:00:00Z")
	setup(t, db, client("fc1", "Retail Co", "retail"), client("fc2", "Corp Co", "corp"),
		f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12)
}

func TestFunnel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		funnelFixture(t, db)
		admin, mgr, alice := scopes(t, db)
		ctx := context.Background()
		run := runner(t, db, reports.Funnel)

		// The manager sees F1, F4, F5, F6, F7, F8, F9, F10 (bob's), F12: 9
		// deals; not F2 (created at To), F3 (before From), F11 (carol's).
		// Won F1 F8; lost F4 F7; open F5 F6 F10 F12; cancelled F9.
		//
		// entered: presentation 9; offer 7 (all but F6 F7); contract 4 (F1
		// F5 F8 F10); payment 3 (F1 F8 F10); event 2 and close 2 (F1 F8).
		// in_now: presentation F6, offer F12, contract F5, payment F10.
		// passed: presentation 7 (offer reached), offer 4, contract 3,
		// payment 2, event 2, close 2 (won).
		// lost: presentation F7, offer F4.
		// to next: 7/9 = 77.8, 4/7 = 57.1, 3/4 = 75.0, 2/3 = 66.7, 2/2 =
		// 100.0, won 2/2 = 100.0. From first: 9/9, 7/9 = 77.8, 4/9 = 44.4,
		// 3/9 = 33.3, 2/9 = 22.2, 2/9 = 22.2.
		// Medians (nearest rank: the ceil(n/2)-th smallest):
		//   presentation F1 1d, F4 2d+30s, F5 4d, F8 3d, F9 5d, F10 1d,
		//     F12 1d → 1d 1d 1d 2d+30s 3d 4d 5d, 4th = 2d+30s;
		//   offer F1 2d, F5 3d, F8 4d (00:00:00.7 → 00:00:00.2 four days
		//     later: whole seconds between truncated times), F10 1d →
		//     1d 2d 3d 4d, 2nd = 2d (the lower middle, not 2.5d);
		//   contract F1 1d, F8 2d, F10 1d → 1d 1d 2d, 2nd = 1d;
		//   payment F1 2d, F8 1d → 1st = 1d; event F1 4d, F8 1d → 1d;
		//   close (closed − close, won) F1 2d, F8 2d → 2d.
		got := run(reports.Filter{Scope: mgr})
		want := &reports.FunnelReport{Period: reports.Period{From: from, To: to}, Deals: 9, Open: 4, Won: 2, Lost: 2, Cancelled: 1,
			Stages: []reports.FunnelStage{
				{Stage: "presentation", Entered: 9, InNow: 1, Passed: 7, Lost: 1,
					ConversionToNextPercent: f64(77.8), ConversionFromFirstPercent: f64(100), Timed: 7, MedianSeconds: i64(2*day + 30)},
				{Stage: "offer", Entered: 7, InNow: 1, Passed: 4, Lost: 1,
					ConversionToNextPercent: f64(57.1), ConversionFromFirstPercent: f64(77.8), Timed: 4, MedianSeconds: i64(2 * day)},
				{Stage: "contract", Entered: 4, InNow: 1, Passed: 3,
					ConversionToNextPercent: f64(75), ConversionFromFirstPercent: f64(44.4), Timed: 3, MedianSeconds: i64(day)},
				{Stage: "payment", Entered: 3, InNow: 1, Passed: 2,
					ConversionToNextPercent: f64(66.7), ConversionFromFirstPercent: f64(33.3), Timed: 2, MedianSeconds: i64(day)},
				{Stage: "event", Entered: 2, Passed: 2,
					ConversionToNextPercent: f64(100), ConversionFromFirstPercent: f64(22.2), Timed: 2, MedianSeconds: i64(day)},
				{Stage: "close", Entered: 2, Passed: 2,
					ConversionToNextPercent: f64(100), ConversionFromFirstPercent: f64(22.2), Timed: 2, MedianSeconds: i64(2 * day)},
			}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("manager's funnel\n got %s\nwant %s", jsonOf(t, got), jsonOf(t, want))
		}

		// The CSV rows.
		tab := got.Table()
		if len(tab.Rows) != 7 || tab.Header[5] != "conversion_to_next_percent" ||
			!reflect.DeepEqual(tab.Rows[0], []string{"presentation", "9", "1", "7", "1", "77.8", "100.0", "7", "172830"}) ||
			!reflect.DeepEqual(tab.Rows[6], []string{"total", "9", "4", "2", "2", "", "", "", ""}) {
			t.Errorf("table %v / %v", tab.Header, tab.Rows)
		}

		// The admin also sees carol's F11: 10 deals, 3 won; close median
		// over F1 2d, F8 2d, F11 1d → 1d 2d 2d, 2nd = 2d.
		if r := run(reports.Filter{Scope: admin}); r.Deals != 10 || r.Won != 3 || r.Stages[5].Entered != 3 ||
			*r.Stages[5].MedianSeconds != 2*day || r.Stages[5].Timed != 3 {
			t.Errorf("admin's funnel %s", jsonOf(t, r))
		}
		// alice sees her own 8 (not bob's F10): payment entered by F1 F8.
		if r := run(reports.Filter{Scope: alice}); r.Deals != 8 || r.Stages[3].Entered != 2 || r.Stages[3].InNow != 0 {
			t.Errorf("alice's funnel %s", jsonOf(t, r))
		}
		// The zero scope sees nothing: all zero, no conversion, no median.
		zero := run(reports.Filter{})
		if zero.Deals != 0 || zero.Stages[0].Entered != 0 || zero.Stages[0].ConversionToNextPercent != nil ||
			zero.Stages[0].ConversionFromFirstPercent != nil || zero.Stages[0].MedianSeconds != nil {
			t.Errorf("zero scope's funnel %s", jsonOf(t, zero))
		}
		// Owners narrow the scope, never widen it: carol is not in the
		// manager's scope; bob has F10 only.
		if r := run(reports.Filter{Scope: mgr, Owners: []string{"carol"}}); r.Deals != 0 {
			t.Errorf("manager asking for carol got %d deals", r.Deals)
		}
		if r := run(reports.Filter{Scope: alice, Owners: []string{"alice", "bob"}}); r.Deals != 8 {
			t.Errorf("alice asking for bob too got %d deals", r.Deals)
		}
		if r := run(reports.Filter{Scope: mgr, Owners: []string{"bob"}}); r.Deals != 1 || r.Stages[3].InNow != 1 {
			t.Errorf("bob's funnel %s", jsonOf(t, r))
		}
		if r := run(reports.Filter{Scope: admin, Owners: []string{"carol"}}); r.Deals != 1 || r.Won != 1 {
			t.Errorf("admin asking for carol %s", jsonOf(t, r))
		}
		// Product and segment: F12 alone.
		for _, f := range []reports.Filter{{Scope: mgr, Product: "p2"}, {Scope: mgr, Segment: "corp"}} {
			if r := run(f); r.Deals != 1 || r.Stages[1].InNow != 1 || r.Stages[0].Timed != 1 || *r.Stages[0].MedianSeconds != day {
				t.Errorf("%+v: %s", f, jsonOf(t, r))
			}
		}
		// A period that is not one.
		if _, err := reports.Funnel(ctx, db, reports.Filter{Scope: mgr, From: to, To: from}); err == nil {
			t.Error("reversed period accepted")
		}
	})
}
