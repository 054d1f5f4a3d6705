// Package api is the HTTP API of salesflow (Echo v4): deals and complaints
// are driven through their Temporal workflows, lists, history and reports
// come from the read model, and every route is described by the OpenAPI
// document served at GET /api/v1/openapi.json.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/internal/jwtauth"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/processmap"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
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
	// JWT verifies bearer JWTs of the identity provider; nil accepts only
	// opaque API tokens.
	JWT *jwtauth.Verifier
	// Cases are case types served besides deals and complaints, through
	// the same generic case routes.
	Cases []Case
	// RateLimit is the number of requests per second one bearer token may
	// make on average, in bursts of up to RateBurst; 0 means no limit.
	RateLimit float64
	RateBurst int
	// IdempotencyTTL is how long an Idempotency-Key of a creating request
	// is remembered; 0 means DefaultIdempotencyTTL.
	IdempotencyTTL time.Duration
	// TokenCacheTTL is how long this server remembers which staff member
	// an opaque API token names; 0 looks the token up on every request. A
	// revocation or staff change made through another API server takes
	// effect here within it.
	TokenCacheTTL time.Duration
	// Metrics, when set, answers GET /metrics without a token (see
	// telemetry.Handler); nil serves no metrics on the API's listener
	// (METRICS_ADDR moves them to a listener of their own).
	Metrics http.Handler
	// Tracer records the requests' spans; nil means OpenTelemetry's global
	// tracer provider.
	Tracer trace.TracerProvider
	// Documents keeps the deals' generated documents; nil keeps them in
	// the read model (documents.DBStore).
	Documents documents.Store
	// SessionIdle and SessionMax end web app sessions (the cookie
	// SessionCookie) idle that long or that old; 0 means DefaultSessionIdle
	// and DefaultSessionMax.
	SessionIdle, SessionMax time.Duration
}

// bodyLimit caps every request body.
const bodyLimit = "1M"

// temporalTimeout bounds each call to Temporal made for one request.
const temporalTimeout = 30 * time.Second

// server holds the handlers.
type server struct {
	Deps
	spec []byte // the OpenAPI document as JSON
	// cases are the case types served, by object type.
	cases map[objectType]Case
	// keys are the Idempotency-Keys of creating requests (idempotent).
	keys *keys
	// tokens caches opaque API tokens' lookups (Deps.TokenCacheTTL).
	tokens *tokenCache
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
	if d.IdempotencyTTL <= 0 {
		d.IdempotencyTTL = DefaultIdempotencyTTL
	}
	s := &server{Deps: d, spec: spec, cases: map[objectType]Case{}, keys: &keys{ttl: d.IdempotencyTTL}, tokens: &tokenCache{ttl: d.TokenCacheTTL}}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = handleError
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(traced(d.Tracer), requestID(d.Logger), measured(), requestLog(), recoverPanics(), secureHeaders(), middleware.BodyLimit(bodyLimit))

	e.GET("/healthz", s.healthz)
	if d.Metrics != nil {
		e.GET("/metrics", echo.WrapHandler(d.Metrics))
	}
	e.GET("/readyz", s.readyz)
	e.GET("/api/v1/openapi.json", s.openAPI)
	e.GET("/api/v1/process/deal.bpmn", processBPMN(processmap.Deal))
	e.GET("/api/v1/process/complaint.bpmn", processBPMN(processmap.Complaint))

	v1 := e.Group("/api/v1", s.authenticate, NewLimiter(d.RateLimit, d.RateBurst).limit)
	s.mount(v1)
	return e
}

// mount registers the routes of /api/v1 on v1, each behind its
// authorization rule and, where it changes something, its audit entry.
func (s *server) mount(v1 *echo.Group) {
	r := func(method, path string, h echo.HandlerFunc, ru rule) {
		mw := []echo.MiddlewareFunc{s.authorize(ru)}
		if ru.audit != "" {
			mw = []echo.MiddlewareFunc{s.audit(ru.audit), s.authorize(ru)}
		}
		v1.Add(method, path, h, mw...)
	}
	s.clientAndCaseRoutes(r)
	s.reportRoutes(r)
	s.adminRoutes(r)
	s.mountDocuments(r)
}

