package jwtauth

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestVerifyAcceptsValidTokens(t *testing.T) {
	now := time.Now()
	ec256, ec384, ed := genEC(t, elliptic.P256()), genEC(t, elliptic.P384()), genEd(t)
	srv := newJWKSServer(t,
		ecJWK(t, "ec-1", &ec256.PublicKey),
		edJWK("ed-1", ed.Public().(ed25519.PublicKey)),
		rsaJWK("rsa-1", &rsaKey().PublicKey),
	)
	jwks := jwksVerifier(t, srv, &fakeClock{t: now})
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey().PublicKey)})

	cases := []struct {
		name   string
		v      *Verifier
		method jwt.SigningMethod
		key    any
		kid    string
	}{
		{"static PKIX RSA, RS256", staticVerifier(t, Config{}), jwt.SigningMethodRS256, rsaKey(), ""},
		{"static PKCS1 RSA, PS512, any kid", staticVerifier(t, Config{PublicKeyPEM: pkcs1}), jwt.SigningMethodPS512, rsaKey(), "whatever"},
		{"static certificate P-384, ES384", staticVerifier(t, Config{PublicKeyPEM: certPEM(t, ec384)}), jwt.SigningMethodES384, ec384, ""},
		{"JWKS P-256, ES256", jwks, jwt.SigningMethodES256, ec256, "ec-1"},
		{"JWKS Ed25519, EdDSA", jwks, jwt.SigningMethodEdDSA, ed, "ed-1"},
		{"JWKS RSA, PS256", jwks, jwt.SigningMethodPS256, rsaKey(), "rsa-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := claimsAt(now)
			id := mustVerify(t, c.v, sign(t, c.method, c.key, c.kid, claims))
			want := Identity{StaffID: "staff-42", TokenID: "token-1", ExpiresAt: time.Unix(claims["exp"].(int64), 0)}
			if !id.ExpiresAt.Equal(want.ExpiresAt) || id.StaffID != want.StaffID || id.TokenID != want.TokenID || id.Role != "" {
				t.Fatalf("identity %+v, want %+v", id, want)
			}
		})
	}
	srv.wantHits(t, 1)
}

func TestVerifyRefusesBadClaims(t *testing.T) {
	v := staticVerifier(t, Config{})
	now := time.Now()
	cases := []struct {
		name string
		edit func(jwt.MapClaims)
		why  string
	}{
		{"expired", func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() }, "token is expired"},
		{"expired beyond the leeway", func(c jwt.MapClaims) { c["exp"] = now.Add(-45 * time.Second).Unix() }, "token is expired"},
		{"not yet valid", func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() }, "not valid yet"},
		{"issued in the future", func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() }, "used before issued"},
		{"no exp", func(c jwt.MapClaims) { delete(c, "exp") }, "exp claim is required"},
		{"exp not a number", func(c jwt.MapClaims) { c["exp"] = "tomorrow" }, "exp"},
		{"wrong audience", func(c jwt.MapClaims) { c["aud"] = "billing" }, "invalid audience"},
		{"audience array without ours", func(c jwt.MapClaims) { c["aud"] = []string{"billing", "crm"} }, "invalid audience"},
		{"no audience", func(c jwt.MapClaims) { delete(c, "aud") }, "aud claim is required"},
		{"wrong issuer", func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com/" }, "invalid issuer"},
		{"no issuer", func(c jwt.MapClaims) { delete(c, "iss") }, "iss claim is required"},
		{"no staff claim", func(c jwt.MapClaims) { delete(c, "sub") }, `claim "sub" is missing`},
		{"empty staff claim", func(c jwt.MapClaims) { c["sub"] = " " }, `claim "sub" is missing`},
		{"jti not a string", func(c jwt.MapClaims) { c["jti"] = 7 }, `claim "jti" is not a string`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := claimsAt(now)
			c.edit(claims)
			wantInvalid(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "", claims), c.why)
		})
	}
}

func TestVerifyAcceptsAudienceArrayAndMissingJTI(t *testing.T) {
	v := staticVerifier(t, Config{})
	claims := claimsAt(time.Now())
	claims["aud"] = []string{"billing", testAudience}
	delete(claims, "jti")
	id := mustVerify(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "", claims))
	if id.StaffID != "staff-42" || id.TokenID != "" {
		t.Fatalf("identity %+v", id)
	}
}

func TestVerifyLeeway(t *testing.T) {
	now := time.Now()
	lenient, strict := staticVerifier(t, Config{}), staticVerifier(t, Config{Leeway: time.Second})
	for name, edit := range map[string]func(jwt.MapClaims){
		"expired 10s ago":     func(c jwt.MapClaims) { c["exp"] = now.Add(-10 * time.Second).Unix() },
		"valid in 10s":        func(c jwt.MapClaims) { c["nbf"] = now.Add(10 * time.Second).Unix() },
		"issued 10s from now": func(c jwt.MapClaims) { c["iat"] = now.Add(10 * time.Second).Unix() },
	} {
		t.Run(name, func(t *testing.T) {
			claims := claimsAt(now)
			edit(claims)
			token := sign(t, jwt.SigningMethodRS256, rsaKey(), "", claims)
			mustVerify(t, lenient, token)
			if _, err := strict.Verify(t.Context(), token); err == nil {
				t.Fatal("accepted with a 1s leeway")
			}
		})
	}
}

