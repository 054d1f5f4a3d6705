package activities

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// SendDigest sends the daily digests of day: for each recipient with
// e-mails queued for the digest (status digest, see DeliverEmail) that
// were recorded before the end of day (midnight after it in day's time
// zone) and are not in an earlier digest, one e-mail in the recipient's
// language listing them, after which they are recorded as sent. It
// returns the number of digest e-mails it sent.
//
// It is idempotent per (recipient, day): once the digest of a recipient
// for day is sent, a later call for the same day sends that recipient
// nothing, and what was queued meanwhile waits for the next day's digest.
// A digest whose recipient has since lost their address or turned e-mail
// off is recorded as skipped, and so are its items. With the e-mail
// channel off it does nothing. SMTP failures of some recipients do not
// stop the others; they are returned together as a retryable error, and
// the retry sends only what is still missing.
func (a *Activities) SendDigest(ctx context.Context, day time.Time) (int, error) {
	if day.IsZero() {
		return 0, temporal.NewNonRetryableApplicationError("digest without a day", ErrTypeInvalidInput, nil)
	}
	if a.Email == nil {
		logger(ctx).Info("digest skipped: e-mail channel off")
		return 0, nil
	}
	y, m, d := day.Date()
	dayKey := day.Format(time.DateOnly)
	end := time.Date(y, m, d+1, 0, 0, 0, 0, day.Location()).UTC()

	// Recipients with items waiting, or with a digest of day started
	// before and not finished.
	var recipients []string
	err := a.DB.WithContext(ctx).Model(&models.Delivery{}).Distinct("recipient").
		Where("channel = ? AND status = ? AND ((digest_day = '' AND created_at < ?) OR digest_day = ?)",
			models.ChannelEmail, models.DeliveryDigest, end, dayKey).
		Order("recipient").Pluck("recipient", &recipients).Error
	if err != nil {
		return 0, fmt.Errorf("find digest recipients: %w", err)
	}
	sent := 0
	var errs []error
	for _, r := range recipients {
		if activity.IsActivity(ctx) {
			// Lets a HeartbeatTimeout notice a stuck worker between digests.
			activity.RecordHeartbeat(ctx, r)
		}
		ok, err := a.sendDigest(ctx, r, dayKey, end)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			sent++
		}
	}
	logger(ctx).Info("digests sent", "day", dayKey, "recipients", len(recipients), "sent", sent, "failed", len(errs))
	if len(errs) > 0 {
		return sent, temporal.NewApplicationErrorWithCause(
			fmt.Sprintf("%d of %d digests of %s failed", len(errs), len(recipients), dayKey), ErrTypeDeliveryFailed, errors.Join(errs...))
	}
	return sent, nil
}

// sendDigest sends the digest of recipient r for day dayKey and reports
// whether it sent one.
func (a *Activities) sendDigest(ctx context.Context, r, dayKey string, end time.Time) (bool, error) {
	row := digestRow(r, dayKey)
	if done, err := row.done(ctx, a.DB); done || err != nil {
		return false, err
	}
	now := time.Now().UTC()
	if _, err := create(ctx, a.DB, &models.Digest{Recipient: r, Day: dayKey, Status: models.DeliveryPending,
		CreatedAt: now, UpdatedAt: now}); err != nil {
		return false, fmt.Errorf("record %s: %w", row.what, err)
	}
	d := &digest{a: a, row: row, recipient: r, day: dayKey, end: end}
	attempt, err := row.attempt(ctx, a.DB, d.try)
	l := log.With(logger(ctx), "recipient", r, "day", dayKey, "items", len(d.items))
	switch {
	case err != nil:
		l.Warn("digest failed", "attempt", attempt, "error", err)
		return false, fmt.Errorf("%s: %w", row.what, err)
	case d.skip != "":
		l.Info("digest skipped", "reason", d.skip)
	case d.lang != "":
		l.Info("digest sent", "language", d.lang, "attempt", attempt)
	}
	return d.lang != "", nil
}

// digest is one attempt at the digest of a recipient for a day (see try).
type digest struct {
	a              *Activities
	row            leased
	recipient, day string
	end            time.Time
	items          []models.Notification
	skip           string // why the digest was skipped
	lang           string // the language of the digest sent
}

