package models_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

var ctx = context.Background()

func TestSeedDemoIsIdempotentAndStoresOnlyHashes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		for range 2 {
			if err := models.SeedDemo(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		var staff, tokens int64
		db.Model(&models.Staff{}).Count(&staff)
		db.Model(&models.Token{}).Count(&tokens)
		if staff != 4 || tokens != 4 {
			t.Fatalf("%d staff and %d tokens, want 4 and 4", staff, tokens)
		}

		want := map[string]struct{ role, manager string }{
			"maria": {models.RoleManager, ""}, "alice": {models.RoleSales, "maria"},
			"bob": {models.RoleSales, "maria"}, "admin": {models.RoleAdmin, ""},
		}
		for id, w := range want {
			s, err := models.StaffByToken(ctx, db, "dev-"+id, time.Now())
			if err != nil {
				t.Fatalf("token dev-%s: %v", id, err)
			}
			if s.ID != id || s.Role != w.role || s.ManagerID != w.manager {
				t.Errorf("dev-%s belongs to %+v, want %s (%s, manager %q)", id, s, id, w.role, w.manager)
			}
		}
		if _, err := models.StaffByToken(ctx, db, "dev-nobody", time.Now()); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}

		var rows []models.Token
		db.Find(&rows)
		for _, r := range rows {
			if r.Hash != models.HashToken("dev-"+r.StaffID) {
				t.Errorf("token of %s stored as %q, want its SHA-256", r.StaffID, r.Hash)
			}
		}
		testdb.Nowhere(t, db, "dev-", "a plain token")
	})
}

func TestHashToken(t *testing.T) {
	// SHA-256 of "abc" from FIPS 180-2.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := models.HashToken("abc"); got != want {
		t.Fatalf("HashToken(abc) = %s, want %s", got, want)
	}
}

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// fiveDeals are listed newest first as d5, d4, d3, d2, d1; d3 and d2 share
// a creation time, so the ID breaks the tie.
var fiveDeals = []models.Deal{
	{ID: "d1", ClientID: "c1", Owner: "alice", Stage: "offer", Status: "open", CreatedAt: t0},
	{ID: "d2", ClientID: "c2", Owner: "bob", Stage: "offer", Status: "open", CreatedAt: t0.Add(time.Hour)},
	{ID: "d3", ClientID: "c1", Owner: "alice", Stage: "contract", Status: "open", CreatedAt: t0.Add(time.Hour)},
	{ID: "d4", ClientID: "c2", Owner: "alice", Stage: "offer", Status: "lost", CreatedAt: t0.Add(2 * time.Hour)},
	{ID: "d5", ClientID: "c1", Owner: "bob", Stage: "close", Status: "won", CreatedAt: t0.Add(90 * time.Minute)},
}

func insertDeals(t *testing.T, db *gorm.DB, deals []models.Deal) {
	t.Helper()
	for i := range deals {
		d := deals[i]
		d.Title, d.Currency = "deal "+d.ID, "RUB"
		if err := db.Create(&d).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// listAll follows the cursors from the first page to the last.
func listAll(t *testing.T, db *gorm.DB, f models.DealFilter) (ids []string, pages int) {
	t.Helper()
	for {
		items, next, err := models.ListDeals(ctx, db, f)
		if err != nil {
			t.Fatal(err)
		}
		if f.Limit > 0 && len(items) > f.Limit {
			t.Fatalf("page of %d deals, limit %d", len(items), f.Limit)
		}
		pages++
		for _, d := range items {
			ids = append(ids, d.ID)
		}
		if next == "" {
			return ids, pages
		}
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		f.Cursor = next
	}
}

func TestListDealsPagesNewestFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		insertDeals(t, db, fiveDeals)
		ids, pages := listAll(t, db, models.DealFilter{Scope: models.Everyone(), Limit: 2})
		if want := []string{"d4", "d5", "d3", "d2", "d1"}; !reflect.DeepEqual(ids, want) || pages != 3 {
			t.Errorf("pages of 2 gave %v in %d pages, want %v in 3", ids, pages, want)
		}
		ids, pages = listAll(t, db, models.DealFilter{Scope: models.Everyone()})
		if len(ids) != 5 || pages != 1 {
			t.Errorf("default limit gave %v in %d pages, want 5 deals in 1", ids, pages)
		}
		for _, c := range []struct {
			f    models.DealFilter
			want []string
		}{
			{models.DealFilter{Scope: models.Everyone(), Owner: "alice", Limit: 1}, []string{"d4", "d3", "d1"}},
			{models.DealFilter{Scope: models.Everyone(), Stage: "offer", Limit: 2}, []string{"d4", "d2", "d1"}},
			{models.DealFilter{Scope: models.Everyone(), Status: "open"}, []string{"d3", "d2", "d1"}},
			{models.DealFilter{Scope: models.Everyone(), ClientID: "c1", Status: "open"}, []string{"d3", "d1"}},
			{models.DealFilter{Scope: models.Everyone(), Owner: "bob", Stage: "close"}, []string{"d5"}},
			{models.DealFilter{Scope: models.Everyone(), Owner: "nobody"}, nil},
		} {
			if got, _ := listAll(t, db, c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%+v gave %v, want %v", c.f, got, c.want)
			}
		}
	})
}

