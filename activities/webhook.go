package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/webhook"
)

// DefaultWebhookTimeout bounds one webhook request when
// WebhookChannel.Client is nil.
const DefaultWebhookTimeout = 15 * time.Second

// WebhookChannel posts notifications as signed JSON to one URL (see
// package webhook and docs/webhooks.md).
type WebhookChannel struct {
	// URL receives the POST requests.
	URL string
	// Secret keys the HMAC-SHA256 signature.
	Secret string
	// Client sends the requests; nil means a client with
	// DefaultWebhookTimeout that does not follow redirects.
	Client *http.Client
}

// defaultWebhookClient treats a redirect as the answer, so a moved
// receiver shows up as a failed delivery rather than a silent GET.
var defaultWebhookClient = &http.Client{
	Timeout:       DefaultWebhookTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// DeliverWebhook posts the notification with idempotency key key (stored
// by Notify, which must run first) to the webhook as a webhook.Payload,
// with the headers X-Salesflow-Delivery (the key), X-Salesflow-Timestamp
// and X-Salesflow-Signature (webhook.Sign of this attempt's timestamp and
// the body). A 2xx answer records the delivery as sent, after which
// retries are no-ops; any other answer, or no answer, is returned as a
// retryable ErrTypeDeliveryFailed error naming the status. The delivery
// is recorded as skipped, posting nothing, when the webhook is off
// (a.Webhook nil) or the recipient turned webhooks off. An unknown key
// fails with a non-retryable ErrTypeUnknownNotification error.
//
// Delivery is at least once: should the worker die between the
// receiver's answer and recording it, a later attempt posts again with the
// same X-Salesflow-Delivery, on which receivers deduplicate.
func (a *Activities) DeliverWebhook(ctx context.Context, key string) error {
	return a.deliver(ctx, key, models.ChannelWebhook, a.planWebhook)
}

// planWebhook is the webhook's part of DeliverWebhook: skip, or post the
// notification's payload.
func (a *Activities) planWebhook(_ context.Context, n *models.Notification, to *models.Staff) (plan, error) {
	switch {
	case a.Webhook == nil:
		return skip("webhook off"), nil
	case to != nil && !to.WebhookEnabled:
		return skip("recipient turned webhooks off"), nil
	}
	body, err := json.Marshal(WebhookPayload(n))
	if err != nil {
		return plan{}, temporal.NewNonRetryableApplicationError("encode webhook of "+n.ID, ErrTypeInvalidInput, err)
	}
	return plan{send: func(ctx context.Context) ([]any, error) {
		status, err := a.Webhook.post(ctx, n.ID, body)
		return []any{"status", status}, err
	}}, nil
}

// WebhookPayload is the webhook body of a stored notification.
func WebhookPayload(n *models.Notification) webhook.Payload {
	return webhook.Payload{
		Key: n.ID, Kind: n.Kind, DealID: n.DealID, ComplaintID: n.ComplaintID, ControlPointID: n.ControlPointID,
		Recipient: n.Recipient, Subject: n.Subject, Message: n.Message, DueAt: n.DueAt.UTC(), At: n.CreatedAt.UTC(),
	}
}

// post sends one signed request and returns the answer's status code (0
// without one); an error unless it is 2xx.
func (w *WebhookChannel) post(ctx context.Context, key string, body []byte) (int, error) {
	target := w.URL
	if u, err := url.Parse(w.URL); err == nil {
		target = u.Redacted()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, temporal.NewNonRetryableApplicationError("webhook request", ErrTypeInvalidInput, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "salesflow-webhook/1")
	webhook.SetHeaders(req.Header, w.Secret, key, body, time.Now())
	client := w.Client
	if client == nil {
		client = defaultWebhookClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, temporal.NewApplicationErrorWithCause(fmt.Sprintf("webhook %s: %v", target, err), ErrTypeDeliveryFailed, err)
	}
	defer resp.Body.Close()
	// Read a little of the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, temporal.NewApplicationError(
			fmt.Sprintf("webhook %s answered %s", target, resp.Status), ErrTypeDeliveryFailed, resp.StatusCode)
	}
	return resp.StatusCode, nil
}
