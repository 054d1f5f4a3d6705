package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/processmap"
	"github.com/salesflow/salesflow/models"
)

// Overlay is the live state of a process map (package processmap) within
// a scope, per BPMN element ID: the deals or complaints there now, the
// overdue control points there, the deals lost at a stage and the median
// time the open ones have spent there. Heat is the range of the medians,
// for the map's colour scale (both null when no element has one).
type Overlay struct {
	Elements map[string]*OverlayElement `json:"elements"`
	Heat     Heat                       `json:"heat"`
}

// OverlayElement is the figures of one element. For a stage or step:
// Open counts the open cases in it, Overdue the overdue control points
// armed there, Lost (deals) the deals lost at it, MedianSeconds the
// nearest-rank median of the whole seconds since the open cases entered
// it (null when none is there). For a control point's timer: Open counts
// its points still open or overdue, Overdue the overdue ones. The
// follow-up counts won deals awaiting it; End_lost every lost deal.
type OverlayElement struct {
	Open          int    `json:"open"`
	Overdue       int    `json:"overdue"`
	Lost          int    `json:"lost"`
	MedianSeconds *int64 `json:"median_seconds"`
}

// Heat is the least and greatest median of an overlay, in seconds.
type Heat struct {
	Min *int64 `json:"min"`
	Max *int64 `json:"max"`
}

// countRow is one group of a count: its key(s) and size.
type countRow struct {
	K, K2, Status string
	N             int
}

// newOverlay makes an overlay with an empty entry for each ID.
func newOverlay(ids []string) *Overlay {
	o := &Overlay{Elements: map[string]*OverlayElement{}}
	for _, id := range ids {
		o.Elements[id] = &OverlayElement{}
	}
	return o
}

// at returns the element id, created when missing.
func (o *Overlay) at(id string) *OverlayElement {
	if o.Elements[id] == nil {
		o.Elements[id] = &OverlayElement{}
	}
	return o.Elements[id]
}

// DealOverlay computes the deal map's overlay over the deals and deal
// control points whose owner is in scope, at the instant now. Each figure
// is one grouped query on indexed columns (status, stage); the medians
// rank only the open deals.
func DealOverlay(ctx context.Context, db *gorm.DB, scope models.Scope, now time.Time) (*Overlay, error) {
	var ids []string
	for _, s := range deal.Stages {
		ids = append(ids, processmap.StageID(s))
	}
	o := newOverlay(append(ids, processmap.FollowUp, processmap.EndLost))
	err := read(ctx, db, func(tx *gorm.DB) error {
		deals := func() *gorm.DB { return scope.Restrict(tx.Table("deals"), "owner") }
		var open, lost []countRow
		if err := deals().Select("stage AS k, COUNT(*) AS n").Where("status = ?", deal.StatusOpen).Group("stage").Scan(&open).Error; err != nil {
			return err
		}
		if err := deals().Select("lost_stage AS k, COUNT(*) AS n").Where("status = ?", deal.StatusLost).Group("lost_stage").Scan(&lost).Error; err != nil {
			return err
		}
		var waiting int64
		if err := deals().Where("status = ? AND next_contact_at IS NOT NULL", deal.StatusWon).Count(&waiting).Error; err != nil {
			return err
		}
		for _, r := range open {
			o.at(processmap.StageID(deal.Stage(r.K))).Open += r.N
		}
		for _, r := range lost {
			o.at(processmap.StageID(deal.Stage(r.K))).Lost += r.N
			o.at(processmap.EndLost).Lost += r.N
		}
		o.at(processmap.FollowUp).Open = int(waiting)
		if err := overlayPoints(tx, scope, models.SubjectDeal, o, func(k casework.PointKind, stage string) (string, string) {
			return processmap.DealPointID(k, stage), processmap.DealPointPlace(k, stage)
		}); err != nil {
			return err
		}
		var when []string
		for i, s := range deal.Stages {
			when = append(when, "WHEN '"+string(s)+"' THEN "+stageColumns[i])
		}
		entered := deals().Select("stage AS k, CASE stage "+strings.Join(when, " ")+" END AS e").Where("status = ?", deal.StatusOpen)
		return overlayMedians(tx, entered, now, o, func(k string) string { return processmap.StageID(deal.Stage(k)) })
	})
	if err != nil {
		return nil, fmt.Errorf("deal overlay: %w", err)
	}
	return o.heat(), nil
}

// overlayPoints adds the open and overdue control points of the subject
// type in scope to their timers' elements (id) and overdue ones to the
// place they count at (place, "" for none).
func overlayPoints(tx *gorm.DB, scope models.Scope, subject string, o *Overlay, where func(casework.PointKind, string) (id, place string)) error {
	var rows []countRow
	err := scope.Restrict(tx.Table("control_points"), "owner").
		Select("kind AS k, stage AS k2, status, COUNT(*) AS n").
		Where("subject_type = ? AND status IN ?", subject, []string{string(casework.PointOpen), string(casework.PointOverdue)}).
		Group("kind, stage, status").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		id, place := where(casework.PointKind(r.K), r.K2)
		o.at(id).Open += r.N
		if r.Status != string(casework.PointOverdue) {
			continue
		}
		o.at(id).Overdue += r.N
		if place != "" {
			o.at(place).Overdue += r.N
		}
	}
	return nil
}

// overlayMedians sets the median time in place of each group k of
// entered, which selects k and e (the time a case entered k): the
// ceil(n/2)-th latest entry is the nearest-rank median of the durations
// up to now.
func overlayMedians(tx *gorm.DB, entered *gorm.DB, now time.Time, o *Overlay, element func(k string) string) error {
	epoch := "unixepoch(e)"
	if postgres(tx) {
		epoch = "CAST(FLOOR(date_part('epoch', e)) AS BIGINT)"
	}
	var rows []struct {
		K string
		S int64
	}
	sql := "SELECT k, " + epoch + " AS s FROM (SELECT k, e, ROW_NUMBER() OVER (PARTITION BY k ORDER BY e DESC) AS rn, " +
		"COUNT(*) OVER (PARTITION BY k) AS n FROM (?) AS x WHERE e IS NOT NULL) AS r WHERE rn = (n + 1) / 2"
	if err := tx.Raw(sql, entered).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		o.at(element(r.K)).MedianSeconds = ptr(max(0, now.Unix()-r.S))
	}
	return nil
}

// heat sets the overlay's heat range from its medians.
func (o *Overlay) heat() *Overlay {
	for _, e := range o.Elements {
		if e.MedianSeconds == nil {
			continue
		}
		if o.Heat.Min == nil || *e.MedianSeconds < *o.Heat.Min {
			o.Heat.Min = ptr(*e.MedianSeconds)
		}
		if o.Heat.Max == nil || *e.MedianSeconds > *o.Heat.Max {
			o.Heat.Max = ptr(*e.MedianSeconds)
		}
	}
	return o
}
