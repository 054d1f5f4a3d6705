package api

import (
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/models"
)

// dealList is the answer of GET /deals.
type dealList = page[dealItem]

// dealItem is a deal as the read model last saw it.
type dealItem struct {
	ID             string         `json:"id"`
	ClientID       string         `json:"client_id"`
	Owner          string         `json:"owner"`
	Title          string         `json:"title"`
	Product        string         `json:"product,omitempty"`
	Amount         money.Amount   `json:"amount"`
	PaidAmount     money.Amount   `json:"paid_amount"`
	RefundedAmount money.Amount   `json:"refunded_amount"`
	Currency       string         `json:"currency"`
	Stage          deal.Stage     `json:"stage"`
	Status         deal.Status    `json:"status"`
	WaitingOn      deal.WaitingOn `json:"waiting_on,omitempty"`
	WaitingSince   *time.Time     `json:"waiting_since,omitempty"`
	LostStage      deal.Stage     `json:"lost_stage,omitempty"`
	LostReason     string         `json:"lost_reason,omitempty"`
	PreviousDealID string         `json:"previous_deal_id,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	ClosedAt       *time.Time     `json:"closed_at,omitempty"`
}

// utc returns t in UTC, or nil when t is nil or zero.
func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toDealItem(d models.Deal) dealItem {
	return dealItem{
		ID: d.ID, ClientID: d.ClientID, Owner: d.Owner, Title: d.Title, Product: d.Product,
		Amount: money.Amount(d.Amount), PaidAmount: money.Amount(d.PaidAmount),
		RefundedAmount: money.Amount(d.RefundedAmount), Currency: d.Currency,
		Stage: deal.Stage(d.Stage), Status: deal.Status(d.Status),
		WaitingOn: deal.WaitingOn(d.WaitingOn), WaitingSince: utc(&d.WaitingSince),
		LostStage: deal.Stage(d.LostStage), LostReason: d.LostReason, PreviousDealID: d.PreviousDealID,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), ClosedAt: utc(d.ClosedAt),
	}
}

var statuses = []deal.Status{deal.StatusOpen, deal.StatusWon, deal.StatusLost, deal.StatusCancelled}

func (s *server) listDeals(c echo.Context) error {
	f := models.DealFilter{
		Scope: scopeOf(c), Stage: c.QueryParam("stage"), Status: c.QueryParam("status"), Owner: c.QueryParam("owner"),
		ClientID: c.QueryParam("client_id"), Cursor: c.QueryParam("cursor"),
	}
	p := problems{}
	if f.Stage != "" && deal.Stage(f.Stage).Index() < 0 {
		p.add("stage", "must be one of presentation, offer, contract, payment, event, close")
	}
	if f.Status != "" && !slices.Contains(statuses, deal.Status(f.Status)) {
		p.add("status", "must be one of open, won, lost, cancelled")
	}
	f.Limit = limitParam(c, p)
	return answerPage(c, p, func() ([]models.Deal, string, error) { return models.ListDeals(c.Request().Context(), s.DB, f) }, toDealItem)
}
