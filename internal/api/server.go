// Package api is the HTTP API of salesflow (Echo v4): deals and complaints
// are driven through their Temporal workflows, lists, history and reports
// come from the read model, and every route is described by the OpenAPI
// document served at GET /api/v1/openapi.json.
package api

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/policy"
)

// Deps are what the API talks to.
type Deps struct {
	// Temporal runs the deal and complaint workflows.
	Temporal client.Client
	// DB is the read model.
	DB *gorm.DB
	// Policy is the deployment's default policy document (version 0),
	// current until an admin saves a version; its zero value means
	// policy.Default(). The current document is read from DB on each request
	// (policy.Current), so API servers share no state.
	Policy policy.Document
	// TaskQueue is the task queue new deal and complaint workflows are
	// started on.
	TaskQueue string
	// Logger receives the request log and errors; nil means slog.Default().
	Logger *slog.Logger
}

// bodyLimit caps every request body.
const bodyLimit = "1M"

// temporalTimeout bounds each call to Temporal made for one request.
const temporalTimeout = 30 * time.Second

// server holds the handlers.
type server struct {
	Deps
	spec []byte // the OpenAPI document as JSON
}

// New builds the API. It panics if the embedded OpenAPI document does not
// load, which the package tests rule out.
func New(d Deps) *echo.Echo {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Policy.Deal.Points == nil && d.Policy.Complaint.Deadlines == nil {
		d.Policy = policy.Default()
	}
	spec, err := specJSON()
	if err != nil {
		panic(fmt.Sprintf("api: embedded OpenAPI document: %v", err))
	}
	s := &server{Deps: d, spec: spec}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = handleError
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(requestID(d.Logger), requestLog(), recoverPanics(), middleware.BodyLimit(bodyLimit))

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/api/v1/openapi.json", s.openAPI)

	v1 := e.Group("/api/v1", requireStaff(d.DB))
	v1.POST("/clients", s.createClient)
	v1.GET("/clients/:id", s.getClient)
	v1.POST("/deals", s.createDeal)
	v1.GET("/deals", s.listDeals)
	v1.GET("/deals/:id", getView(s, deals))
	v1.GET("/deals/:id/actions", listActions(s, deals))
	v1.POST("/deals/:id/actions/:action", doAction(s, deals))
	v1.GET("/deals/:id/history", s.history)
	v1.POST("/complaints", s.createComplaint)
	v1.GET("/complaints", s.listComplaints)
	v1.GET("/complaints/:id", getView(s, complaints))
	v1.GET("/complaints/:id/actions", listActions(s, complaints))
	v1.POST("/complaints/:id/actions/:action", doAction(s, complaints))
	v1.GET("/complaints/:id/history", s.complaintHistory)
	v1.GET("/reports/complaints", s.complaintReport)
	v1.GET("/notifications", s.notifications)
	v1.POST("/notifications/:id/read", s.readNotification)
	v1.GET("/me/preferences", s.preferences)
	v1.PUT("/me/preferences", s.setPreferences)
	v1.GET("/control-points", s.listControlPoints)
	v1.GET("/policy", s.policy)
	v1.PUT("/policy", s.putPolicy)
	return e
}
