package models

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Open connects to the read model. A URL starting with postgres:// or
// postgresql:// (or a key=value DSN) opens PostgreSQL; "sqlite:PATH" or a bare
// file path opens the embedded SQLite store, creating its folder. The schema
// is migrated before Open returns.
func Open(url string) (*gorm.DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true}
	var dialector gorm.Dialector
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"), strings.Contains(url, "host="):
		dialector = postgres.Open(url)
	default:
		path := strings.TrimPrefix(url, "sqlite:")
		if path != ":memory:" && !strings.HasPrefix(path, "file:") {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, fmt.Errorf("create store folder: %w", err)
			}
		}
		dialector = sqlite.Open(path + sqliteOptions(path))
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("open read model: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if db.Dialector.Name() == "sqlite" {
		// One writer at a time keeps the embedded store free of lock errors.
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxIdleConns(maxIdleConns)
	}
	if err := migrate(db); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("migrate read model: %w", err)
	}
	return db, nil
}

// maxIdleConns is how many idle PostgreSQL connections the pool keeps
// (database/sql's default is 2). A page reads several things at once (the
// dashboard four sections, two of which run two queries each); beyond the
// idle ones every such page would open fresh connections, each with a new
// backend and cold catalog caches.
const maxIdleConns = 8

// migrateLock is the PostgreSQL advisory lock key that serializes
// migrations when several workers and API servers start at once.
const migrateLock = 0x5a1e5f10

// migrate creates or updates the tables.
func migrate(db *gorm.DB) error { return Locked(db, migrateOn) }

// Locked runs a schema change fn on one connection of db. On PostgreSQL it
// holds the migration advisory lock meanwhile, so processes starting at
// once do not race to create the same table or index.
func Locked(db *gorm.DB, fn func(*gorm.DB) error) error {
	if db.Dialector.Name() != "postgres" {
		return fn(db)
	}
	return db.Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("SELECT pg_advisory_lock(?)", migrateLock).Error; err != nil {
			return err
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?)", migrateLock)
		return fn(conn)
	})
}

// migrateOn creates or updates the tables, then the parts AutoMigrate
// does not know: the audit table's append-only triggers, the clients'
// search text and its trigram index, and the public IDs of tokens and
// notifications and the previous categories of classification history
// entries stored before they had them.
func migrateOn(db *gorm.DB) error {
	if err := db.AutoMigrate(All...); err != nil {
		return err
	}
	for _, stmt := range auditTriggers[db.Dialector.Name()] {
		if err := db.Exec(stmt).Error; err != nil {
			return fmt.Errorf("audit triggers: %w", err)
		}
	}
	if err := backfillClientSearch(db); err != nil {
		return err
	}
	ensureClientSearchIndexes(db)
	if err := backfillTokenIDs(db); err != nil {
		return err
	}
	if err := FillPreviousCategories(context.Background(), db, nil); err != nil {
		return err
	}
	return backfillNotificationIDs(db)
}

func sqliteOptions(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return sep + "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
}
