package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

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

// handleError is the echo HTTPErrorHandler: it writes every error as an
// errorBody and logs what the user must not see.
func handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ae *apiError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &he) && echoCodes[he.Code] != "":
		ae = fail(he.Code, echoCodes[he.Code], http.StatusText(he.Code))
	default:
		logger(c).Error("request failed", "error", err)
		ae = internalError()
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
