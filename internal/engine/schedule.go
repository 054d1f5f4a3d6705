package engine

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
)

// Schedule keeps the control points of one case on durable timers: it
// plans reminders, turns points overdue and escalates them, and builds the
// notifications with stable keys. The points live in the case's view;
// Schedule only holds a pointer to that slice.
type Schedule struct {
	points *[]casework.ControlPoint
	policy func(casework.PointKind) casework.PointPolicy
	// subject names what the points belong to in notifications.
	subject Subject
	// record appends a history event of the case.
	record func(now time.Time, actor, typ string, data any)
	// Hooks is what the case type adds to the schedule.
	hooks Hooks
	// cal, when set, counts whole-day durations in business days and moves
	// reminders off non-working days.
	cal *calendar.Calendar
	// channels, when set, delivers every notification by e-mail and webhook
	// too, not only to the inbox.
	channels bool
	// units, when set, counts each duration in its own unit; otherwise a
	// whole number of days counts business days (with a calendar).
	units bool
}

// Subject identifies the case a schedule's notifications are about: ID
// starts every notification key, Title names the case in messages, and
// DealID and ComplaintID are the links a notification carries.
type Subject struct {
	ID, Title           string
	DealID, ComplaintID string
}

// Hooks are a case type's additions to its schedule; each may be nil.
type Hooks struct {
	// OnOverdue runs as a point turns overdue (an offer expires).
	OnOverdue func(now time.Time, cp *casework.ControlPoint)
	// Message, when it returns text, replaces the standard message of a
	// notification of kind about cp.
	Message func(cp *casework.ControlPoint, kind casework.NotificationKind) string
}

// NewSchedule schedules the control points in *points, with the policy of
// each kind, for the subject; record is the case's journal.
func NewSchedule(points *[]casework.ControlPoint, policy func(casework.PointKind) casework.PointPolicy, subject Subject,
	record func(now time.Time, actor, typ string, data any), hooks Hooks) *Schedule {
	return &Schedule{points: points, policy: policy, subject: subject, record: record, hooks: hooks}
}

// versionCalendarChannels marks the change that counted deadlines in
// business days and delivered notifications by e-mail and webhook; workflows
// started before it keep elapsed-time deadlines and the inbox only.
const versionCalendarChannels = "business-calendar-and-channels"

// UseCalendarAndChannels turns both on for workflows started with the
// change (see Journal.Since); it must run before the workflow's first
// command.
func (s *Schedule) UseCalendarAndChannels(ctx workflow.Context, j *Journal, cal calendar.Calendar) {
	if j.Since(ctx, versionCalendarChannels) {
		s.cal, s.channels = &cal, true
	}
}

// Calendar is the business calendar deadlines are counted in: the default
// one for workflows started before calendars.
func (s *Schedule) Calendar() calendar.Calendar {
	if s.cal != nil {
		return *s.cal
	}
	return calendar.Default()
}

// versionDurationUnits marks the change that counted each policy duration
// in its own unit (docs/process.md §3): "14d" calendar days, "5bd" business
// days, "2mo" months. Workflows started before it keep counting a whole
// number of days as business days, as their policies meant.
const versionDurationUnits = "duration-units"

// UseUnits counts durations in their units for workflows started with the
// change (see Journal.Since); it must run before the workflow's first
// command.
func (s *Schedule) UseUnits(ctx workflow.Context, j *Journal) {
	s.units = j.Since(ctx, versionDurationUnits)
}

// Units reports whether durations count in their own units; false for
// workflows started before, whose whole days are business days.
func (s *Schedule) Units() bool { return s.units }

// After is t moved by d. With units, d counts in its own units on the
// calendar (casework.Duration.AddTo). Before them, a whole number of days
// counts business days of the calendar and anything else elapsed time;
// before calendars, everything is elapsed time.
func (s *Schedule) After(t time.Time, d casework.Duration) time.Time {
	if s.units {
		return d.AddTo(t, s.Calendar())
	}
	const day = 24 * time.Hour
	span := d.Span()
	if s.cal == nil || span == 0 || span%day != 0 {
		return t.Add(span)
	}
	if n := int(span / day); n > 0 {
		return s.cal.AddBusinessDays(t, n)
	} else {
		return s.cal.SubBusinessDays(t, -n)
	}
}

// DayEnd is the end of t's day in the calendar's zone moved by grace: a
// grace of business days ends with the last of that many working days
// after t's day (1bd after a Friday is the end of Monday), the rest of it
// counts from there. It is when a point due on a day, not at an instant,
// turns overdue.
func (s *Schedule) DayEnd(t time.Time, grace casework.Duration) time.Time {
	cal := s.Calendar()
	end := cal.EndOfWorkingDays(t, grace.BusinessDays)
	grace.BusinessDays = 0
	return grace.AddTo(end, cal)
}

