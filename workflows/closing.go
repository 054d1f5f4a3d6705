package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

const (
	pointFollowUp = "follow-up"
	pointContact  = "contact"
)

// followUpPending reports whether a won deal still waits for its
// follow-up. Under versionProcessRules an overdue follow-up still waits:
// the manager has been told, and the rep can still record its outcome;
// before, the deal ended once its follow-up went overdue.
func (r *run) followUpPending() bool {
	cp := r.cps.Get(pointFollowUp)
	if r.v.Status != deal.StatusWon || cp == nil {
		return false
	}
	return cp.Status == casework.PointOpen || (r.rules && cp.Status == casework.PointOverdue)
}

var submitSurvey = engine.Handle(deal.ActSubmitSurvey,
	onceIn(deal.StageClose, func(r *run) bool { return r.v.Survey != nil }, "the survey was already submitted"),
	func(r *run, in *deal.SubmitSurveyInput, _ engine.Step) error {
		return checkScores(r.v.Policy.Questions(r.v.Product), in.Scores)
	},
	func(r *run, in *deal.SubmitSurveyInput, s engine.Step) {
		sv := scoreSurvey(in.Scores, s.Now)
		r.v.Survey = sv
		r.cps.Done(s.Now, pointSurvey)
		r.document(s.Now, deal.DocQuestionnaire, 1, "questionnaire-1", "")
		if sv.Dissatisfied {
			r.Record(s.Now, engine.SystemActor, "dissatisfaction_detected", map[string][]string{"questions": sv.LowScores})
			if workflow.GetVersion(s.Ctx, versionSurveyComplaint, workflow.DefaultVersion, 1) == 1 {
				r.openComplaint(s)
			}
		}
	})

// versionSurveyComplaint marks the change that made a dissatisfied survey
// open a complaint; deals that took their survey before it replay without.
const versionSurveyComplaint = "survey-opens-complaint"

// openComplaint starts the complaint procedure for a dissatisfied survey
// as a child workflow that outlives the deal, and links it to the deal.
func (r *run) openComplaint(s engine.Step) {
	sv := r.v.Survey
	category := "quality"
	if workflow.GetVersion(s.Ctx, versionSurveyCategory, workflow.DefaultVersion, 1) == 1 {
		category = r.v.Policy.ComplaintCategory(lowestScored(sv))
	}
	id := "cmp-" + r.v.ID
	p := complaint.Params{ID: id, RegisteredBy: s.Actor, Calendar: r.cps.Calendar(), PolicyVersion: r.v.PolicyVersion,
		Form: surveyComplaintForm(sv, r.v.ClientID, r.v.ID, category, "Satisfaction survey after the event")}
	if r.complaintPolicy != nil {
		p.Policy = *r.complaintPolicy
		if !r.cps.Units() {
			// The deal's policy was written when whole days were business
			// days; the complaint counts units, so it gets that meaning.
			p.Policy = p.Policy.Legacy()
		}
	}
	if startComplaint(s, p, r.Record) == nil {
		r.v.ComplaintID = id
	}
}

var scheduleFollowUp = engine.Handle(deal.ActScheduleFollowUp,
	func(r *run) error {
		if r.followUpPending() || r.inStage(deal.StageClose) == nil {
			return nil
		}
		return engine.NotAllowed("a follow-up is scheduled in the close stage or after the deal is won")
	},
	func(_ *run, in *deal.ScheduleFollowUpInput, st engine.Step) error {
		return engine.Future("at", in.At, st.Now)
	},
	func(r *run, in *deal.ScheduleFollowUpInput, s engine.Step) {
		r.v.FollowUp = &deal.FollowUp{At: in.At, Purpose: in.Purpose, Product: in.Product}
		if r.v.Status == deal.StatusWon {
			r.armFollowUp(s.Now)
		}
	})

func (r *run) armFollowUp(now time.Time) {
	subject := "Follow-up contact with the client"
	if p := r.v.FollowUp.Purpose; p != "" {
		subject += ": " + p
	}
	r.arm(now, pointFollowUp, deal.PointFollowUp, r.v.FollowUp.At, subject)
}

var completeFollowUp = engine.Handle(deal.ActCompleteFollowUp,
	func(r *run) error {
		if r.followUpPending() {
			return nil
		}
		return engine.NotAllowed("only a won deal awaiting its follow-up records the follow-up's outcome")
	},
	func(_ *run, in *deal.CompleteFollowUpInput, st engine.Step) error {
		outcomes := []string{string(deal.OutcomeNextDeal), string(deal.OutcomeLater), string(deal.OutcomeNotInterested)}
		if err := engine.OneOf("outcome", string(in.Outcome), outcomes, "an outcome", "outcomes"); err != nil {
			return err
		}
		if in.Outcome == deal.OutcomeLater {
			if in.NextAt == nil {
				return engine.Invalid("next_at", "is required when the outcome is later")
			}
			return engine.Future("next_at", *in.NextAt, st.Now)
		}
		if in.NextAt != nil {
			return engine.Invalid("next_at", "is only for the outcome later")
		}
		return nil
	},
	func(r *run, in *deal.CompleteFollowUpInput, s engine.Step) {
		f := r.v.FollowUp
		f.Outcome, f.Note, f.CompletedAt = in.Outcome, in.Note, &s.Now
		if in.Purpose != "" || in.Product != "" {
			f.Purpose, f.Product = in.Purpose, in.Product
		}
		switch in.Outcome {
		case deal.OutcomeLater:
			f.At = *in.NextAt
			r.armFollowUp(s.Now)
		case deal.OutcomeNotInterested:
			r.cps.Done(s.Now, pointFollowUp)
		}
		// next_deal: the point stays open until the next deal names this one
		// (followUpDone), and escalates if none does.
	})

var closeDeal = engine.Handle(deal.ActCloseDeal,
	inStageIf(deal.StageClose, func(r *run) string {
		if r.v.Survey == nil {
			return "the satisfaction survey is not submitted yet"
		}
		if out := r.outstanding(); out > 0 {
			return fmt.Sprintf("%s %s is still awaiting payment", out, r.v.Currency)
		}
		return ""
	}), nil,
	func(r *run, _ *deal.CloseDealInput, s engine.Step) {
		r.v.Status, r.v.ClosedAt = deal.StatusWon, &s.Now
		r.cps.CancelAll(s.Now)
		if r.v.FollowUp == nil {
			r.v.FollowUp = &deal.FollowUp{At: r.cps.After(s.Now, r.v.Policy.FollowUpDelay)}
		}
		r.armFollowUp(s.Now)
		r.Record(s.Now, engine.SystemActor, "deal_won", map[string]string{"complaint_id": r.v.ComplaintID})
	})
