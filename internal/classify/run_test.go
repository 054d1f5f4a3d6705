package classify_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// utc is a time in UTC.
func utc(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, time.UTC)
}

// pay is one settlement of a fixture: a payment (positive) or refund
// (negative), in minor units.
type pay struct {
	client string
	at     time.Time
	amount int64
}

// seed stores the clients (created by creator, segment "retail") and one
// deal per client that has payments, owned by owner and holding them.
func seed(t *testing.T, db *gorm.DB, creator, owner string, clients []string, pays []pay) {
	t.Helper()
	for _, id := range clients {
		c := models.Client{ID: id, Name: "Client " + id, Segment: "retail", CreatedBy: creator, CreatedAt: utc(2024, 1, 1, 0, 0, 0)}
		if err := db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
	}
	n := map[string]int{}
	for _, p := range pays {
		dealID := "d-" + p.client
		if n[p.client] == 0 {
			addDeal(t, db, dealID, p.client, owner, utc(2024, 1, 1, 0, 0, 0))
		}
		n[p.client]++
		row := models.Payment{DealID: dealID, N: n[p.client], ClientID: p.client, Amount: p.amount, At: p.at.UTC()}
		if err := db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func addDeal(t *testing.T, db *gorm.DB, id, client, owner string, created time.Time) {
	t.Helper()
	d := models.Deal{ID: id, ClientID: client, Owner: owner, Title: id, Amount: 1, Currency: "RUB",
		Stage: "payment", Status: "open", CreatedAt: created, UpdatedAt: created, Seq: 1}
	if err := db.Create(&d).Error; err != nil {
		t.Fatal(err)
	}
}

// classes returns the stored classes by client.
func classes(t *testing.T, db *gorm.DB) map[string]models.ClientClass {
	t.Helper()
	var rows []models.ClientClass
	if err := db.Order("client_id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]models.ClientClass{}
	for _, r := range rows {
		r.AsOf = r.AsOf.UTC()
		out[r.ClientID] = r
	}
	return out
}

// changes returns the stored history rows, by client then time.
func changes(t *testing.T, db *gorm.DB) []models.ClientClassChange {
	t.Helper()
	var rows []models.ClientClassChange
	if err := db.Order("client_id").Order("as_of").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		rows[i].AsOf = rows[i].AsOf.UTC()
	}
	return rows
}

func run(t *testing.T, db *gorm.DB, asOf time.Time) classify.Result {
	t.Helper()
	res, err := classify.Run(context.Background(), db, asOf, classify.Params{})
	if err != nil {
		t.Fatalf("run as of %s: %v", asOf, err)
	}
	return res
}

// dump formats classes for comparison.
func dump(m map[string]models.ClientClass) string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(m)) {
		c := m[id]
		v := "-"
		if c.Variation != nil {
			v = fmt.Sprint(*c.Variation)
		}
		fmt.Fprintf(&b, "%s %s %s %s %s/%s/%s %d %s\n", id, c.AsOf, c.Owner, c.Segment, c.Category, c.ABC, c.XYZ, c.Turnover, v)
	}
	return b.String()
}

// want is the expected class of one client.
type want struct {
	category, abc, xyz string
	turnover           int64
	cv                 float64 // -1: no variation
}

func check(t *testing.T, got map[string]models.ClientClass, id string, w want) {
	t.Helper()
	g, ok := got[id]
	if !ok {
		t.Errorf("%s: not classified", id)
		return
	}
	if g.Category != w.category || g.ABC != w.abc || g.XYZ != w.xyz || g.Turnover != w.turnover {
		t.Errorf("%s: %s/%q/%q turnover %d, want %s/%q/%q turnover %d",
			id, g.Category, g.ABC, g.XYZ, g.Turnover, w.category, w.abc, w.xyz, w.turnover)
	}
	switch {
	case w.cv < 0 && g.Variation != nil:
		t.Errorf("%s: variation %v, want none", id, *g.Variation)
	case w.cv >= 0 && (g.Variation == nil || math.Abs(*g.Variation-w.cv) > 1e-6):
		t.Errorf("%s: variation %v, want %v", id, g.Variation, w.cv)
	}
}

