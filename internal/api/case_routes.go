package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
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
		return c.JSON(http.StatusCreated, view)
	}
}

// getView answers GET …/{id} with the case's live view.
func getView[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		view, err := k.query(c, s.Temporal, c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, view)
	}
}

// actionJSON is one action allowed now, with its input fields.
type actionJSON struct {
	Name   string           `json:"name"`
	Fields []casework.Field `json:"fields"`
}

// listActions answers GET …/{id}/actions with where the case stands and
// the actions it allows now, in catalogue order, with their input fields.
func listActions[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		view, err := k.query(c, s.Temporal, c.Param("id"))
		if err != nil {
			return err
		}
		acts := []actionJSON{}
		for _, name := range k.Allowed(view) {
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
// the update ID.
func doAction[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		action, ok := k.Catalog.Lookup(c.Param("action"))
		if !ok {
			return notFound("action " + c.Param("action"))
		}
		key, err := idempotencyKey(c)
		if err != nil {
			return err
		}
		body, err := decode(c, reflect.New(reflect.TypeOf(action.Input)).Interface())
		if err != nil {
			return err
		}
		if err := checkAction(c, s, k, action, body); err != nil {
			return err
		}
		me := staffOf(c)
		req := casework.Request{Actor: me.ID, Role: me.Role, Input: body}
		view, err := k.update(c, s.Temporal, c.Param("id"), action.Name, key, req)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, view)
	}
}

// checkAction refuses an action the caller's role may not take, an input
// the case type's Check refuses and, for the handover action, a target
// outside the caller's team.
func checkAction[P, V any](c echo.Context, s *server, k *CaseType[P, V], action casework.Action, body json.RawMessage) error {
	if !action.Permits(staffOf(c).Role) {
		return fail(http.StatusForbidden, casework.CodeForbidden, "only a "+strings.Join(action.Roles, " or an ")+" may "+strings.ReplaceAll(action.Name, "_", " "))
	}
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

// historyList is the answer of GET …/{id}/history.
type historyList = list[historyItem]

// historyItem is one entry of a case's history: when, who, what, and the
// stage (of a deal) or step (of a complaint) the case was in.
type historyItem struct {
	Seq   int       `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Type  string    `json:"type"`
	Stage string    `json:"stage,omitempty"`
	Step  string    `json:"step,omitempty"`
	// Data is the event's own JSON, null when it has none.
	Data json.RawMessage `json:"data"`
}

// history answers GET …/{id}/history from the read model.
func history[P, V any](s *server, k *CaseType[P, V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		events, err := k.History(c.Request().Context(), s.DB, c.Param("id"))
		return answerList(c, events, err, func(ev *casework.HistoryEvent) historyItem {
			item := historyItem{Seq: ev.Seq, Type: ev.Type, Actor: ev.Actor, At: ev.At.UTC(), Data: ev.Data}
			if k.Where == "step" {
				item.Step = ev.Stage
			} else {
				item.Stage = ev.Stage
			}
			return item
		})
	}
}
