package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/salesflow/salesflow/models"
)

// Application error types of the delivery activities.
const (
	// ErrTypeUnknownNotification marks a delivery of a key that has no
	// inbox notification: run Notify first. Not retryable.
	ErrTypeUnknownNotification = "UnknownNotification"
	// ErrTypeDeliveryInProgress marks an attempt that found another attempt
	// of the same delivery in flight (its lease not yet passed). Retryable:
	// the retry finds the delivery sent, or takes over once the lease has
	// passed.
	ErrTypeDeliveryInProgress = "DeliveryInProgress"
	// ErrTypeDeliveryFailed marks a channel that refused or failed a
	// delivery (an SMTP error, a non-2xx webhook answer). Retryable.
	ErrTypeDeliveryFailed = "DeliveryFailed"
	// ErrTypeRecipientRejected marks an e-mail whose recipient address the
	// SMTP server refused permanently (a 5xx answer to RCPT TO). Not
	// retryable.
	ErrTypeRecipientRejected = "RecipientRejected"
	// ErrTypeTemplate marks an e-mail template that failed to render. Not
	// retryable.
	ErrTypeTemplate = "Template"
)

// deliveryLease is how long one attempt owns a delivery. It exceeds the
// longest conversation with a channel (DefaultEmailTimeout,
// DefaultWebhookTimeout), so only an attempt whose worker died loses its
// claim to a later one.
const deliveryLease = 75 * time.Second

// final reports whether a delivery in status s is never attempted again.
func final(s string) bool {
	return s == models.DeliverySent || s == models.DeliveryDigest || s == models.DeliverySkipped
}

// leased is one row of a table with the lease columns of models.Delivery
// (status, attempts, lease_until, sent_at, last_error, detail): a delivery
// or a digest. Its methods move the row through its states so that at most
// one attempt at a time delivers, and none after it was delivered.
type leased struct {
	model any    // &models.Delivery{} or &models.Digest{}
	what  string // for messages: "e-mail of <key>"
	where string
	args  []any
}

func deliveryRow(key, channel string) leased {
	return leased{model: &models.Delivery{}, what: channel + " delivery of " + key,
		where: "notification_id = ? AND channel = ?", args: []any{key, channel}}
}

func digestRow(recipient, day string) leased {
	return leased{model: &models.Digest{}, what: "digest of " + recipient + " for " + day,
		where: "recipient = ? AND day = ?", args: []any{recipient, day}}
}

// state is what state reads of a leased row.
type state struct {
	Status     string
	Attempts   int
	LeaseUntil *time.Time
}

// state returns the row's state, or ok false when there is no row.
func (l leased) state(ctx context.Context, db *gorm.DB) (s state, ok bool, err error) {
	err = db.WithContext(ctx).Model(l.model).Select("status", "attempts", "lease_until").
		Where(l.where, l.args...).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return state{}, false, nil
	}
	if err != nil {
		return state{}, false, fmt.Errorf("load %s: %w", l.what, err)
	}
	return s, true, nil
}

// create inserts row (a *models.Delivery or *models.Digest) unless its key
// exists.
func create(ctx context.Context, db *gorm.DB, row any) (bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	return res.RowsAffected == 1, res.Error
}

// open is the condition of a row that an attempt may take: pending, or
// sending under a lease that has passed.
const open = "(status = ? OR (status = ? AND lease_until < ?))"

// settle records final status (skipped or digest) with detail on a row
// that is not final and not in flight, and returns the status the row has
// afterwards. The row must exist.
func (l leased) settle(ctx context.Context, db *gorm.DB, status, detail string) (string, error) {
	now := time.Now().UTC()
	err := db.WithContext(ctx).Model(l.model).Where(l.where, l.args...).
		Where(open, models.DeliveryPending, models.DeliverySending, now).
		Updates(map[string]any{"status": status, "detail": detail, "lease_until": nil, "updated_at": now}).Error
	if err != nil {
		return "", fmt.Errorf("record %s as %s: %w", l.what, status, err)
	}
	s, _, err := l.state(ctx, db)
	if err == nil && s.Status == models.DeliverySending {
		err = l.inProgress(s)
	}
	return s.Status, err
}

// claim makes the calling attempt the one that delivers: it moves an open
// row to sending under a fresh lease and returns the attempt's number.
// When the row is final it returns 0 and no error: there is nothing to do.
// When another attempt holds the lease it returns a retryable
// ErrTypeDeliveryInProgress error. The row must exist.
func (l leased) claim(ctx context.Context, db *gorm.DB) (int, error) {
	now := time.Now().UTC()
	res := db.WithContext(ctx).Model(l.model).Where(l.where, l.args...).
		Where(open, models.DeliveryPending, models.DeliverySending, now).
		Updates(map[string]any{
			"status": models.DeliverySending, "lease_until": now.Add(deliveryLease),
			"attempts": gorm.Expr("attempts + 1"), "updated_at": now,
		})
	if res.Error != nil {
		return 0, fmt.Errorf("claim %s: %w", l.what, res.Error)
	}
	s, ok, err := l.state(ctx, db)
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, fmt.Errorf("claim %s: row vanished", l.what)
	case res.RowsAffected == 1 && s.Status == models.DeliverySending:
		return s.Attempts, nil
	case final(s.Status):
		return 0, nil
	}
	return 0, l.inProgress(s)
}

func (l leased) inProgress(s state) error {
	until := "unknown"
	if s.LeaseUntil != nil {
		until = s.LeaseUntil.UTC().Format(time.RFC3339)
	}
	return temporal.NewApplicationError(fmt.Sprintf("%s is in progress elsewhere (attempt %d, lease until %s)",
		l.what, s.Attempts, until), ErrTypeDeliveryInProgress)
}

// finish records the outcome of attempt: sent when cause is nil (with
// extra columns set too), otherwise back to pending with cause as the last
// error. It changes nothing if the attempt has lost its claim meanwhile.
// It runs even when ctx was cancelled, so a delivery that happened is not
// forgotten because the activity timed out at that moment.
func (l leased) finish(ctx context.Context, db *gorm.DB, attempt int, cause error, extra map[string]any) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	now := time.Now().UTC()
	set := map[string]any{"lease_until": nil, "updated_at": now}
	if cause == nil {
		set["status"], set["sent_at"], set["last_error"] = models.DeliverySent, now, ""
		for k, v := range extra {
			set[k] = v
		}
	} else {
		msg := cause.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		set["status"], set["last_error"] = models.DeliveryPending, msg
	}
	err := db.WithContext(ctx).Model(l.model).Where(l.where, l.args...).
		Where("status = ? AND attempts = ?", models.DeliverySending, attempt).Updates(set).Error
	if err != nil {
		return fmt.Errorf("record outcome of %s: %w", l.what, err)
	}
	return nil
}
