// Package jwtauth verifies the JWT bearer tokens issued by the company
// identity provider and turns an accepted token into an Identity: the staff
// member, their role and when the token expires.
//
// # What is accepted
//
// Only asymmetric signatures are accepted: RS256/384/512, PS256/384/512,
// ES256/384/512 and EdDSA (Ed25519). "none" and every HMAC algorithm are
// refused before any key is looked up, so a public key can never be misused
// as an HMAC secret. The key must match the algorithm: an RSA key for RS* and
// PS* (at least 2048 bits), a P-256, P-384 or P-521 key for ES256, ES384 and
// ES512 respectively, an Ed25519 key for EdDSA.
//
// A token must carry exp, an iss equal to Config.Issuer and an aud (a string
// or an array) containing Config.Audience. nbf and iat are checked when
// present. exp, nbf and iat allow Config.Leeway of clock skew (DefaultLeeway
// when unset). The staff claim must be a non-empty string, and so must the
// role claim when one is configured (an empty role could not be told from
// "no role"); which roles exist is for the caller to check.
//
// # Keys
//
// The keys come either from one static PEM public key (the token's kid is
// then ignored) or from a JSON Web Key Set at Config.JWKSURL. The set is
// fetched on first use, not by New. Keys are found by the token's kid; a
// token without kid is accepted only when the set holds exactly one usable
// key. Keys whose use is not "sig", or whose kty, curve or alg is not one of
// the above, are skipped silently; malformed keys (bad encoding, wrong size,
// RSA under 2048 bits, an alg that does not fit the key) are skipped with a
// warning in the log. A key whose alg is set verifies only tokens of that alg.
//
// The set is fetched again when a token names an unknown kid or when the
// copy is older than 10 minutes, but at most one fetch is attempted per
// 30 seconds, so a flood of tokens with made-up kids cannot hammer the
// identity provider. One fetch runs at a time; meanwhile tokens with known
// keys are verified against the cached set. If a refresh fails, the
// previously fetched keys stay in use until a later refresh succeeds. A fetch
// is bounded to 10 seconds, needs HTTP 200 and at most 1 MiB of body, and is
// not cut short when the context of the Verify that started it ends. No
// goroutines are started.
//
// # Errors
//
// Every rejected token gives an error wrapping ErrInvalidToken (the API
// answers 401); its message says why but never contains the token. When the
// key set cannot be fetched and the token's key is not in the cache, the
// error wraps ErrKeysUnavailable instead (the API answers 503).
package jwtauth
