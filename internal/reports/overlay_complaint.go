package reports

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/processmap"
	"github.com/salesflow/salesflow/models"
)

// ComplaintOverlay computes the complaint map's overlay over the
// complaints whose assignee and the complaint control points whose owner
// is in scope, at the instant now. A complaint entered its step at its
// latest step_entered event (found on the events' primary key), else when
// it was registered.
func ComplaintOverlay(ctx context.Context, db *gorm.DB, scope models.Scope, now time.Time) (*Overlay, error) {
	var ids []string
	for _, s := range complaint.Steps {
		ids = append(ids, processmap.StepID(s))
	}
	o := newOverlay(ids)
	err := read(ctx, db, func(tx *gorm.DB) error {
		open := func() *gorm.DB {
			return scope.Restrict(tx.Table("complaints AS c"), "c.assignee").Where("c.status = ?", complaint.StatusOpen)
		}
		var rows []countRow
		if err := open().Select("c.step AS k, COUNT(*) AS n").Group("c.step").Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			o.at(processmap.StepID(complaint.Step(r.K))).Open += r.N
		}
		if err := overlayPoints(tx, scope, models.SubjectComplaint, o, func(k casework.PointKind, _ string) (string, string) {
			return processmap.ComplaintPointID(k), processmap.ComplaintPointPlace(k)
		}); err != nil {
			return err
		}
		entered := open().Select("c.step AS k, COALESCE((SELECT MAX(ev.at) FROM complaint_events AS ev " +
			"WHERE ev.complaint_id = c.id AND ev.type = 'step_entered'), c.registered_at) AS e")
		return overlayMedians(tx, entered, now, o, func(k string) string { return processmap.StepID(complaint.Step(k)) })
	})
	if err != nil {
		return nil, fmt.Errorf("complaint overlay: %w", err)
	}
	return o.heat(), nil
}
