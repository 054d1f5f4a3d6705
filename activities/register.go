package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/models"
)

// RegisterComplaint answers a registering complaint with its number and the
// earlier complaint it recurs, if any. The number is handed out once per
// complaint ID, so a retry gets the same one: C-<year of registration, UTC>-
// <serial, at least 6 digits>, the serial counting across years. The
// recurrence is the most recent other complaint of the same client and
// category registered in [in.Since, in.RegisteredAt] ("" when none). An
// input without ID, client or registration time fails with a non-retryable
// ErrTypeInvalidInput error.
func (a *Activities) RegisterComplaint(ctx context.Context, in complaint.RegisterInput) (complaint.Registration, error) {
	if in.ID == "" || in.ClientID == "" || in.RegisteredAt.IsZero() {
		return complaint.Registration{}, temporal.NewNonRetryableApplicationError(
			"complaint registration without ID, client or time", ErrTypeInvalidInput, nil)
	}
	db := a.DB.WithContext(ctx)
	if err := insertNew(db, []models.ComplaintNumber{{ComplaintID: in.ID, CreatedAt: utcOrNow(in.RegisteredAt)}}, "complaint_id"); err != nil {
		return complaint.Registration{}, fmt.Errorf("register complaint %s: hand out number: %w", in.ID, err)
	}
	var num models.ComplaintNumber
	if err := db.Where("complaint_id = ?", in.ID).Take(&num).Error; err != nil {
		return complaint.Registration{}, fmt.Errorf("register complaint %s: read number: %w", in.ID, err)
	}
	reg := complaint.Registration{Number: fmt.Sprintf("C-%d-%06d", utc(in.RegisteredAt).Year(), num.ID)}

	var prev models.Complaint
	err := db.Select("id").
		Where("client_id = ? AND category = ? AND id <> ? AND registered_at >= ? AND registered_at <= ?",
			in.ClientID, in.Category, in.ID, utc(in.Since), utc(in.RegisteredAt)).
		Order("registered_at DESC").Order("id DESC").Take(&prev).Error
	switch {
	case err == nil:
		reg.RecurrenceOf = prev.ID
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return complaint.Registration{}, fmt.Errorf("register complaint %s: find recurrence: %w", in.ID, err)
	}
	logger(ctx).Info("complaint registered", "complaint_id", in.ID, "number", reg.Number, "recurrence_of", reg.RecurrenceOf)
	return reg, nil
}
