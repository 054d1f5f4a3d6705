package jwtauth

import (
	"cmp"
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrInvalidToken is wrapped by every error Verify returns for a token it
// refuses: malformed, badly signed, expired, for another audience and so on.
var ErrInvalidToken = errors.New("jwtauth: invalid token")

// ErrKeysUnavailable is wrapped by the error Verify returns when the key set
// could not be fetched and the token's key is not cached. It is not the
// token's fault, and such an error does not wrap ErrInvalidToken.
var ErrKeysUnavailable = errors.New("jwtauth: signing keys unavailable")

// DefaultLeeway is the clock skew allowed on exp, nbf and iat when
// Config.Leeway is 0.
const DefaultLeeway = 30 * time.Second

// defaultFetchTimeout bounds a key set fetch with the default HTTP client.
const defaultFetchTimeout = 10 * time.Second

// Config says which tokens are accepted.
type Config struct {
	// JWKSURL is the http or https address of the identity provider's JSON
	// Web Key Set. Exactly one of JWKSURL and PublicKeyPEM is set.
	JWKSURL string
	// PublicKeyPEM is one static public key: a PEM block of type "PUBLIC
	// KEY" (PKIX), "RSA PUBLIC KEY" (PKCS #1) or "CERTIFICATE" (its key is
	// used; its validity dates are not checked). Only the first block is read.
	PublicKeyPEM []byte
	// Issuer is required; the iss claim must equal it.
	Issuer string
	// Audience is required; the aud claim (string or array) must contain it.
	Audience string
	// StaffClaim names the claim holding the staff member ID; "" means "sub".
	StaffClaim string
	// RoleClaim names the claim holding the role, which must then be a
	// non-empty string; "" means tokens carry no role and Identity.Role is "".
	RoleClaim string
	// Leeway is the clock skew allowed on exp, nbf and iat; 0 means
	// DefaultLeeway. It must not be negative.
	Leeway time.Duration
	// HTTPClient fetches the key set; nil means a client with a 10 s
	// timeout. A fetch is cut off after 10 s whatever the client.
	HTTPClient *http.Client
}

// Identity is what an accepted token says about its bearer.
type Identity struct {
	// StaffID is the staff claim: who the token was issued to.
	StaffID string
	// Role is the role claim, or "" when Config.RoleClaim is "".
	Role string
	// ExpiresAt is the exp claim.
	ExpiresAt time.Time
	// TokenID is the jti claim, "" when the token has none.
	TokenID string
}

// Verifier checks tokens against a Config. It is safe for concurrent use.
type Verifier struct {
	parser     *jwt.Parser
	staffClaim string
	roleClaim  string
	static     crypto.PublicKey // the key from Config.PublicKeyPEM, or nil
	jwks       *keySet          // the set at Config.JWKSURL, or nil
	now        func() time.Time
}

// New checks cfg and, for a static key, parses it. It does not fetch the key
// set; the first Verify does.
func New(cfg Config) (*Verifier, error) {
	if (cfg.JWKSURL == "") == (len(cfg.PublicKeyPEM) == 0) {
		return nil, errors.New("jwtauth: set exactly one of JWKSURL and PublicKeyPEM")
	}
	if cfg.Issuer == "" {
		return nil, errors.New("jwtauth: Issuer is required")
	}
	if cfg.Audience == "" {
		return nil, errors.New("jwtauth: Audience is required")
	}
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("jwtauth: Leeway %s is negative", cfg.Leeway)
	}
	v := &Verifier{
		staffClaim: cmp.Or(cfg.StaffClaim, "sub"),
		roleClaim:  cfg.RoleClaim,
		now:        time.Now,
	}
	if cfg.JWKSURL != "" {
		u, err := url.Parse(cfg.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, errors.New("jwtauth: JWKSURL must be an absolute http or https URL")
		}
		client := cfg.HTTPClient
		if client == nil {
			client = &http.Client{Timeout: defaultFetchTimeout}
		}
		v.jwks = &keySet{url: cfg.JWKSURL, safeURL: u.Redacted(), client: client}
	} else {
		key, err := parsePEM(cfg.PublicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("jwtauth: PublicKeyPEM: %w", err)
		}
		v.static = key
	}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods(algorithms),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cmp.Or(cfg.Leeway, DefaultLeeway)),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	)
	return v, nil
}

// Verify checks the token's signature and claims and returns who it was
// issued to. A refused token gives an error wrapping ErrInvalidToken; keys
// that cannot be fetched give one wrapping ErrKeysUnavailable.
func (v *Verifier) Verify(ctx context.Context, token string) (Identity, error) {
	var keysErr error
	claims := jwt.MapClaims{}
	_, err := v.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		key, err := v.key(ctx, t)
		if errors.Is(err, ErrKeysUnavailable) {
			keysErr = err
		}
		return key, err
	})
	if keysErr != nil {
		return Identity{}, keysErr
	}
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return v.identity(claims)
}

// key finds the key that may verify t: the static key or one from the set,
// in either case of a type that fits t's algorithm.
func (v *Verifier) key(ctx context.Context, t *jwt.Token) (crypto.PublicKey, error) {
	alg := t.Method.Alg()
	if v.static != nil {
		return v.static, checkKey(v.static, alg)
	}
	kid, ok := t.Header["kid"].(string)
	if !ok && t.Header["kid"] != nil {
		return nil, errors.New("kid header is not a string")
	}
	k, err := v.jwks.key(ctx, kid, v.now())
	if err != nil {
		return nil, err
	}
	if k.alg != "" && k.alg != alg {
		return nil, fmt.Errorf("key %.64q is for %s, not %s", k.kid, k.alg, alg)
	}
	return k.key, checkKey(k.key, alg)
}

// identity reads the configured claims of a verified token.
func (v *Verifier) identity(claims jwt.MapClaims) (Identity, error) {
	var id Identity
	var ok bool
	if id.StaffID, ok = claims[v.staffClaim].(string); !ok || strings.TrimSpace(id.StaffID) == "" {
		return Identity{}, fmt.Errorf("%w: claim %q is missing or not a non-empty string", ErrInvalidToken, v.staffClaim)
	}
	if v.roleClaim != "" {
		if id.Role, ok = claims[v.roleClaim].(string); !ok || id.Role == "" {
			return Identity{}, fmt.Errorf("%w: claim %q is missing or not a non-empty string", ErrInvalidToken, v.roleClaim)
		}
	}
	if jti, present := claims["jti"]; present {
		if id.TokenID, ok = jti.(string); !ok {
			return Identity{}, fmt.Errorf("%w: claim \"jti\" is not a string", ErrInvalidToken)
		}
	}
	// The parser has already required a valid exp.
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return Identity{}, fmt.Errorf("%w: claim \"exp\" is missing or not a number", ErrInvalidToken)
	}
	id.ExpiresAt = exp.Time
	return id, nil
}
