package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"slices"
)

// jwk is one JSON Web Key (RFC 7517, 7518, 8037), as far as verifying
// signatures needs it.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Crv string `json:"crv"`
	N   string `json:"n"`
	E   string `json:"e"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// jwkSet is a JSON Web Key Set with its keys left unparsed.
type jwkSet struct {
	Keys []json.RawMessage `json:"keys"`
}

// errSkip marks a key that is not for signatures or of a kind this package
// does not verify with; such keys are left out silently.
var errSkip = errors.New("not a supported signing key")

// curves are the supported EC curves by their JWK names.
var curves = map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}

// parseKeySet reads a JSON Web Key Set, leaving out the keys it cannot use.
// Malformed keys are logged; the set as a whole must be valid JSON.
func parseKeySet(data []byte) ([]verifyKey, error) {
	var set jwkSet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	var keys []verifyKey
	for i, raw := range set.Keys {
		k, err := parseJWK(raw)
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			slog.Warn("jwtauth: skipping a malformed key of the key set", "index", i, "err", err)
		default:
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// parseJWK reads one key, returning errSkip for keys to leave out silently.
func parseJWK(raw json.RawMessage) (verifyKey, error) {
	var j jwk
	if err := json.Unmarshal(raw, &j); err != nil {
		return verifyKey{}, err
	}
	if (j.Use != "" && j.Use != "sig") || (j.Alg != "" && !slices.Contains(algorithms, j.Alg)) {
		return verifyKey{}, errSkip
	}
	var (
		key crypto.PublicKey
		err error
	)
	switch j.Kty {
	case "RSA":
		key, err = j.rsa()
	case "EC":
		key, err = j.ecdsa()
	case "OKP":
		key, err = j.ed25519()
	default:
		return verifyKey{}, errSkip
	}
	if err == nil {
		err = validKey(key)
	}
	if err == nil && j.Alg != "" {
		err = checkKey(key, j.Alg)
	}
	if err != nil {
		return verifyKey{}, fmt.Errorf("key %.64q: %w", j.Kid, err)
	}
	return verifyKey{kid: j.Kid, alg: j.Alg, key: key}, nil
}

// rsa returns the RSA public key of j.
func (j jwk) rsa() (crypto.PublicKey, error) {
	n, e, err := decodePair("n", j.N, "e", j.E)
	if err != nil {
		return nil, err
	}
	exp := 0
	for _, b := range e {
		exp = exp<<8 | int(b)
	}
	if len(e) > 4 || exp < 3 || exp%2 == 0 || exp > math.MaxInt32 {
		return nil, errors.New("e is not a valid RSA exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
}

// ecdsa returns the ECDSA public key of j, errSkip on an unknown curve.
func (j jwk) ecdsa() (crypto.PublicKey, error) {
	curve, ok := curves[j.Crv]
	if !ok {
		return nil, errSkip
	}
	x, y, err := decodePair("x", j.X, "y", j.Y)
	if err != nil {
		return nil, err
	}
	size := (curve.Params().BitSize + 7) / 8
	if len(x) != size || len(y) != size {
		return nil, fmt.Errorf("x and y of a %s key must be %d bytes", j.Crv, size)
	}
	return ecdsa.ParseUncompressedPublicKey(curve, slices.Concat([]byte{4}, x, y))
}

// ed25519 returns the Ed25519 public key of j, errSkip on another curve.
func (j jwk) ed25519() (crypto.PublicKey, error) {
	if j.Crv != "Ed25519" {
		return nil, errSkip
	}
	x, err := decodeField("x", j.X)
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("x of an Ed25519 key must be %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(x), nil
}

// decodeField decodes a non-empty unpadded base64url member of a key.
func decodeField(name, value string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%s is missing or not unpadded base64url", name)
	}
	return b, nil
}

// decodePair decodes two members of a key, each as decodeField does; the
// first error wins.
func decodePair(name1, value1, name2, value2 string) ([]byte, []byte, error) {
	a, err := decodeField(name1, value1)
	if err != nil {
		return nil, nil, err
	}
	b, err := decodeField(name2, value2)
	return a, b, err
}
