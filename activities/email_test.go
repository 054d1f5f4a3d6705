package activities_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// mailFixture is a read model with the demo team, deal d1 ("New Year
// party", offer point owned by alice) and an activities value sending
// through a test SMTP server.
func mailFixture(t *testing.T, db *gorm.DB, opt serverOptions) (*activities.Activities, *mailServer) {
	t.Helper()
	ctx := context.Background()
	if err := models.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	srv := startMailServer(t, opt)
	a := &activities.Activities{DB: db, Email: &activities.EmailChannel{
		Addr: srv.Addr, From: "Salesflow <salesflow@example.com>", Timeout: 10 * time.Second,
	}}
	if err := a.SyncDeal(ctx, syncAt(3)); err != nil {
		t.Fatal(err)
	}
	return a, srv
}

// notice stores a notification of kind about offer-v1 of deal d1 for
// recipient (or their manager) through Notify and returns its key.
func notice(t *testing.T, a *activities.Activities, key string, kind casework.NotificationKind, recipient string, toManager bool) string {
	t.Helper()
	n := casework.Notification{
		Key: key, Kind: kind, DealID: "d1", ControlPointID: "offer-v1",
		Recipient: recipient, ToManager: toManager, Subject: "Offer validity",
		Message: "Reminder: Offer validity", DueAt: t0.Add(72 * time.Hour), At: t0.Add(time.Hour),
	}
	if err := a.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	return key
}

func delivery(t *testing.T, db *gorm.DB, key, channel string) models.Delivery {
	t.Helper()
	var d models.Delivery
	if err := db.Take(&d, "notification_id = ? AND channel = ?", key, channel).Error; err != nil {
		t.Fatalf("delivery %s/%s: %v", key, channel, err)
	}
	return d
}

// decoded returns the decoded subject and body of a message.
func decoded(t *testing.T, r received) (subject, body string, header func(string) string) {
	t.Helper()
	m := r.Parse(t)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Fatalf("transfer encoding %q", m.Header.Get("Content-Transfer-Encoding"))
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(b), m.Header.Get
}

func wantMessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:]) + "@salesflow>"
}

func TestDeliverEmailInRecipientsLanguageOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		kAlice := notice(t, a, "d1/offer-v1/reminder/1", casework.NoticeReminder, "alice", false)
		kBob := notice(t, a, "d1/offer-v1/overdue/1", casework.NoticeOverdue, "bob", false)
		kMaria := notice(t, a, "d1/offer-v1/escalation/1", casework.NoticeEscalation, "alice", true)
		for _, k := range []string{kAlice, kBob, kMaria} {
			if err := a.DeliverEmail(ctx, k); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
		}
		msgs := srv.Messages()
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3", len(msgs))
		}
		for i, c := range []struct {
			key, to, subject string
			body             []string
		}{
			{kAlice, "alice@example.com", "Напоминание: Offer validity — New Year party",
				[]string{"Здравствуйте, Alice!", "«Offer validity» — срок 06.11.2025 09:00 UTC", "Сделка:              d1 (New Year party)", "Уведомление " + kAlice}},
			{kBob, "bob@example.com", "Overdue: Offer validity — New Year party",
				[]string{"Hello Bob,", `"Offer validity" was due 6 Nov 2025 09:00 UTC and is overdue`, "Deal:          d1 (New Year party)", "Notification " + kBob}},
			{kMaria, "maria@example.com", "Эскалация: Offer validity — New Year party",
				[]string{"Здравствуйте, Maria!", "(ответственный — alice)", "руководитель"}},
		} {
			m := msgs[i]
			subject, body, h := decoded(t, m)
			if m.From != "salesflow@example.com" || len(m.To) != 1 || m.To[0] != c.to {
				t.Errorf("%s: envelope %s -> %v, want salesflow@example.com -> %s", c.key, m.From, m.To, c.to)
			}
			if subject != c.subject {
				t.Errorf("%s: subject %q, want %q", c.key, subject, c.subject)
			}
			for _, want := range c.body {
				if !strings.Contains(body, want) {
					t.Errorf("%s: body lacks %q:\n%s", c.key, want, body)
				}
			}
			if got := h("Message-Id"); got != wantMessageID(c.key) {
				t.Errorf("%s: Message-ID %q, want %q", c.key, got, wantMessageID(c.key))
			}
			if got := h("X-Salesflow-Notification"); got != c.key {
				t.Errorf("%s: X-Salesflow-Notification %q", c.key, got)
			}
			if !strings.Contains(h("To"), c.to) || !strings.Contains(h("From"), "salesflow@example.com") ||
				h("Content-Type") != "text/plain; charset=utf-8" || h("Date") == "" {
				t.Errorf("%s: headers To %q From %q Content-Type %q Date %q", c.key, h("To"), h("From"), h("Content-Type"), h("Date"))
			}
			if d := delivery(t, db, c.key, models.ChannelEmail); d.Status != models.DeliverySent || d.Attempts != 1 ||
				d.SentAt == nil || d.LeaseUntil != nil || d.Recipient != strings.TrimSuffix(c.to, "@example.com") {
				t.Errorf("%s: delivery %+v", c.key, d)
			}
		}

		// Retries, directly and through Temporal's activity machinery, send
		// nothing more.
		if err := a.DeliverEmail(ctx, kAlice); err != nil {
			t.Fatal(err)
		}
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		if _, err := env.ExecuteActivity(a.DeliverEmail, kBob); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Messages()); n != 3 {
			t.Errorf("%d messages after retries, want 3", n)
		}
		if d := delivery(t, db, kAlice, models.ChannelEmail); d.Attempts != 1 {
			t.Errorf("retry counted as an attempt: %+v", d)
		}
	})
}

