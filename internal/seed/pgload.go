package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// bulkTables are the large tables, each with the order a live system
// leaves its rows in: a row's current version lies where it was last
// written, so a deal near its last update, a payment near its time, a
// control point near when it was due. The generator writes client by
// client; PostgreSQL loads rearrange the rows into this order (CLUSTER), so
// that benchmarks over a period read what a production database would.
var bulkTables = []struct {
	model any
	order string
}{
	{&models.Client{}, "created_at, id"},
	{&models.Deal{}, "updated_at, id"},
	{&models.Payment{}, "at, deal_id"},
	{&models.ControlPoint{}, "due_at, subject_id"},
}

// pgIndexes is what a PostgreSQL load takes off the bulk tables while it
// copies (indexes and key constraints) and puts back afterwards.
type pgIndexes struct {
	tables []string
	drop   []string // statements run before the copy
	create []string // statements run after it
}

// dropIndexes removes every index and primary or unique key of the bulk
// tables, remembering their definitions: COPY into bare tables and one
// index build afterwards is several times faster than maintaining the
// indexes row by row.
func dropIndexes(ctx context.Context, db *gorm.DB) (*pgIndexes, error) {
	db = db.WithContext(ctx)
	ix := &pgIndexes{}
	for _, bt := range bulkTables {
		table, err := tableName(db, bt.model)
		if err != nil {
			return nil, err
		}
		ix.tables = append(ix.tables, table)
		var cons []struct{ Name, Def string }
		err = db.Raw(`SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
			WHERE c.conrelid = ?::regclass AND c.contype IN ('p', 'u') ORDER BY c.conname`, table).Scan(&cons).Error
		if err != nil {
			return nil, err
		}
		var idx []struct{ Name, Def string }
		err = db.Raw(`SELECT ci.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
			JOIN pg_class ci ON ci.oid = i.indexrelid
			WHERE i.indrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
			ORDER BY ci.relname`, table).Scan(&idx).Error
		if err != nil {
			return nil, err
		}
		for _, c := range cons {
			ix.drop = append(ix.drop, fmt.Sprintf(`ALTER TABLE %q DROP CONSTRAINT %q`, table, c.Name))
			ix.create = append(ix.create, fmt.Sprintf(`ALTER TABLE %q ADD CONSTRAINT %q %s`, table, c.Name, c.Def))
		}
		for _, i := range idx {
			ix.drop = append(ix.drop, fmt.Sprintf(`DROP INDEX %q`, i.Name))
			ix.create = append(ix.create, i.Def)
		}
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		for _, stmt := range ix.drop {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("seed: %s: %w", stmt, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// restore orders the bulk tables (when cluster is set: after a complete
// load) and puts their indexes and keys back, on one connection with
// generous maintenance memory. It runs even after a failed load, so the
// schema is never left without its indexes.
func (ix *pgIndexes) restore(ctx context.Context, db *gorm.DB, cluster bool, log *slog.Logger) error {
	return db.WithContext(ctx).Connection(func(tx *gorm.DB) error {
		if err := tx.Exec("SET maintenance_work_mem = '512MB'").Error; err != nil {
			return err
		}
		var errs []error
		if cluster {
			for i, bt := range bulkTables {
				began := time.Now()
				table := ix.tables[i]
				for _, stmt := range []string{
					fmt.Sprintf(`CREATE INDEX seed_order ON %q (%s)`, table, bt.order),
					fmt.Sprintf(`CLUSTER %q USING seed_order`, table),
					`DROP INDEX seed_order`,
				} {
					if err := tx.Exec(stmt).Error; err != nil {
						errs = append(errs, fmt.Errorf("seed: %s: %w", stmt, err))
						break
					}
				}
				log.Info("seed: rows put in time order", "table", table, "by", bt.order, "elapsed", time.Since(began).Round(time.Millisecond))
			}
		}
		began := time.Now()
		for _, stmt := range ix.create {
			if err := tx.Exec(stmt).Error; err != nil {
				errs = append(errs, fmt.Errorf("seed: %s: %w", stmt, err))
			}
		}
		log.Info("seed: indexes rebuilt", "indexes", len(ix.create), "elapsed", time.Since(began).Round(time.Millisecond))
		return errors.Join(errs...)
	})
}
