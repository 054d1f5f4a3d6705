package classify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/models"
)

// None is the filter value, and the count key, of clients without an ABC
// or XYZ class.
const None = "none"

// Page sizes of Report.
const (
	// DefaultLimit is the page size of a filter without a Limit.
	DefaultLimit = 100
	// MaxLimit caps the page size.
	MaxLimit = 1000
)

// Categories lists the client categories in the order reports show them.
var Categories = []string{
	models.CategoryPotential, models.CategoryNew, models.CategoryPermanent, models.CategoryRestored, models.CategoryLost,
}

// ReportFilter selects the clients of a Report. Empty fields do not
// filter.
type ReportFilter struct {
	// Scope keeps the clients whose Owner is in scope; the zero Scope sees
	// nothing.
	Scope models.Scope
	// Owners keeps the clients of these owners.
	Owners []string
	// Segment keeps the clients of one segment.
	Segment string
	// Category keeps one category (one of Categories).
	Category string
	// ABC keeps one ABC class: A, B, C, or None.
	ABC string
	// XYZ keeps one XYZ class: X, Y, Z, or None.
	XYZ string
	// Limit is the page size: DefaultLimit when 0, at most MaxLimit.
	Limit int
	// Cursor is the NextCursor of the previous page: the page starts after
	// this client ID.
	Cursor string
}

// FilterError is a ReportFilter field with a value Report cannot use.
type FilterError struct {
	// Field is the filter field, as its query parameter is named
	// ("category", "abc", "xyz", "limit").
	Field string
	// Message says what the field must be.
	Message string
}

// Error implements error.
func (e *FilterError) Error() string { return e.Field + ": " + e.Message }

// Validate reports a filter value that can never match, as a *FilterError.
func (f ReportFilter) Validate() error {
	switch {
	case f.Category != "" && !slices.Contains(Categories, f.Category):
		return &FilterError{"category", "must be one of potential, new, permanent, restored, lost"}
	case f.ABC != "" && !slices.Contains([]string{ClassA, ClassB, ClassC, None}, f.ABC):
		return &FilterError{"abc", "must be A, B, C or none"}
	case f.XYZ != "" && !slices.Contains([]string{ClassX, ClassY, ClassZ, None}, f.XYZ):
		return &FilterError{"xyz", "must be X, Y, Z or none"}
	case f.Limit < 0:
		return &FilterError{"limit", "must not be negative"}
	}
	return nil
}

