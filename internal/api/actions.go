package api

import (
	"net/http"
	"reflect"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/deal"
)

// actionsJSON is the answer of GET /deals/{id}/actions.
type actionsJSON struct {
	Stage   deal.Stage   `json:"stage"`
	Status  deal.Status  `json:"status"`
	Actions []actionJSON `json:"actions"`
}

// actionJSON is one action allowed now, with its input fields.
type actionJSON struct {
	Name   string       `json:"name"`
	Fields []deal.Field `json:"fields"`
}

func (s *server) listActions(c echo.Context) error {
	view, err := s.queryView(c, c.Param("id"))
	if err != nil {
		return err
	}
	out := actionsJSON{Stage: view.Stage, Status: view.Status, Actions: []actionJSON{}}
	for _, name := range view.AllowedActions {
		if fields := deal.Inputs.Fields(name); fields != nil {
			out.Actions = append(out.Actions, actionJSON{Name: name, Fields: fields})
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *server) doAction(c echo.Context) error {
	action := c.Param("action")
	t := deal.Inputs.InputType(action)
	if t == nil {
		return notFound("action " + action)
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	body, err := decode(c, reflect.New(t).Interface())
	if err != nil {
		return err
	}
	ctx, cancel := temporalCtx(c)
	defer cancel()
	var view deal.View
	handle, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   c.Param("id"),
		UpdateName:   action,
		UpdateID:     key,
		Args:         []any{deal.Request{Actor: staffOf(c).ID, Role: staffOf(c).Role, Input: body}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, &view)
	}
	if err != nil {
		return temporalError(c, err)
	}
	return c.JSON(http.StatusOK, view)
}
