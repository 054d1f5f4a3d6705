package api

import (
	"log/slog"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Keys of values kept in the echo context.
const (
	loggerKey = "salesflow.logger"
	staffKey  = "salesflow.staff"
	tokenKey  = "salesflow.token"  // hash of the request's bearer token
	scopeKey  = "salesflow.scope"  // the caller's models.Scope
	objectKey = "salesflow.object" // the objectType of the route's :id
	ownerKey  = "salesflow.owner"  // the owner of the route's object
	auditKey  = "salesflow.audit"  // the object a handler names for the audit
	// clientNameKey is the name of the client a new case is for, for its
	// workflow's summary.
	clientNameKey = "salesflow.client_name"
)

// validRequestID accepts a caller's X-Request-ID only when it is short and
// plain, so it is safe to echo and log.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// requestID gives every request an ID (the caller's X-Request-ID when
// valid), returns it in the response header and keeps a logger carrying it.
func requestID(base *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !validRequestID.MatchString(id) {
				id = randomHex(16)
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			c.Set(loggerKey, base.With("request_id", id))
			return next(c)
		}
	}
}

// logger returns the request's logger (with its request ID).
func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// requestLog writes one structured line per request once the error handler
// has chosen its status.
func requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true,
		LogMethod:    true,
		LogURIPath:   true,
		LogRoutePath: true,
		LogStatus:    true,
		LogLatency:   true,
		LogRemoteIP:  true,
		LogError:     true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []any{
				"method", v.Method, "path", v.URIPath, "route", v.RoutePath,
				"status", v.Status, "latency", v.Latency, "remote_ip", v.RemoteIP,
			}
			if s := staffOf(c); s != nil {
				attrs = append(attrs, "staff", s.ID)
			}
			level := slog.LevelInfo
			if v.Status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			if v.Error != nil {
				attrs = append(attrs, "error", v.Error.Error())
			}
			logger(c).Log(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// recoverPanics turns a panic into an error for the error handler (a
// generic 500) and logs its stack; nothing of it reaches the user.
func recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableErrorHandler: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			logger(c).Error("panic", "error", err, "stack", string(stack))
			return err
		},
	})
}

// secureHeaders sets the security headers of every answer: the API serves
// JSON only, so nothing may frame, sniff or embed it, and no answer is
// cached or leaks a referrer.
func secureHeaders() echo.MiddlewareFunc {
	secure := middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000,
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
		ReferrerPolicy:        "no-referrer",
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return secure(func(c echo.Context) error {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
			return next(c)
		})
	}
}
