package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/salesflow/salesflow/webhook"
)

// The signed string is "<timestamp>.<body>"; this value was computed
// independently (Python's hmac module), so the format cannot drift.
func TestSignKnownVector(t *testing.T) {
	got := webhook.Sign("whsec_test", 1700000000, []byte(`{"key":"k"}`))
	want := "sha256=cd57f1a3ea6d94532220debe959a8fa8361306747a9cd68342b001185daf70c5"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestVerifyWebhook(t *testing.T) {
	const secret = "s3cret"
	body := []byte(`{"key":"d1/offer-v1/reminder","kind":"reminder"}`)
	now := time.Unix(1762160400, 0)
	signed := func(at time.Time) http.Header {
		h := http.Header{}
		webhook.SetHeaders(h, secret, "d1/offer-v1/reminder", body, at)
		return h
	}

	h := signed(now)
	if h.Get(webhook.HeaderDelivery) != "d1/offer-v1/reminder" || h.Get(webhook.HeaderTimestamp) != strconv.FormatInt(now.Unix(), 10) {
		t.Errorf("headers = %v", h)
	}
	if err := webhook.VerifyWebhook(secret, h, body, time.Minute, now.Add(30*time.Second)); err != nil {
		t.Errorf("authentic request rejected: %v", err)
	}
	if err := webhook.VerifyWebhook(secret, h, body, 0, now.Add(4*time.Minute)); err != nil {
		t.Errorf("default tolerance: %v", err)
	}

	for name, c := range map[string]struct {
		secret string
		header http.Header
		body   []byte
		now    time.Time
		want   error
	}{
		"tampered body":   {secret, signed(now), []byte(`{"key":"other"}`), now, webhook.ErrBadSignature},
		"wrong secret":    {"guess", signed(now), body, now, webhook.ErrBadSignature},
		"old timestamp":   {secret, signed(now.Add(-10 * time.Minute)), body, now, webhook.ErrBadTimestamp},
		"future":          {secret, signed(now.Add(10 * time.Minute)), body, now, webhook.ErrBadTimestamp},
		"no signature":    {secret, http.Header{webhook.HeaderTimestamp: {"1762160400"}}, body, now, webhook.ErrMissingHeader},
		"no timestamp":    {secret, http.Header{webhook.HeaderSignature: {webhook.Sign(secret, now.Unix(), body)}}, body, now, webhook.ErrMissingHeader},
		"bad timestamp":   {secret, http.Header{webhook.HeaderTimestamp: {"yesterday"}, webhook.HeaderSignature: {"sha256=00"}}, body, now, webhook.ErrBadTimestamp},
		"no prefix":       {secret, withSig(signed(now), h.Get(webhook.HeaderSignature)[len("sha256="):]), body, now, webhook.ErrBadSignature},
		"not hex":         {secret, withSig(signed(now), "sha256=zz"), body, now, webhook.ErrBadSignature},
		"replayed stamp":  {secret, withStamp(signed(now.Add(-time.Hour)), now), body, now, webhook.ErrBadSignature},
		"truncated sig":   {secret, withSig(signed(now), h.Get(webhook.HeaderSignature)[:20]), body, now, webhook.ErrBadSignature},
		"other timestamp": {secret, withStamp(signed(now), now.Add(time.Second)), body, now, webhook.ErrBadSignature},
	} {
		err := webhook.VerifyWebhook(c.secret, c.header, c.body, 5*time.Minute, c.now)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
	}
}

func withSig(h http.Header, sig string) http.Header {
	h.Set(webhook.HeaderSignature, sig)
	return h
}

// withStamp moves the timestamp header without re-signing, as an attacker
// refreshing an old request would.
func withStamp(h http.Header, at time.Time) http.Header {
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	return h
}
