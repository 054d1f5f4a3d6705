package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// TokenPrefix starts every opaque API token salesflow issues, so a leaked
// one is easy to recognise (secret scanners, logs).
const TokenPrefix = "sf_"

// ErrTokenInactive is returned by StaffByToken for a token that exists but
// no longer works: expired, revoked, or its owner deactivated.
var ErrTokenInactive = errors.New("token expired, revoked or owner deactivated")

// TokenItem is an API token as the API lists it, never its secret: an item
// of GET /api/v1/staff/{id}/tokens, which the web app reads too.
type TokenItem struct {
	ID        string     `json:"id"`
	StaffID   string     `json:"staff_id"`
	Name      string     `json:"name,omitempty"`
	CreatedBy string     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// HashToken returns the hex SHA-256 of a bearer token, the only form in
// which tokens are stored. Tokens are 256-bit random secrets, so a plain
// hash (no salt, no stretching) is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// tokenID is the public ID of the token with the given hash.
func tokenID(hash string) string { return "tok_" + hash[:16] }

// StaffByToken returns the staff member owning the bearer token at now.
// It returns ErrNotFound when the token is unknown and ErrTokenInactive
// when it is expired or revoked or its owner is deactivated.
func StaffByToken(ctx context.Context, db *gorm.DB, token string, now time.Time) (*Staff, error) {
	var tok Token
	if err := first(ctx, db, &tok, "hash = ?", HashToken(token)); err != nil {
		return nil, err
	}
	if tok.RevokedAt != nil || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
		return nil, ErrTokenInactive
	}
	s, err := GetStaff(ctx, db, tok.StaffID)
	if err != nil {
		return nil, err
	}
	if !s.Active {
		return nil, ErrTokenInactive
	}
	return s, nil
}

// IssueToken creates a new opaque token for staff member staffID and
// returns its row and its secret, which is stored nowhere and cannot be
// shown again. expiresAt nil means the token does not expire.
func IssueToken(ctx context.Context, db *gorm.DB, staffID, name, createdBy string, expiresAt *time.Time) (*Token, string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	hash := HashToken(secret)
	tok := &Token{
		Hash: hash, ID: tokenID(hash), StaffID: staffID, Name: name, CreatedBy: createdBy,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond), ExpiresAt: expiresAt,
	}
	if err := db.WithContext(ctx).Create(tok).Error; err != nil {
		return nil, "", fmt.Errorf("issue token: %w", err)
	}
	return tok, secret, nil
}

// Tokens lists a staff member's tokens, newest first.
func Tokens(ctx context.Context, db *gorm.DB, staffID string) ([]Token, error) {
	return findAll[Token](ctx, db, "staff_id", staffID, "created_at DESC", "id")
}

// RevokeToken revokes token id of staff member staffID at now and returns
// it; revoking a revoked token keeps its first revocation time. It returns
// ErrNotFound when the member has no such token.
func RevokeToken(ctx context.Context, db *gorm.DB, staffID, id string, now time.Time) (*Token, error) {
	var tok Token
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := first(ctx, tx, &tok, "id = ? AND staff_id = ?", id, staffID); err != nil {
			return err
		}
		if tok.RevokedAt != nil {
			return nil
		}
		at := now.UTC().Truncate(time.Microsecond)
		tok.RevokedAt = &at
		return tx.Model(&Token{}).Where("hash = ?", tok.Hash).Update("revoked_at", at).Error
	})
	if err != nil {
		return nil, err
	}
	return &tok, nil
}

// revokeAll revokes every working token of a staff member at now.
func revokeAll(tx *gorm.DB, staffID string, now time.Time) error {
	return tx.Model(&Token{}).Where("staff_id = ? AND revoked_at IS NULL", staffID).
		Update("revoked_at", now.UTC().Truncate(time.Microsecond)).Error
}

// backfillTokenIDs gives tokens stored before tokens had public IDs their
// ID.
func backfillTokenIDs(db *gorm.DB) error {
	var hashes []string
	if err := db.Model(&Token{}).Where("id IS NULL OR id = ''").Pluck("hash", &hashes).Error; err != nil {
		return err
	}
	for _, h := range hashes {
		if err := db.Model(&Token{}).Where("hash = ?", h).Update("id", tokenID(h)).Error; err != nil {
			return err
		}
	}
	return nil
}
