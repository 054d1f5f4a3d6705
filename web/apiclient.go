package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/api"
)

// APIError is an error answer of the API as a page shows it: Message
// beside the form, Fields (input field → problem) in place.
type APIError struct {
	Status    int               `json:"-"`
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	RequestID string            `json:"request_id"`
	Fields    map[string]string `json:"-"`
	Details   struct {
		Fields map[string]string `json:"fields"`
		// Stage (a deal's) or Step (a complaint's) is where the case
		// stands when an action is refused.
		Stage string `json:"stage"`
		Step  string `json:"step"`
	} `json:"details"`
}

// Error returns the code and message.
func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// apiCall calls the API in process as the signed-in browser: method on
// path ("/api/v1/..." with its query), body (nil or a value sent as JSON)
// with the session cookie, the session's CSRF token and, when the page's
// form carries idempotency_key, that Idempotency-Key. A success answer is
// decoded into into (when not nil) and apiErr is nil; an error answer
// (status >= 400) comes back as apiErr, its message and field errors in
// the page's language (see localize).
func (a *app) apiCall(c echo.Context, method, path string, body, into any) (status int, apiErr *APIError) {
	req, err := a.apiRequest(c, method, path, body)
	if err != nil {
		return http.StatusInternalServerError, &APIError{Status: http.StatusInternalServerError, Code: "internal", Message: err.Error()}
	}
	rec := httptest.NewRecorder()
	a.api.ServeHTTP(rec, req)
	res := rec.Result()
	defer res.Body.Close()
	if res.StatusCode >= http.StatusBadRequest {
		e := &APIError{Status: res.StatusCode}
		var wrap struct {
			Error *APIError `json:"error"`
		}
		wrap.Error = e
		if err := json.NewDecoder(res.Body).Decode(&wrap); err != nil || e.Message == "" {
			e.Message = http.StatusText(res.StatusCode)
		}
		e.Fields = e.Details.Fields
		localize(pageLang(c), e)
		return res.StatusCode, e
	}
	if into != nil && res.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(res.Body).Decode(into); err != nil && err != io.EOF {
			return http.StatusInternalServerError, &APIError{Status: http.StatusInternalServerError, Code: "internal", Message: "decode the API's answer: " + err.Error()}
		}
	}
	return res.StatusCode, nil
}

// apiRequest is the in-process request of apiCall.
func (a *app) apiRequest(c echo.Context, method, path string, body any) (*http.Request, error) {
	var r io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	ctx := c.Request().Context()
	if sess := sessionOf(c); sess != nil {
		ctx = api.WithCheckedSession(ctx, sess, staffOf(c))
	}
	req, err := http.NewRequestWithContext(ctx, method, path, r)
	if err != nil {
		return nil, err
	}
	req.Host = c.Request().Host
	req.RemoteAddr = c.Request().RemoteAddr
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if secret, _ := c.Get(secretKey).(string); secret != "" {
		req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: secret})
		req.Header.Set(api.HeaderCSRF, sessionOf(c).CSRF)
	}
	if c.Request().Method == http.MethodPost && method != http.MethodGet {
		if key := c.FormValue("idempotency_key"); key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
	}
	return req, nil
}

// apiFailed shows an API error of a page's read: an ended session goes to
// sign-in, 404 and 403 get their pages, anything else the error page with
// the API's message.
func (a *app) apiFailed(c echo.Context, e *APIError) error {
	if e.Status == http.StatusUnauthorized {
		return a.toLogin(c)
	}
	a.errorPage(c, e.Status, e.Message)
	return nil
}
