package classify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// reportFixture stores and classifies, as of T:
//
//	a1 alice  permanent   X   60000  (10000 monthly, January–June)
//	a2 alice  new             10000  (May)
//	a3 alice  potential
//	b1 bob    lost            10000  (March)
//	b2 bob    permanent   X  120000  (20000 monthly)
//	c1 carol  potential, segment wholesale
//
// ABC over 200000: b2 0% A, a1 60% B, a2 90% C, b1 95% C.
func reportFixture(t *testing.T, db *gorm.DB) {
	t.Helper()
	seed(t, db, "alice", "alice", []string{"a1", "a2", "a3"},
		append(monthly("a1", 10000, 10000, 10000, 10000, 10000, 10000), pay{"a2", utc(2026, 5, 10, 0, 0, 0), 10000}))
	seed(t, db, "bob", "bob", []string{"b1", "b2"},
		append(monthly("b2", 20000, 20000, 20000, 20000, 20000, 20000), pay{"b1", utc(2026, 3, 10, 0, 0, 0), 10000}))
	seed(t, db, "carol", "carol", []string{"c1"}, nil)
	if err := db.Model(&models.Client{}).Where("id = ?", "c1").Update("segment", "wholesale").Error; err != nil {
		t.Fatal(err)
	}
	run(t, db, T)
}

func report(t *testing.T, db *gorm.DB, f classify.ReportFilter) *classify.ClientsReport {
	t.Helper()
	r, err := classify.Report(context.Background(), db, f)
	if err != nil {
		t.Fatalf("report %+v: %v", f, err)
	}
	return r
}

// ids lists the clients of a page.
func ids(r *classify.ClientsReport) string {
	var out []string
	for _, c := range r.Clients {
		out = append(out, c.ClientID)
	}
	return fmt.Sprint(out)
}

// counts formats the counts of a report.
func counts(r *classify.ClientsReport) string {
	c := r.Categories
	return fmt.Sprintf("%d: pot %d new %d perm %d rest %d lost %d | A %d B %d C %d - %d | X %d Y %d Z %d - %d",
		r.Total, c["potential"], c["new"], c["permanent"], c["restored"], c["lost"],
		r.ABC["A"], r.ABC["B"], r.ABC["C"], r.ABC["none"], r.XYZ["X"], r.XYZ["Y"], r.XYZ["Z"], r.XYZ["none"])
}

