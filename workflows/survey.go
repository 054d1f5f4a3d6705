package workflows

import (
	"strings"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

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