func TestDeliverEmailRetriesAfterSMTPFailure(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		key := notice(t, a, "d1/offer-v1/reminder/2", casework.NoticeReminder, "bob", false)
		srv.FailNext(1)
		err := a.DeliverEmail(ctx, key)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.NonRetryable() || !strings.Contains(err.Error(), "451") {
			t.Fatalf("first attempt: %v, want a retryable error naming the 451", err)
		}
		if d := delivery(t, db, key, models.ChannelEmail); d.Status != models.DeliveryPending || d.Attempts != 1 ||
			!strings.Contains(d.LastError, "451") || d.LeaseUntil != nil {
			t.Errorf("after the failure: %+v", d)
		}
		if err := a.DeliverEmail(ctx, key); err != nil {
			t.Fatal(err)
		}
		if err := a.DeliverEmail(ctx, key); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
		if d := delivery(t, db, key, models.ChannelEmail); d.Status != models.DeliverySent || d.Attempts != 2 || d.LastError != "" {
			t.Errorf("after the retry: %+v", d)
		}
	})
}

func TestDeliverEmailOverSTARTTLSWithAuth(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	a, srv := mailFixture(t, db, serverOptions{tls: true, users: map[string]string{"sf": "pw"}})
	key := notice(t, a, "d1/offer-v1/reminder/3", casework.NoticeReminder, "alice", false)

	// Without trusting the server's certificate, STARTTLS fails.
	a.Email.Username, a.Email.Password = "sf", "pw"
	if err := a.DeliverEmail(ctx, key); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("untrusted certificate: %v, want a STARTTLS error", err)
	}
	a.Email.TLSConfig = tlsConfig(srv)
	a.Email.Password = "wrong"
	if err := a.DeliverEmail(ctx, key); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("wrong password: %v, want an AUTH error", err)
	}
	a.Email.Password = "pw"
	if err := a.DeliverEmail(ctx, key); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "sf" {
		t.Fatalf("messages %+v, want one over TLS authenticated as sf", msgs)
	}
	if d := delivery(t, db, key, models.ChannelEmail); d.Status != models.DeliverySent || d.Attempts != 3 {
		t.Errorf("delivery %+v, want sent at attempt 3", d)
	}
}

func TestDeliverEmailRejectedRecipientIsNotRetried(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	a, srv := mailFixture(t, db, serverOptions{})
	if err := db.Create(&models.Staff{ID: "gone", Name: "Gone", Role: models.RoleSales, Email: "bounce@example.com"}).Error; err != nil {
		t.Fatal(err)
	}
	key := notice(t, a, "d1/offer-v1/reminder/4", casework.NoticeReminder, "gone", false)
	err := a.DeliverEmail(ctx, key)
	assertNonRetryable(t, err, activities.ErrTypeRecipientRejected)
	if len(srv.Messages()) != 0 {
		t.Error("message accepted")
	}
}

