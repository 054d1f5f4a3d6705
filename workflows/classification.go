package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/classify"
)

// ClassificationScheduleID is the ID of the Temporal Schedule that runs
// Classification once a day.
const ClassificationScheduleID = "salesflow-client-classification"

// Classification recomputes every client's category and ABC and XYZ
// classes into the read model as of the start (00:00 UTC) of the day the
// workflow runs: the day of the schedule's action. A Temporal Schedule
// starts it nightly; ClassifyClients is idempotent per day, so a repeated
// or overlapping run of the same day writes nothing.
func Classification(ctx workflow.Context) (classify.Result, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 30 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute, MaximumAttempts: 10},
	})
	var res classify.Result
	err := workflow.ExecuteActivity(actx, acts.ClassifyClients, classify.Day(workflow.Now(ctx))).Get(ctx, &res)
	return res, err
}
