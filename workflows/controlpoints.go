package workflows

import (
	"fmt"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

// arm (re-)arms a control point of the deal, owned by its rep, in the
// current stage.
func (r *run) arm(now time.Time, id string, kind casework.PointKind, due time.Time, title string) *casework.ControlPoint {
	return r.cps.Arm(now, id, kind, string(r.v.Stage), r.v.Owner, due, title)
}

// onOverdue expires the offer behind an overdue validity point.
func (r *run) onOverdue(now time.Time, cp *casework.ControlPoint) {
	if cp.Kind == deal.PointOfferValidity {
		r.expireOffer(now, cp.ID)
	}
}

// offerExpiredMessage tells the rep of the deal titled title that an
// offer expired, instead of the standard overdue notice.
func offerExpiredMessage(title string) func(*casework.ControlPoint, casework.NotificationKind) string {
	return func(cp *casework.ControlPoint, kind casework.NotificationKind) string {
		if cp.Kind == deal.PointOfferValidity && kind == casework.NoticeOverdue {
			return fmt.Sprintf("%s has expired (%q): extend it, revise it or mark the deal lost.", cp.Subject, title)
		}
		return ""
	}
}
