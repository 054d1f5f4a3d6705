package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// NotificationID is the public ID of the notification with the given key:
// "ntf_" and 20 hex digits of the key's SHA-256, URL-safe whatever the key
// holds, and the same on every server and in every migration.
func NotificationID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "ntf_" + hex.EncodeToString(sum[:])[:20]
}

// BeforeCreate gives a new notification its public ID.
func (n *Notification) BeforeCreate(*gorm.DB) error {
	if n.PublicID == "" {
		n.PublicID = NotificationID(n.ID)
	}
	return nil
}

// byNotificationID selects a notification by its public ID or, as before
// notifications had one, by its key.
const byNotificationID = "(public_id = ? OR id = ?)"

// MarkNotificationRead marks notification id (its public ID or key) of
// recipient as read now. It is idempotent: marking a read notification
// again keeps the first read time. A notification that does not exist or
// belongs to someone else yields ErrNotFound.
func MarkNotificationRead(ctx context.Context, db *gorm.DB, recipient, id string) error {
	now := time.Now().UTC()
	res := db.WithContext(ctx).Model(&Notification{}).
		Where(byNotificationID+" AND recipient = ? AND read_at IS NULL", id, id, recipient).
		Update("read_at", now)
	if res.Error != nil {
		return fmt.Errorf("mark notification %s read: %w", id, res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	var n int64
	if err := db.WithContext(ctx).Model(&Notification{}).Where(byNotificationID+" AND recipient = ?", id, id, recipient).Count(&n).Error; err != nil {
		return fmt.Errorf("mark notification %s read: %w", id, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// MarkAllNotificationsRead marks every unread notification of recipient
// read at now and returns how many it marked.
func MarkAllNotificationsRead(ctx context.Context, db *gorm.DB, recipient string, now time.Time) (int64, error) {
	res := db.WithContext(ctx).Model(&Notification{}).
		Where("recipient = ? AND read_at IS NULL", recipient).
		Update("read_at", now.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("mark notifications of %s read: %w", recipient, res.Error)
	}
	return res.RowsAffected, nil
}

// GetNotification returns one notification by its public ID or its key, or
// ErrNotFound.
func GetNotification(ctx context.Context, db *gorm.DB, id string) (*Notification, error) {
	return get[Notification](ctx, db, byNotificationID, id, id)
}

// backfillNotificationIDs gives notifications stored before notifications
// had public IDs their ID.
func backfillNotificationIDs(db *gorm.DB) error {
	db = db.Session(&gorm.Session{NewDB: true}) // no conditions of earlier steps
	for {
		var keys []string
		if err := db.Model(&Notification{}).Where("public_id IS NULL OR public_id = ''").Limit(1000).Pluck("id", &keys).Error; err != nil {
			return err
		}
		if len(keys) == 0 {
			return nil
		}
		for _, k := range keys {
			if err := db.Model(&Notification{}).Where("id = ?", k).Update("public_id", NotificationID(k)).Error; err != nil {
				return err
			}
		}
	}
}

// NotificationDeliveries returns the channel deliveries of one
// notification, by channel.
func NotificationDeliveries(ctx context.Context, db *gorm.DB, id string) ([]Delivery, error) {
	return findAll[Delivery](ctx, db, "notification_id", id, "channel")
}

// Preferences are a staff member's notification settings, as the API
// reads and writes them.
type Preferences struct {
	// Language of e-mails: LangRussian or LangEnglish.
	Language string `json:"language"`
	// Email lets notifications reach the member by e-mail.
	Email bool `json:"email"`
	// Webhook lets the member's notifications go to the outgoing webhook.
	Webhook bool `json:"webhook"`
	// Digest collects e-mails into one daily digest.
	Digest bool `json:"digest"`
}

// ErrInvalidPreferences is wrapped by the error SetPreferences returns for
// preferences it cannot store (an unknown language).
var ErrInvalidPreferences = errors.New("invalid preferences")

// PreferencesOf returns the preferences stored on a staff row.
func PreferencesOf(s *Staff) Preferences {
	lang := s.Language
	if lang == "" {
		lang = DefaultLanguage
	}
	return Preferences{Language: lang, Email: s.EmailEnabled, Webhook: s.WebhookEnabled, Digest: s.Digest}
}

// GetPreferences returns the notification preferences of staff member
// staffID, or ErrNotFound.
func GetPreferences(ctx context.Context, db *gorm.DB, staffID string) (Preferences, error) {
	s, err := GetStaff(ctx, db, staffID)
	if err != nil {
		return Preferences{}, err
	}
	return PreferencesOf(s), nil
}

// SetPreferences replaces every notification preference of staff member
// staffID with p. An empty language means DefaultLanguage; any language
// other than LangRussian or LangEnglish yields an error wrapping
// ErrInvalidPreferences. An unknown staff member yields ErrNotFound.
func SetPreferences(ctx context.Context, db *gorm.DB, staffID string, p Preferences) error {
	switch p.Language {
	case "":
		p.Language = DefaultLanguage
	case LangRussian, LangEnglish:
	default:
		return fmt.Errorf("%w: language %q is not %q or %q", ErrInvalidPreferences, p.Language, LangRussian, LangEnglish)
	}
	// A map writes false values too, which a struct update would skip.
	res := db.WithContext(ctx).Model(&Staff{}).Where("id = ?", staffID).Updates(map[string]any{
		"language": p.Language, "email_enabled": p.Email, "webhook_enabled": p.Webhook, "digest": p.Digest,
	})
	if res.Error != nil {
		return fmt.Errorf("set preferences of %s: %w", staffID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
