package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := insertEvents(tx, v.ID, s.Events); err != nil {
			return err
		}
		if err := upsertDeal(tx, v); err != nil {
			return err
		}
		if err := upsertControlPoints(tx, v); err != nil {
			return err
		}
		return insertDocuments(tx, v)
	})
	if err != nil {
		return fmt.Errorf("sync deal %s at seq %d: %w", v.ID, v.Seq, err)
	}
	logger(ctx).Debug("deal synced", "deal_id", v.ID, "seq", v.Seq, "events", len(s.Events))
	return nil
}

func insertEvents(tx *gorm.DB, dealID string, events []deal.HistoryEvent) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]models.DealEvent, 0, len(events))
	for _, e := range events {
		rows = append(rows, models.DealEvent{
			DealID: dealID, Seq: e.Seq, Type: e.Type, Actor: e.Actor,
			Stage: string(e.Stage), At: utc(e.At), Data: string(e.Data),
		})
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "deal_id"}, {Name: "seq"}},
		DoNothing: true,
	}).CreateInBatches(&rows, batch).Error
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

// newer is the guard of every upsert: only a row from a higher sequence
// number replaces the stored one.
func newer(table string) clause.Where {
	return clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: table + ".seq < excluded.seq"}}}
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
	// created_at is the list order and cursor key, so it never changes.
	err := tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{
			"client_id", "owner", "title", "product", "amount", "paid_amount", "refunded_amount",
			"currency", "stage", "status", "waiting_on", "waiting_since", "lost_stage", "lost_reason",
			"previous_deal_id", "updated_at", "closed_at", "seq",
		}),
		Where: newer("deals"),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("upsert deal: %w", err)
	}
	return nil
}

func upsertControlPoints(tx *gorm.DB, v deal.View) error {
	// One row per ID (the last wins): an upsert may touch a row only once.
	index := map[string]int{}
	var rows []models.ControlPoint
	for _, cp := range v.ControlPoints {
		row := models.ControlPoint{
			DealID: v.ID, ID: cp.ID, Kind: string(cp.Kind), Stage: string(cp.Stage),
			Owner: cp.Owner, Subject: cp.Subject, Status: string(cp.Status),
			DueAt: utc(cp.DueAt), OverdueAt: utc(cp.OverdueAt), DoneAt: utcPtr(cp.DoneAt),
			Seq: v.Seq,
		}
		if i, ok := index[cp.ID]; ok {
			rows[i] = row
			continue
		}
		index[cp.ID] = len(rows)
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil
	}
	err := tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "deal_id"}, {Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{
			"kind", "stage", "owner", "subject", "status", "due_at", "overdue_at", "done_at", "seq",
		}),
		Where: newer("control_points"),
	}).CreateInBatches(&rows, batch).Error
	if err != nil {
		return fmt.Errorf("upsert control points: %w", err)
	}
	return nil
}

func insertDocuments(tx *gorm.DB, v deal.View) error {
	if len(v.Documents) == 0 {
		return nil
	}
	rows := make([]models.Document, 0, len(v.Documents))
	for _, d := range v.Documents {
		rows = append(rows, models.Document{
			DealID: v.ID, Type: string(d.Type), Version: d.Version, Ref: d.Ref, URL: d.URL, SentAt: utc(d.SentAt),
		})
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "deal_id"}, {Name: "type"}, {Name: "version"}},
		DoNothing: true,
	}).CreateInBatches(&rows, batch).Error
	if err != nil {
		return fmt.Errorf("insert documents: %w", err)
	}
	return nil
}
