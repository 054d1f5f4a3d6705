package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/engine"
)

// temporalCtx bounds one Temporal call made for the request.
func temporalCtx(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), temporalTimeout)
}

// call makes one Temporal call on the case id, bounded by temporalTimeout:
// do fills in the view. An ID of another case type is a 404 without a call.
func (k *CaseType[P, V]) call(c echo.Context, id string, do func(ctx context.Context, view *V) error) (V, error) {
	var view, zero V
	if !k.owns(id) {
		return zero, notFound(k.Noun)
	}
	ctx, cancel := temporalCtx(c)
	defer cancel()
	if err := do(ctx, &view); err != nil {
		return zero, k.fail(c, err)
	}
	return view, nil
}

// query returns the live view of a case from its workflow, once the case
// is opened: a workflow that has started but not yet recorded its opening
// (a complaint a survey has just opened, still being registered) is asked
// again shortly, so a case is never shown half-made.
func (k *CaseType[P, V]) query(c echo.Context, t client.Client, id string) (V, error) {
	return k.call(c, id, func(ctx context.Context, view *V) error {
		for wait := 20 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
			v, err := t.QueryWorkflow(ctx, id, "", engine.QueryView)
			if err == nil {
				err = v.Get(view)
			}
			if err != nil || k.Opened == nil || k.Opened(*view) {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
	})
}

// start starts the case's workflow with update-with-start (or finds the
// one a retry of the same request started) and returns its view once the
// case is in the read model.
func (k *CaseType[P, V]) start(c echo.Context, s *server, id string, params P) (V, error) {
	view, err := k.call(c, id, func(ctx context.Context, view *V) error {
		handle, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
				ID:                       id,
				TaskQueue:                s.TaskQueue,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
				// An ID is never reused: a retry after the workflow finished
				// must find the finished one, not start it again.
				WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
				StaticSummary:         k.summary(c, params),
			}, k.Workflow, params),
			UpdateOptions: client.UpdateWorkflowOptions{
				WorkflowID: id, UpdateName: engine.UpdateOpen, UpdateID: "open",
				WaitForStage: client.WorkflowUpdateStageCompleted,
			},
		})
		if err == nil {
			err = handle.Get(ctx, view)
		}
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			*view, err = k.query(c, s.Temporal, id)
		}
		return err
	})
	return view, err
}

// summary is the static summary of a new case's workflow: its client's
// name (when its Create looked the client up) and its Summary, "" when the
// case type has none.
func (k *CaseType[P, V]) summary(c echo.Context, params P) string {
	if k.Summary == nil {
		return ""
	}
	s := k.Summary(params)
	if name, _ := c.Get(clientNameKey).(string); name != "" {
		s = name + " — " + s
	}
	return s
}

// update sends one action to the case's workflow and returns the new
// view; updateID ("" lets the SDK pick one) makes a retry apply once.
func (k *CaseType[P, V]) update(c echo.Context, t client.Client, id, action, updateID string, req casework.Request) (V, error) {
	return k.call(c, id, func(ctx context.Context, view *V) error {
		handle, err := t.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: action, UpdateID: updateID, Args: []any{req},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = handle.Get(ctx, view)
		}
		return err
	})
}

// fail turns the error of a call on a case's workflow into the API
// error: a validator's refusal keeps its code and details, an unknown
// workflow is a 404, a finished one refuses every action, an unreachable
// workflow service is a 503 unavailable (see Unavailable), and anything
// else is logged and reported as a 502 temporal_unavailable.
func (k *CaseType[P, V]) fail(c echo.Context, err error) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && (appErr.Type() == casework.CodeInvalidInput || appErr.Type() == casework.CodeActionNotAllowed) {
		e := refusal(c, appErr)
		if e.Details != nil && e.Details.AllowedActions != nil {
			e.Details.AllowedActions = k.forRole(e.Details.AllowedActions, staffOf(c).Role)
		}
		return e
	}
	if strings.Contains(err.Error(), "workflow execution already completed") {
		return fail(http.StatusConflict, casework.CodeActionNotAllowed, "the "+k.Noun+" is closed")
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return notFound(k.Noun)
	}
	logger(c).Error("temporal call failed", "error", err)
	if Unavailable(err) {
		return unavailable("the workflow service")
	}
	return fail(http.StatusBadGateway, casework.CodeTemporalUnavailable, "the workflow service failed; try again")
}

// refusal is the API error for an action the workflow refused, with the
// casework.Refusal the validator attached (a complaint's carries no stage).
func refusal(c echo.Context, appErr *temporal.ApplicationError) *apiError {
	var r casework.Refusal
	if appErr.HasDetails() {
		if err := appErr.Details(&r); err != nil {
			logger(c).Warn("refusal details unreadable", "error", err)
		}
	}
	status := http.StatusUnprocessableEntity
	if appErr.Type() == casework.CodeActionNotAllowed {
		status = http.StatusConflict
	}
	msg := r.Message
	if msg == "" {
		msg = appErr.Message()
	}
	e := fail(status, appErr.Type(), msg)
	if r.Stage != "" || r.Step != "" || len(r.Allowed) > 0 || len(r.Fields) > 0 {
		e.Details = &details{Stage: r.Stage, Step: r.Step, AllowedActions: r.Allowed, Fields: r.Fields}
	}
	return e
}