// try makes the attempt under the digest's claim: it takes the waiting
// items into the digest and sends them in one e-mail, unless there are none
// (then the digest is dropped) or the recipient cannot get e-mail (then the
// digest and its items are skipped). It returns how to record the outcome.
func (d *digest) try(ctx context.Context) (recorder, error) {
	a := d.a
	// Holding the digest, take the waiting items into it; items taken by
	// an earlier, failed attempt stay in it.
	if err := d.take(ctx); err != nil {
		return nil, err
	}
	if len(d.items) == 0 {
		return d.drop, nil
	}
	to, err := models.GetStaff(ctx, a.DB, d.recipient)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, fmt.Errorf("look up %s: %w", d.recipient, err)
	}
	addr, reason := mailbox(to)
	if reason != "" {
		d.skip = reason
		return d.close(models.DeliverySkipped, reason), nil
	}
	msg, err := d.message(ctx, to, addr)
	if err == nil {
		err = a.Email.send(ctx, addr.Address, msg)
	}
	if err != nil {
		return nil, err
	}
	d.lang = language(to)
	return d.close(models.DeliverySent, ""), nil
}

// message renders and composes the digest e-mail of the items to to at
// addr.
func (d *digest) message(ctx context.Context, to *models.Staff, addr *mail.Address) ([]byte, error) {
	v := digestView{Name: to.Name, Day: d.day, Count: len(d.items)}
	if v.Name == "" {
		v.Name = to.ID
	}
	for i := range d.items {
		iv, err := view(ctx, d.a.DB, &d.items[i], to, d.a.Email.Location)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, iv)
	}
	subject, body, err := renderDigest(language(to), v)
	if err != nil {
		return nil, err
	}
	addr.Name = to.Name
	id := "digest/" + d.recipient + "/" + d.day
	return d.a.Email.message(addr, subject, body, messageID(id), [][2]string{{HeaderDigest, d.recipient + "/" + d.day}})
}

// drop deletes the digest claimed by attempt, which found nothing to send.
func (d *digest) drop(ctx context.Context, db *gorm.DB, attempt int) error {
	return db.WithContext(ctx).Where(d.row.where, d.row.args...).
		Where("status = ? AND attempts = ?", models.DeliverySending, attempt).Delete(&models.Digest{}).Error
}

// close is the recorder of the digest and its items with final status
// (sent or skipped).
func (d *digest) close(status, detail string) recorder {
	return func(ctx context.Context, db *gorm.DB, attempt int) error {
		return d.record(ctx, db, attempt, status, detail)
	}
}

// take assigns the recipient's waiting digest items recorded before end to
// the digest and loads the notifications of all its items still unsent,
// oldest first, into d.items.
func (d *digest) take(ctx context.Context) error {
	r, dayKey := d.recipient, d.day
	db := d.a.DB.WithContext(ctx)
	err := db.Model(&models.Delivery{}).
		Where("recipient = ? AND channel = ? AND status = ? AND digest_day = '' AND created_at < ?",
			r, models.ChannelEmail, models.DeliveryDigest, d.end).
		Updates(map[string]any{"digest_day": dayKey, "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("take digest items of %s: %w", r, err)
	}
	err = db.Where("id IN (?)", db.Model(&models.Delivery{}).Select("notification_id").
		Where("recipient = ? AND channel = ? AND status = ? AND digest_day = ?", r, models.ChannelEmail, models.DeliveryDigest, dayKey)).
		Order("created_at").Order("id").Find(&d.items).Error
	if err != nil {
		return fmt.Errorf("load digest items of %s: %w", r, err)
	}
	return nil
}

// record records the digest and its items with final status (sent or
// skipped) in one transaction, unless the attempt lost its claim.
func (d *digest) record(ctx context.Context, db *gorm.DB, attempt int, status, detail string) error {
	row, items := d.row, d.items
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	now := time.Now().UTC()
	ids := make([]string, len(items))
	for i, n := range items {
		ids[i] = n.ID
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		set := map[string]any{"status": status, "detail": detail, "items": len(items), "lease_until": nil, "updated_at": now}
		if status == models.DeliverySent {
			set["sent_at"], set["last_error"] = now, ""
		}
		res := tx.Model(&models.Digest{}).Where(row.where, row.args...).
			Where("status = ? AND attempts = ?", models.DeliverySending, attempt).Updates(set)
		if res.Error != nil {
			return fmt.Errorf("record %s: %w", row.what, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // another attempt took over; it records its own outcome
		}
		item := map[string]any{"status": status, "detail": detail, "updated_at": now}
		if status == models.DeliverySent {
			item["sent_at"] = now
		}
		err := tx.Model(&models.Delivery{}).
			Where("recipient = ? AND channel = ? AND status = ? AND digest_day = ? AND notification_id IN ?",
				d.recipient, models.ChannelEmail, models.DeliveryDigest, d.day, ids).Updates(item).Error
		if err != nil {
			return fmt.Errorf("record items of %s: %w", row.what, err)
		}
		return nil
	})
}
