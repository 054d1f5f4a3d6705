package reports

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// Road map cell statuses: the value of RoadmapCell.Status.
const (
	// RoadmapNotOffered: no deal of the product.
	RoadmapNotOffered = "not_offered"
	// RoadmapOpen: the latest deal of the product is open, in Stage since At.
	RoadmapOpen = "open"
	// RoadmapWon: the latest deal of the product was won, at At.
	RoadmapWon = "won"
	// RoadmapRefused: the latest deal of the product was lost, at At.
	RoadmapRefused = "refused"
)

// RoadmapReport is one page of the client road map: for each client, the
// status of each product.
type RoadmapReport struct {
	// Products are the columns: the distinct products of all the deals the
	// filter covers (not only this page's), sorted.
	Products []string `json:"products"`
	// Clients are the page's clients by ID, each with one cell per product
	// in the order of Products.
	Clients []RoadmapClient `json:"clients"`
	// NextCursor continues the list; "" on the last page.
	NextCursor string `json:"next_cursor"`
}

// RoadmapClient is one client's row of the road map.
type RoadmapClient struct {
	ClientID string        `json:"client_id"`
	Name     string        `json:"name"`
	Segment  string        `json:"segment"`
	Cells    []RoadmapCell `json:"cells"`
}

// RoadmapCell is the status of one product for one client, from the
// client's latest deal of the product (by created_at, then ID; cancelled
// deals do not count).
type RoadmapCell struct {
	Product string `json:"product"`
	// Status is one of RoadmapNotOffered, RoadmapOpen, RoadmapWon and
	// RoadmapRefused.
	Status string `json:"status"`
	// Stage is the open deal's current stage; "" otherwise.
	Stage string `json:"stage,omitempty"`
	// At is when the open deal entered Stage, or when the deal was won or
	// lost; nil when not offered.
	At     *time.Time `json:"at"`
	DealID string     `json:"deal_id,omitempty"`
	// NextStepAt is the earliest due time of the open or overdue control
	// points of the client's open deals of the product; nil when none.
	NextStepAt *time.Time `json:"next_step_at"`
}

