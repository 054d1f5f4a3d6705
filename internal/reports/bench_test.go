package reports_test

// Benchmarks of every report on a large seeded history (make bench-reports:
// 1,000,000 deals of 200,000 clients on PostgreSQL), next to a baseline
// SELECT count(*) FROM deals measured in the same run. They need
// BENCH_DATABASE_URL and fail without it; plain `go test` never runs them.

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/seed/benchdb"
	"github.com/salesflow/salesflow/models"
)

var indexesOnce sync.Once

// benchDB opens the benchmark database with the reports' indexes.
func benchDB(b *testing.B) *gorm.DB {
	b.Helper()
	db := benchdb.Open(b)
	var err error
	indexesOnce.Do(func() { err = reports.EnsureIndexes(db) })
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// period is the realistic filter: everyone, the last 12 months.
func period() reports.Filter {
	from, to := benchdb.Period()
	return reports.Filter{Scope: models.Everyone(), From: from, To: to}
}

// measure runs fn once untimed (warming the cache and checking it works),
// then b.N times.
func measure(b *testing.B, fn func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	if err := fn(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := fn(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBaselineCountDeals(b *testing.B) {
	db := benchDB(b)
	measure(b, func(ctx context.Context) error {
		var n int64
		return db.WithContext(ctx).Raw("SELECT count(*) FROM deals").Scan(&n).Error
	})
}

func BenchmarkFunnel(b *testing.B) {
	db := benchDB(b)
	f := period()
	measure(b, func(ctx context.Context) error { _, err := reports.Funnel(ctx, db, f); return err })
}

func BenchmarkFunnelTeam(b *testing.B) {
	db := benchDB(b)
	f := period()
	_, f.Scope = benchdb.Manager(b, db)
	measure(b, func(ctx context.Context) error { _, err := reports.Funnel(ctx, db, f); return err })
}

func BenchmarkLosses(b *testing.B) {
	db := benchDB(b)
	f := period()
	measure(b, func(ctx context.Context) error { _, err := reports.Losses(ctx, db, f); return err })
}

func BenchmarkKPI(b *testing.B) {
	db := benchDB(b)
	f := period()
	measure(b, func(ctx context.Context) error { _, err := reports.KPI(ctx, db, f); return err })
}

func BenchmarkStuck(b *testing.B) {
	db := benchDB(b)
	f := period()
	measure(b, func(ctx context.Context) error {
		_, err := reports.Stuck(ctx, db, f, benchdb.End, 14*24*time.Hour)
		return err
	})
}

func BenchmarkRoadmapFirstPage(b *testing.B) {
	db := benchDB(b)
	f := period()
	measure(b, func(ctx context.Context) error { _, err := reports.Roadmap(ctx, db, f, 0, ""); return err })
}
