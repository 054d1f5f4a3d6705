package activities

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// setContext fills the deal row's process context for the losses report:
// offer versions, declined presentations, contract change requests and
// control points that went overdue.
func setContext(row *models.Deal, v deal.View) {
	row.OfferVersions = len(v.Offers)
	row.PresentationDeclines = len(v.Presentation.Declines)
	if v.Contract != nil {
		row.ContractChanges = len(v.Contract.ChangeRequests)
	}
	for _, cp := range v.ControlPoints {
		if cp.Escalated {
			row.OverduePoints++
		}
	}
}

// setStageTimes fills when the deal entered each stage it has reached: the
// first stage when it was created, every later one when the action that
// moved it there was taken — the last history event recorded in the stage
// before (events carry the stage they were recorded in, and stages only move
// forward). The deal's history must be stored already (it is, earlier in the
// same transaction), so the times never depend on how syncs were batched.
func setStageTimes(tx *gorm.DB, row *models.Deal, v deal.View) error {
	var events []models.DealEvent
	err := tx.Select("stage", "at").Where("deal_id = ?", v.ID).Order("seq").Find(&events).Error
	if err != nil {
		return fmt.Errorf("stage times: %w", err)
	}
	last := map[string]time.Time{}
	for _, e := range events {
		last[e.Stage] = e.At.UTC()
	}
	entered := []**time.Time{
		&row.PresentationAt, &row.OfferAt, &row.ContractAt, &row.PaymentAt, &row.EventAt, &row.CloseAt,
	}
	reached := v.Stage.Index()
	for i := 0; i <= reached && i < len(entered); i++ {
		at := row.CreatedAt
		if i > 0 {
			t, ok := last[string(deal.Stages[i-1])]
			if !ok {
				t = row.UpdatedAt // no event recorded in the stage before
			}
			at = t
		}
		*entered[i] = &at
	}
	return nil
}

// insertPayments mirrors the deal's payments and refunds (negative) as
// settlements of its client; each is stored once.
func insertPayments(tx *gorm.DB, v deal.View) error {
	rows := make([]models.Payment, 0, len(v.Payments))
	for i, p := range v.Payments {
		amount := int64(p.Amount)
		if p.Kind == deal.KindRefund {
			amount = -amount
		}
		rows = append(rows, models.Payment{DealID: v.ID, N: i + 1, ClientID: v.ClientID, Amount: amount, At: utc(p.At)})
	}
	if err := insertNew(tx, rows, "deal_id", "n"); err != nil {
		return fmt.Errorf("insert payments: %w", err)
	}
	return nil
}
