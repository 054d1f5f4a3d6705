package models

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/qualification"
)

// States of a client in the clients directory: where the client stands in
// the process (docs/reports.md, "Clients directory"). They are exclusive and tried in this
// order:
const (
	// StateInDeal: the client has an open deal (the directory shows the
	// stage of the newest one).
	StateInDeal = "in_deal"
	// StateBetweenSales: no open deal, and a next contact is planned: the
	// next contact of the client's latest won deal, or else the due time
	// of that deal's open follow-up control point.
	StateBetweenSales = "between_sales"
	// StateLost: no open deal, nothing planned, and the client's latest
	// deal (by creation) was lost.
	StateLost = "lost"
	// StateNoNextContact: any other client: no open deal and no planned
	// next contact (a client without deals, or whose follow-up ended
	// without a next date).
	StateNoNextContact = "no_next_contact"
)

// ClientStates lists the states of the clients directory.
var ClientStates = []string{StateInDeal, StateBetweenSales, StateNoNextContact, StateLost}

// ClientFilter selects clients for ListClients and CountClients. Scope is
// required: a client is seen when created by a member in scope or with a
// deal owned by one (ClientInScope); its zero value lists none. Empty
// fields do not filter. Query matches a substring of the name or the
// e-mail in any case; Owner is the client's owner (ClientRow.Owner);
// States keeps the clients in any of these states. ContactEvents are the
// deal history event types that are contacts with the client (for
// ClientRow.LastContactAt). Limit is the page size (DefaultLimit when not
// positive, at most MaxLimit); Cursor is the next value of the previous
// page.
type ClientFilter struct {
	Scope         Scope
	Query         string
	Segment       string
	Owner         string
	States        []string
	ContactEvents []string
	Limit         int
	Cursor        string
}

// ClientRow is a client as the directory shows it.
type ClientRow struct {
	ID        string
	Name      string
	Segment   string
	Email     string
	CreatedBy string
	CreatedAt time.Time
	// Owner is the owner of the client's latest deal, its creator while it
	// has none (as ClientClass.Owner).
	Owner string
	// State is one of ClientStates; Stage the stage of the newest open
	// deal (OpenDealID) when in a deal; OpenDeals counts the open deals.
	State      string
	OpenDeals  int
	OpenDealID string
	Stage      string
	// NextContactAt, NextContactPurpose and NextContactProduct are the
	// planned next contact of a client between sales (see
	// StateBetweenSales).
	NextContactAt      *time.Time `gorm:"-"`
	NextContactPurpose string
	NextContactProduct string
	// LastContactAt is the latest history event of the client's deals of a
	// ClientFilter.ContactEvents type, nil when none.
	LastContactAt *time.Time `gorm:"-"`
}