// clientAndCaseRoutes registers the clients, their qualifications and the
// generic routes of every case type (deals, complaints, programmes and the
// ones in Deps.Cases).
func (s *server) clientAndCaseRoutes(r routeFunc) {
	r("POST", "/clients", s.idempotent(s.createClient), rule{audit: "client.create"})
	r("GET", "/clients", s.listClients, rule{})
	r("GET", "/clients/:id", s.getClient, rule{object: objClient})
	r("POST", "/clients/:id/contacts", s.idempotent(s.createContact), rule{object: objClient, audit: "contact.create"})
	r("PATCH", "/clients/:id/contacts/:contact_id", s.updateContact, rule{object: objClient, audit: "contact.update"})
	s.qualificationRoutes(r)
	for _, k := range append([]Case{s.dealCase(), s.complaintCase(), s.programmeCase(), s.surveyCase()}, s.Deps.Cases...) {
		s.cases[k.object()] = k
		k.mount(s, r)
	}
	r("GET", "/interviews", s.listInterviews, rule{})
}

// reportRoutes registers the managers' reports.
func (s *server) reportRoutes(r routeFunc) {
	r("GET", "/reports/complaints", scopeReport(s, reportPeriod, models.ComplaintReport), rule{})
	r("GET", "/reports/funnel", periodReport(s, "funnel", s.funnelReport), rule{})
	r("GET", "/reports/losses", periodReport(s, "losses", s.lossesReport), rule{})
	r("GET", "/reports/kpi", periodReport(s, "kpi", s.kpiReport), rule{})
	r("GET", "/reports/stuck", periodReport(s, "stuck", s.stuckReport), rule{})
	r("GET", "/reports/roadmap", s.roadmapReport, rule{})
	r("GET", "/reports/clients", s.clientsReport, rule{})
	r("GET", "/reports/clients/:id/history", s.clientClassHistory, rule{})
	r("GET", "/reports/clients-without-next-contact", s.clientsWithoutNextContact, rule{})
	r("GET", "/reports/satisfaction", s.satisfactionReport, rule{})
	s.keyAccountRoutes(r)
	r("POST", "/classification/run", s.runClassification, rule{roles: adminsOnly, audit: "classification.run"})
}

// adminRoutes registers notifications, preferences, control points, the
// process overlays, the policy, staff, tokens and the audit log.
func (s *server) adminRoutes(r routeFunc) {
	r("GET", "/notifications", s.notifications, rule{})
	r("POST", "/notifications/:id/read", s.readNotification, rule{audit: "notification.read"})
	r("POST", "/notifications/read-all", s.readAllNotifications, rule{audit: "notification.read_all"})
	r("GET", "/me/preferences", s.preferences, rule{})
	r("PUT", "/me/preferences", s.setPreferences, rule{audit: "preferences.update"})
	r("GET", "/control-points", s.listControlPoints, rule{})
	r("GET", "/process/deal/overlay", s.processOverlay(reports.DealOverlay), rule{})
	r("GET", "/process/complaint/overlay", s.processOverlay(reports.ComplaintOverlay), rule{})
	r("GET", "/policy", s.policy, rule{})
	r("PUT", "/policy", s.putPolicy, rule{roles: adminsOnly, audit: "policy.update"})
	r("GET", "/staff", s.listStaff, rule{roles: managersAdmins})
	r("POST", "/staff", s.idempotent(s.createStaff), rule{roles: adminsOnly, audit: "staff.create"})
	r("GET", "/staff/:id", s.getStaff, rule{roles: managersAdmins, object: objStaff})
	r("PATCH", "/staff/:id", s.updateStaff, rule{roles: adminsOnly, object: objStaff, audit: "staff.update"})
	r("GET", "/staff/:id/tokens", s.listTokens, rule{roles: adminsOnly, object: objStaff})
	r("POST", "/staff/:id/tokens", s.idempotent(s.issueToken, withoutSecret), rule{roles: adminsOnly, object: objStaff, audit: "token.issue"})
	r("DELETE", "/staff/:id/tokens/:token", s.revokeToken, rule{roles: adminsOnly, object: objStaff, audit: "token.revoke"})
	r("GET", "/audit", s.listAudit, rule{roles: managersAdmins})
}
