package activities_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// TestDeliverNotificationRetriesOnlyWhatFailed: one activity puts the
// notification in the inbox, e-mails it and posts it to the webhook; with
// the webhook failing twice, the three attempts Temporal would make store
// one inbox row, send one e-mail and get one webhook delivery accepted,
// each recorded in its own delivery row, and a fourth call does nothing.
func TestDeliverNotificationRetriesOnlyWhatFailed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		rc := &receiver{failFirst: 2}
		a.Webhook = hookTo(t, rc)
		n := notification("d1/offer-v1/overdue/1", "alice", false)
		for i := 1; i <= 4; i++ {
			err := a.DeliverNotification(ctx, n)
			var appErr *temporal.ApplicationError
			if i <= 2 && (!errors.As(err, &appErr) || appErr.NonRetryable() || !strings.Contains(err.Error(), "500")) {
				t.Fatalf("call %d: %v, want the webhook's retryable error", i, err)
			}
			if i > 2 && err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		if got := take(t, db).Messages; len(got) != 1 || got[0].ID != n.Key {
			t.Errorf("inbox %+v, want the one notification", got)
		}
		if m := srv.Messages(); len(m) != 1 {
			t.Errorf("%d e-mails, want 1", len(m))
		}
		requests, accepted, rejected := rc.counts()
		if requests != 3 || len(accepted) != 1 || len(rejected) != 0 {
			t.Errorf("webhook requests %d, accepted %d, rejected %v; want 3, 1, none", requests, len(accepted), rejected)
		}
		if d := delivery(t, db, n.Key, models.ChannelEmail); d.Status != models.DeliverySent || d.Attempts != 1 {
			t.Errorf("e-mail delivery %+v, want sent at the first attempt", d)
		}
		if d := delivery(t, db, n.Key, models.ChannelWebhook); d.Status != models.DeliverySent || d.Attempts != 3 {
			t.Errorf("webhook delivery %+v, want sent at the third attempt", d)
		}
	})
}

// TestDeliverNotificationRetryableWinsOverPermanent: when the e-mail's
// recipient is refused for good but the webhook fails for now, the attempt
// is retryable, so the webhook gets its retry; with both refused for good
// it is not.
func TestDeliverNotificationRetryableWinsOverPermanent(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	a, _ := mailFixture(t, db, serverOptions{})
	if err := db.Create(&models.Staff{ID: "gone", Name: "Gone", Role: models.RoleSales, Email: "bounce@example.com",
		EmailEnabled: true, WebhookEnabled: true}).Error; err != nil {
		t.Fatal(err)
	}
	rc := &receiver{failFirst: 1}
	a.Webhook = hookTo(t, rc)
	n := notification("d1/offer-v1/overdue/2", "gone", false)
	err := a.DeliverNotification(ctx, n)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.NonRetryable() {
		t.Fatalf("first call: %v, want a retryable error", err)
	}
	err = a.DeliverNotification(ctx, n)
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != activities.ErrTypeRecipientRejected {
		t.Fatalf("second call: %v, want the e-mail's non-retryable refusal", err)
	}
	if _, accepted, _ := rc.counts(); len(accepted) != 1 {
		t.Errorf("%d webhook deliveries accepted, want 1", len(accepted))
	}
}

// hookTo is a webhook channel posting to rc.
func hookTo(t *testing.T, rc *receiver) *activities.WebhookChannel {
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return &activities.WebhookChannel{URL: srv.URL + "/hooks/salesflow", Secret: hookSecret}
}
