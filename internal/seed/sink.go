package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// sink writes generated rows: one long COPY per table on PostgreSQL, each
// on its own connection and all at once; batched multi-row INSERTs in one
// transaction per chunk elsewhere.
type sink interface {
	// write hands over rows (a slice of one model type, e.g. []models.Deal).
	write(ctx context.Context, rows ...any) error
	// close ends every copy and returns the first error.
	close() error
}

// batchSize is the number of rows per INSERT on the batch path.
const batchSize = 500

func newSink(ctx context.Context, db *gorm.DB) (sink, error) {
	if db.Dialector.Name() != "postgres" {
		return &batchSink{db: db}, nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	return &copySink{db: db, sqlDB: sqlDB, ctx: ctx, cancel: cancel, tables: map[reflect.Type]*copier{}}, nil
}

// batchSink inserts each chunk in one transaction.
type batchSink struct{ db *gorm.DB }

func (s *batchSink) write(ctx context.Context, rows ...any) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, r := range rows {
			if reflect.ValueOf(r).Len() == 0 {
				continue
			}
			if err := tx.CreateInBatches(r, batchSize).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *batchSink) close() error { return nil }

// copySink streams every table through its own COPY FROM STDIN.
type copySink struct {
	db     *gorm.DB
	sqlDB  *sql.DB
	ctx    context.Context
	cancel context.CancelFunc
	tables map[reflect.Type]*copier
	order  []*copier
}

// copier is one running COPY: rows go in through the channel in batches.
type copier struct {
	table  string
	fields []*schema.Field
	rows   chan [][]any
	done   chan error
}

func (s *copySink) write(ctx context.Context, rows ...any) error {
	for _, r := range rows {
		v := reflect.ValueOf(r)
		if v.Len() == 0 {
			continue
		}
		c, err := s.copier(v.Type().Elem())
		if err != nil {
			return err
		}
		batch := make([][]any, v.Len())
		for i := range batch {
			row := make([]any, len(c.fields))
			e := v.Index(i)
			for j, f := range c.fields {
				row[j], _ = f.ValueOf(ctx, e)
			}
			batch[i] = row
		}
		select {
		case c.rows <- batch:
		case <-s.ctx.Done():
			return s.firstError()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// copier returns the COPY of the table of model type t, starting it on
// first use.
func (s *copySink) copier(t reflect.Type) (*copier, error) {
	if c, ok := s.tables[t]; ok {
		return c, nil
	}
	sch, err := schema.Parse(reflect.New(t).Interface(), &sync.Map{}, s.db.NamingStrategy)
	if err != nil {
		return nil, err
	}
	c := &copier{table: sch.Table, rows: make(chan [][]any, 4), done: make(chan error, 1)}
	var cols []string
	for _, f := range sch.Fields {
		if f.DBName != "" && f.Creatable {
			c.fields = append(c.fields, f)
			cols = append(cols, f.DBName)
		}
	}
	s.tables[t] = c
	s.order = append(s.order, c)
	go func() {
		err := s.copy(c, cols)
		if err != nil {
			s.cancel()
		}
		c.done <- err
		for range c.rows { // let a writer blocked on a failed copy go on
		}
	}()
	return c, nil
}

func (s *copySink) copy(c *copier, cols []string) error {
	conn, err := s.sqlDB.Conn(s.ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not pgx", dc)
		}
		_, err := pc.Conn().CopyFrom(s.ctx, pgx.Identifier{c.table}, cols, &chanSource{ch: c.rows})
		if err != nil {
			return fmt.Errorf("copy %s: %w", c.table, err)
		}
		return nil
	})
}

func (s *copySink) firstError() error {
	for _, c := range s.order {
		select {
		case err := <-c.done:
			c.done <- err
			if err != nil {
				return err
			}
		default:
		}
	}
	return errors.New("copy cancelled")
}

func (s *copySink) close() error {
	for _, c := range s.order {
		close(c.rows)
	}
	var errs []error
	for _, c := range s.order {
		errs = append(errs, <-c.done)
	}
	s.cancel()
	return errors.Join(errs...)
}

// chanSource feeds a COPY from a channel of row batches.
type chanSource struct {
	ch    <-chan [][]any
	batch [][]any
	i     int
	cur   []any
}

// Next moves to the next row, waiting for the next batch; false once the
// channel is closed.
func (s *chanSource) Next() bool {
	for s.i >= len(s.batch) {
		b, ok := <-s.ch
		if !ok {
			return false
		}
		s.batch, s.i = b, 0
	}
	s.cur = s.batch[s.i]
	s.i++
	return true
}

// Values returns the current row.
func (s *chanSource) Values() ([]any, error) { return s.cur, nil }

// Err is always nil: rows come ready-made.
func (s *chanSource) Err() error { return nil }
