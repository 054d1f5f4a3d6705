package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/satisfaction"
)

// surveyActs names the yearly survey's activities (method values of a nil
// receiver, as acts does).
var surveyActs *activities.Surveys

// pointYearly is the ID of a survey's one control point.
const pointYearly = "yearly-survey"

// surveyRun is the in-memory state of one yearly survey workflow.
type surveyRun struct {
	*engine.Journal
	v       satisfaction.View
	p       satisfaction.Params
	opened  bool
	actions *engine.Registry[*surveyRun]
	cps     *engine.Schedule
}

// Survey runs one yearly satisfaction survey of a client's product
// (docs/satisfaction.md): it opens with its control point due after the
// policy's due time, with reminders and escalation, until the rep records
// the client's answers (record_survey; a 2 or 3 opens a complaint as the
// deal's survey does) or why there are none (decline_survey). Workflow ID
// = survey ID.
func Survey(ctx workflow.Context, p satisfaction.Params) (satisfaction.View, error) {
	r := newSurveyRun(ctx, p)
	r.cps.UseCalendarAndChannels(ctx, r.Journal, p.Calendar)
	r.cps.UseUnits(ctx, r.Journal)
	err := engine.RegisterView(ctx, func() satisfaction.View { return r.v }, func() bool { return r.opened })
	if err == nil {
		err = engine.Register(ctx, r, r.actions)
	}
	if err != nil {
		return r.v, err
	}
	now := workflow.Now(ctx)
	r.Record(now, p.OpenedBy, "survey_opened", map[string]any{"client_id": p.ClientID, "product": p.Product, "questions": p.Questions})
	r.cps.Arm(now, pointYearly, satisfaction.PointYearlySurvey, "", p.Owner, r.cps.After(now, p.Due),
		"Yearly satisfaction survey: "+p.Product)
	r.Settle(now)
	if err := r.Sync(ctx); err != nil {
		return r.v, err
	}
	r.opened = true
	if err := engine.Serve(ctx, r, r.Journal, r.cps, r.finished, nil); err != nil {
		return engine.RecordCancellation(ctx, r, r.cps, "survey_cancelled")
	}
	return r.v, nil
}

func newSurveyRun(ctx workflow.Context, p satisfaction.Params) *surveyRun {
	now := workflow.Now(ctx)
	r := &surveyRun{p: p, actions: surveyRegistry()}
	r.v = satisfaction.View{
		ID: p.ID, ClientID: p.ClientID, Product: p.Product, Owner: p.Owner, OpenedBy: p.OpenedBy,
		Status: satisfaction.StatusOpen, Questions: p.Questions, OpenedAt: now, UpdatedAt: now, PolicyVersion: p.PolicyVersion,
		ControlPoints: []casework.ControlPoint{}, AllowedActions: []string{},
	}
	r.Journal = engine.NewJournal(ctx, &r.v.Seq, &r.v.UpdatedAt, func() string { return string(r.v.Status) })
	r.cps = engine.NewSchedule(&r.v.ControlPoints, func(casework.PointKind) casework.PointPolicy { return p.Point },
		engine.Subject{ID: p.ID, Title: "survey " + p.ID}, r.Record, engine.Hooks{})
	return r
}

// surveyRegistry pairs the survey's catalogue with its handlers.
func surveyRegistry() *engine.Registry[*surveyRun] {
	return engine.MustRegistry(satisfaction.Inputs, recordSurvey, declineSurvey)
}

func surveyOpen(r *surveyRun) error {
	if r.v.Status != satisfaction.StatusOpen {
		return engine.NotAllowed("the survey is %s", r.v.Status)
	}
	return nil
}

var recordSurvey = engine.Handle(satisfaction.ActRecordSurvey, surveyOpen,
	func(r *surveyRun, in *satisfaction.RecordSurveyInput, _ engine.Step) error {
		return checkScores(r.p.Questions, in.Scores)
	},
	func(r *surveyRun, in *satisfaction.RecordSurveyInput, s engine.Step) {
		sv := scoreSurvey(in.Scores, s.Now)
		r.v.Answers = &satisfaction.Answers{Scores: sv.Scores, Comment: in.Comment, Low: sv.LowScores, RecordedAt: s.Now}
		r.close(s.Now, satisfaction.StatusRecorded)
		if sv.Dissatisfied {
			r.Record(s.Now, engine.SystemActor, "dissatisfaction_detected", map[string][]string{"questions": sv.LowScores})
			r.openComplaint(s, sv)
		}
	})

var declineSurvey = engine.Handle(satisfaction.ActDeclineSurvey, surveyOpen,
	func(_ *surveyRun, in *satisfaction.DeclineSurveyInput, _ engine.Step) error {
		return engine.Required("reason", strings.TrimSpace(in.Reason))
	},
	func(r *surveyRun, in *satisfaction.DeclineSurveyInput, s engine.Step) {
		r.v.DeclineReason = in.Reason
		r.close(s.Now, satisfaction.StatusDeclined)
	})

func (r *surveyRun) close(now time.Time, status satisfaction.Status) {
	r.v.Status, r.v.ClosedAt = status, &now
	r.cps.Done(now, pointYearly)
}

// openComplaint opens the complaint of a dissatisfied yearly survey, as a
// deal's survey does (startComplaint): category from the
// lowest-scored question, the survey's complaint policy.
func (r *surveyRun) openComplaint(s engine.Step, sv *deal.Survey) {
	category := deal.Policy{SurveyComplaintCategories: r.p.Categories}.ComplaintCategory(lowestScored(sv))
	p := complaint.Params{
		ID: "cmp-" + r.v.ID, RegisteredBy: s.Actor, Policy: r.p.Complaint, PolicyVersion: r.p.PolicyVersion, Calendar: r.cps.Calendar(),
		Form: surveyComplaintForm(sv, r.v.ClientID, "", category, "Yearly satisfaction survey ("+r.v.Product+")"),
	}
	if startComplaint(s, p, r.Record) == nil {
		r.v.ComplaintID = p.ID
	}
}

func (r *surveyRun) finished() bool { return r.v.Status != satisfaction.StatusOpen && !r.cps.Pending() }

// AfterAction has nothing to do for surveys.
func (r *surveyRun) AfterAction(engine.Step) {}

// Settle recomputes the allowed actions.
func (r *surveyRun) Settle(time.Time) { r.v.AllowedActions = r.actions.Allowed(r) }

// View is the survey's view.
func (r *surveyRun) View() satisfaction.View { return r.v }

// Where names the survey's status in a refusal.
func (r *surveyRun) Where(ref *casework.Refusal) { ref.Stage = string(r.v.Status) }

// Sync hands the pending history and the current view to the read model.
func (r *surveyRun) Sync(ctx workflow.Context) error {
	return r.Flush(ctx, surveyActs.SyncSurvey, func(events []casework.HistoryEvent) any {
		return satisfaction.Sync{View: r.v, Events: events}
	})
}
