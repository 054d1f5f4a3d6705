package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/log"
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

// done reports whether the row exists and is final: there is nothing left
// to do.
func (l leased) done(ctx context.Context, db *gorm.DB) (bool, error) {
	s, ok, err := l.state(ctx, db)
	return ok && final(s.Status), err
}

// create inserts row (a pointer to a model: a notification, delivery or
// digest) unless its key exists, and reports whether it did.
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

// recorder records a successful attempt of a leased row: finish as sent
// for a single delivery, more for a digest, which records its items with
// it.
type recorder func(ctx context.Context, db *gorm.DB, attempt int) error

// attempt is the one way a delivery reaches its channel (lease, attempt,
// record): it claims the row for one attempt (see claim), runs try under
// the claim and records the outcome: a failure back to pending with its
// error (see finish), a success with the recorder try returns, or as sent
// when that is nil. It returns the attempt's number, 0 when the row is
// final and nothing was tried, and try's error or, for a success that
// could not be recorded, the recorder's, so that the retry delivers again.
func (l leased) attempt(ctx context.Context, db *gorm.DB, try func(context.Context) (recorder, error)) (int, error) {
	n, err := l.claim(ctx, db)
	if err != nil || n == 0 {
		return 0, err
	}
	record, tryErr := try(ctx)
	if tryErr != nil {
		if err := l.finish(ctx, db, n, tryErr); err != nil {
			logger(ctx).Warn("could not record the failed attempt", "delivery", l.what, "error", err)
		}
		return n, tryErr
	}
	if record == nil {
		record = l.sent
	}
	return n, record(ctx, db, n)
}

// sent records attempt as sent (see finish).
func (l leased) sent(ctx context.Context, db *gorm.DB, attempt int) error {
	return l.finish(ctx, db, attempt, nil)
}

// finish records the outcome of attempt: sent when cause is nil, otherwise
// back to pending with cause as the last error. It changes nothing if the
// attempt has lost its claim meanwhile. It runs even when ctx was
// cancelled, so a delivery that happened is not forgotten because the
// activity timed out at that moment.
func (l leased) finish(ctx context.Context, db *gorm.DB, attempt int, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	now := time.Now().UTC()
	set := map[string]any{"lease_until": nil, "updated_at": now}
	if cause == nil {
		set["status"], set["sent_at"], set["last_error"] = models.DeliverySent, now, ""
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

// plan is a channel's decision on delivering one notification: record the
// final status (skipped, or queued for the digest) with detail instead of
// delivering, or, when send is set, deliver with send, which returns what
// to log with the outcome.
type plan struct {
	status, detail string
	send           func(context.Context) (attrs []any, err error)
}

// skip is the plan of a delivery skipped for reason.
func skip(reason string) plan { return plan{status: models.DeliverySkipped, detail: reason} }

// planner is a channel's part of deliver: its plan for notification n to
// recipient to (nil when not a known staff member).
type planner func(ctx context.Context, n *models.Notification, to *models.Staff) (plan, error)

// deliver is the one delivery path of notifications over a channel
// (DeliverEmail, DeliverWebhook), at most once however often it is
// retried: unless the delivery of the notification with key over channel
// is final already, it records it as pending, asks the channel for its
// plan and either records the plan's final status (see settle) or makes
// one attempt with the plan's send (see attempt).
func (a *Activities) deliver(ctx context.Context, key, channel string, prepare planner) error {
	if key == "" {
		return temporal.NewNonRetryableApplicationError("delivery without key", ErrTypeInvalidInput, nil)
	}
	row := deliveryRow(key, channel)
	if done, err := row.done(ctx, a.DB); done || err != nil {
		return err
	}
	n, to, err := notificationAndRecipient(ctx, a, key)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if _, err := create(ctx, a.DB, &models.Delivery{NotificationID: key, Channel: channel, Recipient: n.Recipient,
		Status: models.DeliveryPending, CreatedAt: now, UpdatedAt: now}); err != nil {
		return fmt.Errorf("record %s: %w", row.what, err)
	}
	p, err := prepare(ctx, n, to)
	if err != nil {
		return err
	}
	return a.carryOut(ctx, row, p, log.With(logger(ctx), "channel", channel, "key", key, "recipient", n.Recipient),
		func(attempt int, err error) { observeDelivery(ctx, channel, n.CreatedAt, attempt, err) })
}

// carryOut records plan p of the delivery row or attempts it, logging the
// outcome to l and telling observe of an attempt made.
func (a *Activities) carryOut(ctx context.Context, row leased, p plan, l log.Logger, observe func(attempt int, err error)) error {
	if p.send == nil {
		status, err := row.settle(ctx, a.DB, p.status, p.detail)
		l.Info("delivery settled", "as", p.status, "reason", p.detail, "status", status)
		return err
	}
	var attrs []any
	attempt, err := row.attempt(ctx, a.DB, func(ctx context.Context) (recorder, error) {
		var err error
		attrs, err = p.send(ctx)
		return nil, err
	})
	observe(attempt, err)
	switch {
	case err != nil:
		l.Warn("delivery failed", append(attrs, "attempt", attempt, "error", err)...)
	case attempt > 0:
		l.Info("delivery sent", append(attrs, "attempt", attempt)...)
	}
	return err
}

// notificationAndRecipient loads the notification with key and its
// recipient (nil when the recipient is not a known staff member).
func notificationAndRecipient(ctx context.Context, a *Activities, key string) (*models.Notification, *models.Staff, error) {
	n, err := models.GetNotification(ctx, a.DB, key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no notification %q: deliver it with Notify first", key), ErrTypeUnknownNotification, nil)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load notification %s: %w", key, err)
	}
	to, err := models.GetStaff(ctx, a.DB, n.Recipient)
	if errors.Is(err, models.ErrNotFound) {
		return n, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("look up recipient %s: %w", n.Recipient, err)
	}
	return n, to, nil
}