// ClientItem is a client as the directory shows it (ClientRow), where the
// client stands in the process (docs/reports.md, "Clients directory"): an
// item of GET /api/v1/clients and of GET
// /api/v1/reports/clients-without-next-contact, which the web app reads
// too.
type ClientItem struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Segment   string    `json:"segment,omitempty"`
	Email     string    `json:"email,omitempty"`
	Owner     string    `json:"owner"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// State is in_deal, between_sales, no_next_contact or lost; Stage and
	// OpenDealID name the newest open deal of a client in a deal.
	State      string     `json:"state"`
	Stage      deal.Stage `json:"stage,omitempty"`
	OpenDealID string     `json:"open_deal_id,omitempty"`
	OpenDeals  int        `json:"open_deals"`
	// NextContact is the planned next contact of a client between sales.
	NextContact   *NextContact `json:"next_contact,omitempty"`
	LastContactAt *time.Time   `json:"last_contact_at,omitempty"`
	// Qualification is the client's latest qualification, absent when it
	// has none.
	Qualification *qualification.Brief `json:"qualification,omitempty"`
}

// NextContact is a planned contact with a client between sales, as a
// ClientItem shows it.
type NextContact struct {
	At      time.Time `json:"at"`
	Purpose string    `json:"purpose,omitempty"`
	Product string    `json:"product,omitempty"`
}

// dbTime scans a time an expression yields: a time on PostgreSQL, text on
// SQLite (whose driver parses only columns declared as times).
type dbTime struct{ t *time.Time }

// Scan reads a time, its text, or NULL.
func (d *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		d.t = nil
	case time.Time:
		u := v.UTC()
		d.t = &u
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("scan %T as a time", v)
	}
	return nil
}

// Value is the time, for GORM's schema (dbTime is only ever scanned).
func (d dbTime) Value() (driver.Value, error) {
	if d.t == nil {
		return nil, nil
	}
	return *d.t, nil
}

// sqliteTimes are the layouts SQLite's driver writes times in.
var sqliteTimes = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"}

func (d *dbTime) parse(s string) error {
	for _, layout := range sqliteTimes {
		if t, err := time.Parse(layout, s); err == nil {
			u := t.UTC()
			d.t = &u
			return nil
		}
	}
	return fmt.Errorf("scan %q as a time", s)
}

// clientScan is a row of the directory as scanned (ClientRow's times
// through dbTime).
type clientScan struct {
	ClientRow
	NextContactAt dbTime
	LastContactAt dbTime
}

// clientIDs selects, for each client of q (clients AS c), its columns
// and the IDs of its newest open deal, its latest deal and its latest won
// deal, and the number of its open deals.
const clientIDs = `c.id, c.name, c.segment, c.email, c.created_by, c.created_at,
	(SELECT COUNT(*) FROM deals d WHERE d.client_id = c.id AND d.status = 'open') AS open_deals,
	(SELECT d.id FROM deals d WHERE d.client_id = c.id AND d.status = 'open' ORDER BY d.created_at DESC, d.id DESC LIMIT 1) AS open_deal_id,
	(SELECT d.id FROM deals d WHERE d.client_id = c.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1) AS last_deal_id,
	(SELECT d.id FROM deals d WHERE d.client_id = c.id AND d.status = 'won' ORDER BY d.closed_at DESC, d.id DESC LIMIT 1) AS won_deal_id`

// followUp selects a column of the open follow-up control point of the
// latest won deal x.won_deal_id.
func followUp(col string) string {
	return `(SELECT p.` + col + ` FROM control_points p WHERE p.subject_type = 'deal' AND p.subject_id = x.won_deal_id
		AND p.kind = 'follow_up' AND p.status IN ('open', 'overdue') ORDER BY p.due_at, p.id LIMIT 1)`
}

// clientFacts adds to x (the rows of clientIDs) the owner, the stage of
// the open deal, the latest deal's status and the next contact.
var clientFacts = `x.*, COALESCE(l.owner, x.created_by) AS owner, COALESCE(o.stage, '') AS stage,
	COALESCE(l.status, '') AS last_status,
	CASE WHEN w.next_contact_at IS NOT NULL THEN w.next_contact_at ELSE ` + followUp("due_at") + ` END AS next_contact_at,
	CASE WHEN w.next_contact_at IS NOT NULL THEN w.next_contact_purpose ELSE COALESCE(` + followUp("subject") + `, '') END AS next_contact_purpose,
	CASE WHEN w.next_contact_at IS NOT NULL AND w.next_contact_product <> '' THEN w.next_contact_product ELSE COALESCE(w.product, '') END AS next_contact_product`

// clientState is the state of a row of clientFacts: the one definition
// of ClientStates the directory's rows and its filter share.
const clientState = `CASE WHEN y.open_deals > 0 THEN 'in_deal'
	WHEN y.next_contact_at IS NOT NULL THEN 'between_sales'
	WHEN y.last_status = 'lost' THEN 'lost'
	ELSE 'no_next_contact' END`

// clientDirectory is the query of the directory's rows matching f (all
// but the state and owner, which are columns of its rows), as table dir.
func clientDirectory(ctx context.Context, db *gorm.DB, f ClientFilter) *gorm.DB {
	db = db.WithContext(ctx)
	q := db.Table("clients AS c").Select(clientIDs).Where(clientScope(db, f.Scope, "c"))
	if f.Segment != "" {
		q = q.Where("c.segment = ?", f.Segment)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		q = q.Where(`c.search_text LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(strings.ToLower(s))+"%")
	}
	facts := db.Table("(?) AS x", q).Select(clientFacts).
		Joins("LEFT JOIN deals o ON o.id = x.open_deal_id").
		Joins("LEFT JOIN deals l ON l.id = x.last_deal_id").
		Joins("LEFT JOIN deals w ON w.id = x.won_deal_id")
	states := db.Table("(?) AS y", facts).Select("y.*, " + clientState + " AS state")
	dir := db.Table("(?) AS dir", states)
	if f.Owner != "" {
		dir = dir.Where("dir.owner = ?", f.Owner)
	}
	if len(f.States) > 0 {
		dir = dir.Where("dir.state IN ?", f.States)
	}
	return dir
}

// likeEscaper escapes the wildcards of a LIKE pattern (ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// clientScope is the condition keeping the clients (table alias alias)
// seen by scope: created by a member in scope, or with a deal owned by
// one.
func clientScope(db *gorm.DB, scope Scope, alias string) *gorm.DB {
	cond := db.Session(&gorm.Session{NewDB: true})
	switch {
	case scope.all:
		return cond.Where("1 = 1")
	case len(scope.staff) == 0:
		return cond.Where("1 = 0")
	}
	return cond.Where(alias+".created_by IN ?", scope.staff).
		Or("EXISTS (SELECT 1 FROM deals WHERE deals.client_id = "+alias+".id AND deals.owner IN ?)", scope.staff)
}

// ListClients returns one page of the clients directory matching f, newest
// first (created_at then id, both descending), and the cursor of the next
// page, which is "" on the last page. A cursor it did not issue yields an
// error wrapping ErrBadCursor.
func ListClients(ctx context.Context, db *gorm.DB, f ClientFilter) (items []ClientRow, next string, err error) {
	q := clientDirectory(ctx, db, f)
	if len(f.ContactEvents) > 0 {
		q = q.Select(`dir.*, (SELECT MAX(e.at) FROM deal_events e JOIN deals d ON d.id = e.deal_id
			WHERE d.client_id = dir.id AND e.type IN ?) AS last_contact_at`, f.ContactEvents)
	}
	rows, next, err := keysetPage("clients", q, newestFirst("created_at"), f.Limit, f.Cursor,
		func(c *clientScan) (time.Time, []string) { return c.CreatedAt, []string{c.ID} })
	items = make([]ClientRow, len(rows))
	for i, r := range rows {
		items[i] = r.ClientRow
		items[i].NextContactAt, items[i].LastContactAt = r.NextContactAt.t, r.LastContactAt.t
	}
	return items, next, err
}

// CountClients counts the clients of the directory matching f (Limit,
// Cursor and ContactEvents do not matter).
func CountClients(ctx context.Context, db *gorm.DB, f ClientFilter) (int64, error) {
	var n int64
	if err := clientDirectory(ctx, db, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count clients: %w", err)
	}
	return n, nil
}
