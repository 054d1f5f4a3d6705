package classify_test

// Benchmark of the clients report (the stored classification) on a large
// seeded history; see internal/reports/bench_test.go. It needs
// BENCH_DATABASE_URL and a stored classification (make bench-reports runs
// `go run ./cmd/benchreport prepare` for it).

import (
	"context"
	"testing"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/seed/benchdb"
	"github.com/salesflow/salesflow/models"
)

func BenchmarkClientsFirstPage(b *testing.B) {
	db := benchdb.Open(b)
	ctx := context.Background()
	if _, ok, err := classify.LatestAsOf(ctx, db); err != nil || !ok {
		b.Fatalf("no stored classification (%v): run `go run ./cmd/benchreport prepare -db $%s` first", err, benchdb.URLEnv)
	}
	f := classify.ReportFilter{Scope: models.Everyone(), Limit: 100}
	if _, err := classify.Report(ctx, db, f); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := classify.Report(ctx, db, f); err != nil {
			b.Fatal(err)
		}
	}
}
