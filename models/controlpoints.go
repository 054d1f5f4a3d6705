package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Control point states as stored in ControlPoint.Status (the values of
// casework.PointStatus).
const (
	PointOpen      = "open"
	PointOverdue   = "overdue"
	PointDone      = "done"
	PointCancelled = "cancelled"
)

// ControlPointFilter selects control points of deals and complaints for
// ListControlPoints. Scope is required: only points whose owner is in scope
// are listed (its zero value lists none). Empty fields do not filter, except Statuses: empty
// means open and overdue. DueBefore keeps points due strictly before it.
// Limit is the page size (DefaultLimit when not positive, at most
// MaxLimit); Cursor is the next value of the previous page.
type ControlPointFilter struct {
	Scope       Scope
	Owner       string
	Statuses    []string
	SubjectType string
	DueBefore   time.Time
	Limit       int
	Cursor      string
}

// controlPointOrder lists control points soonest due first, ties broken by
// their key (subject type, subject ID, point ID).
var controlPointOrder = keyset{timeCol: "due_at", keyCols: []string{"subject_type", "subject_id", "id"}, asc: true}

// ListControlPoints returns one page of control points across deals and
// complaints matching f, soonest due first (due_at, then subject_type,
// subject_id and id, all ascending), and the cursor of the next page, which
// is "" on the last page. A cursor it did not issue yields an error
// wrapping ErrBadCursor.
func ListControlPoints(ctx context.Context, db *gorm.DB, f ControlPointFilter) (items []ControlPoint, next string, err error) {
	q := whereEqual(f.Scope.restrict(db.WithContext(ctx).Model(&ControlPoint{}).
		Select("control_points.*, "+pointClient+" AS client_id, "+clientNameOf(pointClient)+" AS client_name"), "owner"),
		[2]string{"owner", f.Owner}, [2]string{"subject_type", f.SubjectType})
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []string{PointOpen, PointOverdue}
	}
	q = q.Where("status IN ?", statuses)
	if !f.DueBefore.IsZero() {
		q = q.Where("due_at < ?", f.DueBefore.UTC())
	}
	return keysetPage("control points", q, controlPointOrder, f.Limit, f.Cursor,
		func(p *ControlPoint) (time.Time, []string) {
			return p.DueAt, []string{p.SubjectType, p.SubjectID, p.ID}
		})
}