func TestVerifyCustomClaims(t *testing.T) {
	v := staticVerifier(t, Config{StaffClaim: "staff_id", RoleClaim: "role"})
	now := time.Now()
	token := func(edit func(jwt.MapClaims)) string {
		claims := claimsAt(now)
		claims["staff_id"], claims["role"] = "s-7", "manager"
		edit(claims)
		return sign(t, jwt.SigningMethodRS256, rsaKey(), "", claims)
	}
	id := mustVerify(t, v, token(func(jwt.MapClaims) {}))
	if id.StaffID != "s-7" || id.Role != "manager" {
		t.Fatalf("identity %+v", id)
	}
	cases := []struct {
		name string
		edit func(jwt.MapClaims)
		why  string
	}{
		{"no staff claim, sub present", func(c jwt.MapClaims) { delete(c, "staff_id") }, `claim "staff_id" is missing`},
		{"staff claim a number", func(c jwt.MapClaims) { c["staff_id"] = 7 }, `claim "staff_id" is missing or not a non-empty string`},
		{"no role", func(c jwt.MapClaims) { delete(c, "role") }, `claim "role" is missing`},
		{"role a list", func(c jwt.MapClaims) { c["role"] = []string{"admin"} }, `claim "role" is missing or not a non-empty string`},
		{"empty role", func(c jwt.MapClaims) { c["role"] = "" }, `claim "role" is missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantInvalid(t, v, token(c.edit), c.why) })
	}
}

func TestVerifyRefusesSymmetricAndNoneAlgorithms(t *testing.T) {
	now := time.Now()
	pub := pkixPEM(t, &rsaKey().PublicKey)
	static := staticVerifier(t, Config{PublicKeyPEM: pub})
	// A key set holding a symmetric key under the kid the tokens name:
	// it must be neither used nor even fetched.
	srv := newJWKSServer(t, map[string]any{"kty": "oct", "kid": "k", "k": b64(pub)})
	jwks := jwksVerifier(t, srv, &fakeClock{t: now})

	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k", claimsAt(now))
	hs256 := sign(t, jwt.SigningMethodHS256, pub, "k", claimsAt(now))
	hs512 := sign(t, jwt.SigningMethodHS512, pub, "k", claimsAt(now))
	for _, v := range []*Verifier{static, jwks} {
		wantInvalid(t, v, none, "signing method none is invalid")
		wantInvalid(t, v, hs256, "signing method HS256 is invalid")
		wantInvalid(t, v, hs512, "signing method HS512 is invalid")
	}
	srv.wantHits(t, 0)
}

func TestVerifyRefusesBadSignatures(t *testing.T) {
	now := time.Now()
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKey().PublicKey))
	jwks := jwksVerifier(t, srv, &fakeClock{t: now})
	static := staticVerifier(t, Config{})

	forged := sign(t, jwt.SigningMethodRS256, otherRSA(), "k1", claimsAt(now))
	wantInvalid(t, jwks, forged, "signature is invalid")
	wantInvalid(t, static, forged, "signature is invalid")

	// A genuine signature over other claims.
	good := sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", claimsAt(now))
	mustVerify(t, jwks, good)
	claims := claimsAt(now)
	claims["sub"] = "admin-1"
	body, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SigningString()
	if err != nil {
		t.Fatal(err)
	}
	spliced := body + "." + strings.Split(good, ".")[2]
	wantInvalid(t, jwks, spliced, "signature is invalid")
	srv.wantHits(t, 1)
}

func TestVerifyRefusesKeyOfAnotherType(t *testing.T) {
	now := time.Now()
	ec256, ec384 := genEC(t, elliptic.P256()), genEC(t, elliptic.P384())
	restricted := rsaJWK("rs256-only", &rsaKey().PublicKey)
	restricted["alg"] = "RS256"
	srv := newJWKSServer(t, ecJWK(t, "p256", &ec256.PublicKey), ecJWK(t, "p384", &ec384.PublicKey), restricted)
	v := jwksVerifier(t, srv, &fakeClock{t: now})

	wantInvalid(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "p256", claimsAt(now)), "RS256 tokens cannot be verified with a P-256 key")
	wantInvalid(t, v, sign(t, jwt.SigningMethodES256, ec256, "p384", claimsAt(now)), "ES256 tokens cannot be verified with a P-384 key")
	wantInvalid(t, v, sign(t, jwt.SigningMethodPS256, rsaKey(), "rs256-only", claimsAt(now)), `key "rs256-only" is for RS256, not PS256`)
	mustVerify(t, v, sign(t, jwt.SigningMethodRS256, rsaKey(), "rs256-only", claimsAt(now)))

	static := staticVerifier(t, Config{PublicKeyPEM: pkixPEM(t, &ec256.PublicKey)})
	wantInvalid(t, static, sign(t, jwt.SigningMethodRS256, rsaKey(), "", claimsAt(now)), "RS256 tokens cannot be verified with a P-256 key")
	wantInvalid(t, static, sign(t, jwt.SigningMethodES384, ec384, "", claimsAt(now)), "ES384 tokens cannot be verified with a P-256 key")
	static = staticVerifier(t, Config{})
	wantInvalid(t, static, sign(t, jwt.SigningMethodEdDSA, genEd(t), "", claimsAt(now)), "EdDSA tokens cannot be verified with an RSA key")
}

func TestVerifyRefusesMalformedTokens(t *testing.T) {
	v := staticVerifier(t, Config{})
	good := sign(t, jwt.SigningMethodRS256, rsaKey(), "", claimsAt(time.Now()))
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":7}`))
	for _, token := range []string{"", "opaque-api-token", "a.b.c", good + ".x", "!!!." + good, header + ".e30.c2ln"} {
		wantInvalid(t, v, token, "")
	}
	jwks := jwksVerifier(t, newJWKSServer(t, rsaJWK("7", &rsaKey().PublicKey)), &fakeClock{t: time.Now()})
	wantInvalid(t, jwks, header+".e30.c2ln", "kid header is not a string")
}
