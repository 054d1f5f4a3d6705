package activities

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/models"
)

// Surveys are the activities of the yearly satisfaction survey
// (docs/satisfaction.md): the sweep's read of the surveys due and the
// survey's read-model sync. Register a *Surveys with a worker next to
// Activities; the activity names are the method names.
type Surveys struct {
	DB *gorm.DB
	// Policy is the deployment's policy document, current until an admin
	// saves a version.
	Policy policy.Document
}

// DueSurveys answers one page of the sweep: the client products due a
// yearly survey as of in.AsOf among the next in.PageSize paying clients
// after in.After (models.DueSurveys over the current policy's windows),
// each with the parameters its survey starts with, and the next page's
// cursor. With the policy's schedule_enabled off it answers Disabled and
// no survey. It only reads, so a retry answers the same.
func (s *Surveys) DueSurveys(ctx context.Context, in satisfaction.DueInput) (satisfaction.Due, error) {
	doc, err := policy.Current(ctx, s.DB, s.Policy)
	if err != nil {
		return satisfaction.Due{}, fmt.Errorf("due surveys: policy: %w", err)
	}
	pol := doc.Satisfaction
	if !pol.ScheduleEnabled {
		return satisfaction.Due{Disabled: true, Surveys: []satisfaction.Params{}}, nil
	}
	paidSince, surveyedSince := pol.Windows(in.AsOf, doc.Calendar)
	w := models.SurveyWindow{AsOf: in.AsOf, PaidSince: paidSince, SurveyedSince: surveyedSince}
	pairs, next, err := models.DueSurveys(ctx, s.DB, w, in.After, in.PageSize)
	if err != nil {
		return satisfaction.Due{}, err
	}
	due := satisfaction.Due{Next: next, Surveys: make([]satisfaction.Params, 0, len(pairs))}
	for _, p := range pairs {
		sp := doc.SurveyParams(p.ClientID, p.Product, p.Owner)
		sp.ID, sp.OpenedBy = satisfaction.ID(p.ClientID, p.Product, in.AsOf), engine.SystemActor
		due.Surveys = append(due.Surveys, sp)
	}
	logger(ctx).Info("surveys due", "after", in.After, "due", len(due.Surveys), "next", next)
	return due, nil
}

// SyncSurvey writes one satisfaction.Sync into the read model in a single
// transaction, like SyncComplaint: the history events not stored yet, the
// survey row and its control point only over an older copy, and, once
// recorded, its scores (each written once). A view without ID, client or
// product fails with a non-retryable ErrTypeInvalidInput error.
func (s *Surveys) SyncSurvey(ctx context.Context, in satisfaction.Sync) error {
	return surveys.sync(ctx, s.DB, in)
}

var surveys = caseTables[satisfaction.View, models.SurveyEvent]{subject: models.SubjectSurvey, eventKey: []string{"survey_id", "seq"},
	event: func(id string, e casework.HistoryEvent) models.SurveyEvent {
		return models.SurveyEvent{SurveyID: id, CaseEvent: models.NewCaseEvent(e)}
	},
	head: func(v satisfaction.View) (string, int, []casework.ControlPoint, string) {
		return v.ID, v.Seq, v.ControlPoints, missing(v.ID == "" || v.ClientID == "" || v.Product == "", "a survey ID, client or product")
	},
	upsert: upsertSurvey,
}

func upsertSurvey(tx *gorm.DB, v satisfaction.View) error {
	row := models.Survey{
		ID: v.ID, ClientID: v.ClientID, Product: v.Product, Owner: v.Owner, Status: string(v.Status),
		ComplaintID: v.ComplaintID, DeclineReason: v.DeclineReason,
		OpenedAt: utcOrNow(v.OpenedAt), ClosedAt: utcPtr(v.ClosedAt), UpdatedAt: utcOrNow(v.UpdatedAt), Seq: v.Seq,
	}
	var scores []models.SurveyScore
	if a := v.Answers; a != nil {
		row.LowScores, row.RecordedAt = len(a.Low), utcPtr(&a.RecordedAt)
		for q, score := range a.Scores {
			scores = append(scores, models.SurveyScore{SurveyID: v.ID, Question: q, ClientID: v.ClientID, Product: v.Product,
				Score: score, RecordedAt: utc(a.RecordedAt)})
		}
	}
	err := upsertNewer(tx, "surveys", []models.Survey{row}, []string{"id"}, []string{
		"owner", "status", "low_scores", "complaint_id", "decline_reason", "recorded_at", "closed_at", "updated_at", "seq",
	})
	if err != nil {
		return fmt.Errorf("upsert survey: %w", err)
	}
	if err := insertNew(tx, scores, "survey_id", "question"); err != nil {
		return fmt.Errorf("insert survey scores: %w", err)
	}
	return nil
}
