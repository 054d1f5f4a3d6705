package workflows

import (
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/satisfaction"
)

// SatisfactionScheduleID is the ID of the Temporal Schedule that runs
// SatisfactionSweep (daily by default).
const SatisfactionScheduleID = "salesflow-yearly-satisfaction"

// SatisfactionSweep starts the yearly surveys that are due
// (docs/satisfaction.md): a page of clients at a time, it asks the read
// model (DueSurveys) which client products paid in the policy's interval
// have no survey since the interval less the lead time, and starts one
// Survey per product as a child workflow that outlives the sweep, with the
// deterministic ID srv-<client>-<product>-<yyyymm>; an ID already taken
// counts as skipped. After each page it continues as new with the next
// client cursor, so its history stays small at any number of clients.
func SatisfactionSweep(ctx workflow.Context, p satisfaction.SweepParams) (satisfaction.SweepResult, error) {
	if p.AsOf.IsZero() {
		p.AsOf = workflow.Now(ctx)
	}
	if p.PageSize <= 0 {
		p.PageSize = satisfaction.DefaultPageSize
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute},
	})
	var due satisfaction.Due
	in := satisfaction.DueInput{AsOf: p.AsOf, After: p.After, PageSize: p.PageSize}
	if err := workflow.ExecuteActivity(actx, surveyActs.DueSurveys, in).Get(ctx, &due); err != nil {
		return satisfaction.SweepResult{}, err
	}
	if err := startSurveys(ctx, due.Surveys, &p); err != nil {
		return satisfaction.SweepResult{}, err
	}
	if due.Next != "" {
		p.After = due.Next
		return satisfaction.SweepResult{}, workflow.NewContinueAsNewError(ctx, SatisfactionSweep, p)
	}
	workflow.GetLogger(ctx).Info("satisfaction sweep done", "started", p.Started, "skipped", p.Skipped)
	return satisfaction.SweepResult{Started: p.Started, Skipped: p.Skipped}, nil
}

// startSurveys starts the surveys together as abandoned children and
// waits until each has started or was found started already.
func startSurveys(ctx workflow.Context, surveys []satisfaction.Params, p *satisfaction.SweepParams) error {
	started := make([]workflow.Future, len(surveys))
	for i, sp := range surveys {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            sp.ID,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		started[i] = workflow.ExecuteChildWorkflow(cctx, Survey, sp).GetChildWorkflowExecution()
	}
	for _, f := range started {
		err := f.Get(ctx, nil)
		switch {
		case err == nil:
			p.Started++
		case temporal.IsWorkflowExecutionAlreadyStartedError(err):
			p.Skipped++
		default:
			return err
		}
	}
	return nil
}