// T is the as-of time of the fixtures: the category window is
// [1 Apr, 1 Jul), the window before [1 Jan, 1 Apr), the ABC period and
// the XYZ months January to June 2026; XYZ needs a payment before 1 Feb.
var T = utc(2026, 7, 1, 0, 0, 0)

// TestClassifyCategories works out each category by hand, with
// settlements exactly at T, at the window start and at the start of the
// window before, and refunds that zero a window.
func TestClassifyCategories(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		clients := []string{"l1", "l2", "m1", "m2", "m3", "n1", "p1", "p2", "p3", "r1", "r2", "r3"}
		seed(t, db, "alice", "bob", clients, []pay{
			// p1: no settlements. p2: paid exactly at T, which is the next
			// run's. p3: paid and refunded in the window: net 0.
			{"p2", T, 10000},
			{"p3", utc(2026, 4, 10, 0, 0, 0), 10000}, {"p3", utc(2026, 4, 20, 0, 0, 0), -10000},
			// n1: first payment exactly at the window start (inclusive).
			{"n1", utc(2026, 4, 1, 0, 0, 0), 10000},
			// l1: a second before the window start: the window before.
			{"l1", utc(2026, 3, 31, 23, 59, 59), 10000},
			// l2: paid in the window before; the window's payment refunded.
			{"l2", utc(2026, 3, 1, 0, 0, 0), 10000},
			{"l2", utc(2026, 5, 1, 0, 0, 0), 5000}, {"l2", utc(2026, 5, 20, 0, 0, 0), -5000},
			// m1: both windows.
			{"m1", utc(2026, 2, 10, 0, 0, 0), 10000}, {"m1", utc(2026, 5, 10, 0, 0, 0), 10000},
			// m2: exactly at the start of the window before, and the window.
			{"m2", utc(2026, 1, 1, 0, 0, 0), 10000}, {"m2", utc(2026, 5, 10, 0, 0, 0), 10000},
			// m3: a second before 1 Feb (enough XYZ history), and June.
			{"m3", utc(2026, 1, 31, 23, 59, 59), 10000}, {"m3", utc(2026, 6, 10, 0, 0, 0), 10000},
			// r1: a year ago, then nothing until June: restored after a gap.
			{"r1", utc(2025, 6, 15, 0, 0, 0), 10000}, {"r1", utc(2026, 6, 5, 0, 0, 0), 10000},
			// r2: a second before the window before, then the window.
			{"r2", utc(2025, 12, 31, 23, 59, 59), 10000}, {"r2", utc(2026, 5, 10, 0, 0, 0), 10000},
			// r3: paid long ago; the window before's payment refunded (a
			// gap), paid again in the window.
			{"r3", utc(2025, 3, 1, 0, 0, 0), 10000},
			{"r3", utc(2026, 2, 1, 0, 0, 0), 10000}, {"r3", utc(2026, 2, 15, 0, 0, 0), -10000},
			{"r3", utc(2026, 5, 10, 0, 0, 0), 10000},
		})
		res := run(t, db, T)
		if res.Clients != len(clients) || res.Changes != len(clients) || !res.AsOf.Equal(T) {
			t.Errorf("first run = %+v, want every client written and recorded", res)
		}
		got := classes(t, db)
		// ABC over January–June: m1, m2, m3 hold 20000 each; l1, l2, n1,
		// r1, r2, r3 10000 each (r2's December payment is before the
		// period, r3's February refund cancels its payment); total 120000.
		// By turnover, then ID: m1 0% A, m2 16.7% A, m3 33.3% A; l1 starts
		// exactly at 50%: B; l2 58.3% B, n1 66.7% B, r1 75% B; r2 83.3% C,
		// r3 91.7% C.
		check(t, got, "p1", want{"potential", "", "", 0, -1})
		check(t, got, "p2", want{"potential", "", "", 0, -1})
		check(t, got, "p3", want{"potential", "", "", 0, -1})
		check(t, got, "n1", want{"new", "B", "", 10000, -1})
		check(t, got, "l1", want{"lost", "B", "", 10000, -1})
		check(t, got, "l2", want{"lost", "B", "", 10000, -1})
		// m1's first payment is after 1 Feb: too little history for XYZ.
		check(t, got, "m1", want{"permanent", "A", "", 20000, -1})
		// m2: months 10000, 0, 0, 0, 10000, 0: mean 3333.33, std dev
		// 4714.05, variation √2 = 1.414214. m3 (10000, 0, 0, 0, 0, 10000)
		// the same.
		check(t, got, "m2", want{"permanent", "A", "Z", 20000, math.Sqrt2})
		check(t, got, "m3", want{"permanent", "A", "Z", 20000, math.Sqrt2})
		// r1, r2, r3 paid before 1 Feb, so have XYZ history; each has one
		// month of 10000 in six: mean 1666.67, std dev 3726.78, √5.
		check(t, got, "r1", want{"restored", "B", "Z", 10000, math.Sqrt(5)})
		check(t, got, "r2", want{"restored", "C", "Z", 10000, math.Sqrt(5)})
		check(t, got, "r3", want{"restored", "C", "Z", 10000, math.Sqrt(5)})
		if o := got["n1"].Owner; o != "bob" {
			t.Errorf("n1 owner %q, want the deal owner bob", o)
		}
		if o := got["p1"].Owner; o != "alice" {
			t.Errorf("p1 (no deals) owner %q, want its creator alice", o)
		}
		if s := got["p1"].Segment; s != "retail" {
			t.Errorf("p1 segment %q", s)
		}
	})
}

