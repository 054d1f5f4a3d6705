package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// HashToken returns the hex SHA-256 of a bearer token, the only form in
// which tokens are stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StaffByToken returns the staff member owning the bearer token, or
// ErrNotFound when the token (or its owner) is unknown.
func StaffByToken(ctx context.Context, db *gorm.DB, token string) (*Staff, error) {
	var tok Token
	if err := first(ctx, db, &tok, "hash = ?", HashToken(token)); err != nil {
		return nil, err
	}
	return GetStaff(ctx, db, tok.StaffID)
}

// GetStaff returns one staff member by ID, or ErrNotFound.
func GetStaff(ctx context.Context, db *gorm.DB, id string) (*Staff, error) {
	var s Staff
	if err := first(ctx, db, &s, "id = ?", id); err != nil {
		return nil, err
	}
	return &s, nil
}

// demoStaff is the team SeedDemo creates; each member's token is "dev-" + ID.
var demoStaff = []Staff{
	{ID: "maria", Name: "Maria", Role: RoleManager, Email: "maria@example.com", Language: LangRussian},
	{ID: "alice", Name: "Alice", Role: RoleSales, ManagerID: "maria", Email: "alice@example.com", Language: LangRussian},
	{ID: "bob", Name: "Bob", Role: RoleSales, ManagerID: "maria", Email: "bob@example.com", Language: LangEnglish},
	{ID: "admin", Name: "Administrator", Role: RoleAdmin, Email: "admin@example.com", Language: LangEnglish},
}

// SeedDemo creates the demo team (manager maria, sales reps alice and bob
// reporting to her, and admin) with the bearer tokens dev-maria, dev-alice,
// dev-bob and dev-admin, stored hashed. Each has the e-mail address
// <id>@example.com; maria and alice read Russian, bob and admin English;
// every preference has its default (e-mail and webhook on, no digest). Rows that already exist are left as
// they are, so it is safe to call on every start.
func SeedDemo(ctx context.Context, db *gorm.DB) error {
	staff := make([]Staff, len(demoStaff))
	copy(staff, demoStaff)
	tokens := make([]Token, 0, len(staff))
	for _, s := range staff {
		tokens = append(tokens, Token{Hash: HashToken("dev-" + s.ID), StaffID: s.ID})
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoNothing: true}).Create(&staff).Error; err != nil {
			return fmt.Errorf("seed staff: %w", err)
		}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "hash"}}, DoNothing: true}).Create(&tokens).Error; err != nil {
			return fmt.Errorf("seed tokens: %w", err)
		}
		return nil
	})
}
