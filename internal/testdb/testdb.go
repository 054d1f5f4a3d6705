// Package testdb gives tests a fresh, migrated read model: a throw-away
// PostgreSQL database or an SQLite file, removed when the test ends.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/salesflow/salesflow/models"
)

// DefaultURL is the PostgreSQL server used when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// URL returns the PostgreSQL server tests use: TEST_DATABASE_URL, or
// DefaultURL.
func URL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Postgres returns a migrated read model in a fresh PostgreSQL database
// (see EmptyPostgres) through models.Open.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	return Open(t, EmptyPostgres(t))
}

// Open opens (and migrates) the read model at url through models.Open and
// closes it when the test ends.
func Open(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db, err := models.Open(url)
	if err != nil {
		t.Fatalf("testdb: open %s: %v", url, err)
	}
	closeOnCleanup(t, db)
	return db
}

// EmptyPostgres creates a database named salesflow_t_<random hex> on the
// server given by URL, drops it when the test ends, and returns its URL. The
// test fails, never skips, when the server cannot be reached.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	server, err := url.Parse(URL())
	if err != nil || (server.Scheme != "postgres" && server.Scheme != "postgresql") {
		t.Fatalf("testdb: TEST_DATABASE_URL must be a postgres:// URL, got %q", URL())
	}
	q := server.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
		server.RawQuery = q.Encode()
	}
	admin, err := gorm.Open(postgres.Open(server.String()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("testdb: PostgreSQL at %s is unreachable: %v\n"+
			"start it (pg_ctlcluster --skip-systemctl-redirect <version> main start) or set TEST_DATABASE_URL",
			server.Redacted(), err)
	}
	adminSQL, err := admin.DB()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() { _ = adminSQL.Close() })

	name := "salesflow_t_" + randomHex(8)
	if err := admin.Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil {
		t.Fatalf("testdb: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.WithContext(ctx).Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`).Error; err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})

	target := *server
	target.Path = "/" + name
	return target.String()
}

// SQLite opens a migrated read model in a fresh SQLite file under the
// test's temporary folder.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := models.Open(filepath.Join(t.TempDir(), "rm.db"))
	if err != nil {
		t.Fatalf("testdb: open SQLite: %v", err)
	}
	closeOnCleanup(t, db)
	return db
}

// Each runs fn twice, as the subtests "postgres" and "sqlite", each with its
// own fresh store.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
}

// closeOnCleanup closes db's connections when the test ends, before any
// earlier-registered cleanup (dropping the database, removing the folder).
func closeOnCleanup(t testing.TB, db *gorm.DB) {
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
