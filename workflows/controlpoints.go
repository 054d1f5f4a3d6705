package workflows

import (
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/deal"
)

// arm (re-)arms a control point of the deal, owned by its rep, in the
// current stage.
func (r *run) arm(now time.Time, id string, kind deal.PointKind, due time.Time, title string) *deal.ControlPoint {
	return r.cps.arm(now, id, kind, r.v.Stage, r.v.Owner, due, title)
}

// onOverdue expires the offer behind an overdue validity point.
func (r *run) onOverdue(now time.Time, cp *deal.ControlPoint) {
	if cp.Kind == deal.PointOfferValidity {
		r.expireOffer(now, cp.ID)
	}
}

// calendar is the business calendar the deal counts deadlines in.
func (r *run) calendar() calendar.Calendar {
	if r.cps.cal != nil {
		return *r.cps.cal
	}
	return calendar.Default()
}
