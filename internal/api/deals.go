package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// createDealInput is the body of POST /deals. The amount is optional: the
// accepted offer sets it (docs/process.md §2.2).
type createDealInput struct {
	ClientID       string          `json:"client_id"`
	Title          string          `json:"title"`
	Product        string          `json:"product,omitempty"`
	Amount         *money.Amount   `json:"amount,omitempty"`
	Currency       string          `json:"currency"`
	PreviousDealID string          `json:"previous_deal_id,omitempty"`
	Policy         json.RawMessage `json:"policy,omitempty"`
}

// dealParams validates the input and returns the workflow's parameters:
// the deal runs with the current policy document's deal policy merged with
// the input's override, and with the document's calendar and version. The
// product must be one of the document's catalogue; valid input for a
// client refused by its qualification is then refused (checkQualification).
func (s *server) dealParams(c echo.Context, in createDealInput) (workflows.DealParams, error) {
	if err := checkOverride(c, "deal", in.Policy); err != nil {
		return workflows.DealParams{}, err
	}
	p := problems{}
	p.name("title", &in.Title, 300)
	if in.Amount != nil && *in.Amount <= 0 {
		p.add("amount", "must be greater than 0 when given")
	}
	if !money.IsCurrency(in.Currency) {
		p.add("currency", "must be an ISO 4217 currency code such as RUB or EUR")
	}
	client, err := s.checkClientDeal(c, p, in.ClientID, "previous_deal_id", in.PreviousDealID)
	if err != nil {
		return workflows.DealParams{}, err
	}
	if in.Product == "" && in.PreviousDealID != "" {
		in.Product = s.followUpProduct(c, in.PreviousDealID)
	}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return workflows.DealParams{}, err
	}
	p.inCatalog("product", in.Product, doc.Catalogs.Products)
	pol, err := casework.MergeJSON(doc.Deal, in.Policy)
	if err == nil {
		err = policy.CheckDeal(pol, doc.Catalogs, doc.Complaint)
	}
	if err != nil {
		p.add("policy", err.Error())
	}
	head := deal.Header{
		ClientID: in.ClientID, Owner: staffOf(c).ID, Title: in.Title, Product: in.Product,
		Currency: in.Currency, PreviousDealID: in.PreviousDealID,
	}
	if in.Amount != nil {
		head.Amount = *in.Amount
	}
	params := workflows.DealParams{
		Params:          deal.Params{Header: head, Policy: pol, PolicyVersion: doc.Version, Calendar: caseCalendar(doc, client)},
		ComplaintPolicy: &doc.Complaint,
	}
	if err := p.err(); err != nil || client == nil {
		return params, err
	}
	return params, s.checkQualification(c, doc, client.ID)
}

// dealCase is the deal case type: workflows.Deal driven through the
// generic case routes under /api/v1/deals.
func (s *server) dealCase() *CaseType[workflows.DealParams, deal.View] {
	return &CaseType[workflows.DealParams, deal.View]{
		Noun: "deal", Path: "deals", Prefix: "deal-",
		Workflow:   workflows.Deal,
		Catalog:    deal.Inputs,
		Allowed:    func(v deal.View) []string { return v.AllowedActions },
		SetAllowed: func(v *deal.View, names []string) { v.AllowedActions = names },
		Position:   func(v deal.View) map[string]any { return map[string]any{"stage": v.Stage, "status": v.Status} },
		Owner:      func(v deal.View) string { return v.Owner },
		Opened:     func(v deal.View) bool { return v.Seq > 0 },
		Create:     creates(s.dealParams, func(p workflows.DealParams) string { return p.Owner }),
		SetID:      func(p *workflows.DealParams, id string) { p.ID = id },
		Summary:    func(p workflows.DealParams) string { return p.Title },
		Created: func(c echo.Context, p workflows.DealParams) {
			if p.PreviousDealID != "" {
				s.followUpDone(c, p.PreviousDealID, p.ID)
			}
		},
		Handover: deal.ActReassign, HandoverField: "owner",
		Check:   s.checkDealAction,
		Stored:  storedOwner(models.GetDeal, func(d *models.Deal) string { return d.Owner }),
		List:    s.listDeals,
		History: caseHistory(models.DealHistory),
		Where:   "stage",
	}
}

// followUpProduct is the product the follow-up of the previous deal
// planned to talk about (docs/process.md §1), which a next deal created
// without a product takes; "" when none or the deal is not readable
// (checkClientDeal has refused that already).
func (s *server) followUpProduct(c echo.Context, previousID string) string {
	d, err := models.GetDeal(c.Request().Context(), s.DB, previousID)
	if err != nil {
		return ""
	}
	return d.NextContactProduct
}

// checkDealAction checks what a deal action names against what the
// workflow cannot know: a logged contact's channel and a follow-up's
// product against the policy document's catalogues, a contract approver's
// contact_id against the deal client's contact persons.
func (s *server) checkDealAction(c echo.Context, action string, body json.RawMessage) error {
	switch action {
	case deal.ActLogContact, deal.ActScheduleFollowUp, deal.ActCompleteFollowUp:
		return s.checkCatalogs(c, action, body)
	}
	return checksInput(deal.ActPrepareContract, s.checkApprovers)(c, action, body)
}

