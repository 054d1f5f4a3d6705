package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/webhook"
)

const hookSecret = "whsec_test"

// receiver is a webhook endpoint as an integrator would write it: it
// verifies the signature, answers 500 to the first failFirst authentic
// requests, and accepts each delivery once, deduplicating on
// X-Salesflow-Delivery.
type receiver struct {
	failFirst int

	mu       sync.Mutex
	requests int
	rejected []error
	accepted []webhook.Payload
	seen     map[string]bool
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	if err := webhook.VerifyWebhook(hookSecret, r.Header, body, 5*time.Minute, time.Now()); err != nil {
		rc.rejected = append(rc.rejected, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rc.rejected = append(rc.rejected, errors.New(r.Method+" "+r.Header.Get("Content-Type")))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if rc.failFirst > 0 {
		rc.failFirst--
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	id := r.Header.Get(webhook.HeaderDelivery)
	if rc.seen[id] {
		w.WriteHeader(http.StatusOK) // a duplicate: acknowledge, do nothing
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil || p.Key != id {
		rc.rejected = append(rc.rejected, errors.New("payload key differs from the delivery header"))
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if rc.seen == nil {
		rc.seen = map[string]bool{}
	}
	rc.seen[id] = true
	rc.accepted = append(rc.accepted, p)
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) counts() (requests int, accepted []webhook.Payload, rejected []error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.requests, append([]webhook.Payload(nil), rc.accepted...), append([]error(nil), rc.rejected...)
}

func hookFixture(t *testing.T, db *gorm.DB, rc *receiver, secret string) *activities.Activities {
	t.Helper()
	if err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return &activities.Activities{DB: db, Webhook: &activities.WebhookChannel{URL: srv.URL + "/hooks/salesflow", Secret: secret}}
}

func TestDeliverWebhookReceiverFailingTwice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		rc := &receiver{failFirst: 2}
		a := hookFixture(t, db, rc, hookSecret)
		key := notice(t, a, "d1/offer-v1/escalation/1", casework.NoticeEscalation, "alice", true)

		// Three calls, as Temporal's retries would make them.
		for i := 1; i <= 3; i++ {
			err := a.DeliverWebhook(ctx, key)
			if i < 3 {
				var appErr *temporal.ApplicationError
				if !errors.As(err, &appErr) || appErr.NonRetryable() || !strings.Contains(err.Error(), "500") {
					t.Fatalf("call %d: %v, want a retryable error naming status 500", i, err)
				}
				if d := delivery(t, db, key, models.ChannelWebhook); d.Status != models.DeliveryPending || d.Attempts != i ||
					!strings.Contains(d.LastError, "500") {
					t.Errorf("after call %d: %+v", i, d)
				}
				continue
			}
			if err != nil {
				t.Fatalf("call 3: %v", err)
			}
		}
		requests, accepted, rejected := rc.counts()
		if requests != 3 || len(accepted) != 1 || len(rejected) != 0 {
			t.Fatalf("requests %d, accepted %d, rejected %v; want 3, 1, none", requests, len(accepted), rejected)
		}
		want := webhook.Payload{
			Key: key, Kind: "escalation", DealID: "d1", ControlPointID: "offer-v1", Recipient: "maria",
			Subject: "Offer validity", Message: "Reminder: Offer validity", DueAt: t0.Add(72 * time.Hour), At: t0.Add(time.Hour),
		}
		got := accepted[0]
		if !got.DueAt.Equal(want.DueAt) || !got.At.Equal(want.At) {
			t.Errorf("times %v %v, want %v %v", got.DueAt, got.At, want.DueAt, want.At)
		}
		got.DueAt, got.At, want.DueAt, want.At = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if got != want {
			t.Errorf("payload %+v, want %+v", got, want)
		}
		if d := delivery(t, db, key, models.ChannelWebhook); d.Status != models.DeliverySent || d.Attempts != 3 || d.LastError != "" || d.SentAt == nil {
			t.Errorf("delivery %+v", d)
		}

		// A fourth call is a no-op.
		if err := a.DeliverWebhook(ctx, key); err != nil {
			t.Fatal(err)
		}
		if requests, _, _ := rc.counts(); requests != 3 {
			t.Errorf("fourth call posted: %d requests", requests)
		}
	})
}

func TestWebhookPayloadFieldNames(t *testing.T) {
	db := testdb.SQLite(t)
	rc := &receiver{}
	a := hookFixture(t, db, rc, hookSecret)
	key := notice(t, a, "k/fields", casework.NoticeReminder, "bob", false)
	n, err := models.GetNotification(context.Background(), db, key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(activities.WebhookPayload(n))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"key", "kind", "deal_id", "complaint_id", "control_point_id", "recipient", "subject", "message", "due_at", "at"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("payload lacks %q: %s", f, b)
		}
	}
	if len(fields) != 10 {
		t.Errorf("payload has %d fields, want 10: %s", len(fields), b)
	}
	if fields["due_at"] != "2025-11-06T09:00:00Z" {
		t.Errorf("due_at = %v, want RFC 3339 UTC", fields["due_at"])
	}
}

func TestDeliverWebhookWithWrongSecretIsRejectedByReceiver(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	rc := &receiver{}
	a := hookFixture(t, db, rc, "not-the-shared-secret")
	key := notice(t, a, "k/forged", casework.NoticeReminder, "alice", false)
	if err := a.DeliverWebhook(ctx, key); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v, want one naming status 401", err)
	}
	_, accepted, rejected := rc.counts()
	if len(accepted) != 0 || len(rejected) != 1 || !errors.Is(rejected[0], webhook.ErrBadSignature) {
		t.Errorf("accepted %v, rejected %v; want one rejection for the signature", accepted, rejected)
	}
}

func TestDeliverWebhookSkips(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		rc := &receiver{}
		a := hookFixture(t, db, rc, hookSecret)
		if err := models.SetPreferences(ctx, db, "bob", models.Preferences{Language: "en", Email: true, Webhook: false}); err != nil {
			t.Fatal(err)
		}
		optedOut := notice(t, a, "k/opted-out", casework.NoticeReminder, "bob", false)
		off := notice(t, a, "k/off", casework.NoticeReminder, "alice", false)
		if err := a.DeliverWebhook(ctx, optedOut); err != nil {
			t.Fatal(err)
		}
		if err := (&activities.Activities{DB: db}).DeliverWebhook(ctx, off); err != nil {
			t.Fatal(err)
		}
		for key, detail := range map[string]string{optedOut: "recipient turned webhooks off", off: "webhook off"} {
			if d := delivery(t, db, key, models.ChannelWebhook); d.Status != models.DeliverySkipped || d.Detail != detail {
				t.Errorf("%s: %+v, want skipped: %s", key, d, detail)
			}
		}
		if requests, _, _ := rc.counts(); requests != 0 {
			t.Errorf("%d requests, want none", requests)
		}
		// E-mail and webhook of one notification are independent rows.
		if ds, err := models.NotificationDeliveries(ctx, db, off); err != nil || len(ds) != 1 || ds[0].Channel != models.ChannelWebhook {
			t.Errorf("deliveries of %s: %+v, %v", off, ds, err)
		}
		assertNonRetryable(t, a.DeliverWebhook(ctx, "no/such/key"), activities.ErrTypeUnknownNotification)
	})
}
