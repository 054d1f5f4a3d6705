package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
)

// rsaAlgs are the algorithms an RSA key verifies.
var rsaAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}

// algorithms are the accepted signing algorithms: asymmetric only, so that a
// public key can never serve as an HMAC secret.
var algorithms = slices.Concat(rsaAlgs, []string{"ES256", "ES384", "ES512", "EdDSA"})

// ecdsaAlgs gives the one algorithm each supported curve is used with.
var ecdsaAlgs = map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}

// minRSABits is the smallest RSA modulus accepted.
const minRSABits = 2048

// algsFor lists the algorithms key may verify.
func algsFor(key crypto.PublicKey) []string {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return rsaAlgs
	case *ecdsa.PublicKey:
		if alg, ok := ecdsaAlgs[k.Params().Name]; ok {
			return []string{alg}
		}
	case ed25519.PublicKey:
		return []string{"EdDSA"}
	}
	return nil
}

// validKey reports whether key is of a supported type, curve and size.
func validKey(key crypto.PublicKey) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return fmt.Errorf("RSA key has %d bits, at least %d needed", k.N.BitLen(), minRSABits)
		}
	case *ecdsa.PublicKey:
		if _, ok := ecdsaAlgs[k.Params().Name]; !ok {
			return fmt.Errorf("unsupported ECDSA curve %s", k.Params().Name)
		}
	case ed25519.PublicKey:
	default:
		return fmt.Errorf("unsupported key type %T", key)
	}
	return nil
}

// checkKey reports whether key may verify a token signed with alg.
func checkKey(key crypto.PublicKey, alg string) error {
	if slices.Contains(algsFor(key), alg) {
		return nil
	}
	kind := fmt.Sprintf("a %T", key)
	switch k := key.(type) {
	case *rsa.PublicKey:
		kind = "an RSA key"
	case *ecdsa.PublicKey:
		kind = "a " + k.Params().Name + " key"
	case ed25519.PublicKey:
		kind = "an Ed25519 key"
	}
	return fmt.Errorf("%s tokens cannot be verified with %s", alg, kind)
}

// parsePEM reads the public key from the first PEM block of data.
func parsePEM(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	var (
		key crypto.PublicKey
		err error
	)
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key or certificate", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("PEM block %q: %w", block.Type, err)
	}
	if err := validKey(key); err != nil {
		return nil, err
	}
	return key, nil
}