// monthly returns one payment on the 15th of each month from January 2026
// of the given amounts.
func monthly(client string, amounts ...int64) []pay {
	var out []pay
	for i, a := range amounts {
		if a != 0 {
			out = append(out, pay{client, utc(2026, time.Month(1+i), 15, 0, 0, 0), a})
		}
	}
	return out
}

// TestClassifyABCAndXYZ works out ABC (a tie exactly at the 50% threshold)
// and each XYZ class, including exactly at 10% and 25% and a client whose
// first payment is exactly at the end of the first XYZ month.
func TestClassifyABCAndXYZ(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var pays []pay
		pays = append(pays, pay{"c1-big", utc(2026, 3, 1, 0, 0, 0), 90000})
		pays = append(pays, monthly("c2-x", 9000, 11000, 9000, 11000, 9000, 11000)...)
		pays = append(pays, monthly("c3-y", 7500, 12500, 7500, 12500, 7500, 12500)...)
		pays = append(pays, monthly("c4-z", 20000, 0, 20000, 0, 20000, 0)...)
		pays = append(pays, pay{"c5-short", utc(2026, 2, 1, 0, 0, 0), 15000}, pay{"c5-short", utc(2026, 6, 1, 0, 0, 0), 15000})
		pays = append(pays, pay{"c6-zero", utc(2026, 3, 1, 0, 0, 0), 1000}, pay{"c6-zero", utc(2026, 3, 2, 0, 0, 0), -1000})
		pays = append(pays, pay{"c7-refunded", utc(2025, 1, 10, 0, 0, 0), 50000},
			pay{"c7-refunded", utc(2026, 1, 10, 0, 0, 0), 10000}, pay{"c7-refunded", utc(2026, 2, 10, 0, 0, 0), -20000})
		seed(t, db, "alice", "alice", []string{"c1-big", "c2-x", "c3-y", "c4-z", "c5-short", "c6-zero", "c7-refunded"}, pays)
		run(t, db, T)
		got := classes(t, db)
		// Turnover: c1 90000, c2 c3 c4 60000 each, c5 30000; c6 0 and c7
		// −10000 have no class. Total 300000. c1 0% A; c2 30% A; c3 starts
		// exactly at 50%: B (its tie with c2 and c4 broken by ID); c4 70%
		// B; c5 90% C.
		// c1 paid only in the window before: lost, yet the biggest.
		check(t, got, "c1-big", want{"lost", "A", "", 90000, -1})
		// Mean 10000: std dev 1000 (10%, X), 2500 (25%, Y), 10000 (100%, Z).
		check(t, got, "c2-x", want{"permanent", "A", "X", 60000, 0.1})
		check(t, got, "c3-y", want{"permanent", "B", "Y", 60000, 0.25})
		check(t, got, "c4-z", want{"permanent", "B", "Z", 60000, 1})
		// First payment exactly at 1 Feb, the end of the first XYZ month.
		check(t, got, "c5-short", want{"permanent", "C", "", 30000, -1})
		// c6's payment refunded within the window before: never settled.
		check(t, got, "c6-zero", want{"potential", "", "", 0, -1})
		// Net −10000 over the months: no mean, no XYZ class.
		check(t, got, "c7-refunded", want{"lost", "", "", -10000, -1})
	})
}

