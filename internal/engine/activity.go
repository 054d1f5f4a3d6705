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
	// ActivityDeliverNotification puts a casework.Notification in its
	// recipient's inbox and sends it by e-mail and webhook, in one activity.
	ActivityDeliverNotification = "DeliverNotification"
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

// LocalActivityOptions run the read-model sync and the open path's
// activities inside the workflow task: an attempt gets 10 s, a failed one is
// retried after 200 ms, doubling up to a minute, for as long as it takes
// (the schedule-to-close bound is a century: the SDK would otherwise end the
// retries at the first attempt's timeout). A retry that waits longer than
// the workflow task timeout becomes a workflow timer, so an outage of the
// read model delays the action's answer without holding a task open.
var LocalActivityOptions = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 100 * 365 * 24 * time.Hour,
	StartToCloseTimeout:    10 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: 200 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: time.Minute,
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

// deliveryLocalOptions run a notification's delivery (inbox, e-mail and
// webhook, see ActivityDeliverNotification) as a local activity within the
// workflow task that fired it: an attempt gets as long as an activity on
// the task queue does (deliveryOptions), and a failed one is retried after
// a second, doubling up to 20 s, without end (see LocalActivityOptions).
// The shorter ceiling (a minute on the task queue) lets a retry take over
// a delivery whose worker died within 20 s of the 75 s lease's end: a
// local activity's attempts do not time out on the server, they are
// retried from the workflow task the next worker runs.
var deliveryLocalOptions = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: LocalActivityOptions.ScheduleToCloseTimeout,
	StartToCloseTimeout:    deliveryOptions.StartToCloseTimeout,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 20 * time.Second,
	},
}

// versionOneDelivery marks the cheaper notice: a notification is delivered
// by one local activity (ActivityDeliverNotification) instead of three
// activities on the task queue, each with a workflow task after it. It is
// asked at a workflow's first delivery, so running workflows take it up
// with their next notification.
const versionOneDelivery = "one-delivery"

// versionLocalSync marks the fast path: the read-model sync (and a case's
// opening activities) run as local activities within the workflow task of
// the change, one sync at a time (Journal.Flush); every earlier change runs
// without a version marker of its own (Journal.Since); and the timer loop
// keeps its timer across wake-ups (wakeTimer). Workflows started before it
// keep activities on the task queue, their markers and a timer per wait.
const versionLocalSync = "local-sync"

// runActivity runs activity (named, or a function the worker registered)
// with input until it succeeds, and decodes its result into result (nil
// when none): as a local activity with local set (a registered activity
// runs as a local one too), else on the task queue.
func runActivity(ctx workflow.Context, local bool, activity, input, result any) error {
	if !local {
		actx := workflow.WithActivityOptions(ctx, ActivityOptions)
		return workflow.ExecuteActivity(actx, activity, input).Get(ctx, result)
	}
	lctx := workflow.WithLocalActivityOptions(ctx, LocalActivityOptions)
	return workflow.ExecuteLocalActivity(lctx, activity, input).Get(ctx, result)
}