// remindAt is when a reminder offset before due fires: a reminder that
// would fall on a non-working day moves to the previous working day at the
// start of business hours.
func (s *Schedule) remindAt(due time.Time, offset casework.Duration) time.Time {
	t := s.After(due, offset.Neg())
	if s.cal != nil {
		t = s.cal.PreviousWorkingStart(t)
	}
	return t
}

// Arm creates the control point or, when it exists, re-arms it for a new due
// time: reminders are planned afresh from now on, so nothing planned for the
// old date can fire any more. It returns the point, valid until the next arm.
func (s *Schedule) Arm(now time.Time, id string, kind casework.PointKind, stage, owner string, due time.Time, title string) *casework.ControlPoint {
	pp := s.policy(kind)
	cp := casework.ControlPoint{
		ID: id, Kind: kind, Stage: stage, Owner: owner, Subject: title,
		Status: casework.PointOpen, DueAt: due, OverdueAt: s.After(due, pp.Grace), ArmedAt: now,
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

func (s *Schedule) index(id string) int {
	return slices.IndexFunc(*s.points, func(c casework.ControlPoint) bool { return c.ID == id })
}

// Get returns the point with the given ID, or nil.
func (s *Schedule) Get(id string) *casework.ControlPoint {
	if i := s.index(id); i >= 0 {
		return &(*s.points)[i]
	}
	return nil
}

// Done marks an open or overdue control point done.
func (s *Schedule) Done(now time.Time, id string) { s.Close(now, id, casework.PointDone) }

// Close ends an open or overdue control point with status (done, or
// cancelled when its obligation no longer applies).
func (s *Schedule) Close(now time.Time, id string, status casework.PointStatus) {
	if cp := s.Get(id); cp != nil && cp.Active() {
		cp.Status, cp.DoneAt = status, &now
	}
}

// CancelAll cancels every control point still waiting.
func (s *Schedule) CancelAll(now time.Time) {
	for i := range *s.points {
		if cp := &(*s.points)[i]; cp.Active() {
			cp.Status, cp.DoneAt = casework.PointCancelled, &now
		}
	}
}

// Handover gives every active control point for which keep is false to
// owner (keep may be nil).
func (s *Schedule) Handover(owner string, keep func(*casework.ControlPoint) bool) {
	for i := range *s.points {
		if cp := &(*s.points)[i]; cp.Active() && (keep == nil || !keep(cp)) {
			cp.Owner = owner
		}
	}
}

// Pending reports whether any point still waits for a reminder or its
// overdue moment.
func (s *Schedule) Pending() bool {
	return slices.ContainsFunc(*s.points, func(c casework.ControlPoint) bool { return c.Status == casework.PointOpen })
}

// nextWake is the earliest moment a control point needs the workflow: its
// next reminder or the moment it turns overdue. Zero means none.
func (s *Schedule) nextWake() time.Time {
	var next time.Time
	for _, cp := range *s.points {
		if cp.Status != casework.PointOpen {
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
func (s *Schedule) fire(ctx workflow.Context) []casework.Notification {
	now := workflow.Now(ctx)
	var notes []casework.Notification
	for i := range *s.points {
		cp := &(*s.points)[i]
		if cp.Status != casework.PointOpen {
			continue
		}
		notes = append(notes, s.remind(now, cp)...)
		if !now.Before(cp.OverdueAt) {
			notes = append(notes, s.overdue(now, cp)...)
		}
	}
	return notes
}

// remind sends the reminders of cp whose time has come.
func (s *Schedule) remind(now time.Time, cp *casework.ControlPoint) []casework.Notification {
	var notes []casework.Notification
	for cp.Reminded < len(cp.RemindAt) && !cp.RemindAt[cp.Reminded].After(now) {
		at := cp.RemindAt[cp.Reminded]
		cp.Reminded++
		notes = append(notes, s.notice(cp, casework.NoticeReminder, at, false))
		s.record(now, SystemActor, "reminder_sent", map[string]any{"control_point": cp.ID, "due_at": cp.DueAt})
	}
	return notes
}

// overdue turns cp overdue: its owner is told and its owner's manager
// escalated to.
func (s *Schedule) overdue(now time.Time, cp *casework.ControlPoint) []casework.Notification {
	cp.Status, cp.Escalated = casework.PointOverdue, true
	if s.hooks.OnOverdue != nil {
		s.hooks.OnOverdue(now, cp)
	}
	// A point armed already past its time turns overdue at arming.
	at := cp.OverdueAt
	if cp.ArmedAt.After(at) {
		at = cp.ArmedAt
	}
	notes := []casework.Notification{s.notice(cp, casework.NoticeOverdue, at, false), s.notice(cp, casework.NoticeEscalation, at, true)}
	s.record(now, SystemActor, "control_point_overdue", map[string]any{"control_point": cp.ID, "due_at": cp.DueAt})
	return notes
}

// deliver puts every notification in its recipient's inbox and, with
// channels on, sends it by e-mail and webhook; all in parallel. Since
// versionOneDelivery each notification is one local activity doing all
// three (ActivityDeliverNotification); before it, Notify ran for every
// notification, then DeliverEmail, then DeliverWebhook, each on the task
// queue. Each activity is idempotent by the notification's key and retries
// until it succeeds or fails for good; an error here means the workflow is
// being cancelled or a channel refused for good, which the activity
// recorded.
func (s *Schedule) deliver(ctx workflow.Context, notes []casework.Notification) {
	if s.channels && oneDelivery(ctx) {
		lctx := workflow.WithLocalActivityOptions(ctx, deliveryLocalOptions)
		awaitAll(ctx, notes, func(n casework.Notification) workflow.Future {
			return workflow.ExecuteLocalActivity(lctx, ActivityDeliverNotification, n)
		})
		return
	}
	run := func(ctx workflow.Context, activity string, arg func(casework.Notification) any) {
		awaitAll(ctx, notes, func(n casework.Notification) workflow.Future {
			return workflow.ExecuteActivity(ctx, activity, arg(n))
		})
	}
	run(workflow.WithActivityOptions(ctx, ActivityOptions), ActivityNotify, func(n casework.Notification) any { return n })
	if !s.channels {
		return
	}
	dctx := workflow.WithActivityOptions(ctx, deliveryOptions)
	byKey := func(n casework.Notification) any { return n.Key }
	run(dctx, ActivityDeliverEmail, byKey)
	run(dctx, ActivityDeliverWebhook, byKey)
}

// oneDelivery reports whether the workflow delivers with
// versionOneDelivery: the version's marker is recorded at the workflow's
// first delivery, later ones read it back.
func oneDelivery(ctx workflow.Context) bool {
	return workflow.GetVersion(ctx, versionOneDelivery, workflow.DefaultVersion, 1) == 1
}

// awaitAll starts one activity per notification with start and waits for
// all of them, ignoring their errors (see deliver).
func awaitAll(ctx workflow.Context, notes []casework.Notification, start func(casework.Notification) workflow.Future) {
	futures := make([]workflow.Future, len(notes))
	for i, n := range notes {
		futures[i] = start(n)
	}
	for _, f := range futures {
		_ = f.Get(ctx, nil)
	}
}

// notice builds a notification whose key is stable for this point, kind,
// due time and moment, so a retry or replay never delivers it twice and a
// re-armed point gets fresh notifications.
func (s *Schedule) notice(cp *casework.ControlPoint, kind casework.NotificationKind, at time.Time, toManager bool) casework.Notification {
	due := cp.DueAt.UTC().Format(time.RFC3339)
	return casework.Notification{
		Key:  fmt.Sprintf("%s/%s/%s/%s/%s", s.subject.ID, cp.ID, kind, due, at.UTC().Format(time.RFC3339Nano)),
		Kind: kind, DealID: s.subject.DealID, ComplaintID: s.subject.ComplaintID, ControlPointID: cp.ID,
		Recipient: cp.Owner, ToManager: toManager, Subject: cp.Subject, Message: s.message(cp, kind, due), DueAt: cp.DueAt, At: at,
	}
}

// message is the text of a notification: the case type's, or the standard
// one.
func (s *Schedule) message(cp *casework.ControlPoint, kind casework.NotificationKind, due string) string {
	if s.hooks.Message != nil {
		if msg := s.hooks.Message(cp, kind); msg != "" {
			return msg
		}
	}
	switch kind {
	case casework.NoticeReminder:
		return fmt.Sprintf("Reminder: %s by %s (%q).", cp.Subject, due, s.subject.Title)
	case casework.NoticeOverdue:
		return fmt.Sprintf("Overdue: %s was due %s (%q).", cp.Subject, due, s.subject.Title)
	}
	return fmt.Sprintf("Escalation: %s for %q, owned by %s, was due %s and is overdue.", cp.Subject, s.subject.Title, cp.Owner, due)
}

// Escalate tells the manager of cp's owner at once, with message, outside
// the point's own schedule (a client unhappy with a remedy, say), and waits
// for the delivery.
func (s *Schedule) Escalate(ctx workflow.Context, cp *casework.ControlPoint, at time.Time, message string) {
	n := s.notice(cp, casework.NoticeEscalation, at, true)
	n.Message = message
	s.deliver(ctx, []casework.Notification{n})
}
