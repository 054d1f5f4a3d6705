package reports_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func idleDeal(id, owner, stage, status, updated, waiting, since string) *models.Deal {
	d := newDeal(id, "sc1", owner, "p1", at("2026-01-01T00:00:00Z"))
	d.Stage, d.Status, d.UpdatedAt, d.WaitingOn = stage, status, at(updated), waiting
	if since != "" {
		d.WaitingSince = at(since)
	}
	return d
}

func TestStuck(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db, client("sc1", "Stuck Co", "retail"),
			idleDeal("S1", "alice", "offer", "open", "2026-03-20T00:00:00Z", "client", "2026-03-18T00:00:00Z"),
			// S2: updated exactly at now − interval: not idle long enough.
			idleDeal("S2", "alice", "offer", "open", "2026-03-25T12:00:00Z", "client", "2026-03-18T00:00:00Z"),
			// S3: waiting on no one (internal), since unknown.
			idleDeal("S3", "bob", "contract", "open", "2026-03-10T00:00:00Z", "", ""),
			idleDeal("S4", "alice", "close", "won", "2026-03-01T00:00:00Z", "", ""),
			idleDeal("S5", "carol", "offer", "open", "2026-03-01T00:00:00Z", "client", "2026-03-01T00:00:00Z"),
			idleDeal("S6", "bob", "contract", "open", "2026-03-25T11:59:59Z", "approver", "2026-03-24T00:00:00Z"),
			idleDeal("S7", "alice", "payment", "open", "2026-03-10T00:00:00Z", "payment", "2026-03-09T00:00:00Z"),
		)
		admin, mgr, alice := scopes(t, db)
		ctx := context.Background()
		now := at("2026-04-01T12:00:00Z")
		const interval = 7 * 24 * time.Hour // idle before 2026-03-25T12:00:00Z
		run := func(f reports.Filter) *reports.StuckReport {
			t.Helper()
			r, err := reports.Stuck(ctx, db, f, now, interval)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}

		// The manager: S3 and S7 (Mar 10, by ID), S1 (Mar 20), S6 (a
		// second before the limit); not S2 (at the limit), S4 (won), S5
		// (carol's). Days idle to Apr 1 12:00: S3 and S7 22.5 → 22, S1
		// 12.5 → 12, S6 7 days and 1 s → 7.
		got := run(reports.Filter{Scope: mgr})
		want := &reports.StuckReport{AsOf: now, IdleBefore: at("2026-03-25T12:00:00Z"), Total: 4,
			ByWaitingOn: map[string]int{"internal": 1, "payment": 1, "client": 1, "approver": 1},
			Deals: []reports.StuckDeal{
				{DealID: "S3", Title: "Deal S3", Owner: "bob", ClientID: "sc1", ClientName: "Stuck Co", Stage: "contract",
					WaitingOn: "internal", Since: at("2026-03-10T00:00:00Z"), LastActionAt: at("2026-03-10T00:00:00Z"), DaysIdle: 22},
				{DealID: "S7", Title: "Deal S7", Owner: "alice", ClientID: "sc1", ClientName: "Stuck Co", Stage: "payment",
					WaitingOn: "payment", Since: at("2026-03-09T00:00:00Z"), LastActionAt: at("2026-03-10T00:00:00Z"), DaysIdle: 22},
				{DealID: "S1", Title: "Deal S1", Owner: "alice", ClientID: "sc1", ClientName: "Stuck Co", Stage: "offer",
					WaitingOn: "client", Since: at("2026-03-18T00:00:00Z"), LastActionAt: at("2026-03-20T00:00:00Z"), DaysIdle: 12},
				{DealID: "S6", Title: "Deal S6", Owner: "bob", ClientID: "sc1", ClientName: "Stuck Co", Stage: "contract",
					WaitingOn: "approver", Since: at("2026-03-24T00:00:00Z"), LastActionAt: at("2026-03-25T11:59:59Z"), DaysIdle: 7},
			}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("manager's stuck deals\n got %s\nwant %s", jsonOf(t, got), jsonOf(t, want))
		}
		tab := got.Table()
		if len(tab.Rows) != 4 || !reflect.DeepEqual(tab.Rows[0], []string{"S3", "Deal S3", "bob", "sc1", "Stuck Co", "contract",
			"internal", "2026-03-10T00:00:00Z", "2026-03-10T00:00:00Z", "22"}) {
			t.Errorf("table %v", tab.Rows)
		}

		ids := func(r *reports.StuckReport) []string {
			var out []string
			for _, d := range r.Deals {
				out = append(out, d.DealID)
			}
			return out
		}
		if r := run(reports.Filter{Scope: alice}); r.Total != 2 || !reflect.DeepEqual(ids(r), []string{"S7", "S1"}) {
			t.Errorf("alice's stuck deals %s", jsonOf(t, r))
		}
		if r := run(reports.Filter{Scope: admin}); r.Total != 5 || ids(r)[0] != "S5" {
			t.Errorf("admin's stuck deals %s", jsonOf(t, r))
		}
		for _, f := range []reports.Filter{{}, {Scope: mgr, Owners: []string{"carol"}}, {Scope: mgr, Segment: "corp"}, {Scope: mgr, Product: "p2"}} {
			if r := run(f); r.Total != 0 || len(r.Deals) != 0 || len(r.ByWaitingOn) != 0 {
				t.Errorf("%+v: %s", f, jsonOf(t, r))
			}
		}
		if r := run(reports.Filter{Scope: mgr, Owners: []string{"bob"}}); !reflect.DeepEqual(ids(r), []string{"S3", "S6"}) {
			t.Errorf("bob's stuck deals %v", ids(r))
		}
		if _, err := reports.Stuck(ctx, db, reports.Filter{Scope: mgr}, now, 0); !errors.Is(err, reports.ErrBadFilter) {
			t.Errorf("zero interval: %v", err)
		}
	})
}

// TestStuckLimit: more stuck deals than StuckLimit are all counted, the
// longest idle listed.
func TestStuckLimit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		n := reports.StuckLimit + 2
		deals := make([]*models.Deal, n)
		for i := range deals {
			deals[i] = idleDeal(fmt.Sprintf("X%04d", i), "alice", "offer", "open",
				at("2026-01-01T00:00:00Z").Add(time.Duration(n-i)*time.Minute).Format(time.RFC3339), "client", "")
		}
		if err := db.CreateInBatches(deals, 100).Error; err != nil {
			t.Fatal(err)
		}
		r, err := reports.Stuck(context.Background(), db, reports.Filter{Scope: models.Everyone()}, at("2026-04-01T00:00:00Z"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		last := fmt.Sprintf("X%04d", n-1)
		if r.Total != n || len(r.Deals) != reports.StuckLimit || r.Deals[0].DealID != last || r.ByWaitingOn["client"] != n {
			t.Errorf("total %d, listed %d, first %s", r.Total, len(r.Deals), r.Deals[0].DealID)
		}
	})
}