// checkCatalogs checks a logged contact's channel and a follow-up's
// product against the policy document's catalogues.
func (s *server) checkCatalogs(c echo.Context, action string, body json.RawMessage) error {
	var in struct{ Channel, Product string }
	_ = json.Unmarshal(body, &in) // decode has checked it
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	p := problems{}
	if action == deal.ActLogContact {
		p.oneOf("channel", in.Channel, doc.Catalogs.ContactChannels)
	}
	p.inCatalog("product", in.Product, doc.Catalogs.Products)
	return p.err()
}

// checkApprovers refuses a contract approver whose contact_id is not a
// contact person of the deal's client (docs/process.md §2).
func (s *server) checkApprovers(c echo.Context, in deal.PrepareContractInput) error {
	ctx := c.Request().Context()
	d, err := models.GetDeal(ctx, s.DB, c.Param("id"))
	if err != nil {
		return notFoundOr(err, "deal")
	}
	p := problems{}
	for i, a := range in.Approvers {
		if a.ContactID == "" {
			continue
		}
		ok, err := models.IsClientContact(ctx, s.DB, d.ClientID, a.ContactID)
		if err != nil {
			return err
		}
		if !ok {
			p.add(fmt.Sprintf("approvers[%d].contact_id", i), "is not a contact person of the deal's client")
		}
	}
	return p.err()
}

// followUpDone tells the previous deal that its follow-up led to this one.
// The new deal exists whatever happens here, so failures are only logged.
func (s *server) followUpDone(c echo.Context, previousID, dealID string) {
	ctx, cancel := temporalCtx(c)
	defer cancel()
	err := s.Temporal.SignalWorkflow(ctx, previousID, "", workflows.SignalFollowUpDone, dealID)
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		logger(c).Debug("previous deal not running", "deal", previousID, "error", err)
	case err != nil:
		logger(c).Warn("signal previous deal", "deal", previousID, "error", err)
	}
}

// dealList is the answer of GET /deals.
type dealList = models.Page[deal.Item]

// utc returns t in UTC, or nil when t is nil or zero.
func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toDealItem(d models.Deal) deal.Item {
	return deal.Item{
		Header: deal.Header{
			ID: d.ID, ClientID: d.ClientID, Owner: d.Owner, Title: d.Title, Product: d.Product,
			Amount: money.Amount(d.Amount), Currency: d.Currency, PreviousDealID: d.PreviousDealID,
		},
		ClientName: d.ClientName, PaidAmount: money.Amount(d.PaidAmount), RefundedAmount: money.Amount(d.RefundedAmount),
		Stage: deal.Stage(d.Stage), Status: deal.Status(d.Status),
		WaitingOn: deal.WaitingOn(d.WaitingOn), WaitingSince: utc(&d.WaitingSince),
		LostStage: deal.Stage(d.LostStage), LostReason: d.LostReason,
		StageSince: utc(stageSince(d)), HasOverdue: d.HasOverdue,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), ClosedAt: utc(d.ClosedAt),
	}
}

// stageSince is when the read model saw deal d enter its stage.
func stageSince(d models.Deal) *time.Time {
	return map[deal.Stage]*time.Time{
		deal.StagePresentation: d.PresentationAt, deal.StageOffer: d.OfferAt, deal.StageContract: d.ContractAt,
		deal.StagePayment: d.PaymentAt, deal.StageEvent: d.EventAt, deal.StageClose: d.CloseAt,
	}[deal.Stage(d.Stage)]
}

var statuses = []deal.Status{deal.StatusOpen, deal.StatusWon, deal.StatusLost, deal.StatusCancelled}

// listDeals answers GET /deals?stage=&status=&owner=&team=&product=&segment=&client_id=:
// one page of the deals in the caller's scope, newest first.
func (s *server) listDeals(c echo.Context) error {
	f := models.DealFilter{
		Scope: scopeOf(c), Stage: c.QueryParam("stage"), Status: c.QueryParam("status"), Owner: c.QueryParam("owner"),
		ClientID: c.QueryParam("client_id"), Cursor: c.QueryParam("cursor"),
		Product: c.QueryParam("product"), Segment: c.QueryParam("segment"),
	}
	p := problems{}
	if f.Stage != "" && deal.Stage(f.Stage).Index() < 0 {
		p.add("stage", "must be one of presentation, offer, contract, payment, event, close")
	}
	if f.Status != "" && !slices.Contains(statuses, deal.Status(f.Status)) {
		p.add("status", "must be one of open, won, lost, cancelled")
	}
	p.maxLen("product", f.Product, 100)
	p.maxLen("segment", f.Segment, 100)
	if team := c.QueryParam("team"); team != "" {
		members, err := models.TeamOf(c.Request().Context(), s.DB, team)
		if err != nil {
			return err
		}
		f.Owners = append(members, team)
	}
	f.Limit = limitParam(c, p)
	return answerPage(c, p, func() ([]models.Deal, string, error) { return models.ListDeals(c.Request().Context(), s.DB, f) }, toDealItem)
}
