package app

import (
	"context"
	"sync"
	"testing"

	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/testdb"
)

// TestStoreCreatesReportIndexes: opening the store, on SQLite and on
// PostgreSQL by several processes at once, migrates it and creates every
// index the reports need.
func TestStoreCreatesReportIndexes(t *testing.T) {
	ctx := context.Background()
	lite, err := Store(ctx, config.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	lite.Raw("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_reports_%'").Scan(&n)
	if n == 0 {
		t.Error("no report index on SQLite")
	}
	url := testdb.EmptyPostgres(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			db, err := Store(ctx, config.Config{DatabaseURL: url})
			if err == nil {
				sqlDB, _ := db.DB()
				defer sqlDB.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent start: %v", err)
		}
	}
	db, err := Store(ctx, config.Config{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB, _ := db.DB(); sqlDB.Close() })
	var pg int64
	db.Raw("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'idx_reports_%'").Scan(&pg)
	if pg != n {
		t.Errorf("%d report indexes on PostgreSQL, %d on SQLite", pg, n)
	}
}
