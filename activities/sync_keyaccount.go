package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/models"
)

// SyncKeyAccount writes one keyaccount.Sync into the read model in a
// single transaction: the assessments not stored yet (keyed by review ID
// and number, so a retry adds none) and the review's control points, each
// replaced only over an older sequence number. A view without an ID or a
// client fails with a non-retryable ErrTypeInvalidInput error.
func (a *Activities) SyncKeyAccount(ctx context.Context, s keyaccount.Sync) error {
	v := s.View
	if v.ID == "" || v.ClientID == "" {
		return temporal.NewNonRetryableApplicationError("sync without a review ID or client", ErrTypeInvalidInput, nil)
	}
	rows := make([]models.KeyAccountAssessment, 0, len(s.Assessments))
	for _, as := range s.Assessments {
		row, err := assessmentRow(v, as)
		if err != nil {
			return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, nil)
		}
		rows = append(rows, row)
	}
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := insertNew(tx, rows, "review_id", "number"); err != nil {
			return fmt.Errorf("insert assessments: %w", err)
		}
		return upsertControlPoints(tx, models.SubjectKeyAccount, v.ID, v.Seq, v.ControlPoints)
	})
	if err != nil {
		return fmt.Errorf("sync key-account review %s at seq %d: %w", v.ID, v.Seq, err)
	}
	logger(ctx).Debug("key-account review synced", "review_id", v.ID, "seq", v.Seq, "assessments", len(rows))
	return nil
}

func assessmentRow(v keyaccount.View, as keyaccount.Assessment) (models.KeyAccountAssessment, error) {
	scores, err := json.Marshal(as.Scores)
	if err != nil {
		return models.KeyAccountAssessment{}, err
	}
	criteria, err := json.Marshal(as.Criteria)
	return models.KeyAccountAssessment{
		ReviewID: v.ID, Number: as.Number, ClientID: v.ClientID, Quadrant: string(as.Quadrant),
		ClientScore: as.ClientScore, OurScore: as.OurScore, Threshold: as.Threshold,
		At: utc(as.At), NextDue: utc(as.NextDue), By: as.By, Note: as.Note,
		Scores: string(scores), Criteria: string(criteria),
	}, err
}