func TestClassifyReport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if r := report(t, db, classify.ReportFilter{Scope: models.Everyone()}); r.AsOf != nil || r.Total != 0 || len(r.Clients) != 0 {
			t.Errorf("report before any run: %+v", r)
		}
		reportFixture(t, db)
		all := report(t, db, classify.ReportFilter{Scope: models.Everyone()})
		if all.AsOf == nil || !all.AsOf.Equal(T) {
			t.Errorf("as of %v, want %s", all.AsOf, T)
		}
		for _, c := range []struct {
			name        string
			f           classify.ReportFilter
			page, count string
		}{
			{"everyone", classify.ReportFilter{Scope: models.Everyone()},
				"[a1 a2 a3 b1 b2 c1]", "6: pot 2 new 1 perm 2 rest 0 lost 1 | A 1 B 1 C 2 - 2 | X 2 Y 0 Z 0 - 4"},
			{"a rep sees own clients", classify.ReportFilter{Scope: models.StaffScope("alice")},
				"[a1 a2 a3]", "3: pot 1 new 1 perm 1 rest 0 lost 0 | A 0 B 1 C 1 - 1 | X 1 Y 0 Z 0 - 2"},
			{"a manager sees the team", classify.ReportFilter{Scope: models.StaffScope("mia", "alice", "bob")},
				"[a1 a2 a3 b1 b2]", "5: pot 1 new 1 perm 2 rest 0 lost 1 | A 1 B 1 C 2 - 1 | X 2 Y 0 Z 0 - 3"},
			{"zero scope sees nothing", classify.ReportFilter{Owners: []string{"alice"}},
				"[]", "0: pot 0 new 0 perm 0 rest 0 lost 0 | A 0 B 0 C 0 - 0 | X 0 Y 0 Z 0 - 0"},
			{"owner filter within scope", classify.ReportFilter{Scope: models.StaffScope("alice"), Owners: []string{"bob"}},
				"[]", "0: pot 0 new 0 perm 0 rest 0 lost 0 | A 0 B 0 C 0 - 0 | X 0 Y 0 Z 0 - 0"},
			{"owners", classify.ReportFilter{Scope: models.Everyone(), Owners: []string{"bob", "carol"}},
				"[b1 b2 c1]", "3: pot 1 new 0 perm 1 rest 0 lost 1 | A 1 B 0 C 1 - 1 | X 1 Y 0 Z 0 - 2"},
			{"segment", classify.ReportFilter{Scope: models.Everyone(), Segment: "wholesale"},
				"[c1]", "1: pot 1 new 0 perm 0 rest 0 lost 0 | A 0 B 0 C 0 - 1 | X 0 Y 0 Z 0 - 1"},
			{"category and ABC", classify.ReportFilter{Scope: models.Everyone(), Category: "permanent", ABC: "A"},
				"[b2]", "1: pot 0 new 0 perm 1 rest 0 lost 0 | A 1 B 0 C 0 - 0 | X 1 Y 0 Z 0 - 0"},
			{"no ABC class", classify.ReportFilter{Scope: models.Everyone(), ABC: classify.None},
				"[a3 c1]", "2: pot 2 new 0 perm 0 rest 0 lost 0 | A 0 B 0 C 0 - 2 | X 0 Y 0 Z 0 - 2"},
			{"XYZ", classify.ReportFilter{Scope: models.Everyone(), XYZ: "X"},
				"[a1 b2]", "2: pot 0 new 0 perm 2 rest 0 lost 0 | A 1 B 1 C 0 - 0 | X 2 Y 0 Z 0 - 0"},
		} {
			r := report(t, db, c.f)
			if ids(r) != c.page || counts(r) != c.count {
				t.Errorf("%s:\n page %s, want %s\n counts %s\n   want %s", c.name, ids(r), c.page, counts(r), c.count)
			}
		}

		// Pages of two: the counts cover every page.
		f := classify.ReportFilter{Scope: models.Everyone(), Limit: 2}
		var pages []string
		for {
			r := report(t, db, f)
			pages = append(pages, ids(r))
			if r.Total != 6 {
				t.Errorf("page after %q: total %d", f.Cursor, r.Total)
			}
			if r.NextCursor == "" {
				break
			}
			f.Cursor = r.NextCursor
		}
		if fmt.Sprint(pages) != "[[a1 a2] [a3 b1] [b2 c1]]" {
			t.Errorf("pages %v", pages)
		}

		r := report(t, db, classify.ReportFilter{Scope: models.StaffScope("alice"), Limit: 1})
		tab := r.Table()
		if fmt.Sprint(tab.Header) != "[client_id name segment owner category abc xyz turnover variation]" ||
			len(tab.Rows) != 1 || fmt.Sprint(tab.Rows[0]) != "[a1 Client a1 retail alice permanent B X 600.00 0.0000]" {
			t.Errorf("table %q", tab)
		}
		if r := report(t, db, classify.ReportFilter{Scope: models.Everyone(), Category: "lost"}); fmt.Sprint(r.Table().Rows) != "[[b1 Client b1 retail bob lost C  100.00 ]]" {
			t.Errorf("lost table %q", r.Table().Rows)
		}

		var fe *classify.FilterError
		for _, bad := range []classify.ReportFilter{{Category: "vip"}, {ABC: "D"}, {XYZ: "x"}, {Limit: -1}} {
			if _, err := classify.Report(context.Background(), db, bad); !errors.As(err, &fe) {
				t.Errorf("filter %+v: %v, want a FilterError", bad, err)
			}
		}
	})
}

func TestClassifyHistoryScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		reportFixture(t, db)
		ctx := context.Background()
		for _, c := range []struct {
			scope  models.Scope
			client string
			rows   int
		}{
			{models.StaffScope("alice"), "a1", 1},
			{models.Everyone(), "a1", 1},
			{models.StaffScope("bob"), "a1", -1},
			{models.Scope{}, "a1", -1},
			{models.Everyone(), "nobody", -1},
			{models.StaffScope("alice"), "nobody", -1},
		} {
			h, err := classify.History(ctx, db, c.scope, c.client)
			switch {
			case c.rows < 0 && !errors.Is(err, models.ErrNotFound):
				t.Errorf("history of %s in %v: %v, want not found", c.client, c.scope.Staff(), err)
			case c.rows >= 0 && (err != nil || len(h) != c.rows):
				t.Errorf("history of %s in %v: %d rows, %v", c.client, c.scope.Staff(), len(h), err)
			}
		}
		h, _ := classify.History(ctx, db, models.StaffScope("alice"), "a1")
		if len(h) == 1 && (h[0].Category != "permanent" || h[0].ABC != "B" || h[0].XYZ != "X" || !h[0].AsOf.Equal(T)) {
			t.Errorf("a1 history %+v", h)
		}
		// A client without a stored class yet, visible as its creator's.
		seed(t, db, "alice", "alice", []string{"a9"}, nil)
		if h, err := classify.History(ctx, db, models.StaffScope("alice"), "a9"); err != nil || len(h) != 0 {
			t.Errorf("history of an unclassified client: %v, %v", h, err)
		}
	})
}
