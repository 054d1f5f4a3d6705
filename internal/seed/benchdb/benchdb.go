// Package benchdb opens the database the report benchmarks run against: a
// read model holding a history written by package seed (make
// bench-reports seeds 1,000,000 deals into it), named by BENCH_DATABASE_URL.
package benchdb

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/seed"
	"github.com/salesflow/salesflow/models"
)

// URLEnv is the environment variable naming the benchmark database.
const URLEnv = "BENCH_DATABASE_URL"

// End is "now" for the benchmarks: the end of the seeded history.
var End = seed.DefaultEnd

// Period is the period the benchmarks report on: the last 12 months of
// the history, [End − 12 months, End).
func Period() (from, to time.Time) { return End.AddDate(-1, 0, 0), End }

var (
	once sync.Once
	db   *gorm.DB
	err  error
)

// Open returns the benchmark database, opened once per process. It fails
// tb (never skips) when BENCH_DATABASE_URL is unset, the database cannot be
// opened, or it holds no deals.
func Open(tb testing.TB) *gorm.DB {
	tb.Helper()
	url := os.Getenv(URLEnv)
	if url == "" {
		tb.Fatalf("%s is not set: the report benchmarks need a seeded PostgreSQL database; run `make bench-reports`, "+
			"or seed one with `go run ./cmd/seed -db <url> -clients 200000 -deals 1000000` and set %s", URLEnv, URLEnv)
	}
	once.Do(func() {
		db, err = models.Open(url)
		if err != nil {
			return
		}
		var deals int64
		if err = db.WithContext(context.Background()).Raw("SELECT count(*) FROM deals").Scan(&deals).Error; err == nil && deals == 0 {
			err = errEmpty
		}
	})
	if err != nil {
		tb.Fatalf("benchmark database (%s): %v", URLEnv, err)
	}
	return db
}

var errEmpty = errors.New("it holds no deals: seed it first (make bench-reports, or go run ./cmd/seed)")

// Manager returns the first manager of the seeded staff and the scope of
// their team, for the team-scoped benchmarks.
func Manager(tb testing.TB, db *gorm.DB) (string, models.Scope) {
	tb.Helper()
	ctx := context.Background()
	var m models.Staff
	if err := db.WithContext(ctx).Where("role = ?", models.RoleManager).Order("id").Take(&m).Error; err != nil {
		tb.Fatalf("benchmark database: no manager: %v", err)
	}
	scope, err := models.ScopeOf(ctx, db, &m)
	if err != nil {
		tb.Fatal(err)
	}
	return m.ID, scope
}
