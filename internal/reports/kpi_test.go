package reports_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// wonDeal is a deal created at created, in the offer stage a day later, won
// at closed with paid and refunded minor units.
func wonDeal(id, client, owner, product, created, closed string, paid, refunded int64) *models.Deal {
	d := newDeal(id, client, owner, product, at(created))
	d.Status, d.Stage, d.ClosedAt = "won", "close", tp(closed)
	d.OfferAt = ptrTime(at(created).AddDate(0, 0, 1))
	d.Amount, d.PaidAmount, d.RefundedAmount = paid, paid, refunded
	return d
}

func ptrTime(t time.Time) *time.Time { return &t }

func point(subjectType, subject, id, owner, status string, overdue string, done *time.Time) *models.ControlPoint {
	return &models.ControlPoint{SubjectType: subjectType, SubjectID: subject, ID: id, Kind: "protocol", Owner: owner,
		Status: status, DueAt: at(overdue).AddDate(0, 0, -1), OverdueAt: at(overdue), DoneAt: done, Seq: 1}
}

func complaint(id, assignee, client, dealID, registered string) *models.Complaint {
	return &models.Complaint{ID: id, Number: "C-" + id, ClientID: client, DealID: dealID, Channel: "phone",
		Category: "quality", Severity: "minor", Status: "open", Step: "registered", Assignee: assignee,
		RegisteredAt: at(registered), Seq: 1}
}

