package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// batch bounds the rows per INSERT, far below PostgreSQL's parameter limit.
const batch = 100

// caseTables says how one type of case (deals, complaints) is mirrored: V
// is its view, E the row type of its history events.
type caseTables[V, E any] struct {
	subject  string   // models.SubjectDeal or models.SubjectComplaint
	eventKey []string // the key columns of the event table
	// event is the row of a history event of case id.
	event func(id string, e casework.HistoryEvent) E
	// head is the view's ID, sequence number and control points, and what
	// it lacks to be stored ("" when nothing).
	head func(V) (id string, seq int, points []casework.ControlPoint, missing string)
	// upsert writes the case's own rows, each only over an older copy.
	upsert func(tx *gorm.DB, v V) error
}

// sync writes one sync of a case — its view and the history events that
// led to it — into the read model in a single transaction: the
// events not stored yet, the case's own rows and its control points (see
// upsertControlPoints). The events come first: the case's rows may be
// derived from its stored history. A view lacking what head names fails
// with a non-retryable ErrTypeInvalidInput error.
func (c caseTables[V, E]) sync(ctx context.Context, db *gorm.DB, s casework.Sync[V]) error {
	v, events := s.View, s.Events
	id, seq, points, missing := c.head(v)
	if missing != "" {
		return temporal.NewNonRetryableApplicationError("sync without "+missing, ErrTypeInvalidInput, nil)
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows := make([]E, 0, len(events))
		for _, e := range events {
			rows = append(rows, c.event(id, e))
		}
		if err := insertNew(tx, rows, c.eventKey...); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		if err := c.upsert(tx, v); err != nil {
			return err
		}
		return upsertControlPoints(tx, c.subject, id, seq, points)
	})
	if err != nil {
		return fmt.Errorf("sync %s %s at seq %d: %w", c.subject, id, seq, err)
	}
	logger(ctx).Debug(c.subject+" synced", c.subject+"_id", id, "seq", seq, "events", len(events))
	return nil
}

// missing is what, when lacking is set.
func missing(lacking bool, what string) string {
	if lacking {
		return what
	}
	return ""
}

// insertNew inserts the rows that do not exist yet, keyed by the given
// columns; rows already stored are left as they are.
func insertNew[T any](tx *gorm.DB, rows []T, key ...string) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{Columns: columns(key), DoNothing: true}).CreateInBatches(&rows, batch).Error
}

// upsertNewer inserts the rows, or replaces the update columns of stored
// ones (keyed by the key columns) that reflect a lower sequence number than
// the new row: the guard of every mirrored row, so a repeated or late sync
// changes nothing.
func upsertNewer[T any](tx *gorm.DB, table string, rows []T, key, update []string) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{
		Columns:   columns(key),
		DoUpdates: clause.AssignmentColumns(update),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: table + ".seq < excluded.seq"}}},
	}).CreateInBatches(&rows, batch).Error
}

func columns(names []string) []clause.Column {
	out := make([]clause.Column, len(names))
	for i, n := range names {
		out[i] = clause.Column{Name: n}
	}
	return out
}

// upsertControlPoints mirrors the control points of one deal or complaint
// (subjectType is models.SubjectDeal or models.SubjectComplaint) as of
// sequence number seq.
func upsertControlPoints(tx *gorm.DB, subjectType, subjectID string, seq int, points []casework.ControlPoint) error {
	// One row per ID (the last wins): an upsert may touch a row only once.
	index := map[string]int{}
	var rows []models.ControlPoint
	for _, cp := range points {
		row := models.ControlPoint{
			SubjectType: subjectType, SubjectID: subjectID, ID: cp.ID,
			Kind: string(cp.Kind), Stage: string(cp.Stage),
			Owner: cp.Owner, Subject: cp.Subject, Status: string(cp.Status),
			DueAt: utc(cp.DueAt), OverdueAt: utc(cp.OverdueAt), DoneAt: utcPtr(cp.DoneAt),
			Seq: seq,
		}
		if i, ok := index[cp.ID]; ok {
			rows[i] = row
			continue
		}
		index[cp.ID] = len(rows)
		rows = append(rows, row)
	}
	err := upsertNewer(tx, "control_points", rows, []string{"subject_type", "subject_id", "id"}, []string{
		"kind", "stage", "owner", "subject", "status", "due_at", "overdue_at", "done_at", "seq",
	})
	if err != nil {
		return fmt.Errorf("upsert control points: %w", err)
	}
	return nil
}
