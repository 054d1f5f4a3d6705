package jwtauth

import (
	"context"
	"crypto/ed25519"
	"crypto/elliptic"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestKeySetFetchedLazilyOnce(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	v := jwksVerifier(t, srv, clk)
	srv.wantHits(t, 0)
	token := sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now()))
	for range 3 {
		mustVerify(t, v, token)
	}
	srv.wantHits(t, 1)
}

func TestUnknownKidRefetchesAfterRotation(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	ec := genEC(t, elliptic.P256())
	srv := newJWKSServer(t, rsaJWK("old", &rsaKey().PublicKey))
	v := jwksVerifier(t, srv, clk)
	mustVerify(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "old", claimsAt(clk.now())))

	srv.setKeys(t, ecJWK(t, "new", &ec.PublicKey))
	// Within 30 s of the first fetch the new kid is not looked for.
	wantInvalid(t, v, sign(t, jwt.SigningMethodES256, ec, "new", claimsAt(clk.now())), `no signing key with kid "new"`)
	srv.wantHits(t, 1)

	clk.advance(minFetchGap)
	mustVerify(t, v, sign(t, jwt.SigningMethodES256, ec, "new", claimsAt(clk.now())))
	srv.wantHits(t, 2)
	// The retired key is gone with the refetch.
	wantInvalid(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "old", claimsAt(clk.now())), `no signing key with kid "old"`)
	srv.wantHits(t, 2)
}

func TestUnknownKidRefetchIsRateLimited(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	v := jwksVerifier(t, srv, clk)
	flood := func(round int) {
		for i := range 20 {
			kid := fmt.Sprintf("bogus-%d-%d", round, i)
			wantInvalid(t, v, sign(t, jwt.SigningMethodRS256, otherRSA(), kid, claimsAt(clk.now())), "no signing key")
		}
	}
	flood(0) // the first one fetches the set
	srv.wantHits(t, 1)
	clk.advance(minFetchGap - time.Second)
	flood(1)
	srv.wantHits(t, 1)
	clk.advance(time.Second)
	flood(2)
	srv.wantHits(t, 2)
	mustVerify(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now())))
	srv.wantHits(t, 2)
}

func TestStaleKeySetIsRefreshed(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	v := jwksVerifier(t, srv, clk)
	verify := func() { mustVerify(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now()))) }
	verify()
	clk.advance(maxKeySetAge - time.Second)
	verify()
	srv.wantHits(t, 1)
	clk.advance(time.Second)
	verify()
	srv.wantHits(t, 2)
}

func TestFailedRefreshKeepsKnownKeys(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	ed := genEd(t)
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	v := jwksVerifier(t, srv, clk)
	known := func() string { return sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now())) }
	newKey := func() string { return sign(t, jwt.SigningMethodEdDSA, ed, "k2", claimsAt(clk.now())) }
	mustVerify(t, v, known())

	srv.respond(http.StatusBadGateway, nil)
	clk.advance(maxKeySetAge)
	mustVerify(t, v, known()) // the refresh fails; the stale key still serves
	srv.wantHits(t, 2)
	wantUnavailable(t, v, newKey()) // unknown while the set cannot be fetched
	mustVerify(t, v, known())
	srv.wantHits(t, 2) // no retry within 30 s, even for a stale set

	srv.setKeys(t, rsaJWK("k1", &rsaKey().PublicKey), edJWK("k2", ed.Public().(ed25519.PublicKey)))
	clk.advance(minFetchGap)
	mustVerify(t, v, newKey())
	srv.wantHits(t, 3)
}

func TestKeysUnavailable(t *testing.T) {
	huge := `{"keys":[]` + strings.Repeat(" ", maxKeySetBytes) + `}`
	cases := []struct {
		name   string
		status int
		body   string
		why    string
	}{
		{"server error", http.StatusInternalServerError, `{"keys":[]}`, "500 Internal Server Error"},
		{"not found", http.StatusNotFound, "", "404 Not Found"},
		{"too large", http.StatusOK, huge, "larger than 1048576 bytes"},
		{"not JSON", http.StatusOK, "<html>login</html>", "not a JSON Web Key Set"},
		{"array", http.StatusOK, `[{"kty":"RSA"}]`, "not a JSON Web Key Set"},
		{"no usable key", http.StatusOK, `{"keys":[{"kty":"oct","kid":"k1","k":"c2VjcmV0"}]}`, "no usable signing key"},
		{"server down", 0, "", "connection refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Now()}
			srv := newJWKSServer(t)
			srv.respond(c.status, []byte(c.body))
			v := jwksVerifier(t, srv, clk)
			if c.status == 0 {
				srv.Close()
			}
			_, err := v.Verify(t.Context(), sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now())))
			if !errors.Is(err, ErrKeysUnavailable) || errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify: %v; want an ErrKeysUnavailable", err)
			}
			if !strings.Contains(err.Error(), c.why) {
				t.Errorf("error %q does not say %q", err, c.why)
			}
		})
	}
}

