package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/telemetry"
)

// DecodeBody reads the request body strictly into v, a pointer to a
// struct, as every route of the API does (see decode): a case type's
// Create uses it.
func DecodeBody(c echo.Context, v any) error {
	_, err := decode(c, v)
	return err
}

// Caller returns the ID and role of the staff member making the request.
func Caller(c echo.Context) (id, role string) {
	me := staffOf(c)
	return me.ID, me.Role
}

// createCase answers POST /{Path}: the case type validates the body, and
// the case's workflow starts with update-with-start under an ID derived
// from the caller and the Idempotency-Key, so a retry finds the same case.
func createCase[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		key, err := idempotencyKey(c)
		if err != nil {
			return err
		}
		params, owner, err := k.Create(c)
		if err != nil {
			return err
		}
		id := newID(k.Prefix, owner, key)
		k.SetID(&params, id)
		auditObject(c, k.object(), id, owner)
		view, err := k.start(c, s, id, params)
		if err != nil {
			return err
		}
		if k.Created != nil {
			k.Created(c, params)
		}
		return c.JSON(http.StatusCreated, k.forCaller(c, view))
	}
}

// getView answers GET …/{id} with the case's live view.
func getView[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		view, err := k.query(c, s.Temporal, c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, k.forCaller(c, view))
	}
}

// offered returns the actions the view allows now that a member of role
// may take (the catalogue's Roles, narrowed by MayTake), in catalogue
// order: what the caller is offered.
func (k *CaseType[P, V]) offered(v V, role string) []string {
	names := k.forRole(k.Allowed(v), role)
	if k.MayTake != nil {
		names = slices.DeleteFunc(names, func(name string) bool { return !k.MayTake(v, name, role) })
	}
	return names
}

// forRole keeps those of the named actions that the catalogue lets a
// member of role take.
func (k *CaseType[P, V]) forRole(names []string, role string) []string {
	out := []string{}
	for _, name := range names {
		if a, ok := k.Catalog.Lookup(name); ok && a.Permits(role) {
			out = append(out, name)
		}
	}
	return out
}

// forCaller returns the view as the caller sees it: its allowed actions
// are those the caller's role may take.
func (k *CaseType[P, V]) forCaller(c echo.Context, v V) V {
	if k.SetAllowed != nil {
		k.SetAllowed(&v, k.offered(v, staffOf(c).Role))
	}
	return v
}

// actionJSON is one action allowed now, with its input fields.
type actionJSON struct {
	Name   string           `json:"name"`
	Fields []casework.Field `json:"fields"`
}

// listActions answers GET …/{id}/actions with where the case stands and
// the actions it allows now that the caller's role may take, in catalogue
// order, with their input fields.
func listActions[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		view, err := k.query(c, s.Temporal, c.Param("id"))
		if err != nil {
			return err
		}
		acts := []actionJSON{}
		for _, name := range k.offered(view, staffOf(c).Role) {
			if fields := k.Catalog.Fields(name); fields != nil {
				acts = append(acts, actionJSON{Name: name, Fields: fields})
			}
		}
		out := k.Position(view)
		out["actions"] = acts
		return c.JSON(http.StatusOK, out)
	}
}

// doAction answers POST …/{id}/actions/{action}: the body, strictly
// decoded into the action's input type, goes to the workflow's update of
// that name as the caller's casework.Request; an Idempotency-Key becomes
// the update ID. The checks come in the workflow validator's order: who
// may take the action (403), whether the case allows it now (409), then
// the input (422). Every action of the catalogue is counted with its
// outcome (telemetry.CountAction).
func doAction[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		action, ok := k.Catalog.Lookup(c.Param("action"))
		if !ok {
			return notFound("action " + c.Param("action"))
		}
		defer func() { telemetry.CountAction(k.Noun, action.Name, outcome(err)) }()
		me := staffOf(c)
		if !action.Permits(me.Role) {
			return fail(http.StatusForbidden, casework.CodeForbidden, "only a "+strings.Join(action.Roles, " or an ")+" may "+strings.ReplaceAll(action.Name, "_", " "))
		}
		key, err := idempotencyKey(c)
		if err != nil {
			return err
		}
		body, err := decode(c, reflect.New(reflect.TypeOf(action.Input)).Interface())
		if err == nil {
			err = checkAction(c, s, k, action, body)
		}
		if err != nil {
			return k.precondition(c, s, action.Name, err)
		}
		req := casework.Request{Actor: me.ID, Role: me.Role, Input: body}
		view, err := k.update(c, s.Temporal, c.Param("id"), action.Name, key, req)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, k.forCaller(c, view))
	}
}

// checkAction refuses an input the case type's Check refuses and, for the
// handover action, a target outside the caller's team.
func checkAction[P, V any](c echo.Context, s *server, k *CaseType[P, V], action casework.Action, body json.RawMessage) error {
	if k.Check != nil {
		if err := k.Check(c, action.Name, body); err != nil {
			return err
		}
	}
	if action.Name != k.Handover {
		return nil
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in) // decode has checked it
	target, _ := in[k.HandoverField].(string)
	return s.checkHandover(c, k.HandoverField, target)
}

// precondition answers an action whose input the API refused with
// inputErr: when the input is invalid (400, 422) but the case does not
// allow the action now, that comes first (409 action_not_allowed, saying
// where the case stands and what the caller may do instead), as in the
// workflow's validator. Other refusals (415, 413) stand.
func (k *CaseType[P, V]) precondition(c echo.Context, s *server, action string, inputErr error) error {
	var ae *apiError
	if !errors.As(inputErr, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusUnprocessableEntity) {
		return inputErr
	}
	view, err := k.query(c, s.Temporal, c.Param("id"))
	if err != nil {
		return err
	}
	if slices.Contains(k.Allowed(view), action) {
		return inputErr
	}
	pos := k.Position(view)
	where := make([]string, 0, len(pos))
	for _, name := range slices.Sorted(maps.Keys(pos)) {
		where = append(where, fmt.Sprint(name, " ", pos[name]))
	}
	e := fail(http.StatusConflict, casework.CodeActionNotAllowed,
		"the "+k.Noun+" does not allow "+action+" now ("+strings.Join(where, ", ")+")")
	e.Details = &details{AllowedActions: k.offered(view, staffOf(c).Role)}
	if stage, ok := pos["stage"]; ok {
		e.Details.Stage = fmt.Sprint(stage)
	}
	if step, ok := pos["step"]; ok {
		e.Details.Step = fmt.Sprint(step)
	}
	return e
}

// historyList is the answer of GET …/{id}/history.
type historyList = list[casework.HistoryItem]

// history answers GET …/{id}/history from the read model.
func history[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		events, err := k.History(c.Request().Context(), s.DB, c.Param("id"))
		return answerList(c, events, err, func(ev *casework.HistoryEvent) casework.HistoryItem {
			item := casework.HistoryItem{Seq: ev.Seq, Type: ev.Type, Actor: ev.Actor, At: ev.At.UTC(), Data: ev.Data}
			if k.Where == "step" {
				item.Step = ev.Stage
			} else {
				item.Stage = ev.Stage
			}
			return item
		})
	}
}
