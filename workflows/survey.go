package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// The satisfaction questionnaire's scoring and its complaint, shared by the
// deal's end-of-deal survey (submit_survey) and the yearly survey
// (record_survey).

// versionSurveyCategory marks the change that took a survey complaint's
// category from its lowest-scored question (the policy's
// survey_complaint_categories); complaints opened before it are quality.
const versionSurveyCategory = "survey-complaint-category"

// lowestScored is the low-scored question with the lowest score, the first
// by name among equals.
func lowestScored(sv *deal.Survey) string {
	low := sv.LowScores[0]
	for _, q := range sv.LowScores {
		if sv.Scores[q] < sv.Scores[low] {
			low = q
		}
	}
	return low
}

// checkScores refuses a questionnaire without scores, with a question not
// of questions or a score outside 1..5, or leaving a question of questions
// unscored (docs/process.md §2.6).
func checkScores(questions []string, scores map[string]int) error {
	if len(scores) == 0 {
		return engine.Invalid("scores", "score at least one question")
	}
	for _, q := range sortedKeys(scores) {
		if !slices.Contains(questions, q) {
			return engine.Invalid("scores", "unknown question %q (questions: %s)", q, strings.Join(questions, ", "))
		}
		if s := scores[q]; s < 1 || s > 5 {
			return engine.Invalid("scores", "score of %q must be 1..5", q)
		}
	}
	return unanswered(questions, scores)
}

// unanswered refuses a survey that leaves a question of its questionnaire
// unscored (docs/process.md §2.6).
func unanswered(questions []string, scores map[string]int) error {
	var missing []string
	for _, q := range questions {
		if _, ok := scores[q]; !ok {
			missing = append(missing, q)
		}
	}
	if len(missing) > 0 {
		return engine.Invalid("scores", "every question must be answered; missing: %s", strings.Join(missing, ", "))
	}
	return nil
}

// scoreSurvey is the questionnaire scored at now: the questions scored 3
// or below, sorted, make it dissatisfied.
func scoreSurvey(scores map[string]int, now time.Time) *deal.Survey {
	sv := &deal.Survey{Scores: scores, SubmittedAt: now, LowScores: []string{}}
	for _, q := range sortedKeys(scores) {
		if scores[q] <= 3 {
			sv.LowScores = append(sv.LowScores, q)
		}
	}
	sv.Dissatisfied = len(sv.LowScores) > 0
	return sv
}

// surveyComplaintForm is the registration form of the complaint a
// dissatisfied survey opens: channel survey, severity high when a score is
// 2 or below (explicit dissatisfaction), else normal (a 3 is hidden
// dissatisfaction), the low scores in the description after intro.
func surveyComplaintForm(sv *deal.Survey, clientID, dealID, category, intro string) complaint.Form {
	severity := complaint.SeverityNormal
	var scores []string
	for _, q := range sv.LowScores {
		if sv.Scores[q] <= 2 {
			severity = complaint.SeverityHigh
		}
		scores = append(scores, fmt.Sprintf("%s %d/5", q, sv.Scores[q]))
	}
	return complaint.Form{
		ClientID: clientID, DealID: dealID, Channel: complaint.ChannelSurvey, Category: category, Severity: severity,
		Description: intro + ": " + strings.Join(scores, ", ") + ".",
	}
}

// startComplaint opens complaint p as a child workflow that outlives the
// case starting it (a deal's or a yearly dissatisfied survey, a VIP
// interview), waits until it has started and records complaint_opened, or
// complaint_not_opened with the error, through record.
func startComplaint(s engine.Step, p complaint.Params, record func(now time.Time, actor, typ string, data any)) error {
	cctx := workflow.WithChildOptions(s.Ctx, workflow.ChildWorkflowOptions{
		WorkflowID: p.ID, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	if err := workflow.ExecuteChildWorkflow(cctx, Complaint, p).GetChildWorkflowExecution().Get(s.Ctx, nil); err != nil {
		record(s.Now, engine.SystemActor, "complaint_not_opened", map[string]string{"error": err.Error()})
		return err
	}
	record(s.Now, engine.SystemActor, "complaint_opened", map[string]string{"complaint_id": p.ID})
	return nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
