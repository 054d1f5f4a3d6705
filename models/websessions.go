package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// WebSession is a signed-in browser of the web app. The browser holds a
// random secret in its cookie; the server keeps only its hash (the ID), so
// a copy of the table signs nobody in.
type WebSession struct {
	// ID is the hex SHA-256 of the cookie's secret (HashToken).
	ID      string `gorm:"primaryKey;size:64"`
	StaffID string `gorm:"size:64;not null;index"`
	// Role is the role the sign-in granted (a JWT's role claim, else the
	// member's role then).
	Role string `gorm:"size:16;not null"`
	// TokenHash is the hash of the opaque API token used to sign in; ""
	// when a JWT was used, whose expiry is then JWTExpiresAt.
	TokenHash    string `gorm:"size:64;index"`
	JWTExpiresAt *time.Time
	// CSRF is the token every form and every unsafe API request made with
	// the cookie must carry.
	CSRF       string `gorm:"size:64;not null"`
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end (CreatedAt + WEB_SESSION_MAX).
	ExpiresAt time.Time `gorm:"index"`
}

// ErrSessionEnded is returned by WebSessionStaff for a session that no
// longer signs anyone in: unknown, idle or too old, its member deactivated,
// or its token revoked or expired. The session row is deleted.
var ErrSessionEnded = errors.New("web session ended")

// sessionTouchEvery is how stale LastSeenAt may get before a request
// writes it again: the idle expiry is exact to this much, and a busy page
// does not write on each request.
const sessionTouchEvery = time.Minute

// randomSecret is 256 random bits, URL-safe.
func randomSecret() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// CreateWebSession stores s (StaffID, Role, TokenHash or JWTExpiresAt set
// by the caller) starting at now and ending at now+maxAge, with a fresh ID
// and CSRF token, and returns the cookie's secret. Sessions already ended
// at now are swept on the way.
func CreateWebSession(ctx context.Context, db *gorm.DB, s *WebSession, now time.Time, idle, maxAge time.Duration) (string, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", err
	}
	csrf, err := randomSecret()
	if err != nil {
		return "", err
	}
	now = now.UTC().Truncate(time.Microsecond)
	s.ID, s.CSRF = HashToken(secret), csrf
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = now, now, now.Add(maxAge)
	db = db.WithContext(ctx)
	if err := db.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-idle)).Delete(&WebSession{}).Error; err != nil {
		return "", fmt.Errorf("sweep web sessions: %w", err)
	}
	if err := db.Create(s).Error; err != nil {
		return "", fmt.Errorf("create web session: %w", err)
	}
	return secret, nil
}

// WebSessionStaff returns the session of the cookie secret at now and its
// member, with the session's role. A session idle for idle or more, past
// its ExpiresAt, whose member is deactivated, whose token is revoked or
// expired (or whose JWT has expired) ends: it is deleted and
// ErrSessionEnded returned.
func WebSessionStaff(ctx context.Context, db *gorm.DB, secret string, now time.Time, idle time.Duration) (*WebSession, *Staff, error) {
	var s WebSession
	err := first(ctx, db, &s, "id = ?", HashToken(secret))
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrSessionEnded
	}
	if err != nil {
		return nil, nil, err
	}
	staff, live, err := sessionLive(ctx, db, &s, now, idle)
	if err != nil {
		return nil, nil, err
	}
	if !live {
		return nil, nil, endSession(ctx, db, s.ID)
	}
	if now.Sub(s.LastSeenAt) >= sessionTouchEvery {
		s.LastSeenAt = now.UTC().Truncate(time.Microsecond)
		if err := db.WithContext(ctx).Model(&WebSession{}).Where("id = ?", s.ID).Update("last_seen_at", s.LastSeenAt).Error; err != nil {
			return nil, nil, err
		}
	}
	staff.Role = s.Role
	return &s, staff, nil
}

// sessionLive says whether s still signs its member in at now, and
// returns the member.
func sessionLive(ctx context.Context, db *gorm.DB, s *WebSession, now time.Time, idle time.Duration) (*Staff, bool, error) {
	if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= idle {
		return nil, false, nil
	}
	if s.TokenHash == "" && (s.JWTExpiresAt == nil || !now.Before(*s.JWTExpiresAt)) {
		return nil, false, nil
	}
	if s.TokenHash != "" {
		var tok Token
		err := first(ctx, db, &tok, "hash = ?", s.TokenHash)
		if errors.Is(err, ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if tok.RevokedAt != nil || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
			return nil, false, nil
		}
	}
	staff, err := GetStaff(ctx, db, s.StaffID)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return staff, staff.Active, nil
}

// endSession deletes session id and returns ErrSessionEnded (or the
// deletion's failure).
func endSession(ctx context.Context, db *gorm.DB, id string) error {
	if err := DeleteWebSession(ctx, db, id); err != nil {
		return err
	}
	return ErrSessionEnded
}

// DeleteWebSession deletes session id (signing out); deleting a session
// that is gone is not an error.
func DeleteWebSession(ctx context.Context, db *gorm.DB, id string) error {
	if err := db.WithContext(ctx).Where("id = ?", id).Delete(&WebSession{}).Error; err != nil {
		return fmt.Errorf("delete web session: %w", err)
	}
	return nil
}
