package reports_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func roadmapFixture(t *testing.T, db *gorm.DB) {
	closed := func(d *models.Deal, status, closedAt string) *models.Deal {
		d.Status, d.ClosedAt = status, tp(closedAt)
		if status == "won" {
			d.Stage = "close"
		} else {
			d.LostStage, d.LostReason = d.Stage, "price"
		}
		return d
	}
	// r1: p1 won in January, then a newer p1 deal open in the offer stage
	// since Feb 5 with an open point due Apr 10, an overdue one due Apr 3
	// and a done one; p2 lost Feb 20.
	db1 := newDeal("D-b", "r1", "alice", "p1", at("2026-02-01T00:00:00Z"))
	db1.Stage, db1.OfferAt = "offer", tp("2026-02-05T00:00:00Z")
	// r2: p1 won, then a newer p1 deal lost Mar 4; p2 open in
	// presentation since Mar 1 with a point due Mar 15.
	// r3: p3 won Mar 10; carol's p1 deal open (invisible to the manager).
	dh := newDeal("D-h", "r3", "carol", "p1", at("2026-03-15T00:00:00Z"))
	dh.Stage, dh.OfferAt, dh.ContractAt = "contract", tp("2026-03-16T00:00:00Z"), tp("2026-03-20T00:00:00Z")
	// r5: only a cancelled deal.
	dj := newDeal("D-j", "r5", "alice", "p2", at("2026-03-01T00:00:00Z"))
	dj.Status = "cancelled"
	setup(t, db,
		client("r1", "Alpha", "retail"), client("r2", "Beta", "corp"), client("r3", "Gamma", "retail"),
		client("r4", "Delta", "retail"), client("r5", "Epsilon", "retail"),
		closed(newDeal("D-a", "r1", "alice", "p1", at("2026-01-01T00:00:00Z")), "won", "2026-01-10T00:00:00Z"),
		db1,
		closed(newDeal("D-c", "r1", "alice", "p2", at("2026-02-10T00:00:00Z")), "lost", "2026-02-20T00:00:00Z"),
		newDeal("D-d", "r2", "bob", "p2", at("2026-03-01T00:00:00Z")),
		closed(newDeal("D-e", "r2", "bob", "p1", at("2026-01-05T00:00:00Z")), "won", "2026-02-02T00:00:00Z"),
		closed(newDeal("D-f", "r2", "bob", "p1", at("2026-03-03T00:00:00Z")), "lost", "2026-03-04T00:00:00Z"),
		closed(newDeal("D-g", "r3", "alice", "p3", at("2026-03-01T00:00:00Z")), "won", "2026-03-10T00:00:00Z"),
		dh,
		newDeal("D-i", "r4", "carol", "p1", at("2026-03-01T00:00:00Z")),
		newDeal("D-k", "r4", "carol", "p4", at("2026-03-02T00:00:00Z")),
		dj,
		point("deal", "D-b", "open", "alice", "open", "2026-04-11T00:00:00Z", nil),       // due Apr 10
		point("deal", "D-b", "overdue", "alice", "overdue", "2026-04-04T00:00:00Z", nil), // due Apr 3
		point("deal", "D-b", "done", "alice", "done", "2026-03-02T00:00:00Z", tp("2026-03-01T00:00:00Z")),
		point("deal", "D-d", "open", "bob", "open", "2026-03-16T00:00:00Z", nil), // due Mar 15
		point("deal", "D-e", "open", "bob", "open", "2026-01-02T00:00:00Z", nil), // a won deal's: ignored
	)
}

