package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

const (
	pointFollowUp = "follow-up"
	pointContact  = "contact"
)

// followUpPending reports whether a won deal still waits for its follow-up.
func (r *run) followUpPending() bool {
	cp := r.cps.get(pointFollowUp)
	return r.v.Status == deal.StatusWon && cp != nil && cp.Status == deal.PointOpen
}

func (r *run) checkReason(reason, comment string) error {
	if !slices.Contains(r.v.Policy.LossReasons, reason) {
		return invalid("reason", "must be one of %s", strings.Join(r.v.Policy.LossReasons, ", "))
	}
	if reason == "other" && strings.TrimSpace(comment) == "" {
		return invalid("comment", "is required when the reason is other")
	}
	return nil
}

var submitSurvey = def(deal.ActSubmitSurvey,
	func(r *run) error {
		if err := r.inStage(deal.StageClose); err != nil {
			return err
		}
		if r.v.Survey != nil {
			return notAllowed("the survey was already submitted")
		}
		return nil
	},
	func(r *run, in *deal.SubmitSurveyInput, _ step) error {
		if len(in.Scores) == 0 {
			return invalid("scores", "score at least one question")
		}
		questions := r.v.Policy.Questions(r.v.Product)
		for _, q := range sortedKeys(in.Scores) {
			if !slices.Contains(questions, q) {
				return invalid("scores", "unknown question %q (questions: %s)", q, strings.Join(questions, ", "))
			}
			if s := in.Scores[q]; s < 1 || s > 5 {
				return invalid("scores", "score of %q must be 1..5", q)
			}
		}
		return nil
	},
	func(r *run, in *deal.SubmitSurveyInput, s step) {
		sv := &deal.Survey{Scores: in.Scores, SubmittedAt: s.now, LowScores: []string{}}
		for _, q := range sortedKeys(in.Scores) {
			if in.Scores[q] <= 3 {
				sv.LowScores = append(sv.LowScores, q)
			}
		}
		sv.Dissatisfied = len(sv.LowScores) > 0
		r.v.Survey = sv
		r.cps.done(s.now, pointSurvey)
		r.document(s.now, deal.DocQuestionnaire, 1, "questionnaire-1", "")
		if sv.Dissatisfied {
			r.record(s.now, systemActor, "dissatisfaction_detected", map[string][]string{"questions": sv.LowScores})
			if workflow.GetVersion(s.ctx, versionSurveyComplaint, workflow.DefaultVersion, 1) == 1 {
				r.openComplaint(s)
			}
		}
	})

// versionSurveyComplaint marks the change that made a dissatisfied survey
// open a complaint; deals that took their survey before it replay without.
const versionSurveyComplaint = "survey-opens-complaint"

