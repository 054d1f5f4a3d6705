package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
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

// audit records the request in the audit trail, whatever its outcome:
// the actor and role, the request ID, the action, the object and its
// owner, the input with secrets redacted, and the status answered. The
// entry is written, pending, before the authorization and the handler run,
// so nothing is applied without it: when it cannot be written the request
// is refused (503 while the database is unreachable) and nothing is done.
// Afterwards the entry is completed with the outcome (see finishAudit).
// Retries of a request with the same Idempotency-Key and body share one
// entry (see requestKey).
func (s *server) audit(action string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			body, err := io.ReadAll(c.Request().Body)
			if err != nil {
				return err // the body limit's 413 or a broken connection
			}
			c.Request().Body = io.NopCloser(bytes.NewReader(body))
			me := staffOf(c)
			e := &models.AuditEntry{
				At:         time.Now().UTC().Truncate(time.Microsecond),
				RequestID:  c.Response().Header().Get(echo.HeaderXRequestID),
				RequestKey: requestKey(c, me.ID, body),
				Actor:      me.ID, Role: me.Role,
				// A probing request's path may be longer than the columns.
				Action:   truncate(strings.ReplaceAll(action, "{action}", c.Param("action")), 100),
				ObjectID: truncate(c.Param("id"), 200),
				Input:    redact(body),
			}
			if err := s.beginAudit(c, e); err != nil {
				logger(c).Warn("request refused: its audit entry cannot be written", "error", err, "action", e.Action)
				if ae, _ := asAPIError(err); ae.Status == http.StatusServiceUnavailable {
					return unavailable("the audit trail")
				}
				return err
			}
			herr := next(c)
			s.finishAudit(c, e, herr)
			return herr
		}
	}
}

// requestKey is the RequestKey of the request's audit entry: with an
// Idempotency-Key, a hash of the caller, method, path, key and body, so a
// retry of the same request finds the entry of the first attempt (and a
// different body under the same key gets its own); without one, random.
func requestKey(c echo.Context, actor string, body []byte) string {
	key := c.Request().Header.Get(headerIdempotencyKey)
	if key == "" {
		return randomHex(32)
	}
	h := sha256.New()
	for _, part := range []string{actor, c.Request().Method, c.Request().URL.Path, key} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(canonicalJSON(body))
	return hex.EncodeToString(h.Sum(nil))
}

// canonicalJSON returns a JSON body compact with its object keys sorted,
// so a retry that spaces or orders the same body differently is the same
// request; a body that is not JSON is returned as it is.
func canonicalJSON(body []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || d.More() {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// Writing an audit entry: each attempt is bounded by auditWriteTimeout;
// failed attempts are retried in the background, waiting from
// auditRetryMin, doubling up to auditRetryMax, for up to auditRetryFor.
const (
	auditWriteTimeout = 5 * time.Second
	auditRetryMin     = 250 * time.Millisecond
	auditRetryMax     = 15 * time.Second
	auditRetryFor     = 24 * time.Hour
)

// beginAudit makes one bounded attempt at BeginAudit.
func (s *server) beginAudit(c echo.Context, e *models.AuditEntry) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), auditWriteTimeout)
	defer cancel()
	return models.BeginAudit(ctx, s.DB, e)
}

// finishAudit completes the request's pending entry e with its outcome
// (handler error herr). When the database does not take it now (it went
// away while the request was applied) the answer is not held back: the
// entry stays pending, which the audit list shows, and is completed in the
// background as soon as the database is back.
func (s *server) finishAudit(c echo.Context, e *models.AuditEntry, herr error) {
	o := models.AuditOutcome{Status: statusOf(c, herr), RequestID: e.RequestID}
	o.ObjectType, o.ObjectID, o.Owner = auditObjectOf(c)
	// A probing request's path may be longer than the columns.
	o.ObjectID = truncate(o.ObjectID, 200)
	if o.ObjectID == "" {
		o.ObjectID = e.ObjectID
	}
	log := logger(c).With("action", e.Action, "object", o.ObjectID)
	ctx := context.WithoutCancel(c.Request().Context())
	if err := s.completeAudit(ctx, e.RequestKey, o); err != nil {
		log.Warn("audit entry left pending; completing it in the background", "error", err)
		go s.retryAudit(ctx, log, e.RequestKey, o)
	}
}

// completeAudit makes one bounded attempt at CompleteAudit.
func (s *server) completeAudit(ctx context.Context, key string, o models.AuditOutcome) error {
	ctx, cancel := context.WithTimeout(ctx, auditWriteTimeout)
	defer cancel()
	return models.CompleteAudit(ctx, s.DB, key, o)
}

// retryAudit completes an audit entry with backoff until it succeeds or
// auditRetryFor has passed; an entry given up on stays pending.
func (s *server) retryAudit(ctx context.Context, log *slog.Logger, key string, o models.AuditOutcome) {
	deadline := time.Now().Add(auditRetryFor)
	for wait := auditRetryMin; ; wait = min(2*wait, auditRetryMax) {
		time.Sleep(wait)
		err := s.completeAudit(ctx, key, o)
		if err == nil {
			log.Info("audit entry completed", "status", o.Status)
			return
		}
		if time.Now().After(deadline) {
			log.Error("audit entry left pending", "error", err)
			return
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
	ae, _ := asAPIError(err)
	return ae.Status
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
