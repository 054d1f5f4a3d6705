package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/jwtauth"
	"github.com/salesflow/salesflow/models"
)

// roles are the roles a staff member can have.
var roles = []string{models.RoleSales, models.RoleManager, models.RoleAdmin}

// authenticate admits a request only with "Authorization: Bearer <token>"
// where the token is an opaque API token of an active staff member (not
// expired, not revoked) or, when s.JWT is set, a JWT of the identity
// provider naming an active staff member. That member, with the role the
// token grants, becomes the actor of the request; the token itself is never
// logged or stored.
func (s *server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		header := c.Request().Header.Get(echo.HeaderAuthorization)
		if header == "" {
			if ck, err := c.Cookie(SessionCookie); err == nil && ck.Value != "" {
				return s.sessionAuth(c, ck.Value, next)
			}
		}
		scheme, token, _ := strings.Cut(header, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return unauthorized(c, "a bearer token is required")
		}
		staff, _, err := s.identify(c, token)
		if err != nil {
			return err
		}
		c.Set(staffKey, staff)
		c.Set(tokenKey, models.HashToken(token))
		return next(c)
	}
}

// identify resolves a bearer token, opaque or (when s.JWT is set) a JWT,
// to its active staff member with the role it grants; for a JWT it also
// returns its expiry.
func (s *server) identify(c echo.Context, token string) (*models.Staff, *time.Time, error) {
	if s.JWT != nil && jwtauth.LooksLikeJWT(token) {
		return s.staffByJWT(c, token)
	}
	staff, err := s.staffByToken(c, token)
	return staff, nil, err
}

// staffByToken resolves an opaque API token, through the token cache.
func (s *server) staffByToken(c echo.Context, token string) (*models.Staff, error) {
	now, hash := time.Now(), models.HashToken(token)
	if staff, ok := s.tokens.get(hash, now); ok {
		return staff, nil
	}
	staff, err := models.StaffByToken(c.Request().Context(), s.DB, token, now)
	if err == nil {
		s.tokens.put(hash, staff, now)
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, unauthorized(c, "the token is not valid")
	case errors.Is(err, models.ErrTokenInactive):
		return nil, unauthorized(c, "the token has expired or was revoked")
	}
	return staff, err
}

// staffByJWT resolves a JWT: the staff claim names an active member, and a
// role claim, when the verifier reads one, replaces the member's role. It
// also returns the JWT's expiry.
func (s *server) staffByJWT(c echo.Context, token string) (*models.Staff, *time.Time, error) {
	id, err := s.JWT.Verify(c.Request().Context(), token)
	switch {
	case errors.Is(err, jwtauth.ErrKeysUnavailable):
		logger(c).Error("JWT keys unavailable", "error", err)
		return nil, nil, fail(http.StatusServiceUnavailable, casework.CodeUnavailable, "the identity provider's keys are not available; try again")
	case err != nil:
		logger(c).Info("JWT refused", "error", err)
		return nil, nil, unauthorized(c, "the token is not valid")
	}
	staff, err := models.GetStaff(c.Request().Context(), s.DB, id.StaffID)
	if errors.Is(err, models.ErrNotFound) {
		logger(c).Info("JWT names no staff member", "staff", id.StaffID)
		return nil, nil, unauthorized(c, "the token names no staff member")
	}
	if err != nil {
		return nil, nil, err
	}
	if !staff.Active {
		return nil, nil, unauthorized(c, "the staff member is deactivated")
	}
	if id.Role != "" {
		if !slices.Contains(roles, id.Role) {
			logger(c).Info("JWT carries an unknown role", "role", id.Role)
			return nil, nil, unauthorized(c, "the token carries an unknown role")
		}
		staff.Role = id.Role
	}
	return staff, &id.ExpiresAt, nil
}

func unauthorized(c echo.Context, message string) *apiError {
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="salesflow"`)
	return fail(http.StatusUnauthorized, casework.CodeUnauthorized, message)
}

// staffOf returns the authenticated staff member (with the role of the
// request), or nil before authentication.
func staffOf(c echo.Context) *models.Staff {
	s, _ := c.Get(staffKey).(*models.Staff)
	return s
}
