package models_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func TestSeedDemoLanguagesAndAddresses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		for range 2 {
			if err := models.SeedDemo(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		for id, lang := range map[string]string{"alice": "ru", "bob": "en", "maria": "ru", "admin": "en"} {
			s, err := models.GetStaff(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			if s.Email != id+"@example.com" || s.Language != lang || !s.EmailEnabled || !s.WebhookEnabled || s.Digest {
				t.Errorf("%s = %+v, want %s@example.com, %s, e-mail and webhook on, no digest", id, s, id, lang)
			}
		}
	})
}

func TestNewStaffGetsDefaultPreferences(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := db.Create(&models.Staff{ID: "carol", Name: "Carol", Role: models.RoleSales}).Error; err != nil {
			t.Fatal(err)
		}
		p, err := models.GetPreferences(ctx, db, "carol")
		if err != nil {
			t.Fatal(err)
		}
		if want := (models.Preferences{Language: "ru", Email: true, Webhook: true}); p != want {
			t.Errorf("preferences = %+v, want %+v", p, want)
		}
	})
}

func TestSetPreferences(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		// Every field away from its default, false values included.
		want := models.Preferences{Language: "en", Email: false, Webhook: false, Digest: true}
		if err := models.SetPreferences(ctx, db, "alice", want); err != nil {
			t.Fatal(err)
		}
		got, err := models.GetPreferences(ctx, db, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after set: %+v, want %+v", got, want)
		}
		// Setting the same again is fine (no "not found" for no change).
		if err := models.SetPreferences(ctx, db, "alice", want); err != nil {
			t.Errorf("same preferences again: %v", err)
		}
		back := models.Preferences{Email: true, Webhook: true}
		if err := models.SetPreferences(ctx, db, "alice", back); err != nil {
			t.Fatal(err)
		}
		if got, _ := models.GetPreferences(ctx, db, "alice"); got != (models.Preferences{Language: "ru", Email: true, Webhook: true}) {
			t.Errorf("empty language: %+v, want the default ru", got)
		}
		if bob, _ := models.GetPreferences(ctx, db, "bob"); bob != (models.Preferences{Language: "en", Email: true, Webhook: true}) {
			t.Errorf("bob changed: %+v", bob)
		}

		if err := models.SetPreferences(ctx, db, "alice", models.Preferences{Language: "de"}); !errors.Is(err, models.ErrInvalidPreferences) {
			t.Errorf("language de: err = %v, want ErrInvalidPreferences", err)
		}
		if err := models.SetPreferences(ctx, db, "nobody", want); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown staff: err = %v, want ErrNotFound", err)
		}
		if _, err := models.GetPreferences(ctx, db, "nobody"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("get of unknown staff: err = %v, want ErrNotFound", err)
		}
	})
}

func TestMarkNotificationRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
		for _, n := range []models.Notification{
			{ID: "n1", Recipient: "alice", Kind: "reminder", CreatedAt: at},
			{ID: "n2", Recipient: "bob", Kind: "reminder", CreatedAt: at},
		} {
			if err := db.Create(&n).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := models.MarkNotificationRead(ctx, db, "bob", "n1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("someone else's notification: err = %v, want ErrNotFound", err)
		}
		if err := models.MarkNotificationRead(ctx, db, "alice", "missing"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("missing notification: err = %v, want ErrNotFound", err)
		}
		if err := models.MarkNotificationRead(ctx, db, "alice", "n1"); err != nil {
			t.Fatal(err)
		}
		n1, err := models.GetNotification(ctx, db, "n1")
		if err != nil {
			t.Fatal(err)
		}
		if n1.ReadAt == nil {
			t.Fatal("n1 not marked read")
		}
		first := *n1.ReadAt
		time.Sleep(5 * time.Millisecond)
		if err := models.MarkNotificationRead(ctx, db, "alice", "n1"); err != nil {
			t.Errorf("marking again: %v", err)
		}
		if again, _ := models.GetNotification(ctx, db, "n1"); again.ReadAt == nil || !again.ReadAt.Equal(first) {
			t.Errorf("read time changed from %v to %v", first, again.ReadAt)
		}
		if n2, _ := models.GetNotification(ctx, db, "n2"); n2.ReadAt != nil {
			t.Errorf("bob's notification marked read: %+v", n2)
		}
	})
}

// Notifications get opaque, URL-safe IDs; a notification is found by its ID
// or its key; the inbox can be read unread only and marked read at once.
func TestNotificationIDsAndReadAll(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
		key := "deal-1/offer-v1/reminder/2025-11-03T09:00:00Z/2025-11-02T09:00:00Z"
		rows := []models.Notification{
			{ID: key, Recipient: "alice", Kind: "reminder", CreatedAt: at},
			{ID: "n2", Recipient: "alice", Kind: "overdue", CreatedAt: at.Add(time.Minute)},
			{ID: "n3", Recipient: "bob", Kind: "reminder", CreatedAt: at},
		}
		if err := db.Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		id := models.NotificationID(key)
		if !regexp.MustCompile(`^ntf_[0-9a-f]{20}$`).MatchString(id) || rows[0].PublicID != id {
			t.Fatalf("public ID %q, row %q", id, rows[0].PublicID)
		}
		for _, by := range []string{id, key} {
			if n, err := models.GetNotification(ctx, db, by); err != nil || n.ID != key || n.PublicID != id {
				t.Errorf("get by %s: %+v %v", by, n, err)
			}
		}
		if err := models.MarkNotificationRead(ctx, db, "alice", id); err != nil {
			t.Fatal(err)
		}
		unread, err := models.Notifications(ctx, db, "alice", true, 0)
		if err != nil || len(unread) != 1 || unread[0].ID != "n2" {
			t.Fatalf("unread = %+v, %v", unread, err)
		}
		if n, err := models.MarkAllNotificationsRead(ctx, db, "alice", at.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("read all: %d, %v", n, err)
		}
		if n, err := models.MarkAllNotificationsRead(ctx, db, "alice", at.Add(2*time.Hour)); err != nil || n != 0 {
			t.Errorf("read all again: %d, %v", n, err)
		}
		if unread, _ := models.Notifications(ctx, db, "bob", true, 0); len(unread) != 1 {
			t.Errorf("bob's inbox changed: %+v", unread)
		}
	})
}

// Notifications stored before they had public IDs get theirs when the
// read model is migrated.
func TestNotificationIDsMigrate(t *testing.T) {
	url := testdb.EmptyPostgres(t)
	open := func() *gorm.DB {
		db, err := models.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		t.Cleanup(func() { _ = sqlDB.Close() })
		return db
	}
	db := open()
	for _, key := range []string{"a/b:c", "n2"} {
		if err := db.Exec("INSERT INTO notifications (id, recipient, kind, created_at) VALUES (?, 'alice', 'reminder', now())", key).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Exec("UPDATE notifications SET public_id = NULL").Error; err != nil {
		t.Fatal(err)
	}
	db = open()
	for _, key := range []string{"a/b:c", "n2"} {
		n, err := models.GetNotification(ctx, db, models.NotificationID(key))
		if err != nil || n.ID != key {
			t.Errorf("%s after migration: %+v %v", key, n, err)
		}
	}
}
