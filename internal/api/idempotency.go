package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// DefaultIdempotencyTTL is how long an Idempotency-Key is remembered when
// Deps.IdempotencyTTL is zero.
const DefaultIdempotencyTTL = 24 * time.Hour

// idempotencyLease is how long a request holds its key: longer than every
// Temporal call a creating request makes, so a retry takes the key over
// only from a request whose server died.
const idempotencyLease = 4 * temporalTimeout

// sweepEvery is how often one API server deletes the expired keys.
const sweepEvery = time.Minute

// headerReplayed marks an answer replayed from an earlier request with the
// same Idempotency-Key.
const headerReplayed = "Idempotent-Replayed"

// keys are the idempotency keys of one API server: how long they live and
// when the server last deleted the expired ones.
type keys struct {
	ttl   time.Duration
	swept atomic.Int64 // Unix nanoseconds
}

// replayOf turns the success answer of a creating request into what a
// request repeating it with the same key answers.
type replayOf func(status int, body []byte) (int, []byte)

// idempotent makes the creating handler h honour the Idempotency-Key
// header (README, "Idempotency"): the first request with a key runs
// h and its success answer is kept (through replay, when given, e.g. to
// drop a secret); the same key with the same body answers it again; with a
// different body it is refused with 422 idempotency_key_reused; while the
// first still runs, a repeat answers 409 with Retry-After. A request that
// fails forgets its key, so it may be sent again. Keys are kept per caller
// and route for Deps.IdempotencyTTL. Every creating route wraps its
// handler in it.
func (s *server) idempotent(h echo.HandlerFunc, replay ...replayOf) echo.HandlerFunc {
	return func(c echo.Context) error {
		key, err := idempotencyKey(c)
		if err != nil || key == "" {
			if err != nil {
				return err
			}
			return h(c)
		}
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err // the body limit's 413 or a broken connection
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		now := time.Now().UTC().Truncate(time.Microsecond)
		k := models.IdempotencyKey{
			Caller: staffOf(c).ID, Route: truncate(c.Request().Method+" "+c.Request().URL.EscapedPath(), 300), Key: key,
			RequestHash: bodyHash(body), LockedUntil: now.Add(idempotencyLease), ExpiresAt: now.Add(s.keys.ttl),
		}
		s.sweepKeys(c, now)
		claim, err := models.ClaimIdempotencyKey(c.Request().Context(), s.DB, k, now)
		if err != nil {
			return err
		}
		if !claim.Claimed {
			return answerAgain(c, k, claim.Existing)
		}
		return s.runClaimed(c, h, k, claim.Attempt, replay)
	}
}

// answerAgain answers a request whose key another request holds or held.
func answerAgain(c echo.Context, k models.IdempotencyKey, old *models.IdempotencyKey) error {
	switch {
	case old.RequestHash != k.RequestHash:
		return fail(http.StatusUnprocessableEntity, casework.CodeIdempotencyKeyReused,
			"this Idempotency-Key was sent with another body; a new request needs a new key")
	case old.Status == 0:
		c.Response().Header().Set("Retry-After", "1")
		return fail(http.StatusConflict, casework.CodeConflict, "a request with this Idempotency-Key is still being processed; try again shortly")
	}
	c.Response().Header().Set(headerReplayed, "true")
	return c.JSONBlob(old.Status, old.Response)
}

// runClaimed runs h for the request holding claim attempt of key k: a
// success answer is kept for repeats, a failure releases the key.
func (s *server) runClaimed(c echo.Context, h echo.HandlerFunc, k models.IdempotencyKey, attempt int, replay []replayOf) error {
	res := c.Response()
	var out bytes.Buffer
	w := res.Writer
	res.Writer = &teeWriter{ResponseWriter: w, copy: &out}
	herr := h(c)
	res.Writer = w
	ctx := context.WithoutCancel(c.Request().Context())
	if herr != nil || res.Status < 200 || res.Status >= 300 {
		if err := models.ReleaseIdempotencyKey(ctx, s.DB, k, attempt); err != nil {
			logger(c).Error("idempotency key not released", "error", err, "key", k.Key)
		}
		return herr
	}
	status, body := res.Status, out.Bytes()
	for _, r := range replay {
		status, body = r(status, body)
	}
	if ok, err := models.CompleteIdempotencyKey(ctx, s.DB, k, attempt, status, body); err != nil || !ok {
		logger(c).Error("idempotency key answer not kept", "error", err, "key", k.Key, "taken_over", !ok)
	}
	return nil
}

// sweepKeys deletes the expired keys, at most once per sweepEvery on one
// server. A failure is logged: the keys are swept again later.
func (s *server) sweepKeys(c echo.Context, now time.Time) {
	last := s.keys.swept.Load()
	if now.UnixNano()-last < int64(sweepEvery) || !s.keys.swept.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	n, err := models.DeleteExpiredIdempotencyKeys(c.Request().Context(), s.DB, now)
	if err != nil {
		logger(c).Warn("expired idempotency keys not deleted", "error", err)
		return
	}
	logger(c).Debug("expired idempotency keys deleted", "count", n)
}

// bodyHash is the hex SHA-256 of a request body as JSON means it: the same
// object with other spacing or key order has the same hash. A body that is
// not JSON is hashed as sent.
func bodyHash(body []byte) string {
	canon := bytes.TrimSpace(body)
	if len(canon) == 0 {
		canon = []byte("{}") // decode reads an empty body as {}
	}
	dec := json.NewDecoder(bytes.NewReader(canon))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil && !dec.More() {
		if b, err := json.Marshal(v); err == nil {
			canon = b
		}
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// teeWriter copies what the handler writes.
type teeWriter struct {
	http.ResponseWriter
	copy *bytes.Buffer
}

// Write writes b and keeps a copy.
func (t *teeWriter) Write(b []byte) (int, error) {
	t.copy.Write(b)
	return t.ResponseWriter.Write(b)
}
