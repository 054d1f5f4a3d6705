package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PolicyVersion is one saved version of the policy document (package
// internal/policy): versions count up from 1, one per save, and are never
// changed afterwards; version 0 is the deployment's default, which is not
// stored. Document is the document's JSON.
type PolicyVersion struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Document  string `gorm:"type:text;not null"`
	CreatedBy string `gorm:"size:64;not null"`
	CreatedAt time.Time
}

// savePolicyAttempts bounds how often SavePolicy retries after a
// concurrent save took the version it chose.
const savePolicyAttempts = 5

// LatestPolicy returns the newest saved policy version, or ErrNotFound
// when none has been saved.
func LatestPolicy(ctx context.Context, db *gorm.DB) (*PolicyVersion, error) {
	var v PolicyVersion
	err := take(db.WithContext(ctx).Order("version DESC").Limit(1), &v)
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("latest policy: %w", err)
	}
	return &v, nil
}

// GetPolicy returns one saved policy version, or ErrNotFound.
func GetPolicy(ctx context.Context, db *gorm.DB, version int) (*PolicyVersion, error) {
	return get[PolicyVersion](ctx, db, "version = ?", version)
}

// SavePolicy stores doc as the next policy version, saved by staff member
// by, and returns its number: one more than the newest saved version (1
// for the first). Concurrent saves never share a number: the version is the
// primary key, so the loser of a race gets a duplicate-key error and tries
// again with the next number, up to savePolicyAttempts times.
func SavePolicy(ctx context.Context, db *gorm.DB, doc []byte, by string) (int, error) {
	var err error
	for range savePolicyAttempts {
		var latest int
		if err = db.WithContext(ctx).Model(&PolicyVersion{}).Select("COALESCE(MAX(version), 0)").Scan(&latest).Error; err != nil {
			return 0, fmt.Errorf("save policy: %w", err)
		}
		row := PolicyVersion{Version: latest + 1, Document: string(doc), CreatedBy: by, CreatedAt: time.Now().UTC()}
		err = db.WithContext(ctx).Create(&row).Error
		if err == nil {
			return row.Version, nil
		}
		if !errors.Is(err, gorm.ErrDuplicatedKey) {
			return 0, fmt.Errorf("save policy: %w", err)
		}
	}
	return 0, fmt.Errorf("save policy: %d concurrent saves took every version tried: %w", savePolicyAttempts, err)
}
