package engine

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Names of the activities the engine calls: the worker registers them (see
// package activities). Calling them by name keeps the engine free of any
// case type's activity code.
const (
	// ActivityNotify puts a casework.Notification in its recipient's inbox.
	ActivityNotify = "Notify"
	// ActivityDeliverEmail sends a notification, by key, by e-mail.
	ActivityDeliverEmail = "DeliverEmail"
	// ActivityDeliverWebhook posts a notification, by key, to the webhook.
	ActivityDeliverWebhook = "DeliverWebhook"
)

// ActivityOptions retry the read model and notifications until they
// succeed: both are idempotent, and a database outage must delay, not lose,
// what a case reports.
var ActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
	},
}

// deliveryOptions give e-mail and webhook delivery room for a slow channel
// (their clients time out after 30 s) and retry with the same backoff; an
// attempt whose worker died is retried after 45 s and takes the delivery
// over once its 75 s lease has passed.
var deliveryOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 45 * time.Second,
	RetryPolicy:         ActivityOptions.RetryPolicy,
}

// SyncActivity runs a read-model sync activity — named, or a function the
// worker registered — with ActivityOptions and waits for it; the
// activities retry until they succeed.
func SyncActivity(ctx workflow.Context, activity, input any) error {
	actx := workflow.WithActivityOptions(ctx, ActivityOptions)
	return workflow.ExecuteActivity(actx, activity, input).Get(ctx, nil)
}