// TestClassifyRunIsIdempotentAndKeepsHistory runs three times a month
// apart and more, checking that a repeated run changes nothing, an older
// run is refused, and history rows appear only on change.
func TestClassifyRunIsIdempotentAndKeepsHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		seed(t, db, "alice", "alice", []string{"h1", "h2", "h3"}, append(
			[]pay{{"h1", utc(2026, 5, 10, 0, 0, 0), 10000}},
			monthly("h2", 10000, 10000, 10000, 10000, 10000, 10000, 10000)...)) // January to July
		// h1's latest deal is bob's.
		addDeal(t, db, "d-h1-2", "h1", "bob", utc(2026, 6, 1, 0, 0, 0))

		// 1 July: h1 new; h2 permanent, X (flat); h3 potential. ABC total
		// 70000: h2 A, h1 starts at 85.7%: C.
		if res := run(t, db, T); res.Clients != 3 || res.Changes != 3 {
			t.Fatalf("first run = %+v", res)
		}
		first := classes(t, db)
		check(t, first, "h1", want{"new", "C", "", 10000, -1})
		check(t, first, "h2", want{"permanent", "A", "X", 60000, 0})
		check(t, first, "h3", want{"potential", "", "", 0, -1})
		if first["h1"].Owner != "bob" {
			t.Errorf("h1 owner %q, want bob (latest deal)", first["h1"].Owner)
		}

		// The same day again: nothing written, nothing appended.
		if res := run(t, db, T); res.Clients != 0 || res.Changes != 0 {
			t.Errorf("repeated run = %+v, want nothing", res)
		}
		if again := classes(t, db); dump(again) != dump(first) {
			t.Errorf("repeated run changed classes:\n%s\n%s", dump(first), dump(again))
		}
		// An older day: refused, nothing written.
		if _, err := classify.Run(ctx, db, utc(2026, 6, 1, 0, 0, 0), classify.Params{}); !errors.Is(err, classify.ErrOutdated) {
			t.Errorf("older run: %v, want ErrOutdated", err)
		}
		if n := len(changes(t, db)); n != 3 {
			t.Errorf("%d history rows after the refused run, want 3", n)
		}

		// 1 August, a month later, h3 paid 5000 on 20 July: new. ABC over
		// February–July: h2 60000 A, h1 starts exactly at 80%: C, h3 C.
		// h1 and h2 unchanged: one history row, h3's.
		seed(t, db, "", "alice", nil, []pay{{"h3", utc(2026, 7, 20, 0, 0, 0), 5000}})
		aug := utc(2026, 8, 1, 0, 0, 0)
		if res := run(t, db, aug); res.Clients != 3 || res.Changes != 1 {
			t.Errorf("August run = %+v, want 3 clients and 1 change", res)
		}
		second := classes(t, db)
		check(t, second, "h1", want{"new", "C", "", 10000, -1})
		check(t, second, "h2", want{"permanent", "A", "X", 60000, 0})
		check(t, second, "h3", want{"new", "C", "", 5000, -1})
		if !second["h1"].AsOf.Equal(aug) {
			t.Errorf("h1 as of %s, want %s", second["h1"].AsOf, aug)
		}

		// 1 October: window [1 Jul, 1 Oct). h1 lost; h2 (paid 15 Jul)
		// permanent, its months April–September 10000 ×4, 0, 0: Z
		// (0.707107); h3 still new. ABC over April–September: h2 40000 A,
		// h1 10000 starts at 72.7%: B; h3 at 90.9%: C.
		oct := utc(2026, 10, 1, 0, 0, 0)
		if res := run(t, db, oct); res.Changes != 2 {
			t.Errorf("October run = %+v, want 2 changes", res)
		}
		third := classes(t, db)
		check(t, third, "h1", want{"lost", "B", "", 10000, -1})
		check(t, third, "h2", want{"permanent", "A", "Z", 40000, math.Sqrt(0.5)})
		check(t, third, "h3", want{"new", "C", "", 5000, -1})

		var hist []string
		for _, c := range changes(t, db) {
			hist = append(hist, fmt.Sprintf("%s %s %s/%s/%s %s", c.ClientID, c.AsOf.Format(time.DateOnly), c.Category, c.ABC, c.XYZ, c.Owner))
		}
		wantHist := []string{
			"h1 2026-07-01 new/C/ bob", "h1 2026-10-01 lost/B/ bob",
			"h2 2026-07-01 permanent/A/X alice", "h2 2026-10-01 permanent/A/Z alice",
			"h3 2026-07-01 potential// alice", "h3 2026-08-01 new/C/ alice",
		}
		if fmt.Sprint(hist) != fmt.Sprint(wantHist) {
			t.Errorf("history:\n%q\nwant\n%q", hist, wantHist)
		}
	})
}

