package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// rule says who may call a route; every route of /api/v1 is registered
// with one (see server.route), so authorization has one place:
//
//   - roles: the roles allowed at all (nil: every role); any other role
//     gets 403 forbidden.
//   - object: the kind of object the route's :id names; the caller must be
//     able to see it (its owner is in the caller's scope), otherwise the
//     answer is 404, exactly as for an object that does not exist, so IDs
//     cannot be probed.
//   - audit: the action a state-changing route records in the audit trail
//     ("{action}" stands for the route's :action); "" for reads.
type rule struct {
	roles  []string
	object objectType
	audit  string
}

// objectType is a kind of object a route's :id names.
type objectType string

// Object types, also the audit entries' object types.
const (
	objClient       objectType = "client"
	objContact      objectType = "contact"
	objStaff        objectType = "staff"
	objToken        objectType = "token"
	objPolicy       objectType = "policy"
	objNotification objectType = "notification"
)

// Role sets of rules.
var (
	anyone         []string // every role
	managersAdmins = []string{models.RoleManager, models.RoleAdmin}
	adminsOnly     = []string{models.RoleAdmin}
)

// authorize enforces r before the handler runs and keeps the caller's
// scope (and the owner of the route's object) for the handler.
func (s *server) authorize(r rule) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			me := staffOf(c)
			if r.object != "" {
				c.Set(objectKey, r.object)
			}
			if r.roles != nil && !slices.Contains(r.roles, me.Role) {
				return fail(http.StatusForbidden, casework.CodeForbidden, "this needs the role "+strings.Join(r.roles, " or "))
			}
			scope, err := models.ScopeOf(c.Request().Context(), s.DB, me)
			if err != nil {
				return err
			}
			c.Set(scopeKey, scope)
			if r.object == "" {
				return next(c)
			}
			owner, err := s.ownerOf(c, r.object, c.Param("id"), scope)
			if err != nil {
				return err
			}
			c.Set(ownerKey, owner)
			return next(c)
		}
	}
}

// ownerOf returns the staff member owning the object of type t with the
// given ID, or a 404 when it does not exist or is outside scope. A client
// is owned by whoever created it, and is also seen by those with a deal
// of it in scope. A deal or complaint not yet in the read model (a
// complaint a survey has just opened) is looked up in its workflow.
func (s *server) ownerOf(c echo.Context, t objectType, id string, scope models.Scope) (string, error) {
	ctx := c.Request().Context()
	var owner string
	var err error
	switch t {
	case objClient:
		var cl *models.Client
		if cl, err = models.GetClient(ctx, s.DB, id); err == nil {
			owner = cl.CreatedBy
			var seen bool
			if seen, err = models.ClientInScope(ctx, s.DB, id, scope); err == nil && seen {
				return owner, nil
			}
		}
	case objStaff:
		var st *models.Staff
		if st, err = models.GetStaff(ctx, s.DB, id); err == nil {
			owner = st.ID
		}
	default:
		k, ok := s.cases[t]
		if !ok {
			panic("api: no owner lookup for " + string(t))
		}
		owner, err = k.ownerOf(c, s, id)
		if err == nil && !scope.Includes(owner) {
			var part bool
			if part, err = k.takesPart(c, s, id); part {
				return owner, nil
			}
		}
	}
	if err == nil && !scope.Includes(owner) {
		err = models.ErrNotFound
	}
	return owner, notFoundOr(err, t)
}

// notFoundOr turns ErrNotFound into the 404 of object type t.
func notFoundOr(err error, t objectType) error {
	if errors.Is(err, models.ErrNotFound) {
		return notFound(string(t))
	}
	return err
}

// scopeOf returns the caller's scope, kept by authorize.
func scopeOf(c echo.Context) models.Scope {
	s, _ := c.Get(scopeKey).(models.Scope)
	return s
}

// ownerOfRoute returns the owner of the route's object, kept by authorize.
func ownerOfRoute(c echo.Context) string {
	s, _ := c.Get(ownerKey).(string)
	return s
}

// checkHandover authorizes handing a case to staff member target (named
// by the input field): only to an active member of the caller's scope (a
// manager's team, themself included). The catalogue lets only managers and
// admins hand over.
func (s *server) checkHandover(c echo.Context, field, target string) error {
	st, err := models.GetStaff(c.Request().Context(), s.DB, target)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if err != nil || !st.Active || !scopeOf(c).Includes(target) {
		return invalidFields(map[string]string{field: "must be an active member of your team"})
	}
	return nil
}
