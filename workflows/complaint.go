package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/engine"
)

// Control point IDs of a complaint: one per step; corrective actions use
// their own IDs.
const (
	pointAcknowledge = "acknowledge"
	pointInvestigate = "investigate"
	pointResolve     = "resolve"
	pointConfirm     = "confirm"
	pointCorrect     = "correct"
)

// complaintRun is the in-memory state of one complaint workflow.
type complaintRun struct {
	*engine.Journal
	v       complaint.View
	opened  bool
	actions *engine.Registry[*complaintRun]
	cps     *engine.Schedule
}

// Complaint runs one complaint through the four steps of docs/process.md §4,
// from registration to closed. Workflow ID = complaint ID. A complaint
// started without a policy (by a deal's survey) takes the default one,
// recorded in its history so a later change of the defaults never alters it.
func Complaint(ctx workflow.Context, p complaint.Params) (complaint.View, error) {
	if p.Policy.Deadlines == nil {
		if err := workflow.SideEffect(ctx, func(workflow.Context) any { return complaint.DefaultPolicy() }).Get(&p.Policy); err != nil {
			return complaint.View{}, err
		}
	}
	c := newComplaintRun(ctx, p)
	c.cps.UseCalendarAndChannels(ctx, c.Journal, p.Calendar)
	c.cps.UseUnits(ctx, c.Journal)
	if err := c.register(ctx); err != nil {
		return complaint.View{}, err
	}
	now := workflow.Now(ctx)
	var reg complaint.Registration
	in := complaint.RegisterInput{
		ID: p.ID, ClientID: p.Form.ClientID, Category: p.Form.Category,
		RegisteredAt: now, Since: c.since(now, p.Policy.RecurrenceWindow),
	}
	if err := c.Activity(ctx, acts.RegisterComplaint, in, &reg); err != nil {
		return complaint.View{}, err
	}
	c.v.Number, c.v.RecurrenceOf, c.v.Recurrence = reg.Number, reg.RecurrenceOf, reg.RecurrenceOf != ""
	c.Record(now, p.RegisteredBy, "complaint_registered", p.Form)
	if c.v.Recurrence {
		c.Record(now, engine.SystemActor, "recurrence_detected", map[string]string{"recurrence_of": reg.RecurrenceOf})
	}
	c.armStep(now, pointAcknowledge, complaint.PointAcknowledge, c.deadlines().Acknowledge, "Acknowledge the complaint to the client")
	c.Settle(now)
	if err := c.Sync(ctx); err != nil {
		return complaint.View{}, err
	}
	c.opened = true
	if err := engine.Serve(ctx, c, c.Journal, c.cps, c.finished, nil); err != nil {
		return c.cancelled(ctx)
	}
	return c.v, nil
}

// since is the start of the recurrence window ending at now: calendar
// days (or the window's units) before it; elapsed time for complaints
// started before durations carried units.
func (c *complaintRun) since(now time.Time, window casework.Duration) time.Time {
	if c.cps.Units() {
		return c.cps.After(now, window.Neg())
	}
	return now.Add(-window.Span())
}

func newComplaintRun(ctx workflow.Context, p complaint.Params) *complaintRun {
	now := workflow.Now(ctx)
	c := &complaintRun{actions: complaintRegistry()}
	c.v = complaint.View{
		ID: p.ID, Form: p.Form, RegisteredBy: p.RegisteredBy, Assignee: p.RegisteredBy,
		Step: complaint.StepAcknowledgement, Status: complaint.StatusOpen,
		RegisteredAt: now, UpdatedAt: now, Policy: p.Policy, PolicyVersion: p.PolicyVersion,
		Investigations: []complaint.Investigation{}, Resolutions: []complaint.Resolution{},
		CorrectiveActions: []complaint.CorrectiveAction{}, ControlPoints: []casework.ControlPoint{}, AllowedActions: []string{},
	}
	c.Journal = engine.NewJournal(ctx, &c.v.Seq, &c.v.UpdatedAt, func() string { return string(c.v.Step) })
	c.cps = engine.NewSchedule(&c.v.ControlPoints, c.v.Policy.Point,
		engine.Subject{ID: p.ID, DealID: p.Form.DealID, ComplaintID: p.ID, Title: "complaint " + p.ID}, c.Record, engine.Hooks{})
	return c
}

// complaintRegistry pairs every action of complaint.Inputs with its
// handler (built per workflow, like dealRegistry).
func complaintRegistry() *engine.Registry[*complaintRun] {
	return engine.MustRegistry(complaint.Inputs,
		acknowledge, assign, recordInvestigation, resolveForClient,
		confirmByClient, addCorrectiveAction, completeCorrectiveAction, closeComplaint,
	)
}

func (c *complaintRun) register(ctx workflow.Context) error {
	if err := engine.RegisterView(ctx, func() complaint.View { return c.v }, func() bool { return c.opened }); err != nil {
		return err
	}
	return engine.Register(ctx, c, c.actions)
}

func (c *complaintRun) deadlines() complaint.Deadlines { return c.v.Policy.Deadlines[c.v.Severity] }

// armStep arms the control point of a step, owned by the assignee, due the
// step's deadline from now.
func (c *complaintRun) armStep(now time.Time, id string, kind casework.PointKind, deadline casework.Duration, title string) {
	c.cps.Arm(now, id, kind, "", c.v.Assignee, c.cps.After(now, deadline), title)
}

// enter moves the complaint to a step and records it.
func (c *complaintRun) enter(now time.Time, s complaint.Step) {
	c.v.Step = s
	c.Record(now, engine.SystemActor, "step_entered", map[string]complaint.Step{"step": s})
}

func (c *complaintRun) finished() bool {
	return c.v.Status == complaint.StatusClosed && !c.cps.Pending()
}

// AfterAction has nothing to do for complaints.
func (c *complaintRun) AfterAction(engine.Step) {}

// Settle recomputes the allowed actions.
func (c *complaintRun) Settle(time.Time) { c.v.AllowedActions = c.actions.Allowed(c) }

// View is the complaint's view.
func (c *complaintRun) View() complaint.View { return c.v }

// Where names the complaint's step in a refusal.
func (c *complaintRun) Where(ref *casework.Refusal) { ref.Step = string(c.v.Step) }

// Sync hands the pending history and the current view to the read model.
func (c *complaintRun) Sync(ctx workflow.Context) error {
	return c.Flush(ctx, acts.SyncComplaint, func(events []casework.HistoryEvent) any {
		return complaint.Sync{View: c.v, Events: events}
	})
}

// onTime reports whether no control point of the complaint went overdue.
func (c *complaintRun) onTime() bool {
	return !slices.ContainsFunc(c.v.ControlPoints, func(cp casework.ControlPoint) bool { return cp.Escalated })
}

// cancelled records an operator's cancellation of the workflow.
func (c *complaintRun) cancelled(ctx workflow.Context) (complaint.View, error) {
	return engine.RecordCancellation(ctx, c, c.cps, "complaint_cancelled")
}