// TestListDealsBoardFilters: the board's filters — a team's owners, a
// product, a client segment — and the overdue flag of each deal.
func TestListDealsBoardFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		deals := slices.Clone(fiveDeals)
		deals[0].Product, deals[2].Product = "events", "events"
		insertDeals(t, db, deals)
		for _, cl := range []models.Client{{ID: "c1", Name: "One", Segment: "smb"}, {ID: "c2", Name: "Two", Segment: "corporate"}} {
			if err := db.Create(&cl).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, cp := range []models.ControlPoint{
			{SubjectType: models.SubjectDeal, SubjectID: "d2", ID: "p1", Kind: "offer_validity", Status: "overdue"},
			{SubjectType: models.SubjectDeal, SubjectID: "d3", ID: "p2", Kind: "offer_validity", Status: "open"},
			{SubjectType: models.SubjectComplaint, SubjectID: "d3", ID: "p3", Kind: "ack", Status: "overdue"},
		} {
			if err := db.Create(&cp).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			f    models.DealFilter
			want []string
		}{
			{models.DealFilter{Owners: []string{"bob"}}, []string{"d5", "d2"}},
			{models.DealFilter{Owners: []string{}}, nil},
			{models.DealFilter{Product: "events"}, []string{"d3", "d1"}},
			{models.DealFilter{Segment: "corporate"}, []string{"d4", "d2"}},
			{models.DealFilter{Segment: "smb", Stage: "offer", Status: "open"}, []string{"d1"}},
		} {
			c.f.Scope = models.Everyone()
			if got, _ := listAll(t, db, c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%+v gave %v, want %v", c.f, got, c.want)
			}
		}
		items, _, err := models.ListDeals(ctx, db, models.DealFilter{Scope: models.Everyone()})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range items {
			if d.HasOverdue != (d.ID == "d2") {
				t.Errorf("deal %s: has_overdue %v", d.ID, d.HasOverdue)
			}
		}
	})
}

func TestListDealsLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		deals := make([]models.Deal, 201)
		for i := range deals {
			deals[i] = models.Deal{ID: fmt.Sprintf("d%03d", i), ClientID: "c", Owner: "alice", Title: "t",
				Currency: "RUB", Stage: "offer", Status: "open", CreatedAt: t0.Add(time.Duration(i) * time.Second)}
		}
		if err := db.CreateInBatches(&deals, 100).Error; err != nil {
			t.Fatal(err)
		}
		for limit, want := range map[int]int{0: models.DefaultLimit, -1: models.DefaultLimit, 1000: models.MaxLimit, 7: 7} {
			items, next, err := models.ListDeals(ctx, db, models.DealFilter{Scope: models.Everyone(), Limit: limit})
			if err != nil || len(items) != want || next == "" {
				t.Errorf("limit %d: %d deals, next %q, err %v; want %d deals and a next page", limit, len(items), next, err, want)
			}
		}
	})
}

func TestListDealsRejectsBadCursor(t *testing.T) {
	db := testdb.SQLite(t)
	insertDeals(t, db, fiveDeals)
	b64 := base64.RawURLEncoding.EncodeToString
	for _, c := range []string{"!!!", b64([]byte("not json")), b64([]byte("{}")), b64([]byte(`{"c":"2025-11-03T09:00:00Z"}`))} {
		if _, _, err := models.ListDeals(ctx, db, models.DealFilter{Scope: models.Everyone(), Cursor: c}); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("cursor %q: err = %v, want ErrBadCursor", c, err)
		}
	}
}

