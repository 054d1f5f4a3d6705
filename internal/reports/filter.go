package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/parallel"
	"github.com/salesflow/salesflow/models"
)

// ErrBadFilter is wrapped by the error a report returns for a filter it
// cannot run: a period whose From is not before its To, a missing period,
// a contact interval that is not positive.
var ErrBadFilter = errors.New("bad report filter")

// Filter selects what a report covers.
type Filter struct {
	// Scope is required: only rows whose owner is in scope count; its zero
	// value sees nothing.
	Scope models.Scope
	// From and To are the period [From, To), compared in UTC. Funnel, Losses
	// and KPI require both, From before To; Stuck and Roadmap ignore them.
	From, To time.Time
	// Owners keeps only these reps (nil or empty: everyone in scope). It
	// narrows the scope, never widens it: owners outside the scope see
	// nothing.
	Owners []string
	// Product keeps only deals of this product ("" any).
	Product string
	// Segment keeps only deals of clients of this segment ("" any).
	Segment string
}

// period returns the filter's period in UTC, or an error wrapping
// ErrBadFilter.
func (f Filter) period() (from, to time.Time, err error) {
	if f.From.IsZero() || f.To.IsZero() || !f.From.Before(f.To) {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: the period needs from before to", ErrBadFilter)
	}
	return f.From.UTC(), f.To.UTC(), nil
}

// people restricts q to the rows whose column col names a staff member in
// scope and, when the filter names owners, one of them.
func (f Filter) people(q *gorm.DB, col string) *gorm.DB {
	q = f.Scope.Restrict(q, col)
	if len(f.Owners) > 0 {
		q = q.Where(col+" IN ?", f.Owners)
	}
	return q
}

// deals is the query FROM deals AS d over the deals of the filter: owner in
// scope and owners, the client's segment and, when withProduct is set, the
// product.
func (f Filter) deals(db *gorm.DB, withProduct bool) *gorm.DB {
	q := f.people(db.Table("deals AS d"), "d.owner")
	if withProduct && f.Product != "" {
		q = q.Where("d.product = ?", f.Product)
	}
	if f.Segment != "" {
		q = q.Where("d.client_id IN (SELECT id FROM clients WHERE segment = ?)", f.Segment)
	}
	return q
}

// postgres reports whether db is PostgreSQL (else SQLite).
func postgres(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }

// seconds returns the SQL expression of the whole seconds from the instant
// in column a to the one in column b, both truncated to the second first:
// the same figure on PostgreSQL and SQLite.
func seconds(db *gorm.DB, a, b string) string {
	if postgres(db) {
		return "CAST(FLOOR(date_part('epoch', " + b + ")) - FLOOR(date_part('epoch', " + a + ")) AS BIGINT)"
	}
	return "(unixepoch(" + b + ") - unixepoch(" + a + "))"
}

// read runs a report's queries in one read-only transaction, so they all
// see the same snapshot (REPEATABLE READ on PostgreSQL; SQLite
// transactions are serializable). On PostgreSQL it also turns JIT
// compilation off for the transaction (compiling costs more than these
// short aggregate queries run: seconds instead of milliseconds at a million
// deals).
func read(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	return readTx(ctx, db, true, fn)
}

// readTx is read; without workers, PostgreSQL plans the transaction's
// queries without parallel workers.
func readTx(ctx context.Context, db *gorm.DB, workers bool, fn func(tx *gorm.DB) error) error {
	db = db.WithContext(ctx)
	if !postgres(db) {
		return db.Transaction(fn)
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
			return err
		}
		if !workers {
			if err := tx.Exec("SET LOCAL max_parallel_workers_per_gather = 0").Error; err != nil {
				return err
			}
		}
		return fn(tx)
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
}

// concurrentParts is how many parts of a report run at once on
// PostgreSQL. Two: the development machine has two cores, and the
// dashboard reads several reports at once besides (the pool keeps
// models.Open's idle connections for them, so no part opens a fresh
// connection with cold catalog caches).
const concurrentParts = 2

// readParts runs independent parts of a report. On PostgreSQL, outside a
// caller's transaction, they run concurrently, concurrentParts at a time in
// the order given (the longest should come first), each in its own read
// transaction (and snapshot) on its own connection, so the report takes
// about as long as its slowest part rather than their sum; workers says
// whether each part may use parallel workers besides (parts that run side
// by side on few cores do better without: a part's workers take the cores
// the other parts need). Otherwise (SQLite, whose store has one
// connection, or a caller's transaction) they run one after the other in
// one read transaction, as the caller's settings say.
func readParts(ctx context.Context, db *gorm.DB, workers bool, parts ...func(tx *gorm.DB) error) error {
	if _, inTx := db.Statement.ConnPool.(gorm.TxCommitter); !postgres(db) || inTx {
		return read(ctx, db, func(tx *gorm.DB) error {
			for _, part := range parts {
				if err := part(tx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	reads := make([]func() error, len(parts))
	for i, part := range parts {
		reads[i] = func() error { return readTx(ctx, db, workers, part) }
	}
	return errors.Join(parallel.Run(concurrentParts, reads...)...)
}

// average returns total/n rounded to two decimals, or nil when n is 0.
func average(total int64, n int) *float64 {
	if n == 0 {
		return nil
	}
	return ptr(math.Round(float64(total)*100/float64(n)) / 100)
}

func ptr[T any](v T) *T { return &v }

// utcPtr returns t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return ptr(t.UTC())
}

// Formatting of table cells: money as decimals, times in RFC 3339 (UTC),
// percentages with one decimal, averages with two; "" for none.

func cellInt[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func cellMoney(a money.Amount) string { return a.String() }

func cellTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func cellPercent(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}

func cellAverage(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

func cellSeconds(s *int64) string {
	if s == nil {
		return ""
	}
	return cellInt(*s)
}

// Table is a report as rows, for CSV: a header and rows of strings (money
// as decimals "1500.00", times in RFC 3339 UTC, percentages with one
// decimal, averages with two; an empty string where a figure is null).
type Table struct {
	Header []string
	Rows   [][]string
}
