package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/api"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the web app needs: the API's own dependencies (its read
// model for sessions, its JWT verifier and session lifetimes for
// sign-in).
type Deps struct {
	API api.Deps
	// Logger receives errors; nil means API.Logger or slog.Default().
	Logger *slog.Logger
}

// app holds the web handlers.
type app struct {
	Deps
	// api is the echo the pages call in process (the one mounted on).
	api   http.Handler
	pages templates
	// signIns limits sign-in attempts per client address.
	signIns *api.Limiter
}

// Sign-in attempts one client address may make: signInBurst at once, then
// one every 1/signInRate seconds.
const (
	signInRate  = 0.2
	signInBurst = 10
)

// contentSecurity is the Content-Security-Policy of every page: nothing
// but this server's own styles, scripts and images.
const contentSecurity = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Mount serves the web app on e, the API's echo: its pages at /, its
// static files under /static/, HTML error pages for every path outside
// /api/ and the health checks.
func Mount(e *echo.Echo, d Deps) {
	if d.Logger == nil {
		d.Logger = d.API.Logger
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	a := &app{Deps: d, api: e, pages: parseTemplates(), signIns: api.NewLimiter(signInRate, signInBurst)}
	e.HTTPErrorHandler = a.errorHandler(e.HTTPErrorHandler)
	a.routes(e)
}

// routes registers every page. Add a page's routes here (see the package
// doc).
func (a *app) routes(e *echo.Echo) {
	static, _ := fs.Sub(staticFS, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static)))), pageHeaders)
	e.GET("/login", a.loginForm, pageHeaders)
	e.POST("/login", a.login, pageHeaders)
	g := a.pagesGroup(e)
	g.POST("/logout", a.logout)
	g.POST("/lang", a.setLanguage)
	g.GET("/", a.myWork)
	g.GET("/process", a.process)
	g.GET("/pipeline", a.pipeline)
	g.GET("/clients", a.clients)
	g.POST("/clients", a.createClient)
	g.GET("/clients/:id", a.clientPage)
	a.mountKeyAccounts(g)
	g.POST("/clients/:id/contacts", a.addContact)
	g.POST("/clients/:id/complaints", a.registerComplaint)
	g.POST("/clients/:id/qualifications", a.qualify)
	g.POST("/clients/:id/qualifications/:qid/approval", a.approveQualification)
	g.POST("/notifications/:id/read", a.readNotification)
	g.POST("/notifications/read-all", a.readAllNotifications)
	g.GET("/deals/new", a.newDealForm)
	g.POST("/deals", a.createDeal)
	a.caseRoutes(g, a.dealKind())
	g.GET("/complaints", a.listComplaints)
	a.caseRoutes(g, a.complaintKind())
	g.GET("/programmes", a.listProgrammes)
	g.POST("/programmes", a.createProgramme)
	a.caseRoutes(g, a.programmeKind())
	g.GET("/surveys", a.listSurveys)
	a.caseRoutes(g, a.surveyKind())
	g.GET("/reports/satisfaction", a.satisfactionReport)
	g.GET("/reports", a.dashboard)
	g.GET("/reports/:file", a.reportCSV)
	a.adminRoutes(g)
}

// pagesGroup is the group of signed-in pages: page headers, a live session
// (else the sign-in page) and, on POST, the form's CSRF token.
func (a *app) pagesGroup(e *echo.Echo) *echo.Group {
	return e.Group("", pageHeaders, a.requireSession, a.checkCSRF)
}

// pageHeaders replaces the API's Content-Security-Policy (which allows
// nothing) with the pages' own.
func pageHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentSecurityPolicy, contentSecurity)
		return next(c)
	}
}

// isAPIPath is true for the paths the API answers in JSON.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// errorHandler answers errors on web paths with an HTML page (404, 403 or
// a generic error, status kept), and leaves API paths to the API's
// handler next.
func (a *app) errorHandler(next echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if isAPIPath(c.Request().URL.Path) || c.Response().Committed {
			next(err, c)
			return
		}
		status, _, message, unexpected := api.Problem(err)
		if unexpected {
			a.Logger.Error("page failed", "path", c.Request().URL.Path, "error", err)
			message = ""
		}
		c.Response().Header().Set(echo.HeaderContentSecurityPolicy, contentSecurity)
		a.errorPage(c, status, message)
	}
}
