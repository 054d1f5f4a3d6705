package api

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// CaseType is one kind of case the API drives through the generic case
// routes under /api/v1/{Path}: create, list, get, actions, act and
// history. P are the workflow's start parameters and V its view. The
// workflow answers the query engine.QueryView and the update
// engine.UpdateOpen with its view, and has one update per action of
// Catalog taking a casework.Request and returning the new view (the
// engine's Register installs them). Deals and complaints are case types;
// a new one is a value of this type passed in Deps.Cases.
type CaseType[P, V any] struct {
	// Noun names the case in messages, authorization and the audit trail
	// ("deal": object type deal, audit actions deal.create, deal.<action>).
	Noun string
	// Path is the routes' collection name, e.g. "deals".
	Path string
	// Prefix starts the ID of every case of the type; an ID without it
	// names no such case (all workflows share one namespace).
	Prefix string
	// Workflow is the workflow function started for a new case.
	Workflow func(workflow.Context, P) (V, error)
	// Catalog is the case type's action catalogue.
	Catalog casework.Catalog
	// Allowed returns the actions the view allows now, whoever asks;
	// SetAllowed, when set, replaces them in a view shown to a caller with
	// those the caller's role may take (see offered).
	Allowed    func(V) []string
	SetAllowed func(*V, []string)
	// MayTake, when set, narrows who may take an action on the case as it
	// stands, beyond the catalogue's Roles (a complaint's close without
	// corrective actions is a manager's decision). Nil: the catalogue
	// decides.
	MayTake func(v V, action, role string) bool
	// Position is where the case stands, as GET …/actions shows it above
	// the actions (for example the stage and the status).
	Position func(V) map[string]any
	// Owner is the staff member a case belongs to, read from its view.
	Owner func(V) string
	// Opened reports whether the workflow has opened the case (recorded
	// its first event); until then the view is not shown. Nil: always.
	Opened func(V) bool
	// Create validates the body of POST /{Path} and returns the new case's
	// parameters and its owner; SetID gives them the case's ID; Created,
	// when set, runs once the case has started.
	Create  func(c echo.Context) (P, string, error)
	SetID   func(p *P, id string)
	Created func(c echo.Context, p P)
	// Summary, when set, names a new case in one line (a deal's title);
	// with its client's name it is the workflow's static summary, which
	// the Temporal Web UI lists.
	Summary func(p P) string
	// Handover names the action that hands the case to another member and
	// its input field naming that member ("" when there is none).
	Handover, HandoverField string
	// Check, when set, checks an action's input against what only the API
	// knows — the policy document's catalogues, the staff directory —
	// before the workflow sees it; it gets the action's name and body.
	Check func(c echo.Context, action string, body json.RawMessage) error
	// Stored reads the case's owner from the read model, models.ErrNotFound
	// when it has no row yet (the workflow is asked then).
	Stored func(ctx context.Context, db *gorm.DB, id string) (string, error)
	// Sees, when set, reports whether a staff member outside the owner's
	// scope takes part in the case and so sees it (a programme's
	// interviewer).
	Sees func(ctx context.Context, db *gorm.DB, id, staffID string) (bool, error)
	// List answers GET /{Path} within the caller's scope.
	List echo.HandlerFunc
	// History reads the case's history from the read model; Where names
	// the history items' field for the stage or step ("stage", "step").
	History func(ctx context.Context, db *gorm.DB, id string) ([]casework.HistoryEvent, error)
	Where   string
}

// Case is a case type the API serves: a *CaseType of any parameters and
// view.
type Case interface {
	// object is the case type's object type for authorization and audit.
	object() objectType
	// mount registers the case routes.
	mount(s *server, route routeFunc)
	// ownerOf returns the owner of the case with the given ID.
	ownerOf(c echo.Context, s *server, id string) (string, error)
	// takesPart reports whether the caller takes part in the case (Sees).
	takesPart(c echo.Context, s *server, id string) (bool, error)
}