func kpiFixture(t *testing.T, db *gorm.DB) {
	var rows []any
	for _, c := range []string{"cA", "cB", "cD", "cE", "cF", "cG", "cH", "cI", "cJ", "cK"} {
		rows = append(rows, client(c, "Client "+c, "retail"))
	}
	rows = append(rows, client("cC", "Client cC", "corp"))

	// cA: won p1 in 2025 (A0), so A1 (p1) is a repeat sale; A2 is the
	// first p2 won (repeat, other product: net 2500.00 − 500.00); A3 (p2)
	// a repeat but no longer another product; A4 won exactly at To.
	rows = append(rows,
		wonDeal("A0", "cA", "alice", "p1", "2025-05-01T00:00:00Z", "2025-06-01T00:00:00Z", 100000, 0),
		wonDeal("A1", "cA", "alice", "p1", "2026-01-10T00:00:00Z", "2026-02-01T00:00:00Z", 100000, 0),
		wonDeal("A2", "cA", "alice", "p2", "2026-01-20T00:00:00Z", "2026-02-10T00:00:00Z", 250000, 50000),
		wonDeal("A3", "cA", "alice", "p2", "2026-02-15T00:00:00Z", "2026-03-01T00:00:00Z", 30000, 0),
		wonDeal("A4", "cA", "alice", "p1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 99900, 0),
	)
	// cB: a prospect whose first deal was created exactly at From and won,
	// then refunded in full: a first sale with a sum of 0.00.
	rows = append(rows, wonDeal("B1", "cB", "alice", "p1", "2026-01-01T00:00:00Z", "2026-01-20T00:00:00Z", 100000, 100000))
	// cC (corp): bob's prospect, open in presentation at To.
	rows = append(rows, newDeal("C1", "cC", "bob", "p1", at("2026-02-01T00:00:00Z")))
	// cD: D1 moved to the offer stage only after To, D2 open in
	// presentation: in the initial stage at To, counted once.
	d1 := newDeal("D1", "cD", "alice", "p1", at("2026-03-01T00:00:00Z"))
	d1.Stage, d1.OfferAt = "offer", tp("2026-04-02T00:00:00Z")
	rows = append(rows, d1, newDeal("D2", "cD", "alice", "p1", at("2026-03-02T00:00:00Z")))
	// cE: lost in presentation after To: in the initial stage at To.
	e1 := newDeal("E1", "cE", "alice", "p1", at("2026-03-15T00:00:00Z"))
	e1.Status, e1.LostStage, e1.LostReason, e1.ClosedAt = "lost", "presentation", "price", tp("2026-04-05T00:00:00Z")
	rows = append(rows, e1)
	// cF: a prospect converted (won before To).
	rows = append(rows, wonDeal("F1", "cF", "alice", "p1", "2026-01-05T00:00:00Z", "2026-03-20T00:00:00Z", 50000, 0))
	// cG: first deal created exactly at To: no prospect, not in the
	// initial stage at To.
	rows = append(rows, newDeal("G1", "cG", "alice", "p1", at("2026-04-01T00:00:00Z")))
	// cH: a deal lost in 2025, then the first won deal: a first sale, not
	// a prospect.
	h0 := newDeal("H0", "cH", "alice", "p1", at("2025-05-01T00:00:00Z"))
	h0.Status, h0.LostStage, h0.LostReason, h0.ClosedAt = "lost", "presentation", "price", tp("2025-05-10T00:00:00Z")
	rows = append(rows, h0, wonDeal("H1", "cH", "alice", "p1", "2026-02-01T00:00:00Z", "2026-02-15T00:00:00Z", 20000, 0))
	// cI: carol's (another team).
	rows = append(rows, wonDeal("I1", "cI", "carol", "p1", "2026-01-10T00:00:00Z", "2026-01-30T00:00:00Z", 30000, 0))
	// cJ: two deals created and won at the same instants: J1 (the lower
	// ID) is the first deal and the first sale, J2 a repeat sale.
	rows = append(rows,
		wonDeal("J1", "cJ", "bob", "p1", "2026-01-03T12:00:00Z", "2026-02-05T00:00:00Z", 10000, 0),
		wonDeal("J2", "cJ", "bob", "p1", "2026-01-03T12:00:00Z", "2026-02-05T00:00:00Z", 15000, 0))
	// cK: created in 2025, won exactly at From: a first sale, no prospect.
	rows = append(rows, wonDeal("K1", "cK", "alice", "p1", "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z", 5000, 0))

	// Classification history.
	change := func(client, asOf, owner, category string) *models.ClientClassChange {
		return &models.ClientClassChange{ClientID: client, AsOf: at(asOf), Owner: owner, Category: category, ABC: "C", XYZ: ""}
	}
	rows = append(rows,
		change("cA", "2026-02-01T00:00:00Z", "alice", models.CategoryLost),
		change("cA", "2026-03-01T00:00:00Z", "alice", models.CategoryRestored),
		change("cB", "2026-04-01T00:00:00Z", "alice", models.CategoryLost), // at To: out
		change("cH", "2026-01-01T00:00:00Z", "alice", models.CategoryLost), // at From: in
		change("cF", "2026-02-01T00:00:00Z", "alice", models.CategoryNew),
		change("cI", "2026-02-01T00:00:00Z", "carol", models.CategoryLost),
	)
	// Control points.
	rows = append(rows,
		point("deal", "A1", "cp1", "alice", "done", "2026-01-12T00:00:00Z", tp("2026-01-10T00:00:00Z")),
		point("deal", "A2", "cp2", "alice", "done", "2026-02-05T00:00:00Z", tp("2026-02-05T00:00:00Z")), // done at overdue_at: on time
		point("deal", "A3", "cp3", "alice", "done", "2026-02-08T00:00:00Z", tp("2026-02-10T00:00:00Z")), // late
		point("deal", "A1", "cp4", "alice", "done", "2026-04-02T00:00:00Z", tp("2026-04-01T00:00:00Z")), // done at To: out
		point("deal", "A1", "cp5", "alice", "open", "2026-02-02T00:00:00Z", nil),
		point("complaint", "m1", "cp6", "alice", "done", "2026-02-02T00:00:00Z", tp("2026-02-01T00:00:00Z")), // not a deal's
		point("deal", "J1", "cp7", "bob", "done", "2026-03-02T00:00:00Z", tp("2026-03-01T00:00:00Z")),
	)
	// Complaints.
	rows = append(rows,
		complaint("m1", "alice", "cA", "A2", "2026-01-05T00:00:00Z"),
		complaint("m2", "alice", "cB", "B1", "2026-03-31T23:59:59Z"),
		complaint("m3", "alice", "cA", "", "2026-04-01T00:00:00Z"), // at To: out
		complaint("m4", "carol", "cI", "I1", "2026-02-01T00:00:00Z"),
	)
	setup(t, db, rows...)
}

func TestKPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		kpiFixture(t, db)
		admin, mgr, aliceScope := scopes(t, db)
		// The kinds of sale the refresh stored on the won deals, which the
		// report sums: A0 is cA's first win; A1 repeats p1; A2 is cA's
		// first p2 (a new product line), A3 repeats it, A4 repeats p1; J1
		// comes before J2 (same instant) by ID and J2 repeats p1.
		var won []models.Deal
		if err := db.Select("id, sale_kind, new_product").Where("status = ?", "won").Order("id").Find(&won).Error; err != nil {
			t.Fatal(err)
		}
		kinds := ""
		for _, d := range won {
			kinds += d.ID + ":" + d.SaleKind
			if d.NewProduct {
				kinds += "+new"
			}
			kinds += " "
		}
		if want := "A0:first A1:repeat A2:repeat+new A3:repeat A4:repeat B1:first F1:first H1:first I1:first " +
			"J1:first J2:repeat K1:first "; kinds != want {
			t.Errorf("sale kinds %q, want %q", kinds, want)
		}
		ctx := context.Background()
		run := runner(t, db, reports.KPI)

		// alice:
		//   initial stage at To: cD (D1 moved on after To, D2 still in
		//     presentation: one client) and cE (lost after To) = 2; not cG
		//     (entered at To).
		//   won in the period: A1 A2 A3 B1 F1 H1 K1 = 7 (A0 before, A4 at
		//     To). First sales B1 0.00 + F1 500.00 + H1 200.00 + K1 50.00
		//     = 4, 750.00; repeat A1 1000.00 + A2 2000.00 + A3 300.00 = 3,
		//     3300.00; other product A2 = 1, 2000.00.
		//   prospects: cB (B1 at From), cD, cE, cF = 4; converted cB, cF = 2
		//     → 50.0%.
		//   lost cA (Feb 1), cH (at From) = 2; restored cA = 1.
		//   control points done in the period cp1 (on time), cp2 (done at
		//     overdue_at: on time), cp3 (late) → 2/3 = 66.7%.
		//   complaints m1 m2 = 2 per 7 won → 28.571 → 28.6.
		alice := reports.KPIRow{Owner: "alice", Name: "Alice", ClientsInInitialStage: 2,
			FirstSales: reports.Sales{Count: 4, Sum: 75000}, RepeatSales: reports.Sales{Count: 3, Sum: 330000},
			OtherProductSales: reports.Sales{Count: 1, Sum: 200000},
			Prospects:         4, ProspectsConverted: 2, ProspectConversionPercent: f64(50),
			LostClients: 2, RestoredClients: 1,
			ControlPointsDone: 3, ControlPointsOnTime: 2, ControlPointsOnTimePercent: f64(66.7),
			Complaints: 2, WonDeals: 7, ComplaintsPer100ClosedDeals: f64(28.6)}
		// bob:
		//   initial: cC (C1) = 1. Won J1 (first, 100.00), J2 (repeat,
		//   150.00; same product: not another). Prospects cC, cJ (J1 the
		//   first by ID) = 2, converted cJ = 1 → 50.0%. cp7 on time → 1/1
		//   = 100.0%. No complaints: 0 per 2 won = 0.0.
		bob := reports.KPIRow{Owner: "bob", Name: "Bob", ClientsInInitialStage: 1,
			FirstSales: reports.Sales{Count: 1, Sum: 10000}, RepeatSales: reports.Sales{Count: 1, Sum: 15000},
			Prospects: 2, ProspectsConverted: 1, ProspectConversionPercent: f64(50),
			ControlPointsDone: 1, ControlPointsOnTime: 1, ControlPointsOnTimePercent: f64(100),
			WonDeals: 2, ComplaintsPer100ClosedDeals: f64(0)}
		// carol: I1 a first sale of 300.00 and a converted prospect
		// (100.0%); cI lost; m4 → 1 per 1 won = 100.0; no control points.
		carol := reports.KPIRow{Owner: "carol", Name: "Carol",
			FirstSales: reports.Sales{Count: 1, Sum: 30000},
			Prospects:  1, ProspectsConverted: 1, ProspectConversionPercent: f64(100),
			LostClients: 1, Complaints: 1, WonDeals: 1, ComplaintsPer100ClosedDeals: f64(100)}

		check := func(name string, f reports.Filter, want ...reports.KPIRow) {
			t.Helper()
			got := run(f)
			if want == nil {
				want = []reports.KPIRow{}
			}
			if !reflect.DeepEqual(got.Reps, want) {
				t.Errorf("%s\n got %s\nwant %s", name, jsonOf(t, got.Reps), jsonOf(t, want))
			}
		}
		check("manager", reports.Filter{Scope: mgr}, alice, bob)
		// Inside a caller's transaction the parts run one after the other,
		// with the same figures.
		err := db.Transaction(func(tx *gorm.DB) error {
			r, err := reports.KPI(ctx, tx, reports.Filter{Scope: mgr, From: from, To: to})
			if err == nil && !reflect.DeepEqual(r.Reps, []reports.KPIRow{alice, bob}) {
				t.Errorf("in a transaction\n got %s", jsonOf(t, r.Reps))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		check("alice", reports.Filter{Scope: aliceScope}, alice)
		check("admin", reports.Filter{Scope: admin}, alice, bob, carol)
		check("zero scope", reports.Filter{})
		check("manager asking for carol", reports.Filter{Scope: mgr, Owners: []string{"carol"}})
		check("alice asking for bob too", reports.Filter{Scope: aliceScope, Owners: []string{"alice", "bob"}}, alice)
		// A rep asked for by name has a row even without figures.
		check("manager asking for mgr", reports.Filter{Scope: mgr, Owners: []string{"mgr"}},
			reports.KPIRow{Owner: "mgr", Name: "Mary Manager"})

		// Product p2 (alice): won A2 (repeat, other product) and A3
		// (repeat) = 2, 2300.00; no prospect and no initial stage (p1
		// deals); lost and restored clients do not depend on the product
		// (2, 1); control points of p2 deals cp2 (on time) and cp3 (late)
		// → 50.0%; complaints about p2 deals m1 → 1 per 2 won = 50.0.
		check("product p2", reports.Filter{Scope: mgr, Product: "p2"},
			reports.KPIRow{Owner: "alice", Name: "Alice",
				RepeatSales:       reports.Sales{Count: 2, Sum: 230000},
				OtherProductSales: reports.Sales{Count: 1, Sum: 200000},
				LostClients:       2, RestoredClients: 1,
				ControlPointsDone: 2, ControlPointsOnTime: 1, ControlPointsOnTimePercent: f64(50),
				Complaints: 1, WonDeals: 2, ComplaintsPer100ClosedDeals: f64(50)})
		// Segment corp: cC alone, bob's: in the initial stage, a prospect
		// not converted (0.0%); no won deal, so no complaint rate.
		check("segment corp", reports.Filter{Scope: mgr, Segment: "corp"},
			reports.KPIRow{Owner: "bob", Name: "Bob", ClientsInInitialStage: 1, Prospects: 1, ProspectConversionPercent: f64(0)})

		tab := run(reports.Filter{Scope: mgr}).Table()
		if len(tab.Rows) != 2 || len(tab.Header) != len(tab.Rows[0]) ||
			!reflect.DeepEqual(tab.Rows[0], []string{"alice", "Alice", "2", "4", "750.00", "4", "2", "50.0",
				"3", "3300.00", "1", "2000.00", "2", "1", "3", "2", "66.7", "2", "7", "28.6"}) {
			t.Errorf("table %v\n%v", tab.Header, tab.Rows)
		}
	})
}

// A client who lapsed once is one lost client, however many history
// entries the classification appended while it stayed lost (its ABC and XYZ
// classes moved): the KPI counts transitions. Here cL lapses once
// (permanent → lost, then 3 more lost entries: 4 entries, 1 transition),
// is restored twice with a lost spell between (2 restorations, and the
// second lapse counts), and cM was already lost before the period (its
// entries in the period are no transition).
func TestKPICountsTransitions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		change := func(client, asOf, category, abc string) *models.ClientClassChange {
			return &models.ClientClassChange{ClientID: client, AsOf: at(asOf), Owner: "alice", Category: category, ABC: abc}
		}
		setup(t, db, client("cL", "Client cL", "retail"), client("cM", "Client cM", "retail"),
			change("cL", "2025-12-01T00:00:00Z", models.CategoryPermanent, "A"),
			change("cL", "2026-01-02T00:00:00Z", models.CategoryLost, "A"),
			change("cL", "2026-01-09T00:00:00Z", models.CategoryLost, "B"),
			change("cL", "2026-01-16T00:00:00Z", models.CategoryLost, "C"),
			change("cL", "2026-01-23T00:00:00Z", models.CategoryLost, ""),
			change("cL", "2026-02-01T00:00:00Z", models.CategoryRestored, "C"),
			change("cL", "2026-02-08T00:00:00Z", models.CategoryRestored, "B"),
			change("cL", "2026-03-01T00:00:00Z", models.CategoryLost, "B"),
			change("cL", "2026-03-08T00:00:00Z", models.CategoryRestored, "B"),
			change("cM", "2025-11-01T00:00:00Z", models.CategoryLost, "C"),
			change("cM", "2026-01-05T00:00:00Z", models.CategoryLost, ""),
		)
		admin, _, _ := scopes(t, db)
		r, err := reports.KPI(context.Background(), db, reports.Filter{Scope: admin, From: at("2026-01-01T00:00:00Z"), To: at("2026-04-01T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Reps) != 1 || r.Reps[0].LostClients != 2 || r.Reps[0].RestoredClients != 2 {
			t.Fatalf("reps %+v, want alice with 2 lapses (not 6 lost entries) and 2 restorations (not 3)", r.Reps)
		}
	})
}

