package jwtauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://idp.example.com/realms/staff"
	testAudience = "salesflow-api"
)

// RSA keys are slow to generate, so the tests share a few.
var (
	rsaKey   = sync.OnceValue(func() *rsa.PrivateKey { return genRSA(2048) })
	otherRSA = sync.OnceValue(func() *rsa.PrivateKey { return genRSA(2048) })
)

func genRSA(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return k
}

func genEC(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func genEd(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// claimsAt are the claims of a valid token at now; tests change them.
func claimsAt(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": testIssuer,
		"aud": testAudience,
		"sub": "staff-42",
		"jti": "token-1",
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
}

// sign makes a token; kid "" leaves the header out.
func sign(t testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pkixPEM(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func certPEM(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, pub *rsa.PublicKey) map[string]any {
	return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}
}

func ecJWK(t testing.TB, kid string, pub *ecdsa.PublicKey) map[string]any {
	t.Helper()
	raw, err := pub.Bytes() // 0x04 || x || y
	if err != nil {
		t.Fatal(err)
	}
	size := (len(raw) - 1) / 2
	return map[string]any{"kty": "EC", "kid": kid, "crv": pub.Params().Name, "x": b64(raw[1 : 1+size]), "y": b64(raw[1+size:])}
}

func edJWK(kid string, pub ed25519.PublicKey) map[string]any {
	return map[string]any{"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64(pub)}
}

// jwksServer serves a key set and counts the requests for it.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int32

	mu     sync.Mutex
	status int
	body   []byte
	hook   func() // when set, runs before each answer
}

func newJWKSServer(t testing.TB, keys ...map[string]any) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.setKeys(t, keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		status, body, hook := s.status, s.body, s.hook
		s.mu.Unlock()
		if hook != nil {
			hook()
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(t testing.TB, keys ...map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	s.respond(http.StatusOK, body)
}

func (s *jwksServer) respond(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

func (s *jwksServer) setHook(hook func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

func (s *jwksServer) wantHits(t testing.TB, want int32) {
	t.Helper()
	if got := s.hits.Load(); got != want {
		t.Fatalf("key set fetched %d times, want %d", got, want)
	}
}

// fakeClock is a settable clock for the verifier.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// jwksVerifier is a verifier of srv's key set on clk's time.
func jwksVerifier(t testing.TB, srv *jwksServer, clk *fakeClock) *Verifier {
	t.Helper()
	v, err := New(Config{JWKSURL: srv.URL, Issuer: testIssuer, Audience: testAudience, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	v.now = clk.now
	return v
}

func staticVerifier(t testing.TB, cfg Config) *Verifier {
	t.Helper()
	if cfg.PublicKeyPEM == nil {
		cfg.PublicKeyPEM = pkixPEM(t, &rsaKey().PublicKey)
	}
	cfg.Issuer, cfg.Audience = testIssuer, testAudience
	v, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wantInvalid asserts that v refuses token as invalid, giving a reason that
// contains why and not a part of the token.
func wantInvalid(t testing.TB, v *Verifier, token, why string) {
	t.Helper()
	id, err := v.Verify(context.Background(), token)
	if !errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrKeysUnavailable) {
		t.Fatalf("Verify = %+v, %v; want an ErrInvalidToken", id, err)
	}
	if id != (Identity{}) {
		t.Errorf("refused token gave identity %+v", id)
	}
	if !strings.Contains(err.Error(), why) {
		t.Errorf("error %q does not say %q", err, why)
	}
	for seg := range strings.SplitSeq(token, ".") {
		if len(seg) >= 8 && strings.Contains(err.Error(), seg) {
			t.Errorf("error %q contains a part of the token", err)
		}
	}
}

// wantUnavailable asserts that v cannot check token for want of keys.
func wantUnavailable(t testing.TB, v *Verifier, token string) {
	t.Helper()
	_, err := v.Verify(context.Background(), token)
	if !errors.Is(err, ErrKeysUnavailable) || errors.Is(err, ErrInvalidToken) {
		t.Fatalf("Verify: %v; want an ErrKeysUnavailable", err)
	}
}

func mustVerify(t testing.TB, v *Verifier, token string) Identity {
	t.Helper()
	id, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return id
}
