package api

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/casework"
)

// apiError is an error a handler returns to send a specific error response.
type apiError struct {
	Status  int      `json:"-"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Details *details `json:"details,omitempty"`
	// RequestID is the request's X-Request-ID, to quote when reporting a
	// problem.
	RequestID string `json:"request_id,omitempty"`
}

// details say what exactly went wrong; every part is optional.
type details struct {
	// Fields maps each failing input field (a JSON path) to its problem.
	Fields map[string]string `json:"fields,omitempty"`
	// Stage (a deal's) or Step (a complaint's) and AllowedActions explain a
	// refused action.
	Stage          string   `json:"stage,omitempty"`
	Step           string   `json:"step,omitempty"`
	AllowedActions []string `json:"allowed_actions,omitempty"`
	// Dependencies names the dependencies that are not reachable.
	Dependencies []string `json:"dependencies,omitempty"`
}

// Error returns the code and message.
func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error *apiError `json:"error"`
}

func fail(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

func notFound(what string) *apiError {
	return fail(http.StatusNotFound, casework.CodeNotFound, what+" not found")
}

// invalidFields is a 422 invalid_input naming every failing field.
func invalidFields(fields map[string]string) *apiError {
	e := fail(http.StatusUnprocessableEntity, casework.CodeInvalidInput, "the input is not valid")
	e.Details = &details{Fields: fields}
	return e
}

func internalError() *apiError {
	return fail(http.StatusInternalServerError, casework.CodeInternal, "internal error")
}

// RetryAfter is how long, in whole seconds, the Retry-After header of
// every 503 asks a client to wait before it tries again.
const RetryAfter = 5

// unavailable is the 503 of a request that could not be served because a
// dependency (the database, the workflow service) is not reachable: nothing
// was changed, or the change was recorded and its retry is safe.
func unavailable(what string) *apiError {
	return fail(http.StatusServiceUnavailable, casework.CodeUnavailable, what+" is not available; try again")
}

// pgOutage are the SQLSTATEs, besides class 08 (connection exception), of
// a PostgreSQL server that is going away or not there yet: admin, crash
// and immediate shutdown, starting up, too many connections.
var pgOutage = []string{"57P01", "57P02", "57P03", "53300"}

// Unavailable reports whether err means a dependency is unreachable rather
// than that the request or the code is wrong: a connection refused, reset
// or cut, a timeout, a PostgreSQL error of class 08 or a server shutting
// down, Temporal's Unavailable or DeadlineExceeded. The API answers such
// errors 503 unavailable with Retry-After (see handleError), and the
// processes wait at start while their dependencies answer so (see
// internal/app). This is the one place errors are classified.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || slices.Contains(pgOutage, pg.Code)
	}
	var netErr net.Error
	var connect *pgconn.ConnectError
	var tUnavailable *serviceerror.Unavailable
	var tDeadline *serviceerror.DeadlineExceeded
	var tUpdate *client.WorkflowUpdateServiceTimeoutOrCanceledError
	return errors.As(err, &connect) || errors.As(err, &netErr) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.As(err, &tUnavailable) || errors.As(err, &tDeadline) || errors.As(err, &tUpdate) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// echoCodes translates the errors echo itself raises (unknown route, body
// too large, ...) into API error codes.
var echoCodes = map[int]string{
	http.StatusBadRequest:            casework.CodeInvalidInput,
	http.StatusUnauthorized:          casework.CodeUnauthorized,
	http.StatusForbidden:             casework.CodeForbidden,
	http.StatusNotFound:              casework.CodeNotFound,
	http.StatusMethodNotAllowed:      casework.CodeMethodNotAllowed,
	http.StatusRequestEntityTooLarge: casework.CodePayloadTooLarge,
	http.StatusUnsupportedMediaType:  casework.CodeUnsupportedMedia,
	http.StatusTooManyRequests:       casework.CodeRateLimited,
}

// asAPIError returns the API error err is answered with, and whether err
// is unexpected (the server logs it as an error; the user sees only
// "internal error"). An error of an unreachable dependency is a 503
// unavailable.
func asAPIError(err error) (*apiError, bool) {
	var ae *apiError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
		return ae, false
	case errors.As(err, &he) && echoCodes[he.Code] != "":
		return fail(he.Code, echoCodes[he.Code], http.StatusText(he.Code)), false
	case Unavailable(err):
		return unavailable("a service the request needs"), false
	}
	return internalError(), true
}

// handleError is the echo HTTPErrorHandler: it writes every error as an
// errorBody (see asAPIError) and logs what the user must not see; every 503
// carries Retry-After.
func handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae, unexpected := asAPIError(err)
	var answered *apiError
	switch {
	case unexpected:
		logger(c).Error("request failed", "error", err)
	case ae.Code == casework.CodeUnavailable && !errors.As(err, &answered):
		logger(c).Warn("dependency unavailable", "error", err)
	}
	if ae.Status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	ae.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(ae.Status)
	} else {
		werr = c.JSON(ae.Status, errorBody{Error: ae})
	}
	if werr != nil {
		logger(c).Warn("write error response", "error", werr)
	}
}
