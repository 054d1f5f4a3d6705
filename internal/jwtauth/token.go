package jwtauth

import "strings"

// LooksLikeJWT reports whether token has the shape of a JWT: three non-empty
// unpadded base64url segments separated by dots, none of a length base64
// cannot have (4n+1 characters). It decodes nothing, and lets the API tell
// JWTs from opaque tokens.
func LooksLikeJWT(token string) bool {
	if strings.Count(token, ".") != 2 {
		return false
	}
	for seg := range strings.SplitSeq(token, ".") {
		if seg == "" || len(seg)%4 == 1 || strings.ContainsFunc(seg, notBase64URL) {
			return false
		}
	}
	return true
}

func notBase64URL(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}