func TestDealDetails(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		insertDeals(t, db, fiveDeals[:1])
		d, err := models.GetDeal(ctx, db, "d1")
		if err != nil || d.ID != "d1" || d.Owner != "alice" {
			t.Fatalf("GetDeal = %+v, %v", d, err)
		}
		if _, err := models.GetDeal(ctx, db, "nope"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("GetDeal(nope): err = %v, want ErrNotFound", err)
		}
		for _, row := range []any{
			&models.DealEvent{DealID: "d1", CaseEvent: models.CaseEvent{Seq: 2, Type: "b"}}, &models.DealEvent{DealID: "d1", CaseEvent: models.CaseEvent{Seq: 10, Type: "c"}},
			&models.DealEvent{DealID: "d1", CaseEvent: models.CaseEvent{Seq: 1, Type: "a"}}, &models.DealEvent{DealID: "d2", CaseEvent: models.CaseEvent{Seq: 3, Type: "other"}},
			&models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: "d1", ID: "z", Kind: "k", Status: "open", DueAt: t0},
			&models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: "d1", ID: "y", Kind: "k", Status: "open", DueAt: t0.Add(time.Hour)},
			&models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: "d1", ID: "a", Kind: "k", Status: "open", DueAt: t0.Add(time.Hour)},
			// A complaint's point with the same subject ID is not the deal's.
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "d1", ID: "b", Kind: "k", Status: "open", DueAt: t0},
			&models.Document{DealID: "d1", Type: "offer", Version: 2, SentAt: t0.Add(time.Hour)},
			&models.Document{DealID: "d1", Type: "offer", Version: 1, SentAt: t0},
			&models.Document{DealID: "d1", Type: "contract", Version: 1, SentAt: t0.Add(time.Hour)},
		} {
			if err := db.Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		events, err := models.DealHistory(ctx, db, "d1")
		if got := fmt.Sprint(keys(events, func(e models.DealEvent) string { return fmt.Sprint(e.Seq, e.Type) })); err != nil || got != "[1a 2b 10c]" {
			t.Errorf("history = %s, %v", got, err)
		}
		points, err := models.DealControlPoints(ctx, db, "d1")
		if got := fmt.Sprint(keys(points, func(p models.ControlPoint) string { return p.ID })); err != nil || got != "[z a y]" {
			t.Errorf("control points = %s, %v", got, err)
		}
		docs, err := models.DealDocuments(ctx, db, "d1")
		if got := fmt.Sprint(keys(docs, func(d models.Document) string { return fmt.Sprint(d.Type, d.Version) })); err != nil || got != "[offer1 contract1 offer2]" {
			t.Errorf("documents = %s, %v", got, err)
		}
	})
}

func keys[T any](rows []T, key func(T) string) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, key(r))
	}
	return out
}

func TestNotificationsNewestFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, n := range []models.Notification{
			{ID: "n1", Recipient: "alice", Kind: "reminder", CreatedAt: t0},
			{ID: "n3", Recipient: "alice", Kind: "reminder", CreatedAt: t0.Add(time.Hour)},
			{ID: "n2", Recipient: "alice", Kind: "reminder", CreatedAt: t0.Add(time.Hour)},
			{ID: "n4", Recipient: "bob", Kind: "reminder", CreatedAt: t0.Add(2 * time.Hour)},
			{ID: "n5", Recipient: "alice", Kind: "overdue", CreatedAt: t0.Add(30 * time.Minute)},
		} {
			if err := db.Create(&n).Error; err != nil {
				t.Fatal(err)
			}
		}
		all, err := models.Notifications(ctx, db, "alice", false, 0)
		if got := fmt.Sprint(keys(all, func(n models.Notification) string { return n.ID })); err != nil || got != "[n2 n3 n5 n1]" {
			t.Errorf("alice's notifications = %s, %v", got, err)
		}
		two, err := models.Notifications(ctx, db, "alice", false, 2)
		if got := fmt.Sprint(keys(two, func(n models.Notification) string { return n.ID })); err != nil || got != "[n2 n3]" {
			t.Errorf("alice's latest two = %s, %v", got, err)
		}
	})
}

func TestClients(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		c := &models.Client{ID: "c1", Name: "Romashka LLC", Segment: "corporate", CreatedBy: "alice"}
		if err := models.CreateClient(ctx, db, c); err != nil {
			t.Fatal(err)
		}
		if err := models.CreateClient(ctx, db, &models.Client{ID: "c1", Name: "again"}); !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("duplicate client: err = %v, want gorm.ErrDuplicatedKey", err)
		}
		got, err := models.GetClient(ctx, db, "c1")
		if err != nil || got.Name != "Romashka LLC" || got.Segment != "corporate" || got.CreatedAt.IsZero() {
			t.Errorf("GetClient = %+v, %v", got, err)
		}
		if _, err := models.GetClient(ctx, db, "c2"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("GetClient(c2): err = %v, want ErrNotFound", err)
		}
		if _, err := models.GetStaff(ctx, db, "alice"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("GetStaff before seeding: err = %v, want ErrNotFound", err)
		}
	})
}

// TestConcurrentOpenMigratesOnce starts several processes' worth of Open on
// one fresh PostgreSQL database at once, as a worker and an API server do on
// a new deployment: none may fail.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := testdb.EmptyPostgres(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := models.Open(url)
			if err == nil {
				sqlDB, _ := db.DB()
				sqlDB.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent Open: %v", err)
		}
	}
}
