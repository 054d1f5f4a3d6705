// Package webhook defines salesflow's outgoing webhook for integrators:
// the JSON payload, the headers, and the HMAC-SHA256 signature that lets a
// receiver check that a request came from salesflow and is recent. The
// sender signs with Sign; a receiver checks with VerifyWebhook. See
// docs/webhooks.md.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of a webhook request.
const (
	// HeaderDelivery carries the notification's idempotency key, the same
	// on every retry of one delivery: receivers deduplicate on it.
	HeaderDelivery = "X-Salesflow-Delivery"
	// HeaderTimestamp carries the Unix time in seconds at which this
	// attempt was signed.
	HeaderTimestamp = "X-Salesflow-Timestamp"
	// HeaderSignature carries "sha256=" and the lowercase hex HMAC-SHA256,
	// keyed with the shared secret, of "<timestamp>.<body>".
	HeaderSignature = "X-Salesflow-Signature"
)

// SignaturePrefix starts the value of HeaderSignature.
const SignaturePrefix = "sha256="

// DefaultTolerance is how far a timestamp may be from the receiver's clock
// when VerifyWebhook is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Payload is the JSON body of a webhook request: one reminder or
// escalation. Fields that do not apply (complaint_id of a deal's
// notification) are empty strings; times are RFC 3339 in UTC.
type Payload struct {
	// Key is the notification's idempotency key (also in HeaderDelivery).
	Key string `json:"key"`
	// Kind is reminder, overdue or escalation.
	Kind           string `json:"kind"`
	DealID         string `json:"deal_id"`
	ComplaintID    string `json:"complaint_id"`
	ControlPointID string `json:"control_point_id"`
	// Recipient is the staff ID of the person notified (for an escalation,
	// the owner's manager).
	Recipient string `json:"recipient"`
	Subject   string `json:"subject"`
	Message   string `json:"message"`
	// DueAt is the control point's due time.
	DueAt time.Time `json:"due_at"`
	// At is when the notification was raised.
	At time.Time `json:"at"`
}

// Errors VerifyWebhook returns (wrapped, so test with errors.Is).
var (
	// ErrMissingHeader: the timestamp or signature header is absent.
	ErrMissingHeader = errors.New("webhook: missing signature header")
	// ErrBadTimestamp: the timestamp is malformed or outside the tolerance.
	ErrBadTimestamp = errors.New("webhook: timestamp malformed or outside tolerance")
	// ErrBadSignature: the signature does not match the body and timestamp.
	ErrBadSignature = errors.New("webhook: signature mismatch")
)

// Sign returns the value of HeaderSignature for body sent at timestamp
// (Unix seconds): "sha256=" followed by the lowercase hex HMAC-SHA256,
// keyed with secret, of the decimal timestamp, a dot, and the body bytes.
func Sign(secret string, timestamp int64, body []byte) string {
	return SignaturePrefix + hex.EncodeToString(mac(secret, strconv.FormatInt(timestamp, 10), body))
}

func mac(secret, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestamp))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// SetHeaders sets the delivery, timestamp and signature headers of a
// request carrying body, signed at now.
func SetHeaders(h http.Header, secret, key string, body []byte, now time.Time) {
	ts := now.Unix()
	h.Set(HeaderDelivery, key)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderSignature, Sign(secret, ts, body))
}

// VerifyWebhook checks a received webhook request: its HeaderTimestamp
// must be within tolerance of now (either way; DefaultTolerance when
// tolerance is not positive) and its HeaderSignature must be the
// HMAC-SHA256 with secret of "<timestamp>.<body>", body being the raw
// request body as received. The comparison takes constant time. It
// returns nil for an authentic request, otherwise an error wrapping
// ErrMissingHeader, ErrBadTimestamp or ErrBadSignature.
func VerifyWebhook(secret string, header http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	tsText, sigText := header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	if tsText == "" || sigText == "" {
		return ErrMissingHeader
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrBadTimestamp, tsText)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if age := now.Sub(time.Unix(ts, 0)); age > tolerance || age < -tolerance {
		return fmt.Errorf("%w: signed %s away from now, tolerance %s", ErrBadTimestamp, age.Round(time.Second), tolerance)
	}
	hexSig, ok := strings.CutPrefix(sigText, SignaturePrefix)
	if !ok {
		return fmt.Errorf("%w: no %q prefix", ErrBadSignature, SignaturePrefix)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || !hmac.Equal(got, mac(secret, tsText, body)) {
		return ErrBadSignature
	}
	return nil
}