func TestRoadmap(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		roadmapFixture(t, db)
		admin, mgr, alice := scopes(t, db)
		ctx := context.Background()
		run := func(f reports.Filter, limit int, cursor string) *reports.RoadmapReport {
			t.Helper()
			r, err := reports.Roadmap(ctx, db, f, limit, cursor)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		notOffered := func(p string) reports.RoadmapCell {
			return reports.RoadmapCell{Product: p, Status: reports.RoadmapNotOffered}
		}
		// The manager's columns: p1 p2 p3 (not carol's p4). Clients r1 r2
		// r3 (r4 has carol's deals only, r5 a cancelled one only).
		r1 := reports.RoadmapClient{ClientID: "r1", Name: "Alpha", Segment: "retail", Cells: []reports.RoadmapCell{
			{Product: "p1", Status: reports.RoadmapOpen, Stage: "offer", At: tp("2026-02-05T00:00:00Z"), DealID: "D-b",
				NextStepAt: tp("2026-04-03T00:00:00Z")}, // the overdue point, before the open one
			{Product: "p2", Status: reports.RoadmapRefused, At: tp("2026-02-20T00:00:00Z"), DealID: "D-c"},
			notOffered("p3"),
		}}
		r2 := reports.RoadmapClient{ClientID: "r2", Name: "Beta", Segment: "corp", Cells: []reports.RoadmapCell{
			{Product: "p1", Status: reports.RoadmapRefused, At: tp("2026-03-04T00:00:00Z"), DealID: "D-f"}, // D-f is newer than D-e
			{Product: "p2", Status: reports.RoadmapOpen, Stage: "presentation", At: tp("2026-03-01T00:00:00Z"), DealID: "D-d",
				NextStepAt: tp("2026-03-15T00:00:00Z")},
			notOffered("p3"),
		}}
		r3 := reports.RoadmapClient{ClientID: "r3", Name: "Gamma", Segment: "retail", Cells: []reports.RoadmapCell{
			notOffered("p1"), notOffered("p2"),
			{Product: "p3", Status: reports.RoadmapWon, At: tp("2026-03-10T00:00:00Z"), DealID: "D-g"},
		}}
		products := []string{"p1", "p2", "p3"}

		page1 := run(reports.Filter{Scope: mgr}, 2, "")
		if !reflect.DeepEqual(page1.Products, products) || !reflect.DeepEqual(page1.Clients, []reports.RoadmapClient{r1, r2}) ||
			page1.NextCursor == "" {
			t.Fatalf("page 1\n got %s", jsonOf(t, page1))
		}
		page2 := run(reports.Filter{Scope: mgr}, 2, page1.NextCursor)
		if !reflect.DeepEqual(page2.Products, products) || !reflect.DeepEqual(page2.Clients, []reports.RoadmapClient{r3}) ||
			page2.NextCursor != "" {
			t.Fatalf("page 2\n got %s", jsonOf(t, page2))
		}
		tab := page1.Table()
		if !reflect.DeepEqual(tab.Header, []string{"client_id", "client", "segment", "p1", "p1 at", "p1 next step",
			"p2", "p2 at", "p2 next step", "p3", "p3 at", "p3 next step"}) ||
			!reflect.DeepEqual(tab.Rows[0], []string{"r1", "Alpha", "retail", "offer", "2026-02-05T00:00:00Z", "2026-04-03T00:00:00Z",
				"refused", "2026-02-20T00:00:00Z", "", "not_offered", "", ""}) {
			t.Errorf("table %v\n%v", tab.Header, tab.Rows)
		}

		clientIDs := func(r *reports.RoadmapReport) []string {
			var out []string
			for _, c := range r.Clients {
				out = append(out, c.ClientID)
			}
			return out
		}
		// The admin sees carol's deals too: p4, r4, and r3's p1 open in
		// the contract stage since Mar 20.
		all := run(reports.Filter{Scope: admin}, 0, "")
		if !reflect.DeepEqual(all.Products, []string{"p1", "p2", "p3", "p4"}) ||
			!reflect.DeepEqual(clientIDs(all), []string{"r1", "r2", "r3", "r4"}) ||
			!reflect.DeepEqual(all.Clients[2].Cells[0], reports.RoadmapCell{Product: "p1", Status: reports.RoadmapOpen,
				Stage: "contract", At: tp("2026-03-20T00:00:00Z"), DealID: "D-h"}) {
			t.Errorf("admin's road map %s", jsonOf(t, all))
		}
		// alice: her clients r1 and r3; the columns of her deals.
		if r := run(reports.Filter{Scope: alice}, 0, ""); !reflect.DeepEqual(r.Products, products) ||
			!reflect.DeepEqual(r.Clients, []reports.RoadmapClient{r1, r3}) {
			t.Errorf("alice's road map %s", jsonOf(t, r))
		}
		// bob asked for by the manager, and the corp segment: r2, p1 p2.
		for _, f := range []reports.Filter{{Scope: mgr, Owners: []string{"bob"}}, {Scope: mgr, Segment: "corp"}} {
			r := run(f, 0, "")
			want := r2
			want.Cells = want.Cells[:2]
			if !reflect.DeepEqual(r.Products, []string{"p1", "p2"}) || !reflect.DeepEqual(r.Clients, []reports.RoadmapClient{want}) {
				t.Errorf("%+v: %s", f, jsonOf(t, r))
			}
		}
		// Product p2: one column, every client of the manager's.
		if r := run(reports.Filter{Scope: mgr, Product: "p2"}, 0, ""); !reflect.DeepEqual(r.Products, []string{"p2"}) ||
			!reflect.DeepEqual(clientIDs(r), []string{"r1", "r2", "r3"}) || r.Clients[2].Cells[0] != notOffered("p2") {
			t.Errorf("p2 road map %s", jsonOf(t, r))
		}
		// Nothing for the zero scope or for carol asked for by the manager.
		for _, f := range []reports.Filter{{}, {Scope: mgr, Owners: []string{"carol"}}} {
			if r := run(f, 0, ""); len(r.Products) != 0 || len(r.Clients) != 0 || r.NextCursor != "" {
				t.Errorf("%+v: %s", f, jsonOf(t, r))
			}
		}
		if _, err := reports.Roadmap(ctx, db, reports.Filter{Scope: mgr}, 0, "not a cursor!"); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}
