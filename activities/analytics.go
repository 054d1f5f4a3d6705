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
// forward); a stage without events of its own takes the time it was
// entered to the next one. The deal's history must be stored already (it is, earlier in the
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
	at := row.CreatedAt
	for i := 0; i <= v.Stage.Index() && i < len(entered); i++ {
		// A stage with no event of its own was passed by the action that
		// entered it: the next stage was entered at the same time.
		if t, ok := last[string(deal.Stages[max(i-1, 0)])]; ok && i > 0 {
			at = t
		}
		t := at
		*entered[i] = &t
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

// earlierWon is the condition that a won deal of the client closed before
// the deal (closed_at, then ID): the order sales are counted in.
const earlierWon = "client_id = ? AND status = ? AND id <> ? AND (closed_at < ? OR (closed_at = ? AND id < ?))"

// setSale classifies a won deal for the KPI report: a first or a repeat
// sale of its client and, for a repeat sale, whether the client had bought
// the product before. Deals won earlier are those in the read model when
// the deal is won, which is when it syncs.
func setSale(tx *gorm.DB, row *models.Deal) error {
	if row.Status != models.DealWon || row.ClosedAt == nil {
		return nil
	}
	at := *row.ClosedAt
	earlier := func(extra string, args ...any) (bool, error) {
		var n int64
		err := tx.Model(&models.Deal{}).
			Where(earlierWon, row.ClientID, models.DealWon, row.ID, at, at, row.ID).
			Where(extra, args...).Limit(1).Count(&n).Error
		return n > 0, err
	}
	repeat, err := earlier("1 = 1")
	if err != nil {
		return fmt.Errorf("sale kind: %w", err)
	}
	row.SaleKind = models.SaleFirst
	if !repeat {
		return nil
	}
	row.SaleKind = models.SaleRepeat
	bought, err := earlier("product = ?", row.Product)
	if err != nil {
		return fmt.Errorf("sale kind: %w", err)
	}
	row.NewProduct = !bought
	return nil
}

// markClient records on the deal's client its first deal (the earliest
// created, ties by ID) and when its first deal was won: each only moves
// earlier, so syncs in any order agree.
func markClient(tx *gorm.DB, row models.Deal) error {
	err := tx.Model(&models.Client{}).
		Where("id = ? AND (first_deal_at IS NULL OR first_deal_at > ? OR (first_deal_at = ? AND first_deal_id > ?))",
			row.ClientID, row.CreatedAt, row.CreatedAt, row.ID).
		Updates(map[string]any{"first_deal_id": row.ID, "first_deal_at": row.CreatedAt}).Error
	if err == nil && row.Status == models.DealWon && row.ClosedAt != nil {
		err = tx.Model(&models.Client{}).
			Where("id = ? AND (first_won_at IS NULL OR first_won_at > ?)", row.ClientID, *row.ClosedAt).
			Update("first_won_at", *row.ClosedAt).Error
	}
	if err != nil {
		return fmt.Errorf("mark client: %w", err)
	}
	return nil
}