// routeFunc registers one route of /api/v1 with its rule.
type routeFunc func(method, path string, h echo.HandlerFunc, ru rule)

func (k *CaseType[P, V]) object() objectType { return objectType(k.Noun) }

// mount registers the six case routes of k.
func (k *CaseType[P, V]) mount(s *server, route routeFunc) {
	obj, base := k.object(), "/"+k.Path
	route("POST", base, s.idempotent(createCase(s, k)), rule{audit: k.Noun + ".create"})
	route("GET", base, k.List, rule{})
	route("GET", base+"/:id", getView(s, k), rule{object: obj})
	route("GET", base+"/:id/actions", listActions(s, k), rule{object: obj})
	route("POST", base+"/:id/actions/:action", doAction(s, k), rule{object: obj, audit: k.Noun + ".{action}"})
	route("GET", base+"/:id/history", history(s, k), rule{object: obj})
}

// owns reports whether id can name a case of the type: a deal's ID never
// reaches the complaint routes' workflow calls, nor the reverse.
func (k *CaseType[P, V]) owns(id string) bool { return strings.HasPrefix(id, k.Prefix) }

// ownerOf returns the owner of the case with the given ID: from the read
// model or, when it is not there yet, from its workflow.
func (k *CaseType[P, V]) ownerOf(c echo.Context, s *server, id string) (string, error) {
	owner, err := k.Stored(c.Request().Context(), s.DB, id)
	if !errors.Is(err, models.ErrNotFound) {
		return owner, err
	}
	v, err := k.query(c, s.Temporal, id)
	if err != nil {
		return "", err
	}
	return k.Owner(v), nil
}

// takesPart reports whether the caller takes part in the case with the
// given ID: false for a case type without Sees.
func (k *CaseType[P, V]) takesPart(c echo.Context, s *server, id string) (bool, error) {
	if k.Sees == nil {
		return false, nil
	}
	return k.Sees(c.Request().Context(), s.DB, id, staffOf(c).ID)
}

// creates is a CaseType's Create from a function validating the decoded
// body In into the case's parameters, and the parameters' owner.
func creates[In, P any](params func(echo.Context, In) (P, error), owner func(P) string) func(echo.Context) (P, string, error) {
	return func(c echo.Context) (P, string, error) {
		var in In
		if err := DecodeBody(c, &in); err != nil {
			var zero P
			return zero, "", err
		}
		p, err := params(c, in)
		return p, owner(p), err
	}
}

// storedOwner is a CaseType's Stored from its read-model row's getter and
// the row's owner.
func storedOwner[R any](get func(context.Context, *gorm.DB, string) (*R, error), owner func(*R) string) func(context.Context, *gorm.DB, string) (string, error) {
	return func(ctx context.Context, db *gorm.DB, id string) (string, error) {
		row, err := get(ctx, db, id)
		if err != nil {
			return "", err
		}
		return owner(row), nil
	}
}

// checksInput is a CaseType's Check of one action, whose input the
// catalogue declares as T: that action's body, which decode has checked,
// goes to check as a T; every other action passes.
func checksInput[T any](action string, check func(echo.Context, T) error) func(echo.Context, string, json.RawMessage) error {
	return func(c echo.Context, name string, body json.RawMessage) error {
		if name != action {
			return nil
		}
		var in T
		_ = json.Unmarshal(body, &in) // decode has checked it
		return check(c, in)
	}
}

// caseHistory is a CaseType's History from its read model's history of
// event rows.
func caseHistory[E interface{ Event() casework.HistoryEvent }](read func(context.Context, *gorm.DB, string) ([]E, error)) func(context.Context, *gorm.DB, string) ([]casework.HistoryEvent, error) {
	return func(ctx context.Context, db *gorm.DB, id string) ([]casework.HistoryEvent, error) {
		rows, err := read(ctx, db, id)
		events := make([]casework.HistoryEvent, len(rows))
		for i, row := range rows {
			events[i] = row.Event()
		}
		return events, err
	}
}
