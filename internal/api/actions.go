package api

import (
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

// actionsJSON is the answer of GET /deals/{id}/actions.
type actionsJSON struct {
	Stage   deal.Stage   `json:"stage"`
	Status  deal.Status  `json:"status"`
	Actions []actionJSON `json:"actions"`
}

// complaintActionsJSON is the answer of GET /complaints/{id}/actions.
type complaintActionsJSON struct {
	Step    complaint.Step   `json:"step"`
	Status  complaint.Status `json:"status"`
	Actions []actionJSON     `json:"actions"`
}

// actionJSON is one action allowed now, with its input fields.
type actionJSON struct {
	Name   string       `json:"name"`
	Fields []deal.Field `json:"fields"`
}

// getView answers GET .../{id} with the subject's live view.
func getView[P, V any](s *server, k *kind[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		view, err := k.query(c, s.Temporal, c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, view)
	}
}

// listActions answers GET .../{id}/actions with the actions the subject
// allows now, in catalog order, with their input fields.
func listActions[P, V any](s *server, k *kind[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		view, err := k.query(c, s.Temporal, c.Param("id"))
		if err != nil {
			return err
		}
		acts := []actionJSON{}
		for _, name := range k.allowed(view) {
			if fields := k.catalog.Fields(name); fields != nil {
				acts = append(acts, actionJSON{Name: name, Fields: fields})
			}
		}
		return c.JSON(http.StatusOK, k.actions(view, acts))
	}
}

// doAction answers POST .../{id}/actions/{action}: the body, strictly
// decoded into the action's input type, goes to the workflow's update of
// that name as the caller's deal.Request; an Idempotency-Key becomes the
// update ID.
func doAction[P, V any](s *server, k *kind[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		action := c.Param("action")
		t := k.catalog.InputType(action)
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
		if action == k.handover {
			var in map[string]any
			_ = json.Unmarshal(body, &in) // decode has checked it
			target, _ := in[k.handoverField].(string)
			if err := s.checkHandover(c, k.handoverField, target); err != nil {
				return err
			}
		}
		staff := staffOf(c)
		req := deal.Request{Actor: staff.ID, Role: staff.Role, Input: body}
		view, err := k.update(c, s.Temporal, c.Param("id"), action, key, req)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, view)
	}
}
