package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/vip"
)

// ProgrammeParams start a VIP programme workflow: the programme's
// parameters and the policies of the deals and complaints its interviews
// open (the policy document's, when the API started it).
type ProgrammeParams struct {
	vip.Params
	DealPolicy      *deal.Policy      `json:"deal_policy,omitempty"`
	ComplaintPolicy *complaint.Policy `json:"complaint_policy,omitempty"`
	// Carried are the open upsell follow-ups of the period before.
	Carried []casework.ControlPoint `json:"carried,omitempty"`
}

// programmeRun is the in-memory state of one period of a programme.
type programmeRun struct {
	*engine.Journal
	v          vip.View
	p          ProgrammeParams
	opened     bool
	periodOver bool
	actions    *engine.Registry[*programmeRun]
	cps        *engine.Schedule
}

// Programme runs a VIP interview programme one period at a time
// (docs/vip.md): it selects the clients and their interviewers, arms an
// interview control point per client, turns the answers into work, and at
// the period's end marks the pending interviews missed and continues as
// new with the next period. Workflow ID = programme ID.
func Programme(ctx workflow.Context, p ProgrammeParams) (vip.View, error) {
	if err := programmeDefaults(ctx, &p); err != nil {
		return vip.View{}, err
	}
	r := newProgrammeRun(ctx, p)
	r.cps.UseCalendarAndChannels(ctx, r.Journal, p.Calendar)
	r.cps.UseUnits(ctx, r.Journal)
	if err := engine.RegisterView(ctx, func() vip.View { return r.v }, func() bool { return r.opened }); err != nil {
		return r.v, err
	}
	if err := engine.Register(ctx, r, r.actions); err != nil {
		return r.v, err
	}
	if err := r.startPeriod(ctx); err != nil {
		return r.v, err
	}
	r.opened = true
	end := workflow.NewTimer(ctx, r.v.PeriodEnd.Sub(workflow.Now(ctx)))
	err := engine.Serve(ctx, r, r.Journal, r.cps, r.finished, func(sel workflow.Selector) {
		sel.AddFuture(end, func(workflow.Future) { r.periodOver = true })
	})
	if err != nil {
		return engine.RecordCancellation(ctx, r, r.cps, "programme_cancelled")
	}
	if r.v.Status == vip.StatusClosed {
		return r.v, nil
	}
	return r.v, r.endPeriod(ctx)
}

// programmeDefaults fills in the defaults of what the start parameters
// leave out, through side effects so a later change of the defaults never
// alters a running programme's replay.
func programmeDefaults(ctx workflow.Context, p *ProgrammeParams) error {
	if p.DealPolicy == nil {
		if err := workflow.SideEffect(ctx, func(workflow.Context) any { return deal.DefaultPolicy() }).Get(&p.DealPolicy); err != nil {
			return err
		}
	}
	if p.Policy.Points == nil {
		if err := workflow.SideEffect(ctx, func(workflow.Context) any { return vip.DefaultPolicy() }).Get(&p.Policy); err != nil {
			return err
		}
	}
	if p.Period.IsZero() {
		p.Period = casework.Days(90)
	}
	return nil
}

func newProgrammeRun(ctx workflow.Context, p ProgrammeParams) *programmeRun {
	now := workflow.Now(ctx)
	r := &programmeRun{p: p, actions: programmeRegistry()}
	created := p.CreatedAt
	if created.IsZero() {
		created = now
	}
	r.v = vip.View{
		ID: p.ID, Definition: p.Definition, CreatedBy: p.CreatedBy, Status: vip.StatusActive, CreatedAt: created,
		Interviews: []vip.Interview{}, ControlPoints: slices.Clone(p.Carried), AllowedActions: []string{},
		Policy: p.Policy, PolicyVersion: p.PolicyVersion, Seq: p.Seq, UpdatedAt: now,
	}
	if r.v.ControlPoints == nil {
		r.v.ControlPoints = []casework.ControlPoint{}
	}
	r.Journal = engine.NewJournal(ctx, &r.v.Seq, &r.v.UpdatedAt, func() string { return "" })
	r.cps = engine.NewSchedule(&r.v.ControlPoints, p.Policy.Point,
		engine.Subject{ID: p.ID, Title: "VIP programme " + p.Name}, r.Record, engine.Hooks{})
	return r
}

// programmeRegistry pairs every action of vip.Inputs with its handler.
func programmeRegistry() *engine.Registry[*programmeRun] {
	return engine.MustRegistry(vip.Inputs, recordInterview, reassignInterview, skipInterview, completeUpsell, closeProgramme)
}

