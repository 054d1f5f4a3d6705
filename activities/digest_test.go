package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func TestDigestInsteadOfInstantEmails(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		for _, id := range []string{"alice", "bob"} {
			p, err := models.GetPreferences(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			p.Digest = true
			if err := models.SetPreferences(ctx, db, id, p); err != nil {
				t.Fatal(err)
			}
		}
		keys := []string{
			notice(t, a, "d1/offer-v1/reminder/a", casework.NoticeReminder, "alice", false),
			notice(t, a, "d1/offer-v1/overdue/a", casework.NoticeOverdue, "alice", false),
			notice(t, a, "d1/offer-v1/reminder/b", casework.NoticeReminder, "bob", false),
		}
		for _, k := range keys {
			for range 2 { // a retry changes nothing
				if err := a.DeliverEmail(ctx, k); err != nil {
					t.Fatal(err)
				}
			}
			if d := delivery(t, db, k, models.ChannelEmail); d.Status != models.DeliveryDigest || d.DigestDay != "" {
				t.Errorf("%s: %+v, want status digest", k, d)
			}
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d instant e-mails sent to digest readers", n)
		}

		today := time.Now()
		day := today.Format(time.DateOnly)
		// One recipient's SMTP failure does not stop the other's digest;
		// the retry sends only the missing one.
		srv.FailNext(1)
		n, err := a.SendDigest(ctx, today)
		if err == nil || n != 1 || !strings.Contains(err.Error(), "451") {
			t.Fatalf("SendDigest with one failure = %d, %v; want 1 and an error naming the 451", n, err)
		}
		if n, err = a.SendDigest(ctx, today); err != nil || n != 1 {
			t.Fatalf("retry = %d, %v; want 1 digest", n, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 2 {
			t.Fatalf("%d digests, want 2", len(msgs))
		}
		byRecipient := map[string]received{}
		for _, m := range msgs {
			byRecipient[m.To[0]] = m
		}
		subject, body, h := decoded(t, byRecipient["alice@example.com"])
		if want := "Сводка salesflow за " + day + ": 2 уведомления"; subject != want {
			t.Errorf("alice's digest subject %q, want %q", subject, want)
		}
		for _, want := range []string{
			// Items in the order raised; these two tie, so by key.
			"Здравствуйте, Alice!", "1. Просрочено: Offer validity — New Year party", "2. Напоминание: Offer validity",
			"срок 06.11.2025 09:00 UTC, ответственный alice",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("alice's digest lacks %q:\n%s", want, body)
			}
		}
		if h("X-Salesflow-Digest") != "alice/"+day || h("Message-Id") != wantMessageID("digest/alice/"+day) {
			t.Errorf("alice's digest headers: %q %q", h("X-Salesflow-Digest"), h("Message-Id"))
		}
		subject, body, _ = decoded(t, byRecipient["bob@example.com"])
		if want := "salesflow digest for " + day + ": 1 notification"; subject != want || !strings.Contains(body, "1. Reminder: Offer validity") {
			t.Errorf("bob's digest %q:\n%s", subject, body)
		}
		for _, k := range keys {
			if d := delivery(t, db, k, models.ChannelEmail); d.Status != models.DeliverySent || d.DigestDay != day || d.SentAt == nil {
				t.Errorf("%s after the digest: %+v", k, d)
			}
		}

		// Idempotent per recipient and day: what arrives later waits for
		// the next day.
		late := notice(t, a, "d1/offer-v1/escalation/late", casework.NoticeEscalation, "alice", false)
		if err := a.DeliverEmail(ctx, late); err != nil {
			t.Fatal(err)
		}
		if n, err := a.SendDigest(ctx, today); err != nil || n != 0 {
			t.Errorf("second digest of the day = %d, %v; want 0", n, err)
		}
		if len(srv.Messages()) != 2 {
			t.Fatal("second digest of the day sent")
		}
		tomorrow := today.AddDate(0, 0, 1)
		if n, err := a.SendDigest(ctx, tomorrow); err != nil || n != 1 {
			t.Fatalf("next day's digest = %d, %v; want 1", n, err)
		}
		msgs = srv.Messages()
		if len(msgs) != 3 || msgs[2].To[0] != "alice@example.com" {
			t.Fatalf("messages %d, want a third one to alice", len(msgs))
		}
		if subject, body, _ := decoded(t, msgs[2]); !strings.Contains(subject, ": 1 уведомление") || !strings.Contains(body, "1. Эскалация") ||
			strings.Contains(body, "2.") {
			t.Errorf("next day's digest %q:\n%s", subject, body)
		}
		var digests []models.Digest
		db.Order("recipient, day").Find(&digests)
		// alice's first digest failed once (she comes first), bob's did not.
		if len(digests) != 3 || digests[0].Items != 2 || digests[0].Status != models.DeliverySent || digests[0].Attempts != 2 ||
			digests[1].Day != tomorrow.Format(time.DateOnly) || digests[1].Items != 1 || digests[2].Attempts != 1 {
			t.Errorf("digests %+v", digests)
		}
	})
}

func TestDigestOfRecipientWithoutEmailIsSkipped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		if err := models.SetPreferences(ctx, db, "bob", models.Preferences{Language: "en", Email: true, Digest: true}); err != nil {
			t.Fatal(err)
		}
		k := notice(t, a, "k/bob", casework.NoticeReminder, "bob", false)
		if err := a.DeliverEmail(ctx, k); err != nil {
			t.Fatal(err)
		}
		// Bob turns e-mail off before the digest goes out.
		if err := models.SetPreferences(ctx, db, "bob", models.Preferences{Language: "en", Email: false, Digest: true}); err != nil {
			t.Fatal(err)
		}
		if n, err := a.SendDigest(ctx, time.Now()); err != nil || n != 0 {
			t.Fatalf("SendDigest = %d, %v", n, err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("digest sent to a recipient who turned e-mail off")
		}
		if d := delivery(t, db, k, models.ChannelEmail); d.Status != models.DeliverySkipped {
			t.Errorf("item %+v, want skipped", d)
		}
		// With the channel off, SendDigest does nothing.
		if n, err := (&activities.Activities{DB: db}).SendDigest(ctx, time.Now()); err != nil || n != 0 {
			t.Errorf("channel off: %d, %v", n, err)
		}
	})
}
