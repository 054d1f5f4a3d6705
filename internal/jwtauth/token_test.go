package jwtauth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestLooksLikeJWT(t *testing.T) {
	real := sign(t, jwt.SigningMethodEdDSA, genEd(t), "k1", claimsAt(time.Now()))
	cases := map[string]bool{
		real:                 true,
		"eyJh.eyJi.c2ln":     true,
		"a-_b.Zm9v.AAAA":     true,
		"":                   false,
		"opaque-api-token":   false,
		"sf_3kT9xQ2mN8pL":    false,
		"a.b":                false,
		"aa.bb.cc.dd":        false,
		"aa..cc":             false,
		".bb.cc":             false,
		"aa.bb.":             false,
		"aa.bb.cc=":          false,
		"aa.b+b.cc":          false,
		"aa.b/b.cc":          false,
		"aa.bb.c c":          false,
		"aaaaa.bb.cc":        false, // 5 characters cannot be base64
		real + "\n":          false,
		"Bearer " + real:     false,
		"eyJh.eyJi.c2ln.sig": false,
	}
	for token, want := range cases {
		if got := LooksLikeJWT(token); got != want {
			t.Errorf("LooksLikeJWT(%q) = %v, want %v", token, got, want)
		}
	}
}
