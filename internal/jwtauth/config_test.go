package jwtauth

import (
	"crypto/ecdh"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewRefusesBadConfig(t *testing.T) {
	pub := pkixPEM(t, &rsaKey().PublicKey)
	privDER, err := x509.MarshalPKCS8PrivateKey(rsaKey())
	if err != nil {
		t.Fatal(err)
	}
	private := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})
	corrupt := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("not DER")})
	valid := Config{PublicKeyPEM: pub, Issuer: testIssuer, Audience: testAudience}
	cases := []struct {
		name string
		edit func(*Config)
		why  string
	}{
		{"no key source", func(c *Config) { c.PublicKeyPEM = nil }, "set exactly one of JWKSURL and PublicKeyPEM"},
		{"both key sources", func(c *Config) { c.JWKSURL = "https://idp.example.com/jwks" }, "set exactly one of JWKSURL and PublicKeyPEM"},
		{"no issuer", func(c *Config) { c.Issuer = "" }, "Issuer is required"},
		{"no audience", func(c *Config) { c.Audience = "" }, "Audience is required"},
		{"negative leeway", func(c *Config) { c.Leeway = -time.Second }, "Leeway -1s is negative"},
		{"JWKS URL of another scheme", func(c *Config) { c.PublicKeyPEM, c.JWKSURL = nil, "ftp://idp.example.com/jwks" }, "absolute http or https URL"},
		{"relative JWKS URL", func(c *Config) { c.PublicKeyPEM, c.JWKSURL = nil, "/jwks" }, "absolute http or https URL"},
		{"unparsable JWKS URL", func(c *Config) { c.PublicKeyPEM, c.JWKSURL = nil, "https://idp example.com:x/" }, "absolute http or https URL"},
		{"not PEM", func(c *Config) { c.PublicKeyPEM = []byte("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA") }, "no PEM block found"},
		{"private key", func(c *Config) { c.PublicKeyPEM = private }, `PEM block "PRIVATE KEY" is not a public key or certificate`},
		{"corrupt key", func(c *Config) { c.PublicKeyPEM = corrupt }, `PublicKeyPEM: PEM block "PUBLIC KEY": asn1`},
		{"small RSA key", func(c *Config) { c.PublicKeyPEM = pkixPEM(t, &genRSA(1024).PublicKey) }, "RSA key has 1024 bits, at least 2048 needed"},
		{"P-224 key", func(c *Config) { c.PublicKeyPEM = pkixPEM(t, &genEC(t, elliptic.P224()).PublicKey) }, "unsupported ECDSA curve P-224"},
		{"X25519 key", func(c *Config) { c.PublicKeyPEM = pkixPEM(t, x25519(t)) }, "unsupported key type *ecdh.PublicKey"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := valid
			c.edit(&cfg)
			v, err := New(cfg)
			if err == nil {
				t.Fatalf("New accepted %+v", cfg)
			}
			if v != nil || !strings.Contains(err.Error(), c.why) {
				t.Fatalf("New: %v, %v; want an error saying %q", v, err, c.why)
			}
		})
	}
}

func x25519(t *testing.T) *ecdh.PublicKey {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k.PublicKey()
}

func TestNewDefaults(t *testing.T) {
	v, err := New(Config{JWKSURL: "https://user:secret@idp.example.com/jwks", Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	if v.staffClaim != "sub" || v.roleClaim != "" || v.static != nil {
		t.Errorf("claims %q %q, static key %v", v.staffClaim, v.roleClaim, v.static)
	}
	if v.jwks.client.Timeout != 10*time.Second || v.jwks.keys != nil {
		t.Errorf("client timeout %s, keys %v", v.jwks.client.Timeout, v.jwks.keys)
	}
	if strings.Contains(v.jwks.safeURL, "secret") {
		t.Errorf("the URL for messages %q shows the password", v.jwks.safeURL)
	}
	client := &http.Client{}
	v, err = New(Config{JWKSURL: "http://idp.internal/jwks", Issuer: testIssuer, Audience: testAudience, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	if v.jwks.client != client {
		t.Error("the configured HTTP client is not used")
	}
}
