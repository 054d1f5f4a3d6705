package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/keyaccount"
)

// KeyAccountRunLimit is how many assessments one run of a review makes
// before it continues as new, carrying its view over: a review lives as
// long as its client, and a run's history stays bounded.
const KeyAccountRunLimit = 50

// reviewRun is the in-memory state of one key-account review.
type reviewRun struct {
	*engine.Journal
	v       keyaccount.View
	client  string
	actions *engine.Registry[*reviewRun]
	cps     *engine.Schedule
	// point is the reminders and grace the next arming uses (the policy
	// of the assessment arming it).
	point casework.PointPolicy
	// made counts this run's assessments; unsynced holds those the read
	// model has not got yet.
	made     int
	unsynced []keyaccount.Assessment
}

// KeyAccountReview runs the key-account review of one client
// (docs/key-accounts.md); workflow ID keyaccount.ReviewID(client). Each
// assess action records an assessment and re-arms the re-assessment
// point for the client's owner; the point reminds and escalates like any
// other. After KeyAccountRunLimit assessments the run continues as new.
func KeyAccountReview(ctx workflow.Context, p keyaccount.Params) (keyaccount.View, error) {
	r := &reviewRun{client: p.Client, actions: reviewRegistry()}
	r.v = keyaccount.View{ID: p.ID, ClientID: p.ClientID, ControlPoints: []casework.ControlPoint{}}
	if p.Carry != nil {
		r.v = *p.Carry
	}
	r.Journal = engine.NewJournal(ctx, &r.v.Seq, &r.v.UpdatedAt, func() string { return "" })
	r.cps = engine.NewSchedule(&r.v.ControlPoints, func(casework.PointKind) casework.PointPolicy { return r.point },
		engine.Subject{ID: p.ID, Title: "key account " + p.Client}, r.Record, engine.Hooks{})
	r.cps.UseCalendarAndChannels(ctx, r.Journal, p.Calendar)
	r.cps.UseUnits(ctx, r.Journal)
	err := engine.RegisterView(ctx, r.View, func() bool { return true })
	if err == nil {
		err = engine.Register(ctx, r, r.actions)
	}
	if err != nil {
		return r.v, err
	}
	full := func() bool { return r.made >= KeyAccountRunLimit }
	if err := engine.Serve(ctx, r, r.Journal, r.cps, full, nil); err != nil {
		return engine.RecordCancellation(ctx, r, r.cps, "review_cancelled")
	}
	p.Carry = &r.v
	return r.v, workflow.NewContinueAsNewError(ctx, KeyAccountReview, p)
}

func reviewRegistry() *engine.Registry[*reviewRun] {
	return engine.MustRegistry(keyaccount.Catalog,
		engine.Handle(keyaccount.ActionAssess, func(r *reviewRun) error {
			if r.made >= KeyAccountRunLimit {
				return engine.NotAllowed("the review is continuing as new; try again")
			}
			return nil
		}, checkAssessment, applyAssessment),
	)
}

// checkAssessment refuses scores of unknown criteria, out of range or
// missing (keyaccount.Check), a note too long, a policy that is not valid
// and no owner.
func checkAssessment(_ *reviewRun, in *keyaccount.AssessInput, _ engine.Step) error {
	if err := in.Policy.Validate(); err != nil {
		return engine.Invalid("policy", "%s", err)
	}
	if len([]rune(in.Note)) > keyaccount.MaxNote {
		return engine.Invalid("note", "must be at most %d characters", keyaccount.MaxNote)
	}
	if err := engine.Required("owner", in.Owner); err != nil {
		return err
	}
	if problems := keyaccount.Check(in.Policy, in.Scores); len(problems) > 0 {
		return &casework.Refusal{Code: casework.CodeInvalidInput, Message: "the scores do not fit the criteria", Fields: problems}
	}
	return nil
}

// applyAssessment records the assessment and re-arms the re-assessment
// point, due reassess_every after it, for the client's owner.
func applyAssessment(r *reviewRun, in *keyaccount.AssessInput, s engine.Step) {
	r.made++
	r.v.Count++
	r.v.Owner = in.Owner
	r.point = in.Policy.Reassessment
	a := keyaccount.Assessment{
		Number: r.v.Count, Result: keyaccount.Assess(in.Policy, in.Scores), Scores: in.Scores, Note: in.Note,
		By: s.Actor, At: s.Now, NextDue: r.cps.After(s.Now, in.Policy.ReassessEvery),
		Criteria: in.Policy.Criteria, Threshold: in.Policy.StrongThreshold,
	}
	r.v.Latest = &a
	r.unsynced = append(r.unsynced, a)
	r.cps.Arm(s.Now, string(keyaccount.PointReassessment), keyaccount.PointReassessment, "", in.Owner, a.NextDue,
		"Re-assess the key account "+r.client)
}

// AfterAction has nothing to do for reviews.
func (r *reviewRun) AfterAction(engine.Step) {}

// Settle has nothing to derive for reviews.
func (r *reviewRun) Settle(time.Time) {}

// View is the review's view.
func (r *reviewRun) View() keyaccount.View { return r.v }

// Where has no stage to name for reviews.
func (r *reviewRun) Where(*casework.Refusal) {}

// Sync hands the view and the new assessments to the read model.
func (r *reviewRun) Sync(ctx workflow.Context) error {
	return r.Flush(ctx, acts.SyncKeyAccount, func([]casework.HistoryEvent) any {
		s := keyaccount.Sync{View: r.v, Assessments: r.unsynced}
		r.unsynced = nil
		return s
	})
}
