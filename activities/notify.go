package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// Notify puts a reminder or escalation into its recipient's inbox, once per
// n.Key however often it is delivered. When n.ToManager is set the
// recipient is the manager of staff member n.Recipient or, when that person
// is unknown or has no (known) manager, the admin with the lowest ID; with
// no admin either it fails with a non-retryable ErrTypeNoRecipient error.
func (a *Activities) Notify(ctx context.Context, n casework.Notification) error {
	if n.Key == "" || n.Recipient == "" {
		return temporal.NewNonRetryableApplicationError("notification without key or recipient", ErrTypeInvalidInput, nil)
	}
	to := n.Recipient
	if n.ToManager {
		var err error
		if to, err = managerOf(ctx, a.DB, n.Recipient); err != nil {
			return err
		}
	}
	row := models.Notification{
		ID: n.Key, Recipient: to, Kind: string(n.Kind),
		DealID: n.DealID, ComplaintID: n.ComplaintID, ControlPointID: n.ControlPointID,
		Subject: n.Subject, Message: n.Message, DueAt: utc(n.DueAt), CreatedAt: utcOrNow(n.At),
	}
	created, err := create(ctx, a.DB, &row)
	if err != nil {
		return fmt.Errorf("notify %s: %w", n.Key, err)
	}
	logger(ctx).Info("notification delivered", "key", n.Key, "kind", string(n.Kind),
		"recipient", to, "deal_id", n.DealID, "complaint_id", n.ComplaintID, "duplicate", !created)
	return nil
}

// managerOf resolves who receives an escalation about staff member id.
func managerOf(ctx context.Context, db *gorm.DB, id string) (string, error) {
	s, err := models.GetStaff(ctx, db, id)
	switch {
	case err == nil && s.ManagerID != "":
		if _, err := models.GetStaff(ctx, db, s.ManagerID); err == nil {
			return s.ManagerID, nil
		} else if !errors.Is(err, models.ErrNotFound) {
			return "", fmt.Errorf("look up manager %s: %w", s.ManagerID, err)
		}
	case err != nil && !errors.Is(err, models.ErrNotFound):
		return "", fmt.Errorf("look up staff %s: %w", id, err)
	}
	var admin models.Staff
	err = db.WithContext(ctx).Where("role = ?", models.RoleAdmin).Order("id").Take(&admin).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no manager or admin to notify about %s", id), ErrTypeNoRecipient, nil)
	}
	if err != nil {
		return "", fmt.Errorf("look up admin: %w", err)
	}
	return admin.ID, nil
}
