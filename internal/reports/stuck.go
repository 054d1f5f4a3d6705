package reports

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
)

// StuckLimit is the most deals the stuck report lists; Total counts them
// all.
const StuckLimit = 500

// StuckReport lists the open deals with no action for longer than the
// contact interval.
type StuckReport struct {
	// AsOf is the report's now; IdleBefore is AsOf minus the contact
	// interval: the deals listed were last updated before it.
	AsOf       time.Time `json:"as_of"`
	IdleBefore time.Time `json:"idle_before"`
	// Total counts all the stuck deals, ByWaitingOn splits them by what
	// they wait on; Deals lists the StuckLimit longest idle.
	Total       int            `json:"total"`
	ByWaitingOn map[string]int `json:"by_waiting_on"`
	Deals       []StuckDeal    `json:"deals"`
}

// StuckDeal is one stuck deal.
type StuckDeal struct {
	DealID     string `json:"deal_id"`
	Title      string `json:"title"`
	Owner      string `json:"owner"`
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	Stage      string `json:"stage"`
	// WaitingOn is client, approver, payment or internal (a deal recorded
	// as waiting on no one counts as internal).
	WaitingOn string `json:"waiting_on"`
	// Since is when the deal began waiting on WaitingOn, or its last
	// update when that is unknown; LastActionAt is its last update.
	Since        time.Time `json:"since"`
	LastActionAt time.Time `json:"last_action_at"`
	// DaysIdle is the whole days from LastActionAt to the report's now.
	DaysIdle int `json:"days_idle"`
}

// waitingOn returns the stored waiting_on as the report shows it.
func waitingOn(w string) string {
	if w == string(deal.WaitingNone) {
		return string(deal.WaitingInternal)
	}
	return w
}

// Stuck lists the open deals matching the filter (its period is ignored)
// whose updated_at is before now − contactInterval, longest idle first
// (updated_at, then ID), at most StuckLimit of them, with the count of all
// by what they wait on.
func Stuck(ctx context.Context, db *gorm.DB, f Filter, now time.Time, contactInterval time.Duration) (*StuckReport, error) {
	if contactInterval <= 0 || now.IsZero() {
		return nil, fmt.Errorf("%w: the stuck report needs a time and a positive contact interval", ErrBadFilter)
	}
	now = now.UTC()
	before := now.Add(-contactInterval)
	r := &StuckReport{AsOf: now, IdleBefore: before, ByWaitingOn: map[string]int{}, Deals: []StuckDeal{}}
	if err := read(ctx, db, func(tx *gorm.DB) error { return stuck(tx, f, now, before, r) }); err != nil {
		return nil, err
	}
	return r, nil
}

// stuck fills r in from the deals of the filter last updated before before.
func stuck(db *gorm.DB, f Filter, now, before time.Time, r *StuckReport) error {
	// The status is a literal, so the partial index on open deals serves.
	stuck := func() *gorm.DB {
		return f.deals(db, true).Where("d.status = 'open' AND d.updated_at < ?", before)
	}
	var counts []struct {
		WaitingOn string
		N         int
	}
	if err := stuck().Select("d.waiting_on, COUNT(*) AS n").Group("d.waiting_on").Scan(&counts).Error; err != nil {
		return fmt.Errorf("stuck: count: %w", err)
	}
	for _, c := range counts {
		r.Total += c.N
		r.ByWaitingOn[waitingOn(c.WaitingOn)] += c.N
	}
	if r.Total == 0 {
		return nil
	}
	var rows []struct {
		ID, Title, Owner, ClientID, ClientName, Stage, WaitingOn string
		WaitingSince, UpdatedAt                                  time.Time
	}
	err := stuck().Joins("LEFT JOIN clients AS c ON c.id = d.client_id").
		Select("d.id, d.title, d.owner, d.client_id, COALESCE(c.name, '') AS client_name, d.stage, d.waiting_on, d.waiting_since, d.updated_at").
		Order("d.updated_at, d.id").Limit(StuckLimit).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("stuck: list: %w", err)
	}
	for _, d := range rows {
		since := d.WaitingSince.UTC()
		if since.IsZero() || since.Year() <= 1 {
			since = d.UpdatedAt.UTC()
		}
		r.Deals = append(r.Deals, StuckDeal{
			DealID: d.ID, Title: d.Title, Owner: d.Owner, ClientID: d.ClientID, ClientName: d.ClientName,
			Stage: d.Stage, WaitingOn: waitingOn(d.WaitingOn), Since: since, LastActionAt: d.UpdatedAt.UTC(),
			DaysIdle: int(now.Sub(d.UpdatedAt) / (24 * time.Hour)),
		})
	}
	return nil
}

// Table returns one row per listed deal.
func (r *StuckReport) Table() Table {
	t := Table{Header: []string{"deal_id", "title", "owner", "client_id", "client_name", "stage",
		"waiting_on", "since", "last_action_at", "days_idle"}}
	for _, d := range r.Deals {
		t.Rows = append(t.Rows, []string{d.DealID, d.Title, d.Owner, d.ClientID, d.ClientName, d.Stage,
			d.WaitingOn, cellTime(&d.Since), cellTime(&d.LastActionAt), cellInt(d.DaysIdle)})
	}
	return t
}
