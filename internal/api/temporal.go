package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/workflows"
)

// temporalCtx bounds one Temporal call made for the request.
func temporalCtx(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), temporalTimeout)
}

// queryView returns the live view of a deal from its workflow.
func (s *server) queryView(c echo.Context, id string) (deal.View, error) {
	ctx, cancel := temporalCtx(c)
	defer cancel()
	var view deal.View
	v, err := s.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryView)
	if err == nil {
		err = v.Get(&view)
	}
	if err != nil {
		return deal.View{}, temporalError(c, err)
	}
	return view, nil
}

// temporalError turns the error of a call on a deal's workflow into the API
// error: a validator's refusal keeps its code and details, an unknown
// workflow is a 404, a finished one refuses every action, and anything else
// is logged and reported as the workflow service being unavailable.
func temporalError(c echo.Context, err error) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && (appErr.Type() == deal.CodeInvalidInput || appErr.Type() == deal.CodeActionNotAllowed) {
		return refusal(c, appErr)
	}
	if strings.Contains(err.Error(), "workflow execution already completed") {
		return fail(http.StatusConflict, deal.CodeActionNotAllowed, "the deal is closed")
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return notFound("deal")
	}
	logger(c).Error("temporal call failed", "error", err)
	status := http.StatusBadGateway
	var unavailable *serviceerror.Unavailable
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	if errors.As(err, &unavailable) || errors.As(err, &timeout) || errors.Is(err, context.DeadlineExceeded) {
		status = http.StatusServiceUnavailable
	}
	return fail(status, codeTemporalUnavailable, "the workflow service is not available; try again")
}

// refusal is the API error for an action the workflow refused, with the
// deal.Refusal the validator attached.
func refusal(c echo.Context, appErr *temporal.ApplicationError) error {
	var r deal.Refusal
	if appErr.HasDetails() {
		if err := appErr.Details(&r); err != nil {
			logger(c).Warn("refusal details unreadable", "error", err)
		}
	}
	status := http.StatusUnprocessableEntity
	if appErr.Type() == deal.CodeActionNotAllowed {
		status = http.StatusConflict
	}
	msg := r.Message
	if msg == "" {
		msg = appErr.Message()
	}
	e := fail(status, appErr.Type(), msg)
	if r.Stage != "" || len(r.Allowed) > 0 || len(r.Fields) > 0 {
		e.Details = &details{Stage: r.Stage, AllowedActions: r.Allowed, Fields: r.Fields}
	}
	return e
}