// openComplaint starts the complaint procedure for a dissatisfied survey
// as a child workflow that outlives the deal, and links it to the deal.
func (r *run) openComplaint(s step) {
	sv := r.v.Survey
	severity := complaint.SeverityNormal // a 3 is hidden dissatisfaction
	var scores []string
	for _, q := range sv.LowScores {
		if sv.Scores[q] <= 2 {
			severity = complaint.SeverityHigh // explicit dissatisfaction
		}
		scores = append(scores, fmt.Sprintf("%s %d/5", q, sv.Scores[q]))
	}
	id := "cmp-" + r.v.ID
	p := complaint.Params{ID: id, RegisteredBy: s.actor, Calendar: r.calendar(), PolicyVersion: r.v.PolicyVersion, Form: complaint.Form{
		ClientID: r.v.ClientID, DealID: r.v.ID, Channel: complaint.ChannelSurvey, Category: "quality", Severity: severity,
		Description: "Satisfaction survey after the event: " + strings.Join(scores, ", ") + ".",
	}}
	if len(r.complaintPolicy) > 0 && json.Unmarshal(r.complaintPolicy, &p.Policy) != nil {
		p.Policy = complaint.Policy{} // unreadable: the complaint takes the defaults
	}
	cctx := workflow.WithChildOptions(s.ctx, workflow.ChildWorkflowOptions{
		WorkflowID: id, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	if err := workflow.ExecuteChildWorkflow(cctx, Complaint, p).GetChildWorkflowExecution().Get(s.ctx, nil); err != nil {
		r.record(s.now, systemActor, "complaint_not_opened", map[string]string{"error": err.Error()})
		return
	}
	r.v.ComplaintID = id
	r.record(s.now, systemActor, "complaint_opened", map[string]string{"complaint_id": id})
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var scheduleFollowUp = def(deal.ActScheduleFollowUp,
	func(r *run) error {
		if r.followUpPending() || r.inStage(deal.StageClose) == nil {
			return nil
		}
		return notAllowed("a follow-up is scheduled in the close stage or after the deal is won")
	},
	func(_ *run, in *deal.ScheduleFollowUpInput, st step) error { return future("at", in.At, st.now) },
	func(r *run, in *deal.ScheduleFollowUpInput, s step) {
		r.v.FollowUp = &deal.FollowUp{At: in.At, Purpose: in.Purpose, Product: in.Product}
		if r.v.Status == deal.StatusWon {
			r.armFollowUp(s.now)
		}
	})

func (r *run) armFollowUp(now time.Time) {
	subject := "Follow-up contact with the client"
	if p := r.v.FollowUp.Purpose; p != "" {
		subject += ": " + p
	}
	r.arm(now, pointFollowUp, deal.PointFollowUp, r.v.FollowUp.At, subject)
}

var closeDeal = def(deal.ActCloseDeal,
	func(r *run) error {
		if err := r.inStage(deal.StageClose); err != nil {
			return err
		}
		if r.v.Survey == nil {
			return notAllowed("the satisfaction survey is not submitted yet")
		}
		if out := r.outstanding(); out > 0 {
			return notAllowed("%s %s is still awaiting payment", out, r.v.Currency)
		}
		return nil
	}, nil,
	func(r *run, _ *deal.CloseDealInput, s step) {
		r.v.Status, r.v.ClosedAt = deal.StatusWon, &s.now
		r.cps.cancelAll(s.now)
		if r.v.FollowUp == nil {
			r.v.FollowUp = &deal.FollowUp{At: r.cps.after(s.now, r.v.Policy.FollowUpDelay)}
		}
		r.armFollowUp(s.now)
		r.record(s.now, systemActor, "deal_won", map[string]string{"complaint_id": r.v.ComplaintID})
	})

var lose = def(deal.ActLose, (*run).isOpen,
	func(r *run, in *deal.LoseInput, _ step) error { return r.checkReason(in.Reason, in.Comment) },
	func(r *run, in *deal.LoseInput, s step) { r.lose(s.now, in.Reason, in.Comment) })

// reassign hands the deal to another owner; the API allows it to managers
// and admins, within their team.
var reassign = def(deal.ActReassign, (*run).isOpen,
	func(r *run, in *deal.ReassignInput, _ step) error {
		if err := required("owner", strings.TrimSpace(in.Owner)); err != nil {
			return err
		}
		if in.Owner == r.v.Owner {
			return invalid("owner", "%q already owns the deal", in.Owner)
		}
		return nil
	},
	func(r *run, in *deal.ReassignInput, _ step) {
		r.v.Owner = in.Owner
		for i := range r.v.ControlPoints {
			if cp := &r.v.ControlPoints[i]; cp.Active() {
				cp.Owner = in.Owner
			}
		}
	})

var logContact = def(deal.ActLogContact,
	func(r *run) error {
		if r.followUpPending() {
			return nil
		}
		return r.isOpen()
	},
	func(_ *run, in *deal.LogContactInput, st step) error {
		if err := required("channel", in.Channel); err != nil {
			return err
		}
		return notFuture("at", in.At, st.now)
	},
	func(r *run, in *deal.LogContactInput, s step) {
		if r.v.Status == deal.StatusWon {
			r.cps.done(s.now, pointFollowUp)
		}
	})