func TestDeliverEmailSkips(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		if err := db.Create(&models.Staff{ID: "carol", Name: "Carol", Role: models.RoleSales}).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.SetPreferences(ctx, db, "bob", models.Preferences{Language: "en", Email: false, Webhook: true}); err != nil {
			t.Fatal(err)
		}
		noAddress := notice(t, a, "k/no-address", casework.NoticeReminder, "carol", false)
		disabled := notice(t, a, "k/disabled", casework.NoticeReminder, "bob", false)
		unknown := notice(t, a, "k/unknown", casework.NoticeReminder, "ghost", false)
		channelOff := notice(t, a, "k/off", casework.NoticeReminder, "alice", false)

		for key, detail := range map[string]string{
			noAddress: "no e-mail address", disabled: "turned e-mail off", unknown: "unknown recipient",
		} {
			if err := a.DeliverEmail(ctx, key); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if d := delivery(t, db, key, models.ChannelEmail); d.Status != models.DeliverySkipped || !strings.Contains(d.Detail, detail) || d.Attempts != 0 {
				t.Errorf("%s: delivery %+v, want skipped for %q", key, d, detail)
			}
		}
		off := &activities.Activities{DB: db}
		if err := off.DeliverEmail(ctx, channelOff); err != nil {
			t.Fatal(err)
		}
		if d := delivery(t, db, channelOff, models.ChannelEmail); d.Status != models.DeliverySkipped || d.Detail != "e-mail channel off" {
			t.Errorf("channel off: delivery %+v", d)
		}
		// Skipping is final: turning e-mail back on does not resend old
		// notifications.
		if err := models.SetPreferences(ctx, db, "bob", models.Preferences{Language: "en", Email: true, Webhook: true}); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{disabled, channelOff} {
			if err := a.DeliverEmail(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages sent, want none", n)
		}

		err := a.DeliverEmail(ctx, "no/such/key")
		assertNonRetryable(t, err, activities.ErrTypeUnknownNotification)
	})
}

// An attempt that times out in the middle of the SMTP conversation while
// its worker still runs must not be doubled by the retry; an attempt
// whose worker died is taken over once its lease has passed.
func TestDeliverEmailConcurrentAttemptsSendOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, srv := mailFixture(t, db, serverOptions{})
		key := notice(t, a, "d1/offer-v1/reminder/5", casework.NoticeReminder, "alice", false)

		entered, release := srv.Hold()
		var wg sync.WaitGroup
		var firstErr error
		wg.Go(func() { firstErr = a.DeliverEmail(ctx, key) })
		<-entered // the first attempt is inside DATA

		err := a.DeliverEmail(ctx, key)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeDeliveryInProgress || appErr.NonRetryable() {
			t.Errorf("second attempt: %v, want a retryable %s error", err, activities.ErrTypeDeliveryInProgress)
		}
		release()
		wg.Wait()
		if firstErr != nil {
			t.Fatal(firstErr)
		}
		if err := a.DeliverEmail(ctx, key); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}

		// A worker that claimed a delivery and died: its lease passes.
		dead := notice(t, a, "d1/offer-v1/reminder/6", casework.NoticeReminder, "bob", false)
		past := time.Now().UTC().Add(-time.Second)
		if err := db.Create(&models.Delivery{
			NotificationID: dead, Channel: models.ChannelEmail, Recipient: "bob", Status: models.DeliverySending,
			Attempts: 1, LeaseUntil: &past, CreatedAt: past, UpdatedAt: past,
		}).Error; err != nil {
			t.Fatal(err)
		}
		if err := a.DeliverEmail(ctx, dead); err != nil {
			t.Fatal(err)
		}
		if d := delivery(t, db, dead, models.ChannelEmail); d.Status != models.DeliverySent || d.Attempts != 2 {
			t.Errorf("taken-over delivery %+v, want sent at attempt 2", d)
		}
		if n := len(srv.Messages()); n != 2 {
			t.Errorf("%d messages, want 2", n)
		}
	})
}

func TestDeliverEmailAboutComplaint(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	a, srv := mailFixture(t, db, serverOptions{})
	n := casework.Notification{
		Key: "complaint/c9/investigate/reminder/1", Kind: casework.NoticeReminder, ComplaintID: "c9",
		ControlPointID: "investigate", Recipient: "bob", Subject: "Investigate the complaint",
		DueAt: t0, At: t0,
	}
	if err := a.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := a.DeliverEmail(ctx, n.Key); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	subject, body, _ := decoded(t, msgs[0])
	if subject != "Reminder: Investigate the complaint" || !strings.Contains(body, "Complaint:     c9") || strings.Contains(body, "Deal:") {
		t.Errorf("subject %q body:\n%s", subject, body)
	}
}
