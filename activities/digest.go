package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
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
	s, ok, err := row.state(ctx, a.DB)
	if err != nil || (ok && final(s.Status)) {
		return false, err
	}
	if _, err := create(ctx, a.DB, &models.Digest{Recipient: r, Day: dayKey, Status: models.DeliveryPending,
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}); err != nil {
		return false, fmt.Errorf("record %s: %w", row.what, err)
	}
	attempt, err := row.claim(ctx, a.DB)
	if err != nil || attempt == 0 {
		return false, err
	}
	// Holding the digest, take the waiting items into it; items taken by
	// an earlier, failed attempt stay in it.
	items, err := a.takeDigestItems(ctx, r, dayKey, end)
	if err != nil {
		return false, errors.Join(err, row.finish(ctx, a.DB, attempt, err, nil))
	}
	if len(items) == 0 {
		err := a.DB.WithContext(ctx).Where(row.where, row.args...).
			Where("status = ? AND attempts = ?", models.DeliverySending, attempt).Delete(&models.Digest{}).Error
		return false, err
	}

	to, err := models.GetStaff(ctx, a.DB, r)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return false, errors.Join(fmt.Errorf("look up %s: %w", r, err), row.finish(ctx, a.DB, attempt, err, nil))
	}
	addr, skip := mailbox(to)
	if skip != "" {
		err := a.closeDigest(ctx, row, attempt, r, dayKey, items, models.DeliverySkipped, skip)
		logger(ctx).Info("digest skipped", "recipient", r, "day", dayKey, "items", len(items), "reason", skip)
		return false, err
	}

	lang := language(to)
	v := digestView{Name: to.Name, Day: dayKey, Count: len(items)}
	if v.Name == "" {
		v.Name = to.ID
	}
	for i := range items {
		iv, err := view(ctx, a.DB, &items[i], to, a.Email.Location)
		if err != nil {
			return false, errors.Join(err, row.finish(ctx, a.DB, attempt, err, nil))
		}
		v.Items = append(v.Items, iv)
	}
	subject, body, err := renderDigest(lang, v)
	if err == nil {
		addr.Name = to.Name
		id := "digest/" + r + "/" + dayKey
		var msg []byte
		if msg, err = a.Email.message(addr, subject, body, messageID(id), [][2]string{{HeaderDigest, r + "/" + dayKey}}); err == nil {
			err = a.Email.send(ctx, addr.Address, msg)
		}
	}
	if err != nil {
		logger(ctx).Warn("digest failed", "recipient", r, "day", dayKey, "attempt", attempt, "error", err)
		return false, errors.Join(fmt.Errorf("digest of %s for %s: %w", r, dayKey, err), row.finish(ctx, a.DB, attempt, err, nil))
	}
	if err := a.closeDigest(ctx, row, attempt, r, dayKey, items, models.DeliverySent, ""); err != nil {
		return false, err
	}
	logger(ctx).Info("digest sent", "recipient", r, "day", dayKey, "items", len(items), "language", lang, "attempt", attempt)
	return true, nil
}

// takeDigestItems assigns recipient r's waiting digest items recorded
// before end to the digest of dayKey and returns the notifications of all
// its items still unsent, oldest first.
func (a *Activities) takeDigestItems(ctx context.Context, r, dayKey string, end time.Time) ([]models.Notification, error) {
	db := a.DB.WithContext(ctx)
	err := db.Model(&models.Delivery{}).
		Where("recipient = ? AND channel = ? AND status = ? AND digest_day = '' AND created_at < ?",
			r, models.ChannelEmail, models.DeliveryDigest, end).
		Updates(map[string]any{"digest_day": dayKey, "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return nil, fmt.Errorf("take digest items of %s: %w", r, err)
	}
	var items []models.Notification
	err = db.Where("id IN (?)", db.Model(&models.Delivery{}).Select("notification_id").
		Where("recipient = ? AND channel = ? AND status = ? AND digest_day = ?", r, models.ChannelEmail, models.DeliveryDigest, dayKey)).
		Order("created_at").Order("id").Find(&items).Error
	if err != nil {
		return nil, fmt.Errorf("load digest items of %s: %w", r, err)
	}
	return items, nil
}

// closeDigest records the digest and its items with final status (sent
// or skipped) in one transaction, unless the attempt lost its claim.
func (a *Activities) closeDigest(ctx context.Context, row leased, attempt int, r, dayKey string, items []models.Notification, status, detail string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	now := time.Now().UTC()
	ids := make([]string, len(items))
	for i, n := range items {
		ids[i] = n.ID
	}
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
				r, models.ChannelEmail, models.DeliveryDigest, dayKey, ids).Updates(item).Error
		if err != nil {
			return fmt.Errorf("record items of %s: %w", row.what, err)
		}
		return nil
	})
}
