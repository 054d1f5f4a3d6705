package activities

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// SyncDeal writes one deal.Sync into the read model in a single
// transaction: it appends the history events not stored yet, and replaces
// the deal row and each control point only when the stored copy reflects an
// older sequence number, so a repeated or late (older) sync changes nothing.
// Documents are added once per (type, version).
func (a *Activities) SyncDeal(ctx context.Context, s deal.Sync) error {
	return deals.sync(ctx, a.DB, s)
}

// deals are mirrored into deals, deal_events, payments, documents and the
// control points; a deal's view needs its ID.
var deals = caseTables[deal.View, models.DealEvent]{subject: models.SubjectDeal, eventKey: []string{"deal_id", "seq"},
	event: func(id string, e casework.HistoryEvent) models.DealEvent {
		return models.DealEvent{DealID: id, CaseEvent: models.NewCaseEvent(e)}
	},
	head: func(v deal.View) (string, int, []casework.ControlPoint, string) {
		return v.ID, v.Seq, v.ControlPoints, missing(v.ID == "", "a deal ID")
	},
	upsert: func(tx *gorm.DB, v deal.View) error {
		if err := upsertDeal(tx, v); err != nil {
			return err
		}
		if err := insertPayments(tx, v); err != nil {
			return err
		}
		return insertDocuments(tx, v)
	},
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
	setFollowUp(&row, v)
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
		"follow_up_outcome", "next_contact_at", "next_contact_purpose", "next_contact_product",
	})
	if err != nil {
		return fmt.Errorf("upsert deal: %w", err)
	}
	return markClient(tx, row)
}

// setFollowUp fills the follow-up columns of a won deal: the outcome of the
// last follow-up completed, and while its follow-up point waits (open or
// overdue) the next contact it plans — when (the point's due time), what
// for (deal.FollowUpPurpose when none was given) and about which product.
func setFollowUp(row *models.Deal, v deal.View) {
	f := v.FollowUp
	if v.Status != deal.StatusWon || f == nil {
		return
	}
	row.FollowUpOutcome = string(f.Outcome)
	for _, cp := range v.ControlPoints {
		if cp.Kind == deal.PointFollowUp && cp.Active() {
			due := utc(cp.DueAt)
			row.NextContactAt, row.NextContactPurpose, row.NextContactProduct = &due, f.Purpose, f.Product
			if row.NextContactPurpose == "" {
				row.NextContactPurpose = deal.FollowUpPurpose
			}
		}
	}
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
