package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/deal"
)

// schedule keeps the control points of one subject — a deal or a complaint —
// on durable timers: it plans reminders, turns points overdue and escalates
// them, and builds the notifications with stable keys. The points live in
// the subject's view; schedule only holds a pointer to that slice.
type schedule struct {
	points *[]deal.ControlPoint
	policy func(deal.PointKind) deal.PointPolicy
	// subject names what the points belong to in notifications.
	subject subject
	// record appends a history event of the subject.
	record func(now time.Time, actor, typ string, data any)
	// onOverdue, when set, runs as a point turns overdue (an offer expires).
	onOverdue func(now time.Time, cp *deal.ControlPoint)
	// cal, when set, counts whole-day durations in business days and moves
	// reminders off non-working days.
	cal *calendar.Calendar
	// channels, when set, delivers every notification by e-mail and webhook
	// too, not only to the inbox.
	channels bool
}

// versionCalendarChannels marks the change that counted deadlines in
// business days and delivered notifications by e-mail and webhook; workflows
// started before it keep elapsed-time deadlines and the inbox only.
const versionCalendarChannels = "business-calendar-and-channels"

// useCalendarAndChannels turns both on for workflows started with the
// change; it must run before the workflow's first command.
func (s *schedule) useCalendarAndChannels(ctx workflow.Context, cal calendar.Calendar) {
	if workflow.GetVersion(ctx, versionCalendarChannels, workflow.DefaultVersion, 1) == 1 {
		s.cal, s.channels = &cal, true
	}
}

// after is t moved by d: a whole number of days counts business days of
// the calendar, anything else elapsed time.
func (s *schedule) after(t time.Time, d deal.Duration) time.Time {
	const day = 24 * time.Hour
	if s.cal == nil || d == 0 || d.D()%day != 0 {
		return t.Add(d.D())
	}
	if n := int(d.D() / day); n > 0 {
		return s.cal.AddBusinessDays(t, n)
	} else {
		return s.cal.SubBusinessDays(t, -n)
	}
}

// remindAt is when a reminder offset before due fires: a reminder that
// would fall on a non-working day moves to the previous working day at the
// start of business hours.
func (s *schedule) remindAt(due time.Time, offset deal.Duration) time.Time {
	t := s.after(due, -offset)
	if s.cal != nil {
		t = s.cal.PreviousWorkingStart(t)
	}
	return t
}

// subject identifies the deal or complaint a notification is about.
type subject struct {
	dealID, complaintID, title string
}

func (s subject) id() string {
	if s.complaintID != "" {
		return s.complaintID
	}
	return s.dealID
}

// arm creates the control point or, when it exists, re-arms it for a new due
// time: reminders are planned afresh from now on, so nothing planned for the
// old date can fire any more. It returns the point, valid until the next arm.
func (s *schedule) arm(now time.Time, id string, kind deal.PointKind, stage deal.Stage, owner string, due time.Time, title string) *deal.ControlPoint {
	pp := s.policy(kind)
	cp := deal.ControlPoint{
		ID: id, Kind: kind, Stage: stage, Owner: owner, Subject: title,
		Status: deal.PointOpen, DueAt: due, OverdueAt: s.after(due, pp.Grace), ArmedAt: now,
		RemindAt: []time.Time{},
	}
	for _, off := range pp.Reminders {
		if t := s.remindAt(due, off); t.After(now) && !slices.ContainsFunc(cp.RemindAt, t.Equal) {
			cp.RemindAt = append(cp.RemindAt, t)
		}
	}
	slices.SortFunc(cp.RemindAt, time.Time.Compare)
	i := s.index(id)
	if i < 0 {
		i = len(*s.points)
		*s.points = append(*s.points, cp)
	}
	(*s.points)[i] = cp
	return &(*s.points)[i]
}

func (s *schedule) index(id string) int {
	return slices.IndexFunc(*s.points, func(c deal.ControlPoint) bool { return c.ID == id })
}

// get returns the point with the given ID, or nil.
func (s *schedule) get(id string) *deal.ControlPoint {
	if i := s.index(id); i >= 0 {
		return &(*s.points)[i]
	}
	return nil
}

// done marks an open or overdue control point done.
func (s *schedule) done(now time.Time, id string) { s.close(now, id, deal.PointDone) }

// close ends an open or overdue control point with status (done, or
// cancelled when its obligation no longer applies).
func (s *schedule) close(now time.Time, id string, status deal.PointStatus) {
	if cp := s.get(id); cp != nil && cp.Active() {
		cp.Status, cp.DoneAt = status, &now
	}
}

// cancelAll cancels every control point still waiting.
func (s *schedule) cancelAll(now time.Time) {
	for i := range *s.points {
		if cp := &(*s.points)[i]; cp.Active() {
			cp.Status, cp.DoneAt = deal.PointCancelled, &now
		}
	}
}

// pending reports whether any point still waits for a reminder or its
// overdue moment.
func (s *schedule) pending() bool {
	return slices.ContainsFunc(*s.points, func(c deal.ControlPoint) bool { return c.Status == deal.PointOpen })
}

