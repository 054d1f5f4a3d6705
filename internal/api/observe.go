package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/salesflow/salesflow/internal/telemetry"
)

// traced runs every request in a server span of tp named by its method and
// route template, continuing a trace the caller's traceparent header
// carries; the span ends with the status the error handler chose. Calls to
// Temporal made for the request are its children (telemetry.Instrument),
// and the request's log lines carry its trace_id (telemetry.LogHandler).
func traced(tp trace.TracerProvider) echo.MiddlewareFunc {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	tracer := tp.Tracer("github.com/salesflow/salesflow/internal/api")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			ctx := telemetry.Propagator.Extract(req.Context(), propagation.HeaderCarrier(req.Header))
			ctx, span := tracer.Start(ctx, req.Method, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.request.method", req.Method), attribute.String("url.path", req.URL.Path)))
			defer span.End()
			c.SetRequest(req.WithContext(ctx))
			err := next(c)
			status := answered(c, err)
			span.SetName(req.Method + " " + route(c))
			span.SetAttributes(attribute.String("http.route", route(c)), attribute.Int("http.response.status_code", status))
			if status >= http.StatusInternalServerError {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			return err
		}
	}
}

// measured counts every request by method, route template and status and
// times it (telemetry.ObserveRequest).
func measured() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			telemetry.ObserveRequest(c.Request().Method, route(c), answered(c, err), time.Since(start))
			return err
		}
	}
}

// answered is the status of the request's answer: the one written, or the
// one the error handler will write for err.
func answered(c echo.Context, err error) int {
	if c.Response().Committed || err == nil {
		return c.Response().Status
	}
	ae, _ := asAPIError(err)
	return ae.Status
}

// route is the request's route template, "unmatched" for a path no route
// takes (a label must not carry paths).
func route(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}

// outcome is an action's outcome for telemetry.CountAction: applied, or
// the code of the error the API answers with.
func outcome(err error) string {
	if err == nil {
		return "applied"
	}
	ae, _ := asAPIError(err)
	return ae.Code
}