// TestClassifyRunSeesNewClientsOnRepeat shows that a repeated run of the
// same day classifies only clients created since.
func TestClassifyRunSeesNewClientsOnRepeat(t *testing.T) {
	db := testdb.SQLite(t)
	seed(t, db, "alice", "alice", []string{"a"}, nil)
	run(t, db, T)
	seed(t, db, "alice", "alice", []string{"b"}, nil)
	if res := run(t, db, T); res.Clients != 1 || res.Changes != 1 {
		t.Errorf("repeat with a new client = %+v, want 1 and 1", res)
	}
}

// TestClassifyRunStoresPreviousCategories shows that each history row a
// run appends carries the category of the client's row before it ("" for
// the first), which the KPI report reads to count transitions.
func TestClassifyRunStoresPreviousCategories(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db, "alice", "alice", []string{"h1", "h3"}, []pay{{"h1", utc(2026, 5, 10, 0, 0, 0), 10000}})
		run(t, db, T) // h1 new, h3 potential
		seed(t, db, "", "alice", nil, []pay{{"h3", utc(2026, 7, 20, 0, 0, 0), 5000}})
		run(t, db, utc(2026, 8, 1, 0, 0, 0))  // h3 new
		run(t, db, utc(2026, 10, 1, 0, 0, 0)) // h1 lost
		var got []string
		for _, c := range changes(t, db) {
			prev := "<nil>"
			if c.PreviousCategory != nil {
				prev = *c.PreviousCategory
			}
			got = append(got, fmt.Sprintf("%s %s %q→%s", c.ClientID, c.AsOf.Format(time.DateOnly), prev, c.Category))
		}
		want := []string{
			`h1 2026-07-01 ""→new`, `h1 2026-10-01 "new"→lost`,
			`h3 2026-07-01 ""→potential`, `h3 2026-08-01 "potential"→new`,
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("history:\n%q\nwant\n%q", got, want)
		}
	})
}
