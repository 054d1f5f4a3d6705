// Package activities holds the Temporal activities of salesflow: the only
// code that writes deals and notifications into the read model, and the
// delivery channels (e-mail over SMTP, outgoing webhook) that carry
// notifications beyond the in-app inbox. Every activity is idempotent under
// retries, replays and out-of-order delivery, and runs on PostgreSQL and
// SQLite alike.
package activities

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/documents"
)

// Activities bundles the activities with the read model they write to
// and the delivery channels they use. Register a *Activities with a
// worker; the activity names are the method names.
type Activities struct {
	DB *gorm.DB
	// Email is the e-mail channel of DeliverEmail and SendDigest; nil
	// turns e-mail off.
	Email *EmailChannel
	// Webhook is the outgoing webhook of DeliverWebhook; nil turns it off.
	Webhook *WebhookChannel
	// Classify are the parameters of ClassifyClients; zero fields take
	// the defaults of package classify.
	Classify classify.Params
	// Documents keeps generated documents (GenerateDocument); nil keeps
	// them in the read model.
	Documents documents.Store
}

// Application error types of the non-retryable errors the activities return.
const (
	// ErrTypeInvalidInput marks an argument that can never be applied (a
	// sync without a deal ID, a notification without a key or recipient).
	ErrTypeInvalidInput = "InvalidInput"
	// ErrTypeNoRecipient marks a manager notification for which neither a
	// manager nor an admin exists.
	ErrTypeNoRecipient = "NoRecipient"
)

// logger returns the activity logger, or the default slog logger when the
// method is called outside an activity (in tests, or directly).
func logger(ctx context.Context) log.Logger {
	if activity.IsActivity(ctx) {
		return activity.GetLogger(ctx)
	}
	return log.NewStructuredLogger(slog.Default())
}

// utc returns t in UTC: SQLite stores times as text, so one zone keeps
// their order and equality right.
func utc(t time.Time) time.Time { return t.UTC() }

// utcOrNow is utc(t), or the current time in UTC when t is zero (GORM would
// otherwise fill in local time).
func utcOrNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
