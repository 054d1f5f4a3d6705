package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// batch bounds the rows per INSERT, far below PostgreSQL's parameter limit.
const batch = 100

// SyncDeal writes one deal.Sync into the read model in a single
// transaction: it appends the history events not stored yet, and replaces
// the deal row and each control point only when the stored copy reflects an
// older sequence number, so a repeated or late (older) sync changes nothing.
// Documents are added once per (type, version).
func (a *Activities) SyncDeal(ctx context.Context, s deal.Sync) error {
	v := s.View
	if v.ID == "" {
		return temporal.NewNonRetryableApplicationError("sync without a deal ID", ErrTypeInvalidInput, nil)
	}
	return syncCase(ctx, a.DB, caseSync[models.DealEvent]{
		subject: models.SubjectDeal, id: v.ID, seq: v.Seq, events: s.Events, points: v.ControlPoints,
		eventKey: []string{"deal_id", "seq"},
		event: func(e casework.HistoryEvent) models.DealEvent {
			return models.DealEvent{DealID: v.ID, Seq: e.Seq, Type: e.Type, Actor: e.Actor,
				Stage: e.Stage, At: utc(e.At), Data: string(e.Data)}
		},
		upsert: func(tx *gorm.DB) error { return writeDeal(tx, v) },
	})
}

// writeDeal mirrors the deal's own rows: the deal, its payments and its
// documents.
func writeDeal(tx *gorm.DB, v deal.View) error {
	if err := upsertDeal(tx, v); err != nil {
		return err
	}
	if err := insertPayments(tx, v); err != nil {
		return err
	}
	return insertDocuments(tx, v)
}

// caseSync is one sync of a case (a deal or a complaint) as syncCase
// writes it. E is the row type of the case's history events.
type caseSync[E any] struct {
	subject string // models.SubjectDeal or models.SubjectComplaint
	id      string
	seq     int
	events  []casework.HistoryEvent
	points  []casework.ControlPoint
	// event is the row of a history event, eventKey the key columns of
	// the event table.
	event    func(casework.HistoryEvent) E
	eventKey []string
	// upsert writes the case's own rows, each only when newer.
	upsert func(tx *gorm.DB) error
}

// syncCase writes one sync of a case into the read model in a single
// transaction: the history events not stored yet, the case's own rows
// (upsert) and its control points, the last two only over copies that
// reflect an older sequence number. The events come first: the case's rows
// may be derived from its stored history.
func syncCase[E any](ctx context.Context, db *gorm.DB, s caseSync[E]) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows := make([]E, 0, len(s.events))
		for _, e := range s.events {
			rows = append(rows, s.event(e))
		}
		if err := insertNew(tx, rows, s.eventKey...); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		if err := s.upsert(tx); err != nil {
			return err
		}
		return upsertControlPoints(tx, s.subject, s.id, s.seq, s.points)
	})
	if err != nil {
		return fmt.Errorf("sync %s %s at seq %d: %w", s.subject, s.id, s.seq, err)
	}
	logger(ctx).Debug(s.subject+" synced", s.subject+"_id", s.id, "seq", s.seq, "events", len(s.events))
	return nil
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

func upsertDeal(tx *gorm.DB, v deal.View) error {
	row := models.Deal{
		ID: v.ID, ClientID: v.ClientID, Owner: v.Owner, Title: v.Title, Product: v.Product,
		Amount: int64(v.Amount), Currency: v.Currency,
		Stage: string(v.Stage), Status: string(v.Status),
		WaitingOn: string(v.WaitingOn), WaitingSince: utc(v.WaitingSince),
		LostStage: string(v.LostStage), LostReason: v.LostReason,
		PreviousDealID: v.PreviousDealID,
		CreatedAt:      utcOrNow(v.CreatedAt), UpdatedAt: utcOrNow(v.UpdatedAt), ClosedAt: utcPtr(v.ClosedAt),
		Seq: v.Seq,
	}
	for _, p := range v.Payments {
		switch p.Kind {
		case deal.KindPayment:
			row.PaidAmount += int64(p.Amount)
		case deal.KindRefund:
			row.RefundedAmount += int64(p.Amount)
		}
	}
	setContext(&row, v)
	if err := setStageTimes(tx, &row, v); err != nil {
		return err
	}
	if err := setSale(tx, &row); err != nil {
		return err
	}
	// created_at is the list order and cursor key, so it never changes.
	err := upsertNewer(tx, "deals", []models.Deal{row}, []string{"id"}, []string{
		"client_id", "owner", "title", "product", "amount", "paid_amount", "refunded_amount",
		"currency", "stage", "status", "waiting_on", "waiting_since", "lost_stage", "lost_reason",
		"previous_deal_id", "updated_at", "closed_at", "seq",
		"presentation_at", "offer_at", "contract_at", "payment_at", "event_at", "close_at",
		"offer_versions", "presentation_declines", "contract_changes", "overdue_points",
		"sale_kind", "new_product",
	})
	if err != nil {
		return fmt.Errorf("upsert deal: %w", err)
	}
	return markClient(tx, row)
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

func insertDocuments(tx *gorm.DB, v deal.View) error {
	rows := make([]models.Document, 0, len(v.Documents))
	for _, d := range v.Documents {
		rows = append(rows, models.Document{
			DealID: v.ID, Type: string(d.Type), Version: d.Version, Ref: d.Ref, URL: d.URL, SentAt: utc(d.SentAt),
		})
	}
	if err := insertNew(tx, rows, "deal_id", "type", "version"); err != nil {
		return fmt.Errorf("insert documents: %w", err)
	}
	return nil
}