// nextWake is the earliest moment a control point needs the workflow: its
// next reminder or the moment it turns overdue. Zero means none.
func (s *schedule) nextWake() time.Time {
	var next time.Time
	for _, cp := range *s.points {
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

// fire plans every reminder whose time has come and turns due points
// overdue, escalating them to the owner's manager. It returns the
// notifications to deliver.
func (s *schedule) fire(ctx workflow.Context) []deal.Notification {
	now := workflow.Now(ctx)
	var notes []deal.Notification
	for i := range *s.points {
		cp := &(*s.points)[i]
		if cp.Status != deal.PointOpen {
			continue
		}
		for cp.Reminded < len(cp.RemindAt) && !cp.RemindAt[cp.Reminded].After(now) {
			at := cp.RemindAt[cp.Reminded]
			cp.Reminded++
			notes = append(notes, s.notice(cp, deal.NoticeReminder, at, false))
			s.record(now, systemActor, "reminder_sent", map[string]any{"control_point": cp.ID, "due_at": cp.DueAt})
		}
		if now.Before(cp.OverdueAt) {
			continue
		}
		cp.Status, cp.Escalated = deal.PointOverdue, true
		if s.onOverdue != nil {
			s.onOverdue(now, cp)
		}
		// A point armed already past its time turns overdue at arming.
		at := cp.OverdueAt
		if cp.ArmedAt.After(at) {
			at = cp.ArmedAt
		}
		notes = append(notes, s.notice(cp, deal.NoticeOverdue, at, false), s.notice(cp, deal.NoticeEscalation, at, true))
		s.record(now, systemActor, "control_point_overdue", map[string]any{"control_point": cp.ID, "due_at": cp.DueAt})
	}
	return notes
}

// deliver puts every notification in its recipient's inbox (Notify) and,
// with channels on, then sends it by e-mail and webhook; all in parallel.
// Each activity is idempotent by the notification's key and retries until
// it succeeds or fails for good; an error here means the workflow is being
// cancelled or a channel refused for good, which the activity recorded.
func (s *schedule) deliver(ctx workflow.Context, notes []deal.Notification) {
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	run := func(ctx workflow.Context, activity any, arg func(deal.Notification) any) {
		futures := make([]workflow.Future, len(notes))
		for i, n := range notes {
			futures[i] = workflow.ExecuteActivity(ctx, activity, arg(n))
		}
		for _, f := range futures {
			_ = f.Get(ctx, nil)
		}
	}
	run(actx, acts.Notify, func(n deal.Notification) any { return n })
	if !s.channels {
		return
	}
	dctx := workflow.WithActivityOptions(ctx, deliveryOptions)
	byKey := func(n deal.Notification) any { return n.Key }
	run(dctx, acts.DeliverEmail, byKey)
	run(dctx, acts.DeliverWebhook, byKey)
}

// notice builds a notification whose key is stable for this point, kind,
// due time and moment, so a retry or replay never delivers it twice and a
// re-armed point gets fresh notifications.
func (s *schedule) notice(cp *deal.ControlPoint, kind deal.NotificationKind, at time.Time, toManager bool) deal.Notification {
	due := cp.DueAt.UTC().Format(time.RFC3339)
	var msg string
	switch kind {
	case deal.NoticeReminder:
		msg = fmt.Sprintf("Reminder: %s by %s (%q).", cp.Subject, due, s.subject.title)
	case deal.NoticeOverdue:
		msg = fmt.Sprintf("Overdue: %s was due %s (%q).", cp.Subject, due, s.subject.title)
	default:
		msg = fmt.Sprintf("Escalation: %s for %q, owned by %s, was due %s and is overdue.", cp.Subject, s.subject.title, cp.Owner, due)
	}
	if cp.Kind == deal.PointOfferValidity && kind == deal.NoticeOverdue {
		msg = fmt.Sprintf("%s has expired (%q): extend it, revise it or mark the deal lost.", cp.Subject, s.subject.title)
	}
	return deal.Notification{
		Key:  fmt.Sprintf("%s/%s/%s/%s/%s", s.subject.id(), cp.ID, kind, due, at.UTC().Format(time.RFC3339Nano)),
		Kind: kind, DealID: s.subject.dealID, ComplaintID: s.subject.complaintID, ControlPointID: cp.ID,
		Recipient: cp.Owner, ToManager: toManager, Subject: cp.Subject, Message: msg, DueAt: cp.DueAt, At: at,
	}
}

// waitFor blocks until next (none when zero), a wake-up on wake, the
// workflow's cancellation, or whatever more adds to the selector.
func waitFor(ctx workflow.Context, next time.Time, wake workflow.ReceiveChannel, more func(workflow.Selector)) {
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	sel := workflow.NewSelector(ctx)
	if !next.IsZero() {
		sel.AddFuture(workflow.NewTimer(timerCtx, next.Sub(workflow.Now(ctx))), func(workflow.Future) {})
	}
	sel.AddReceive(wake, func(c workflow.ReceiveChannel, _ bool) { c.ReceiveAsync(nil) })
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
	if more != nil {
		more(sel)
	}
	sel.Select(ctx)
}
