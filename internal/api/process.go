package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/processmap"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

// The process map (docs/design.md): the BPMN 2.0 documents package
// processmap generates, public like the OpenAPI document, and their live
// overlays from the read model, within the caller's scope.

// processBPMN answers GET /api/v1/process/{deal,complaint}.bpmn with the
// generated map; no sign-in is needed for the model itself.
func processBPMN(gen func() (*processmap.Map, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, err := gen()
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
		return c.Blob(http.StatusOK, echo.MIMEApplicationXMLCharsetUTF8, m.XML())
	}
}

// overlayFunc computes a map's overlay within a scope at an instant.
type overlayFunc func(ctx context.Context, db *gorm.DB, scope models.Scope, now time.Time) (*reports.Overlay, error)

// processOverlay answers GET /api/v1/process/{deal,complaint}/overlay
// with the map's live figures per element, within the caller's scope.
func (s *server) processOverlay(fn overlayFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := fn(c.Request().Context(), s.DB, scopeOf(c), time.Now().UTC())
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, o)
	}
}
