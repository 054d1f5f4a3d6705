package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
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
	*journal
	v       complaint.View
	opened  bool
	actions []entry[*complaintRun]
	cps     *schedule
}

// Complaint runs one complaint through the four steps of spec section 4,
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
	c.cps.useCalendarAndChannels(ctx, p.Calendar)
	if err := c.register(ctx); err != nil {
		return complaint.View{}, err
	}
	now := workflow.Now(ctx)
	var reg complaint.Registration
	in := complaint.RegisterInput{
		ID: p.ID, ClientID: p.Form.ClientID, Category: p.Form.Category,
		RegisteredAt: now, Since: now.Add(-p.Policy.RecurrenceWindow.D()),
	}
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	if err := workflow.ExecuteActivity(actx, acts.RegisterComplaint, in).Get(ctx, &reg); err != nil {
		return complaint.View{}, err
	}
	c.v.Number, c.v.RecurrenceOf, c.v.Recurrence = reg.Number, reg.RecurrenceOf, reg.RecurrenceOf != ""
	c.record(now, p.RegisteredBy, "complaint_registered", p.Form)
	if c.v.Recurrence {
		c.record(now, systemActor, "recurrence_detected", map[string]string{"recurrence_of": reg.RecurrenceOf})
	}
	c.armStep(now, pointAcknowledge, complaint.PointAcknowledge, c.deadlines().Acknowledge, "Acknowledge the complaint to the client")
	c.settle(now)
	if err := c.sync(ctx); err != nil {
		return complaint.View{}, err
	}
	c.opened = true
	if err := serve(ctx, c, c.journal, c.cps, c.finished, nil); err != nil {
		return c.cancelled(ctx)
	}
	return c.v, nil
}

func newComplaintRun(ctx workflow.Context, p complaint.Params) *complaintRun {
	now := workflow.Now(ctx)
	c := &complaintRun{actions: complaintEntries()}
	c.v = complaint.View{
		ID: p.ID, Form: p.Form, RegisteredBy: p.RegisteredBy, Assignee: p.RegisteredBy,
		Step: complaint.StepAcknowledgement, Status: complaint.StatusOpen,
		RegisteredAt: now, UpdatedAt: now, Policy: p.Policy, PolicyVersion: p.PolicyVersion,
		Investigations: []complaint.Investigation{}, Resolutions: []complaint.Resolution{},
		CorrectiveActions: []complaint.CorrectiveAction{}, ControlPoints: []deal.ControlPoint{}, AllowedActions: []string{},
	}
	c.journal = newJournal(ctx, &c.v.Seq, &c.v.UpdatedAt, func() deal.Stage { return deal.Stage(c.v.Step) })
	c.cps = &schedule{
		points:  &c.v.ControlPoints,
		policy:  c.v.Policy.Point,
		subject: subject{dealID: p.Form.DealID, complaintID: p.ID, title: "complaint " + p.ID},
		record:  c.record,
	}
	return c
}

func (c *complaintRun) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryView, func() (complaint.View, error) { return c.v, nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandler(ctx, UpdateOpen, func(ctx workflow.Context) (complaint.View, error) {
		err := workflow.Await(ctx, func() bool { return c.opened })
		return c.v, err
	})
	if err != nil {
		return err
	}
	return registerActions(ctx, c, c.actions)
}

func (c *complaintRun) deadlines() complaint.Deadlines { return c.v.Policy.Deadlines[c.v.Severity] }

// armStep arms the control point of a step, owned by the assignee, due the
// step's deadline from now.
func (c *complaintRun) armStep(now time.Time, id string, kind deal.PointKind, deadline deal.Duration, title string) {
	c.cps.arm(now, id, kind, "", c.v.Assignee, c.cps.after(now, deadline), title)
}

// enter moves the complaint to a step and records it.
func (c *complaintRun) enter(now time.Time, s complaint.Step) {
	c.v.Step = s
	c.record(now, systemActor, "step_entered", map[string]complaint.Step{"step": s})
}

func (c *complaintRun) finished() bool {
	return c.v.Status == complaint.StatusClosed && !c.cps.pending()
}

// afterAction has nothing to do for complaints.
func (c *complaintRun) afterAction(step) {}

func (c *complaintRun) settle(time.Time) { c.v.AllowedActions = allowedOf(c, c.actions) }

func (c *complaintRun) view() complaint.View { return c.v }

func (c *complaintRun) where(ref *deal.Refusal) { ref.Step = string(c.v.Step) }

func (c *complaintRun) sync(ctx workflow.Context) error {
	return syncActivity(ctx, acts.SyncComplaint, complaint.Sync{View: c.v, Events: c.take()})
}

// onTime reports whether no control point of the complaint went overdue.
func (c *complaintRun) onTime() bool {
	return !slices.ContainsFunc(c.v.ControlPoints, func(cp deal.ControlPoint) bool { return cp.Escalated })
}

// cancelled records an operator's cancellation of the workflow.
func (c *complaintRun) cancelled(ctx workflow.Context) (complaint.View, error) {
	return recordCancellation(ctx, c, c.cps, "complaint_cancelled")
}
