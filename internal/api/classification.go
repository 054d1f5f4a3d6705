package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/workflows"
)

// classificationRun is the answer of POST /classification/run.
type classificationRun struct {
	// WorkflowID names the day's run (the day's runs share it); RunID is
	// its Temporal run.
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	// Date is the day (UTC) the run classifies as of.
	Date string `json:"date"`
	// AlreadyStarted is set when an earlier call started the day's run.
	AlreadyStarted bool `json:"already_started"`
}

// classificationRunID is the workflow ID of the run an admin starts on
// day: one per day and task queue (deployments sharing a Temporal
// namespace run on task queues of their own), so a second call the same
// day finds the first run.
func classificationRunID(taskQueue string, day time.Time) string {
	return workflows.ClassificationScheduleID + "-" + taskQueue + "-run-" + day.Format(time.DateOnly)
}

// runClassification starts the client classification (workflows.Classification)
// now, once per UTC day: a workflow ID derived from the day, never
// reused, so a repeated call answers with the day's run instead of
// starting another. The nightly schedule's runs have IDs of their own; the
// classification itself is idempotent per day (classify.Run), so a manual
// and a scheduled run of the same day store one result.
func (s *server) runClassification(c echo.Context) error {
	day := classify.Day(time.Now())
	out := classificationRun{WorkflowID: classificationRunID(s.TaskQueue, day), Date: day.Format(time.DateOnly)}
	ctx, cancel := temporalCtx(c)
	defer cancel()
	run, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: out.WorkflowID, TaskQueue: s.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// A running day's run is an error too, so it is told apart.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.Classification)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &started):
		out.RunID, out.AlreadyStarted = started.RunId, true
	case err != nil:
		logger(c).Error("start classification", "error", err)
		return fail(http.StatusServiceUnavailable, casework.CodeTemporalUnavailable, "the workflow service is not available; try again")
	default:
		out.RunID = run.GetRunID()
	}
	return c.JSON(http.StatusAccepted, out)
}
