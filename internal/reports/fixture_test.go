package reports_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

// The period of every fixture: the first quarter of 2026.
var (
	from = at("2026-01-01T00:00:00Z")
	to   = at("2026-04-01T00:00:00Z")
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func tp(s string) *time.Time { t := at(s); return &t }

// setup migrates the report indexes, inserts the staff (manager mgr with
// alice and bob in the team, carol in another manager's, boss's) and the
// rows, then refreshes the sales the read model keeps
// (models.RefreshSales).
func setup(t *testing.T, db *gorm.DB, rows ...any) {
	t.Helper()
	if err := reports.EnsureIndexes(db); err != nil {
		t.Fatal(err)
	}
	staff := []models.Staff{
		{ID: "admin", Name: "Admin", Role: models.RoleAdmin},
		{ID: "mgr", Name: "Mary Manager", Role: models.RoleManager},
		{ID: "boss", Name: "Other Manager", Role: models.RoleManager},
		{ID: "alice", Name: "Alice", Role: models.RoleSales, ManagerID: "mgr"},
		{ID: "bob", Name: "Bob", Role: models.RoleSales, ManagerID: "mgr"},
		{ID: "carol", Name: "Carol", Role: models.RoleSales, ManagerID: "boss"},
	}
	if err := db.Create(&staff).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := db.Create(r).Error; err != nil {
			t.Fatalf("insert %T: %v", r, err)
		}
	}
	// The rows are inserted directly, not synced: derive what the sync
	// keeps for the KPI report (each won deal's kind of sale, each client's
	// first deal and first win) as the nightly refresh does.
	if err := models.RefreshSales(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	// Indexes twice: EnsureIndexes is idempotent.
	if err := reports.EnsureIndexes(db); err != nil {
		t.Fatal(err)
	}
}

// scopes returns the real scopes of the admin, the manager mgr and the rep
// alice, as the API derives them.
func scopes(t *testing.T, db *gorm.DB) (admin, mgr, alice models.Scope) {
	t.Helper()
	get := func(id string) models.Scope {
		var s models.Staff
		if err := db.First(&s, "id = ?", id).Error; err != nil {
			t.Fatal(err)
		}
		sc, err := models.ScopeOf(context.Background(), db, &s)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	return get("admin"), get("mgr"), get("alice")
}

// newDeal is an open deal in the presentation stage, created (and entering
// presentation) at created.
func newDeal(id, client, owner, product string, created time.Time) *models.Deal {
	return &models.Deal{
		ID: id, ClientID: client, Owner: owner, Title: "Deal " + id, Product: product, Currency: "RUB",
		Stage: "presentation", Status: "open", CreatedAt: created, UpdatedAt: created,
		PresentationAt: &created, Seq: 1,
	}
}

func client(id, name, segment string) *models.Client {
	return &models.Client{ID: id, Name: name, Segment: segment, CreatedAt: from.AddDate(-1, 0, 0)}
}

// jsonOf renders v as JSON, to compare whole reports and check the wire
// names.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }

const day = int64(86400)

// runner returns a function running report on db for a filter over the
// fixtures' period, failing the test on an error.
func runner[R any](t *testing.T, db *gorm.DB, report func(context.Context, *gorm.DB, reports.Filter) (R, error)) func(reports.Filter) R {
	return func(f reports.Filter) R {
		t.Helper()
		f.From, f.To = from, to
		r, err := report(context.Background(), db, f)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}