func TestFailedFirstFetchIsRetriedAfter30s(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv := newJWKSServer(t)
	srv.respond(http.StatusServiceUnavailable, nil)
	v := jwksVerifier(t, srv, clk)
	token := func() string { return sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now())) }
	wantUnavailable(t, v, token())
	wantUnavailable(t, v, token())
	srv.wantHits(t, 1)
	srv.setKeys(t, rsaJWK("k1", &rsaKey().PublicKey))
	clk.advance(minFetchGap)
	mustVerify(t, v, token())
	srv.wantHits(t, 2)
}

func TestTokenWithoutKidNeedsAOneKeySet(t *testing.T) {
	now := time.Now()
	ed := genEd(t)
	token := sign(t, jwt.SigningMethodEdDSA, ed, "", claimsAt(now))
	one := jwksVerifier(t, newJWKSServer(t, edJWK("k1", ed.Public().(ed25519.PublicKey))), &fakeClock{t: now})
	mustVerify(t, one, token)
	two := jwksVerifier(t, newJWKSServer(t, edJWK("k1", ed.Public().(ed25519.PublicKey)), rsaJWK("k2", &rsaKey().PublicKey)), &fakeClock{t: now})
	wantInvalid(t, two, token, "token has no kid and the key set has 2 keys")
}

func TestKeySetSkipsUnusableKeys(t *testing.T) {
	now := time.Now()
	ed := genEd(t)
	enc := rsaJWK("enc", &rsaKey().PublicKey)
	enc["use"] = "enc"
	oaep := rsaJWK("oaep", &rsaKey().PublicKey)
	oaep["alg"] = "RSA-OAEP-256"
	p256 := ecJWK(t, "short-x", &genEC(t, elliptic.P256()).PublicKey)
	p256["x"] = b64([]byte{1, 2, 3})
	offCurve := ecJWK(t, "off-curve", &genEC(t, elliptic.P256()).PublicKey)
	offCurve["y"] = offCurve["x"]
	mislabelled := rsaJWK("mislabelled", &rsaKey().PublicKey)
	mislabelled["alg"] = "ES256"
	srv := newJWKSServer(t,
		enc, oaep, p256, offCurve, mislabelled,
		rsaJWK("small", &genRSA(1024).PublicKey),
		map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
		map[string]any{"kty": "EC", "kid": "k256", "crv": "secp256k1", "x": "AA", "y": "AA"},
		map[string]any{"kty": "OKP", "kid": "x25519", "crv": "X25519", "x": b64(make([]byte, 32))},
		map[string]any{"kty": "RSA", "kid": "no-e", "n": b64(rsaKey().N.Bytes())},
		map[string]any{"kty": "RSA", "kid": "bad-n", "n": 12, "e": "AQAB"},
		edJWK("good", ed.Public().(ed25519.PublicKey)),
	)
	v := jwksVerifier(t, srv, &fakeClock{t: now})
	// The set counts as one key: a token without kid is accepted.
	mustVerify(t, v, sign(t, jwt.SigningMethodEdDSA, ed, "", claimsAt(now)))
	for _, kid := range []string{"enc", "oaep", "mislabelled"} {
		wantInvalid(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), kid, claimsAt(now)), "no signing key with kid")
	}
}

func TestConcurrentFirstUseFetchesOnce(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	srv.setHook(func() { time.Sleep(50 * time.Millisecond) })
	v := jwksVerifier(t, srv, clk)
	token := sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now()))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), token)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	srv.wantHits(t, 1)
}

func TestFetchOutlivesItsCallersContext(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	started, release := make(chan struct{}), make(chan struct{})
	srv.setHook(func() {
		close(started)
		<-release
	})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	t.Cleanup(releaseOnce) // before the server closes, even when the test fails
	v := jwksVerifier(t, srv, clk)
	token := sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(clk.now()))

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := v.Verify(ctx, token)
		first <- err
	}()
	<-started
	cancel()
	// A second caller whose context has ended stops waiting for the fetch.
	_, err := v.Verify(ctx, token)
	if !errors.Is(err, ErrKeysUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting caller: %v; want ErrKeysUnavailable and context.Canceled", err)
	}
	releaseOnce()
	if err := <-first; err != nil {
		t.Fatalf("the caller that started the fetch: %v", err)
	}
	mustVerify(t, v, token)
	srv.wantHits(t, 1)
}