// Roadmap returns one page of the road map: the clients with a deal
// matching the filter (owner within scope and Owners, client segment; the
// period is ignored, Product limits the columns only), by client ID, at
// most limit (models.DefaultLimit when not positive, at most
// models.MaxLimit) after cursor ("" for the first page). A cursor it did
// not issue yields an error wrapping models.ErrBadCursor. Three queries
// per page: the page's client IDs (DISTINCT over the deals, keyset on
// client_id), the page's deals with their clients, and the page's open
// control points; plus one for the columns (for everyone's deals a
// recursive skip scan over the products).
func Roadmap(ctx context.Context, db *gorm.DB, f Filter, limit int, cursor string) (*RoadmapReport, error) {
	switch {
	case limit <= 0:
		limit = models.DefaultLimit
	case limit > models.MaxLimit:
		limit = models.MaxLimit
	}
	after := ""
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil || len(b) == 0 {
			return nil, fmt.Errorf("roadmap: %w", models.ErrBadCursor)
		}
		after = string(b)
	}
	var r *RoadmapReport
	err := read(ctx, db, func(tx *gorm.DB) error {
		var err error
		r, err = roadmap(tx, f, limit, after)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// roadmapKey is one cell of the road map: a client and a product.
type roadmapKey struct{ client, product string }

// roadmapDeals is the query over the deals the road map shows: those of the
// filter (of its product too when withProduct is set), cancelled ones
// excepted.
func roadmapDeals(db *gorm.DB, f Filter, withProduct bool) *gorm.DB {
	return f.deals(db, withProduct).Where("d.status <> ?", deal.StatusCancelled)
}

// roadmap builds one page of the road map, reading in db.
func roadmap(db *gorm.DB, f Filter, limit int, after string) (*RoadmapReport, error) {
	r := &RoadmapReport{Products: []string{}, Clients: []RoadmapClient{}}
	var err error
	if r.Products, err = roadmapProducts(db, f); err != nil {
		return nil, fmt.Errorf("roadmap: products: %w", err)
	}
	ids, err := roadmapClientIDs(db, f, limit, after)
	if err != nil {
		return nil, fmt.Errorf("roadmap: clients: %w", err)
	}
	if len(ids) > limit {
		ids = ids[:limit]
		r.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(ids[limit-1]))
	}
	if len(ids) == 0 {
		return r, nil
	}
	var clients []models.Client
	if err := db.Select("id, name, segment").Where("id IN ?", ids).Find(&clients).Error; err != nil {
		return nil, fmt.Errorf("roadmap: client rows: %w", err)
	}
	latest, err := roadmapLatest(db, f, ids)
	if err != nil {
		return nil, fmt.Errorf("roadmap: deals: %w", err)
	}
	next, err := roadmapNextSteps(db, f, ids)
	if err != nil {
		return nil, fmt.Errorf("roadmap: control points: %w", err)
	}
	byID := map[string]models.Client{}
	for _, c := range clients {
		byID[c.ID] = c
	}
	for _, id := range ids {
		c := byID[id]
		row := RoadmapClient{ClientID: id, Name: c.Name, Segment: c.Segment, Cells: make([]RoadmapCell, 0, len(r.Products))}
		for _, p := range r.Products {
			row.Cells = append(row.Cells, roadmapCell(roadmapKey{id, p}, latest, next))
		}
		r.Clients = append(r.Clients, row)
	}
	return r, nil
}

// roadmapSkipScan lists the distinct products of the deals of its two
// arguments, queries of the MIN product: the first product, and the next
// after p.product.
const roadmapSkipScan = "WITH RECURSIVE p(product) AS (? UNION ALL SELECT (?) FROM p WHERE p.product IS NOT NULL) " +
	"SELECT product FROM p WHERE product IS NOT NULL ORDER BY product"

// roadmapProducts returns the columns. For everyone's deals, a skip scan:
// each step finds the next product with MIN on the index on product,
// instead of reading every deal. For some reps' deals, DISTINCT over their
// deals on the index on (owner, product).
func roadmapProducts(db *gorm.DB, f Filter) ([]string, error) {
	products := []string{}
	if f.Scope.All() && len(f.Owners) == 0 {
		first := roadmapDeals(db, f, true).Select("MIN(d.product)").Where("d.product > ''")
		step := roadmapDeals(db, f, true).Select("MIN(d.product)").Where("d.product > p.product")
		err := db.Raw(roadmapSkipScan, first, step).Scan(&products).Error
		return products, err
	}
	err := roadmapDeals(db, f, true).Where("d.product <> ''").Distinct("d.product").Order("d.product").
		Pluck("d.product", &products).Error
	return products, err
}

// roadmapClientIDs returns the IDs of the clients with deals after after,
// in order, at most limit+1 of them (one more tells there is a next page).
func roadmapClientIDs(db *gorm.DB, f Filter, limit int, after string) ([]string, error) {
	var ids []string
	q := roadmapDeals(db, f, false).Distinct("d.client_id").Order("d.client_id").Limit(limit + 1)
	if after != "" {
		q = q.Where("d.client_id > ?", after)
	}
	err := q.Pluck("d.client_id", &ids).Error
	return ids, err
}

// roadmapLatest returns the latest deal of each client of ids and product.
func roadmapLatest(db *gorm.DB, f Filter, ids []string) (map[roadmapKey]models.Deal, error) {
	var deals []models.Deal
	err := roadmapDeals(db, f, true).Where("d.client_id IN ? AND d.product <> ''", ids).
		Select("d.id, d.client_id, d.product, d.stage, d.status, d.created_at, d.closed_at, " +
			"d.presentation_at, d.offer_at, d.contract_at, d.payment_at, d.event_at, d.close_at").
		Order("d.client_id, d.product, d.created_at DESC, d.id DESC").Find(&deals).Error
	if err != nil {
		return nil, err
	}
	latest := map[roadmapKey]models.Deal{}
	for _, d := range deals {
		k := roadmapKey{d.ClientID, d.Product}
		if _, ok := latest[k]; !ok {
			latest[k] = d
		}
	}
	return latest, nil
}

// roadmapNextSteps returns the next step of each client of ids and
// product: the earliest due time of the open control points of the open
// deals.
func roadmapNextSteps(db *gorm.DB, f Filter, ids []string) (map[roadmapKey]time.Time, error) {
	var points []struct {
		ClientID, Product string
		DueAt             time.Time
	}
	err := roadmapDeals(db, f, true).Joins("JOIN control_points AS p ON p.subject_type = ? AND p.subject_id = d.id", models.SubjectDeal).
		Where("d.client_id IN ? AND d.status = ? AND p.status IN ?", ids, deal.StatusOpen,
			[]string{models.PointOpen, models.PointOverdue}).
		Select("d.client_id, d.product, p.due_at").Scan(&points).Error
	if err != nil {
		return nil, err
	}
	next := map[roadmapKey]time.Time{}
	for _, p := range points {
		k := roadmapKey{p.ClientID, p.Product}
		if t, ok := next[k]; !ok || p.DueAt.Before(t) {
			next[k] = p.DueAt.UTC()
		}
	}
	return next, nil
}

// roadmapCell returns the cell k from the latest deals and the next steps.
func roadmapCell(k roadmapKey, latest map[roadmapKey]models.Deal, next map[roadmapKey]time.Time) RoadmapCell {
	cell := RoadmapCell{Product: k.product, Status: RoadmapNotOffered}
	if d, ok := latest[k]; ok {
		cell.DealID = d.ID
		switch d.Status {
		case string(deal.StatusWon):
			cell.Status, cell.At = RoadmapWon, utcPtr(d.ClosedAt)
		case string(deal.StatusLost):
			cell.Status, cell.At = RoadmapRefused, utcPtr(d.ClosedAt)
		default:
			cell.Status, cell.Stage, cell.At = RoadmapOpen, d.Stage, stageEntered(&d)
		}
	}
	if t, ok := next[k]; ok {
		cell.NextStepAt = &t
	}
	return cell
}

// stageEntered returns when an open deal entered its current stage, or its
// creation when the read model has no time for the stage.
func stageEntered(d *models.Deal) *time.Time {
	times := []*time.Time{d.PresentationAt, d.OfferAt, d.ContractAt, d.PaymentAt, d.EventAt, d.CloseAt}
	if i := deal.Stage(d.Stage).Index(); i >= 0 && times[i] != nil {
		return utcPtr(times[i])
	}
	return ptr(d.CreatedAt.UTC())
}

// Table returns one row per client: its ID, name and segment, then for
// each product three columns: the status (the stage's name for an open
// deal), "<product> at" and "<product> next step".
func (r *RoadmapReport) Table() Table {
	t := Table{Header: []string{"client_id", "client", "segment"}}
	for _, p := range r.Products {
		t.Header = append(t.Header, p, p+" at", p+" next step")
	}
	for _, c := range r.Clients {
		row := []string{c.ClientID, c.Name, c.Segment}
		for _, cell := range c.Cells {
			status := cell.Status
			if status == RoadmapOpen {
				status = cell.Stage
			}
			row = append(row, status, cellTime(cell.At), cellTime(cell.NextStepAt))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