// startPeriod opens the period: the selection activity chooses the
// clients and interviewers, and each interview gets its control point.
func (r *programmeRun) startPeriod(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	if r.p.Number == 0 {
		r.Record(now, r.p.CreatedBy, "programme_opened", r.p.Definition)
	}
	start := r.p.Start
	if start.IsZero() {
		start = now
	}
	r.v.PeriodNumber = max(r.p.Number, 1)
	r.v.PeriodStart, r.v.PeriodEnd = start, r.cps.After(start, r.p.Period)
	r.v.InterviewDueAt = r.v.PeriodEnd
	if due := r.p.InterviewDue; due.Positive() && r.cps.After(start, due).Before(r.v.PeriodEnd) {
		r.v.InterviewDueAt = r.cps.After(start, due)
	}
	var picked []vip.Assignment
	in := vip.SelectInput{ProgrammeID: r.p.ID, Lead: r.p.Lead, Selection: r.p.Selection}
	if err := r.Activity(ctx, acts.SelectInterviews, in, &picked); err != nil {
		return err
	}
	for _, a := range picked {
		r.v.Interviews = append(r.v.Interviews, vip.Interview{
			Assignment: a, Period: r.v.PeriodNumber, DueAt: r.v.InterviewDueAt, Status: vip.InterviewPending, Outcomes: []vip.Outcome{},
		})
		r.cps.Arm(now, interviewPoint(r.v.PeriodNumber, a.ClientID), vip.PointInterview, "", a.Interviewer, r.v.InterviewDueAt,
			"VIP: "+a.ClientName)
	}
	r.Record(now, engine.SystemActor, "period_started", map[string]any{
		"period": r.v.PeriodNumber, "start": r.v.PeriodStart, "end": r.v.PeriodEnd, "interviews": len(picked),
	})
	r.Settle(now)
	return r.Sync(ctx)
}

// endPeriod marks the interviews still pending missed (their points are
// cancelled: the next period interviews every client afresh), records the
// period's end, and continues as new with the next period, carrying the
// open upsell follow-ups and the history's sequence.
func (r *programmeRun) endPeriod(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	missed := 0
	for i := range r.v.Interviews {
		if iv := &r.v.Interviews[i]; iv.Status == vip.InterviewPending {
			iv.Status = vip.InterviewMissed
			r.cps.Close(now, interviewPoint(iv.Period, iv.ClientID), casework.PointCancelled)
			missed++
		}
	}
	r.Record(now, engine.SystemActor, "period_ended", map[string]int{"period": r.v.PeriodNumber, "missed": missed})
	r.Settle(now)
	if err := r.Sync(ctx); err != nil {
		return err
	}
	next := r.p
	next.Number, next.Start, next.Seq, next.CreatedAt = r.v.PeriodNumber+1, r.v.PeriodEnd, r.v.Seq, r.v.CreatedAt
	next.Carried = slices.DeleteFunc(slices.Clone(r.v.ControlPoints), func(cp casework.ControlPoint) bool {
		return cp.Kind != vip.PointUpsell || (cp.Status != casework.PointOpen && cp.Status != casework.PointOverdue)
	})
	return workflow.NewContinueAsNewError(ctx, Programme, next)
}

func interviewPoint(period int, clientID string) string {
	return fmt.Sprintf("interview-%d-%s", period, clientID)
}

func (r *programmeRun) finished() bool {
	return r.periodOver || (r.v.Status == vip.StatusClosed && !r.cps.Pending())
}

// interview returns the current period's interview of a client, or nil.
func (r *programmeRun) interview(clientID string) *vip.Interview {
	i := slices.IndexFunc(r.v.Interviews, func(iv vip.Interview) bool { return iv.ClientID == clientID })
	if i < 0 {
		return nil
	}
	return &r.v.Interviews[i]
}

// AfterAction has nothing to do for programmes.
func (r *programmeRun) AfterAction(engine.Step) {}

// Settle recomputes the allowed actions.
func (r *programmeRun) Settle(time.Time) { r.v.AllowedActions = r.actions.Allowed(r) }

// View is the programme's view.
func (r *programmeRun) View() vip.View { return r.v }

// Where names the programme's status in a refusal.
func (r *programmeRun) Where(ref *casework.Refusal) { ref.Stage = r.v.Status }

// Sync hands the pending history and the current view to the read model.
func (r *programmeRun) Sync(ctx workflow.Context) error {
	return r.Flush(ctx, acts.SyncProgramme, func(events []casework.HistoryEvent) any {
		return vip.Sync{View: r.v, Events: events}
	})
}

// Listing shows the programme in Temporal's visibility: its period as the
// stage, its status, its lead as the owner, and how its interviews stand.
func (r *programmeRun) Listing() engine.Listing {
	count := map[string]int{}
	for _, iv := range r.v.Interviews {
		count[iv.Status]++
	}
	return engine.Listing{
		Stage: fmt.Sprintf("period %d", r.v.PeriodNumber), Status: r.v.Status, Owner: r.v.Lead,
		Details: fmt.Sprintf("**%s**, period %d: %d interviews, %d held, %d pending, %d skipped, %d missed",
			r.v.Name, r.v.PeriodNumber, len(r.v.Interviews), count[vip.InterviewHeld], count[vip.InterviewPending],
			count[vip.InterviewSkipped], count[vip.InterviewMissed]),
	}
}