// ClientsReport is the stored classification of the filtered clients:
// counts over the whole filtered set and one page of clients.
type ClientsReport struct {
	// AsOf is when the stored classification was computed as of (nil:
	// never).
	AsOf *time.Time `json:"as_of"`
	// Total is the number of clients the filter selects (all pages).
	Total int64 `json:"total"`
	// Categories counts the selected clients per category (every category
	// present, 0 included).
	Categories map[string]int64 `json:"categories"`
	// ABC counts the selected clients per ABC class, None for no class.
	ABC map[string]int64 `json:"abc"`
	// XYZ counts the selected clients per XYZ class, None for no class.
	XYZ map[string]int64 `json:"xyz"`
	// Clients is the page, ordered by client ID.
	Clients []ClientRow `json:"clients"`
	// NextCursor is the Cursor of the next page, "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// ClientRow is one client of a ClientsReport.
type ClientRow struct {
	ClientID string `json:"client_id"`
	Name     string `json:"name"`
	Segment  string `json:"segment"`
	Owner    string `json:"owner"`
	Category string `json:"category"`
	// ABC is "" for a client without turnover.
	ABC string `json:"abc"`
	// XYZ is "" for a client with too little history.
	XYZ string `json:"xyz"`
	// Turnover is the net settlements of the ABC period.
	Turnover money.Amount `json:"turnover"`
	// Variation is the coefficient of variation of monthly turnover (0.1
	// for 10%), nil without an XYZ class.
	Variation *float64 `json:"variation"`
}

// Report reads the stored classification (it never recomputes) of the
// clients f selects: the counts per category, ABC and XYZ class over all of
// them, and the page of f.Limit clients after f.Cursor by client ID.
func Report(ctx context.Context, db *gorm.DB, f ReportFilter) (*ClientsReport, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	out := &ClientsReport{
		Categories: zeros(Categories...), ABC: zeros(ClassA, ClassB, ClassC, None), XYZ: zeros(ClassX, ClassY, ClassZ, None),
		Clients: []ClientRow{},
	}
	if at, ok, err := LatestAsOf(ctx, db); err != nil {
		return nil, err
	} else if ok {
		out.AsOf = &at
	}

	var groups []struct {
		Category, ABC, XYZ string
		N                  int64
	}
	err := f.where(db.WithContext(ctx).Table("client_classes cc")).
		Select("cc.category AS category, cc.abc AS abc, cc.xyz AS xyz, COUNT(*) AS n").
		Group("cc.category, cc.abc, cc.xyz").Scan(&groups).Error
	if err != nil {
		return nil, fmt.Errorf("classify: count clients: %w", err)
	}
	for _, g := range groups {
		out.Total += g.N
		out.Categories[g.Category] += g.N
		out.ABC[orNone(g.ABC)] += g.N
		out.XYZ[orNone(g.XYZ)] += g.N
	}

	q := f.where(db.WithContext(ctx).Table("client_classes cc")).
		Joins("LEFT JOIN clients c ON c.id = cc.client_id").
		Select("cc.client_id, COALESCE(c.name, '') AS name, cc.segment, cc.owner, cc.category, cc.abc, cc.xyz, cc.turnover, cc.variation")
	if f.Cursor != "" {
		q = q.Where("cc.client_id > ?", f.Cursor)
	}
	var page []ClientRow
	if err := q.Order("cc.client_id").Limit(limit + 1).Scan(&page).Error; err != nil {
		return nil, fmt.Errorf("classify: list clients: %w", err)
	}
	if len(page) > limit {
		page = page[:limit]
		out.NextCursor = page[limit-1].ClientID
	}
	out.Clients = append(out.Clients, page...)
	return out, nil
}

// where applies the filter (bar cursor and limit) to a query over
// client_classes aliased cc.
func (f ReportFilter) where(q *gorm.DB) *gorm.DB {
	q = f.Scope.Restrict(q, "cc.owner")
	if len(f.Owners) > 0 {
		q = q.Where("cc.owner IN ?", f.Owners)
	}
	if f.Segment != "" {
		q = q.Where("cc.segment = ?", f.Segment)
	}
	if f.Category != "" {
		q = q.Where("cc.category = ?", f.Category)
	}
	if f.ABC != "" {
		q = q.Where("cc.abc = ?", noneAsEmpty(f.ABC))
	}
	if f.XYZ != "" {
		q = q.Where("cc.xyz = ?", noneAsEmpty(f.XYZ))
	}
	return q
}

func zeros(keys ...string) map[string]int64 {
	m := make(map[string]int64, len(keys))
	for _, k := range keys {
		m[k] = 0
	}
	return m
}

func orNone(class string) string {
	if class == "" {
		return None
	}
	return class
}

func noneAsEmpty(class string) string {
	if class == None {
		return ""
	}
	return class
}

// Table is a report as rows of text cells for CSV: the same shape as the
// other reports' tables.
type Table struct {
	Header []string
	Rows   [][]string
}

// Table returns the page of clients as a table: client_id, name, segment,
// owner, category, abc, xyz, turnover (decimal, "1500.00"), variation (a
// fraction with 4 decimals, "" without an XYZ class).
func (r *ClientsReport) Table() Table {
	t := Table{
		Header: []string{"client_id", "name", "segment", "owner", "category", "abc", "xyz", "turnover", "variation"},
		Rows:   make([][]string, 0, len(r.Clients)),
	}
	for _, c := range r.Clients {
		v := ""
		if c.Variation != nil {
			v = strconv.FormatFloat(*c.Variation, 'f', 4, 64)
		}
		t.Rows = append(t.Rows, []string{c.ClientID, c.Name, c.Segment, c.Owner, c.Category, c.ABC, c.XYZ, c.Turnover.String(), v})
	}
	return t
}

// ClassChange is one classification run that changed a client's classes:
// an item of GET /api/v1/reports/clients/{id}/history, which the web app
// reads too.
type ClassChange struct {
	AsOf     time.Time `json:"as_of"`
	Owner    string    `json:"owner"`
	Category string    `json:"category"`
	ABC      string    `json:"abc"`
	XYZ      string    `json:"xyz"`
}

// History returns the classification history of one client, oldest
// first: every run that found a new category or class. The client must be
// visible in scope: its stored Owner is in scope, or models.ClientInScope
// says so (created by, or with a deal owned by, a member in scope);
// otherwise, or for an unknown client, it returns models.ErrNotFound.
func History(ctx context.Context, db *gorm.DB, scope models.Scope, clientID string) ([]models.ClientClassChange, error) {
	db = db.WithContext(ctx)
	var n int64
	err := scope.Restrict(db.Model(&models.ClientClass{}), "owner").Where("client_id = ?", clientID).Count(&n).Error
	if err != nil {
		return nil, fmt.Errorf("classify: history of %s: %w", clientID, err)
	}
	if n == 0 {
		ok, err := models.ClientInScope(ctx, db, clientID, scope)
		if err == nil && ok && scope.All() {
			// Everyone's scope sees any client, but the client must exist.
			var c int64
			err = db.Model(&models.Client{}).Where("id = ?", clientID).Count(&c).Error
			ok = c > 0
		}
		if err != nil {
			return nil, fmt.Errorf("classify: history of %s: %w", clientID, err)
		}
		if !ok {
			return nil, fmt.Errorf("client %s: %w", clientID, models.ErrNotFound)
		}
	}
	out := []models.ClientClassChange{}
	if err := db.Where("client_id = ?", clientID).Order("as_of").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("classify: history of %s: %w", clientID, err)
	}
	for i := range out {
		out[i].AsOf = out[i].AsOf.UTC()
	}
	return out, nil
}
