package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// DigestScheduleID is the ID of the Temporal Schedule that runs Digest
// once a day.
const DigestScheduleID = "salesflow-daily-digest"

// Digest sends the day's digest e-mails to everyone who chose a daily
// digest instead of instant e-mails. A Temporal Schedule starts it daily;
// SendDigest is idempotent per recipient and day, so an overlapping or
// repeated run sends nothing twice.
func Digest(ctx workflow.Context) (int, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute},
	})
	var sent int
	err := workflow.ExecuteActivity(actx, acts.SendDigest, workflow.Now(ctx)).Get(ctx, &sent)
	return sent, err
}
