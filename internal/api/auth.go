package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// requireStaff admits a request only with "Authorization: Bearer <token>"
// of a known staff member, who becomes the actor of the request.
func requireStaff(db *gorm.DB) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
			token = strings.TrimSpace(token)
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				return unauthorized(c)
			}
			s, err := models.StaffByToken(c.Request().Context(), db, token)
			if errors.Is(err, models.ErrNotFound) {
				return unauthorized(c)
			}
			if err != nil {
				return err
			}
			c.Set(staffKey, s)
			return next(c)
		}
	}
}

func unauthorized(c echo.Context) *apiError {
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="salesflow"`)
	return fail(http.StatusUnauthorized, codeUnauthorized, "a valid bearer token is required")
}

// staffOf returns the authenticated staff member, or nil before
// authentication.
func staffOf(c echo.Context) *models.Staff {
	s, _ := c.Get(staffKey).(*models.Staff)
	return s
}
