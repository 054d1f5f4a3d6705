// Command seed writes a synthetic sales history into a read model database
// (PostgreSQL URL or SQLite path), for benchmarks and demos:
//
//	go run ./cmd/seed -db postgres://postgres@127.0.0.1:5432/salesflow_bench?sslmode=disable \
//	    -clients 200000 -years 5 -deals 1000000 -seed 1
//
// The same flags always write the same rows. A database that already has
// staff, clients or deals is refused unless -force is given, which empties
// the seeded tables first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/salesflow/salesflow/internal/seed"
	"github.com/salesflow/salesflow/models"
)

func main() {
	if err := run(); err != nil {
		slog.Error("seed failed", "error", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		url     = flag.String("db", os.Getenv("DATABASE_URL"), "read model: postgres:// URL or SQLite file path (default $DATABASE_URL)")
		clients = flag.Int("clients", 2000, "number of clients")
		years   = flag.Int("years", 5, "years of history")
		deals   = flag.Int("deals", 0, "number of deals (default clients × years)")
		seedN   = flag.Uint64("seed", 1, "random seed: the same seed writes the same history")
		end     = flag.String("end", seed.DefaultEnd.Format(time.DateOnly), "end of the history (YYYY-MM-DD, UTC)")
		force   = flag.Bool("force", false, "empty the seeded tables of a database that has data")
		ifEmpty = flag.Bool("if-empty", false, "leave a database that has data alone (exit 0) instead of failing")
		create  = flag.Bool("create", false, "create the PostgreSQL database when it does not exist")
	)
	flag.Parse()
	if *url == "" {
		return fmt.Errorf("-db is required")
	}
	endAt, err := time.Parse(time.DateOnly, *end)
	if err != nil {
		return fmt.Errorf("-end: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	if *create {
		if err := createDatabase(ctx, *url, log); err != nil {
			return err
		}
	}
	db, err := models.Open(*url)
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	tot, err := seed.Run(ctx, db, seed.Config{
		Clients: *clients, Years: *years, Deals: *deals, Seed: *seedN, End: endAt, Force: *force, Log: log,
	})
	if errors.Is(err, seed.ErrNotEmpty) && *ifEmpty {
		log.Info("seed: the database already has data; left as it is")
		return nil
	}
	if err != nil {
		return err
	}
	log.Info("seed: done", "staff", tot.Staff, "clients", tot.Clients, "deals", tot.Deals, "payments", tot.Payments,
		"control_points", tot.ControlPoints, "complaints", tot.Complaints, "elapsed", tot.Elapsed.Round(time.Millisecond))
	return nil
}

// createDatabase creates the database a postgres:// URL names, through the
// server's postgres database, unless it exists.
func createDatabase(ctx context.Context, raw string, log *slog.Logger) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("-create needs a postgres:// URL")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.ContainsAny(name, `"/`) {
		return fmt.Errorf("-create: bad database name %q", name)
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := gorm.Open(postgres.Open(admin.String()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return fmt.Errorf("connect to %s: %w", admin.Redacted(), err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	var n int64
	if err := db.WithContext(ctx).Raw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := db.WithContext(ctx).Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	log.Info("seed: database created", "database", name)
	return nil
}
