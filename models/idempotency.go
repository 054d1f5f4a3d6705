package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// IdempotencyKey remembers one creating request made with an
// Idempotency-Key header: who sent it (Caller) to which route (Route: the
// method and path) under which key, the SHA-256 of its body, and, once it
// succeeded, the status and body answered. The primary key makes one of two
// concurrent requests with the same key the one that runs. Status 0 means
// the request is still running; its claim lapses at LockedUntil, when a
// retry may take it over (the server running it died). The row is
// forgotten at ExpiresAt.
type IdempotencyKey struct {
	Caller      string    `gorm:"primaryKey;size:64"`
	Route       string    `gorm:"primaryKey;size:300"`
	Key         string    `gorm:"primaryKey;size:200;column:idempotency_key"`
	RequestHash string    `gorm:"size:64;not null"`
	Status      int       `gorm:"not null"`
	Response    []byte    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
	LockedUntil time.Time `gorm:"not null"`
	ExpiresAt   time.Time `gorm:"not null;index"`
	// Attempt counts the claims of the key; a claim is held by whoever set
	// its current value, so a request whose claim was taken over cannot
	// overwrite the new one.
	Attempt int `gorm:"not null"`
}

// IdempotencyClaim is the outcome of ClaimIdempotencyKey: either the
// caller holds the key now (Claimed, with Attempt to complete or release
// it), or Existing is the key's row as another request left it.
type IdempotencyClaim struct {
	Claimed  bool
	Attempt  int
	Existing *IdempotencyKey
}

// claimTries bounds how often ClaimIdempotencyKey retries when another
// request changes the same key's row between its read and its update.
const claimTries = 5

// ClaimIdempotencyKey claims the key of want (Caller, Route, Key,
// RequestHash, LockedUntil, ExpiresAt) at now. It inserts the row; if the
// key has a row already, that row is taken over when it expired or when
// its request was still running with the same body and its claim lapsed.
// Otherwise the row is returned as Existing for the caller to judge (a
// different body, a request still running, or the answer to replay).
func ClaimIdempotencyKey(ctx context.Context, db *gorm.DB, want IdempotencyKey, now time.Time) (IdempotencyClaim, error) {
	db = db.WithContext(ctx)
	want.Status, want.Response, want.CreatedAt, want.Attempt = 0, []byte{}, now, 1
	for range claimTries {
		res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&want)
		if res.Error != nil {
			return IdempotencyClaim{}, fmt.Errorf("claim idempotency key: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return IdempotencyClaim{Claimed: true, Attempt: 1}, nil
		}
		var old IdempotencyKey
		err := db.Where("caller = ? AND route = ? AND idempotency_key = ?", want.Caller, want.Route, want.Key).Take(&old).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // released or cleaned up meanwhile: insert again
		}
		if err != nil {
			return IdempotencyClaim{}, fmt.Errorf("read idempotency key: %w", err)
		}
		lapsed := old.Status == 0 && !now.Before(old.LockedUntil) && old.RequestHash == want.RequestHash
		if now.Before(old.ExpiresAt) && !lapsed {
			return IdempotencyClaim{Existing: &old}, nil
		}
		next := old.Attempt + 1
		res = db.Model(&IdempotencyKey{}).
			Where("caller = ? AND route = ? AND idempotency_key = ? AND attempt = ?", want.Caller, want.Route, want.Key, old.Attempt).
			Updates(map[string]any{
				"request_hash": want.RequestHash, "status": 0, "response": []byte{}, "created_at": now,
				"locked_until": want.LockedUntil, "expires_at": want.ExpiresAt, "attempt": next,
			})
		if res.Error != nil {
			return IdempotencyClaim{}, fmt.Errorf("take over idempotency key: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return IdempotencyClaim{Claimed: true, Attempt: next}, nil
		}
	}
	return IdempotencyClaim{}, errors.New("claim idempotency key: the key's row keeps changing")
}

// CompleteIdempotencyKey stores the answer of the request holding claim
// attempt of key k (Caller, Route, Key). It reports false when the claim
// was taken over meanwhile.
func CompleteIdempotencyKey(ctx context.Context, db *gorm.DB, k IdempotencyKey, attempt, status int, response []byte) (bool, error) {
	res := db.WithContext(ctx).Model(&IdempotencyKey{}).
		Where("caller = ? AND route = ? AND idempotency_key = ? AND attempt = ?", k.Caller, k.Route, k.Key, attempt).
		Updates(map[string]any{"status": status, "response": response})
	if res.Error != nil {
		return false, fmt.Errorf("complete idempotency key: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseIdempotencyKey forgets the key k (Caller, Route, Key) held by claim
// attempt, so the request may be sent again with it: its request failed.
func ReleaseIdempotencyKey(ctx context.Context, db *gorm.DB, k IdempotencyKey, attempt int) error {
	err := db.WithContext(ctx).
		Where("caller = ? AND route = ? AND idempotency_key = ? AND attempt = ?", k.Caller, k.Route, k.Key, attempt).
		Delete(&IdempotencyKey{}).Error
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteExpiredIdempotencyKeys deletes the keys expired at now and returns
// how many there were.
func DeleteExpiredIdempotencyKeys(ctx context.Context, db *gorm.DB, now time.Time) (int64, error) {
	res := db.WithContext(ctx).Where("expires_at <= ?", now).Delete(&IdempotencyKey{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired idempotency keys: %w", res.Error)
	}
	return res.RowsAffected, nil
}
