package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// redacted replaces the value of every secret-looking field of an audited
// input.
const redacted = "[redacted]"

// secretField matches the names of input fields whose values the audit
// trail never keeps.
var secretField = regexp.MustCompile(`(?i)(token|secret|password|passwd|authorization|api_?key|private)`)

// audit records the request in the audit trail after the handler (and the
// authorization before it) has run, whatever the outcome: the actor and
// role, the request ID, the action, the object and its owner, the input
// with secrets redacted, and the status answered. Failing to write the
// entry is logged; the answer already given stands.
func (s *server) audit(action string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			body, err := io.ReadAll(c.Request().Body)
			if err != nil {
				return err // the body limit's 413 or a broken connection
			}
			c.Request().Body = io.NopCloser(bytes.NewReader(body))
			herr := next(c)
			me := staffOf(c)
			e := &models.AuditEntry{
				At:        time.Now().UTC().Truncate(time.Microsecond),
				RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
				Actor:     me.ID, Role: me.Role,
				Action: strings.ReplaceAll(action, "{action}", c.Param("action")),
				Input:  redact(body), Status: statusOf(c, herr),
			}
			e.ObjectType, e.ObjectID, e.Owner = auditObjectOf(c)
			// A probing request's path may be longer than the columns.
			e.Action, e.ObjectID = truncate(e.Action, 100), truncate(e.ObjectID, 200)
			ctx := context.WithoutCancel(c.Request().Context())
			if err := models.AppendAudit(ctx, s.DB, e); err != nil {
				logger(c).Error("audit entry lost", "error", err, "action", e.Action, "object", e.ObjectID)
			}
			return herr
		}
	}
}

// auditObject names the object a handler created or changed, for the
// audit entry, when the route's :id does not: its type, ID and owner.
func auditObject(c echo.Context, t objectType, id, owner string) {
	c.Set(auditKey, [3]string{string(t), id, owner})
}

// auditObjectOf returns what auditObject set or, failing that, the route's
// object type and :id with the owner authorize found.
func auditObjectOf(c echo.Context) (typ, id, owner string) {
	if o, ok := c.Get(auditKey).([3]string); ok {
		return o[0], o[1], o[2]
	}
	if t, ok := c.Get(objectKey).(objectType); ok {
		return string(t), c.Param("id"), ownerOfRoute(c)
	}
	return "", "", ""
}

// statusOf is the status of the answer to the request: the handler's error
// decides it when there is one (the error handler writes it later).
func statusOf(c echo.Context, err error) int {
	if err == nil {
		return c.Response().Status
	}
	var ae *apiError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
		return ae.Status
	case errors.As(err, &he):
		return he.Code
	}
	return http.StatusInternalServerError
}

// redact returns the JSON body with the value of every secret-looking
// field, at any depth, replaced; a body that is not JSON is kept only as
// its length.
func redact(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return `{"unparsed_bytes":` + strconv.Itoa(len(body)) + `}`
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return ""
	}
	return string(out)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, item := range t {
			if secretField.MatchString(k) {
				t[k] = redacted
			} else {
				t[k] = redactValue(item)
			}
		}
	case []any:
		for i, item := range t {
			t[i] = redactValue(item)
		}
	}
	return v
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