// The KPI's lost and restored clients read the previous entry's category
// stored on each classification history entry; an entry not filled yet is
// looked up among the client's entries. Both paths give the same report:
// the fixtures' entries are inserted without it (the lookup), then filled
// (models.FillPreviousCategories, as a classification run and the
// migration do), then half unfilled again (a mix).
func TestKPIStoredPreviousCategoryMatchesLookup(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		kpiFixture(t, db)
		change := func(client, asOf, category string) *models.ClientClassChange {
			return &models.ClientClassChange{ClientID: client, AsOf: at(asOf), Owner: "bob", Category: category, ABC: "B"}
		}
		for _, c := range []any{
			client("cT", "Client cT", "retail"), client("cU", "Client cU", "corp"),
			change("cT", "2025-12-01T00:00:00Z", models.CategoryLost),
			change("cT", "2026-01-15T00:00:00Z", models.CategoryLost),
			change("cT", "2026-02-01T00:00:00Z", models.CategoryRestored),
			change("cT", "2026-02-15T00:00:00Z", models.CategoryRestored),
			change("cT", "2026-03-01T00:00:00Z", models.CategoryLost),
			change("cU", "2026-03-02T00:00:00Z", models.CategoryRestored),
		} {
			if err := db.Create(c).Error; err != nil {
				t.Fatal(err)
			}
		}
		admin, mgr, _ := scopes(t, db)
		ctx := context.Background()
		kpis := func() string {
			var out string
			for _, f := range []reports.Filter{{Scope: admin}, {Scope: mgr}, {Scope: admin, Segment: "retail"}, {Scope: admin, Owners: []string{"bob"}}} {
				f.From, f.To = from, to
				r, err := reports.KPI(ctx, db, f)
				if err != nil {
					t.Fatal(err)
				}
				out += jsonOf(t, r) + "\n"
			}
			return out
		}
		var unfilled int64
		if err := db.Model(&models.ClientClassChange{}).Where("previous_category IS NULL").Count(&unfilled).Error; err != nil || unfilled == 0 {
			t.Fatalf("fixture entries without a previous category: %d, %v", unfilled, err)
		}
		lookedUp := kpis()
		if !strings.Contains(lookedUp, `"owner":"bob"`) {
			t.Fatalf("bob's transitions missing from %s", lookedUp)
		}
		if err := models.FillPreviousCategories(ctx, db, nil); err != nil {
			t.Fatal(err)
		}
		var cT []models.ClientClassChange
		if err := db.Where("client_id = ?", "cT").Order("as_of").Find(&cT).Error; err != nil {
			t.Fatal(err)
		}
		var prev []string
		for _, c := range cT {
			if c.PreviousCategory == nil {
				t.Fatalf("entry %v not filled", c.AsOf)
			}
			prev = append(prev, *c.PreviousCategory)
		}
		if want := []string{"", "lost", "lost", "restored", "restored"}; !reflect.DeepEqual(prev, want) {
			t.Fatalf("cT's previous categories %q, want %q", prev, want)
		}
		if stored := kpis(); stored != lookedUp {
			t.Fatalf("stored previous categories\n%s\nlooked up\n%s", stored, lookedUp)
		}
		if err := db.Model(&models.ClientClassChange{}).Where("as_of >= ?", at("2026-02-01T00:00:00Z")).
			Update("previous_category", nil).Error; err != nil {
			t.Fatal(err)
		}
		if mixed := kpis(); mixed != lookedUp {
			t.Fatalf("half stored\n%s\nlooked up\n%s", mixed, lookedUp)
		}
	})
}
