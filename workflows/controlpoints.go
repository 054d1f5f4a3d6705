package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/deal"
)

// arm creates the control point in the current stage or, when it exists,
// re-arms it for a new due time: reminders are planned afresh from now on,
// so nothing planned for the old date can fire any more. It returns the
// point, valid until the next arm.
func (r *run) arm(now time.Time, id string, kind deal.PointKind, due time.Time, subject string) *deal.ControlPoint {
	pp := r.v.Policy.Point(kind)
	cp := deal.ControlPoint{
		ID: id, Kind: kind, Stage: r.v.Stage, Owner: r.v.Owner, Subject: subject,
		Status: deal.PointOpen, DueAt: due, OverdueAt: due.Add(pp.Grace.D()), ArmedAt: now,
		RemindAt: []time.Time{},
	}
	for _, off := range pp.Reminders {
		if t := due.Add(-off.D()); t.After(now) && !slices.ContainsFunc(cp.RemindAt, t.Equal) {
			cp.RemindAt = append(cp.RemindAt, t)
		}
	}
	slices.SortFunc(cp.RemindAt, time.Time.Compare)
	i := r.point(id)
	if i < 0 {
		i = len(r.v.ControlPoints)
		r.v.ControlPoints = append(r.v.ControlPoints, cp)
	}
	r.v.ControlPoints[i] = cp
	return &r.v.ControlPoints[i]
}

func (r *run) point(id string) int {
	return slices.IndexFunc(r.v.ControlPoints, func(c deal.ControlPoint) bool { return c.ID == id })
}

// donePoint marks an open or overdue control point done.
func (r *run) donePoint(now time.Time, id string) { r.closePoint(now, id, deal.PointDone) }

// closePoint ends an open or overdue control point with status (done, or
// cancelled when its obligation no longer applies).
func (r *run) closePoint(now time.Time, id string, status deal.PointStatus) {
	if i := r.point(id); i >= 0 && r.v.ControlPoints[i].Active() {
		r.v.ControlPoints[i].Status = status
		r.v.ControlPoints[i].DoneAt = &now
	}
}

// cancelPoints cancels every control point still waiting.
func (r *run) cancelPoints(now time.Time) {
	for i := range r.v.ControlPoints {
		if cp := &r.v.ControlPoints[i]; cp.Active() {
			cp.Status, cp.DoneAt = deal.PointCancelled, &now
		}
	}
}

// nextWake is the earliest moment a control point needs the workflow: its
// next reminder or the moment it turns overdue. Zero means none.
func (r *run) nextWake() time.Time {
	var next time.Time
	for _, cp := range r.v.ControlPoints {
		if cp.Status != deal.PointOpen {
			continue
		}
		t := cp.OverdueAt
		if cp.Reminded < len(cp.RemindAt) && cp.RemindAt[cp.Reminded].Before(t) {
			t = cp.RemindAt[cp.Reminded]
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next
}

// fireDue sends every reminder whose time has come and turns due points
// overdue, escalating them to the owner's manager. It reports whether
// anything changed.
func (r *run) fireDue(ctx workflow.Context) bool {
	now := workflow.Now(ctx)
	var notes []deal.Notification
	for i := range r.v.ControlPoints {
		cp := &r.v.ControlPoints[i]
		if cp.Status != deal.PointOpen {
			continue
		}
		for cp.Reminded < len(cp.RemindAt) && !cp.RemindAt[cp.Reminded].After(now) {
			at := cp.RemindAt[cp.Reminded]
			cp.Reminded++
			notes = append(notes, r.notice(cp, deal.NoticeReminder, at, false))
			r.record(now, systemActor, "reminder_sent", map[string]any{"control_point": cp.ID, "due_at": cp.DueAt})
		}
		if now.Before(cp.OverdueAt) {
			continue
		}
		cp.Status, cp.Escalated = deal.PointOverdue, true
		if cp.Kind == deal.PointOfferValidity {
			r.expireOffer(now, cp.ID)
		}
		// A point armed already past its time turns overdue at arming.
		at := cp.OverdueAt
		if cp.ArmedAt.After(at) {
			at = cp.ArmedAt
		}
		notes = append(notes, r.notice(cp, deal.NoticeOverdue, at, false), r.notice(cp, deal.NoticeEscalation, at, true))
		r.record(now, systemActor, "control_point_overdue", map[string]any{"control_point": cp.ID, "due_at": cp.DueAt})
	}
	if len(notes) == 0 {
		return false
	}
	futures := make([]workflow.Future, len(notes))
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	for i, n := range notes {
		futures[i] = workflow.ExecuteActivity(actx, acts.Notify, n)
	}
	for _, f := range futures {
		// Notify retries until it succeeds; an error here means the
		// workflow is being cancelled, which the main loop handles.
		_ = f.Get(ctx, nil)
	}
	return true
}

// notice builds a notification whose key is stable for this point, kind,
// due time and moment, so a retry or replay never delivers it twice and a
// re-armed point gets fresh notifications.
func (r *run) notice(cp *deal.ControlPoint, kind deal.NotificationKind, at time.Time, toManager bool) deal.Notification {
	due := cp.DueAt.UTC().Format(time.RFC3339)
	var msg string
	switch kind {
	case deal.NoticeReminder:
		msg = fmt.Sprintf("Reminder: %s by %s (deal %q).", cp.Subject, due, r.v.Title)
	case deal.NoticeOverdue:
		msg = fmt.Sprintf("Overdue: %s was due %s (deal %q).", cp.Subject, due, r.v.Title)
	default:
		msg = fmt.Sprintf("Escalation: %s for deal %q, owned by %s, was due %s and is overdue.", cp.Subject, r.v.Title, r.v.Owner, due)
	}
	if cp.Kind == deal.PointOfferValidity && kind == deal.NoticeOverdue {
		msg = fmt.Sprintf("%s has expired (deal %q): extend it, revise it or mark the deal lost.", cp.Subject, r.v.Title)
	}
	return deal.Notification{
		Key:  fmt.Sprintf("%s/%s/%s/%s/%s", r.v.ID, cp.ID, kind, due, at.UTC().Format(time.RFC3339Nano)),
		Kind: kind, DealID: r.v.ID, ControlPointID: cp.ID, Recipient: cp.Owner, ToManager: toManager,
		Subject: cp.Subject, Message: msg, DueAt: cp.DueAt, At: at,
	}
}
