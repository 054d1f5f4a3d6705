package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ErrNotFound is returned (possibly wrapped) when a looked-up row does not
// exist.
var ErrNotFound = errors.New("not found")

// ErrBadCursor is wrapped by the error ListDeals or ListComplaints returns
// for a cursor it did not issue.
var ErrBadCursor = errors.New("malformed cursor")

// Page sizes of the list queries.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Page is one page of a cursor-paged list: the answer of the API's paged
// list routes (GET /api/v1/deals, /complaints, /clients, /control-points,
// /audit), which the web app reads too. The API always fills Items, empty
// on an empty page.
type Page[T any] struct {
	Items []T `json:"items"`
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string `json:"next_cursor"`
}

// first loads the first row matching the condition into dst, translating a
// missing row into ErrNotFound.
func first(ctx context.Context, db *gorm.DB, dst any, cond string, args ...any) error {
	return take(db.WithContext(ctx).Where(cond, args...), dst)
}

// take loads the first row of query q into dst, translating a missing row
// into ErrNotFound.
func take(q *gorm.DB, dst any) error {
	err := q.Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// get returns the row of table T matching the condition, or ErrNotFound:
// the lookup of every Get function.
func get[T any](ctx context.Context, db *gorm.DB, cond string, args ...any) (*T, error) {
	var row T
	if err := first(ctx, db, &row, cond, args...); err != nil {
		return nil, err
	}
	return &row, nil
}

// findAll returns the rows of table T whose column col equals value, in
// the given order: the history, documents and deliveries of one object.
func findAll[T any](ctx context.Context, db *gorm.DB, col, value string, order ...string) ([]T, error) {
	q := db.WithContext(ctx).Where(col+" = ?", value)
	for _, o := range order {
		q = q.Order(o)
	}
	var out []T
	err := q.Find(&out).Error
	return out, err
}

// GetDeal returns one deal row by ID, or ErrNotFound.
func GetDeal(ctx context.Context, db *gorm.DB, id string) (*Deal, error) {
	return get[Deal](ctx, db, "id = ?", id)
}

// DealFilter selects deals for ListDeals. Scope is required: only deals
// whose owner is in scope are listed (its zero value lists none). Empty
// fields do not filter. Limit is the page size (DefaultLimit when not
// positive, at most MaxLimit); Cursor is the next value of the previous page.
type DealFilter struct {
	Scope    Scope
	Stage    string
	Status   string
	Owner    string
	ClientID string
	// Owners, when not nil, keeps the deals of these owners (a team);
	// Product the deals of a product, Segment those of clients in a
	// segment.
	Owners  []string
	Product string
	Segment string
	Limit   int
	Cursor  string
}

// cursor is the position after which the next page of a keyset list
// starts: the ordering time and the key of the last row served. ID is the
// last key column's value and Keys those of the columns before it (none for
// lists keyed by id alone). Its JSON keys are short because it travels in
// URLs.
type cursor struct {
	At   time.Time `json:"c"`
	ID   string    `json:"i"`
	Keys []string  `json:"k,omitempty"`
}

func encodeCursor(at time.Time, key []string) string {
	c := cursor{At: at.UTC(), ID: key[len(key)-1]}
	if len(key) > 1 {
		c.Keys = key[:len(key)-1]
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of a list whose key has keys columns.
func decodeCursor(s string, keys int) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err == nil && (c.ID == "" || c.At.IsZero() || len(c.Keys) != keys-1) {
		err = errors.New("incomplete position")
	}
	if err != nil {
		return cursor{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	c.At = c.At.UTC()
	return c, nil
}

// whereEqual adds "col = value" to q for each pair whose value is not
// empty. Column names come from the code, never from the caller.
func whereEqual(q *gorm.DB, pairs ...[2]string) *gorm.DB {
	for _, p := range pairs {
		if p[1] != "" {
			q = q.Where(p[0]+" = ?", p[1])
		}
	}
	return q
}

// keyset is the order of a keyset-paginated list: by the time column
// timeCol, then by the key columns keyCols (which identify a row), all
// descending (newest first) or, when asc is set, all ascending. Column
// names come from the code, never from the caller.
type keyset struct {
	timeCol string
	keyCols []string
	asc     bool
}

// newestFirst is the order of lists keyed by id, newest first by timeCol.
func newestFirst(timeCol string) keyset {
	return keyset{timeCol: timeCol, keyCols: []string{"id"}}
}

// after is the condition selecting the rows that come after position c.
func (k keyset) after(c cursor) (string, []any) {
	op := " < "
	if k.asc {
		op = " > "
	}
	cols := append([]string{k.timeCol}, k.keyCols...)
	vals := append([]any{c.At}, stringsToAny(append(slices.Clone(c.Keys), c.ID))...)
	var or []string
	var args []any
	for i := range cols {
		var and []string
		for j := range i {
			and = append(and, cols[j]+" = ?")
			args = append(args, vals[j])
		}
		and = append(and, cols[i]+op+"?")
		args = append(args, vals[i])
		or = append(or, "("+strings.Join(and, " AND ")+")")
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// keysetPage loads one page of the list of what (for messages: "deals")
// from the filtered query q in the order k, starting after the position in
// cur ("" for the first page). key gives a row's time and key column values
// for the next page's cursor, which is "" on the last page. A cursor it did
// not issue yields an error wrapping ErrBadCursor.
func keysetPage[T any](what string, q *gorm.DB, k keyset, limit int, cur string, key func(*T) (time.Time, []string)) (items []T, next string, err error) {
	limit = pageSize(limit)
	if cur != "" {
		c, err := decodeCursor(cur, len(k.keyCols))
		if err != nil {
			return nil, "", err
		}
		cond, args := k.after(c)
		q = q.Where(cond, args...)
	}
	dir := " DESC"
	if k.asc {
		dir = " ASC"
	}
	q = q.Order(k.timeCol + dir)
	for _, col := range k.keyCols {
		q = q.Order(col + dir)
	}
	if err := q.Limit(limit + 1).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("list %s: %w", what, err)
	}
	if len(items) > limit {
		items = items[:limit]
		next = encodeCursor(key(&items[limit-1]))
	}
	return items, next, nil
}

// hasOverdue is the SQL telling whether the deal of the row has an overdue
// control point (found by the control points' primary key).
const hasOverdue = "EXISTS (SELECT 1 FROM control_points cp WHERE cp.subject_type = 'deal' " +
	"AND cp.subject_id = deals.id AND cp.status = 'overdue')"

// ListDeals returns one page of deals matching f, newest first (created_at
// then id, both descending), and the cursor of the next page, which is ""
// on the last page. A cursor it did not issue yields an error wrapping
// ErrBadCursor.
func ListDeals(ctx context.Context, db *gorm.DB, f DealFilter) (items []Deal, next string, err error) {
	q := whereEqual(listOf[Deal](ctx, db, "deals", f.Scope, "owner", hasOverdue+" AS has_overdue"),
		[2]string{"stage", f.Stage}, [2]string{"status", f.Status},
		[2]string{"owner", f.Owner}, [2]string{"client_id", f.ClientID}, [2]string{"product", f.Product})
	if f.Owners != nil {
		q = q.Where("owner IN ?", f.Owners)
	}
	if f.Segment != "" {
		q = q.Where("client_id IN (SELECT id FROM clients WHERE segment = ?)", f.Segment)
	}
	return keysetPage("deals", q, newestFirst("created_at"), f.Limit, f.Cursor,
		func(d *Deal) (time.Time, []string) { return d.CreatedAt, []string{d.ID} })
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// DealHistory returns a deal's history events in sequence order.
func DealHistory(ctx context.Context, db *gorm.DB, dealID string) ([]DealEvent, error) {
	return findAll[DealEvent](ctx, db, "deal_id", dealID, "seq")
}

// DealControlPoints returns a deal's control points by due time, then ID.
func DealControlPoints(ctx context.Context, db *gorm.DB, dealID string) ([]ControlPoint, error) {
	return controlPoints(ctx, db, SubjectDeal, dealID)
}

// controlPoints returns the control points of one deal or complaint by due
// time, then ID.
func controlPoints(ctx context.Context, db *gorm.DB, subjectType, subjectID string) ([]ControlPoint, error) {
	var out []ControlPoint
	err := db.WithContext(ctx).Where("subject_type = ? AND subject_id = ?", subjectType, subjectID).
		Order("due_at").Order("id").Find(&out).Error
	return out, err
}

// DealDocuments returns a deal's documents by sending time, then type and
// version.
func DealDocuments(ctx context.Context, db *gorm.DB, dealID string) ([]Document, error) {
	return findAll[Document](ctx, db, "deal_id", dealID, "sent_at", "type", "version")
}

// Notifications returns up to limit (DefaultLimit when not positive, at most
// MaxLimit) notifications of one recipient, only the unread ones when
// unread is set, newest first, ties by ID.
func Notifications(ctx context.Context, db *gorm.DB, recipient string, unread bool, limit int) ([]Notification, error) {
	var out []Notification
	q := db.WithContext(ctx).Model(&Notification{}).
		Select("notifications.*, "+notificationClient+" AS client_id, "+clientNameOf(notificationClient)+" AS client_name").
		Where("recipient = ?", recipient)
	if unread {
		q = q.Where("read_at IS NULL")
	}
	err := q.Order("created_at DESC").Order("id").Limit(pageSize(limit)).Find(&out).Error
	return out, err
}
