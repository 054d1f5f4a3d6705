package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"unicode"

	"github.com/labstack/echo/v4"
)

// headerIdempotencyKey makes a retried request apply once.
const headerIdempotencyKey = "Idempotency-Key"

// maxKeyLen bounds an Idempotency-Key.
const maxKeyLen = 200

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// newContactID returns a fresh ID of a client's contact person.
func newContactID() string { return "ct-" + randomHex(8) }

// newID returns the ID of a deal ("deal-"), complaint ("cmp-") or client
// ("cl-") a staff member creates: prefix and 16 hex digits. With an idempotency key they
// are derived from staff member and key, so a retried request reaches the
// same workflow; without one they are random.
func newID(prefix, staffID, key string) string {
	if key == "" {
		return prefix + randomHex(8)
	}
	sum := sha256.Sum256([]byte(staffID + "\x00" + key))
	return prefix + hex.EncodeToString(sum[:])[:16]
}

// idempotencyKey returns the request's Idempotency-Key header ("" when
// absent), refusing one that is too long or not printable.
func idempotencyKey(c echo.Context) (string, error) {
	key := c.Request().Header.Get(headerIdempotencyKey)
	if len(key) > maxKeyLen {
		return "", invalidFields(map[string]string{headerIdempotencyKey: "must be at most 200 characters"})
	}
	for _, r := range key {
		if !unicode.IsPrint(r) {
			return "", invalidFields(map[string]string{headerIdempotencyKey: "must be printable"})
		}
	}
	return key, nil
}
