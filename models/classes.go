package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Client categories of docs/process.md §5, the values of ClientClass.Category.
const (
	CategoryPotential = "potential" // no settlements yet
	CategoryNew       = "new"       // first settlement within the window
	CategoryPermanent = "permanent" // settlements in the window and before it
	CategoryLost      = "lost"      // settlements before, none in the window
	CategoryRestored  = "restored"  // settlements in the window again after a gap
)

// ClientClass is a client's category and ABC and XYZ classes as of the
// latest classification run (AsOf, the end of the run's windows). Owner is
// the rep responsible for the client: the owner of its latest deal (its
// creator while it has none). ABC is "" for a client without turnover; XYZ
// is "" when the client has too little history for a coefficient of
// variation (Variation nil). Turnover is the net settlements (minor units)
// of the ABC period; Variation the coefficient of variation of monthly
// turnover as a fraction (0.1 for 10%). Package classify writes and reads
// these rows.
type ClientClass struct {
	ClientID  string    `gorm:"primaryKey;size:64"`
	AsOf      time.Time `gorm:"not null;index"`
	Owner     string    `gorm:"size:64;index"`
	Segment   string    `gorm:"size:100;index"`
	Category  string    `gorm:"size:16;not null;index"`
	ABC       string    `gorm:"size:1;not null"`
	XYZ       string    `gorm:"size:1;not null"`
	Turnover  int64     `gorm:"not null"`
	Variation *float64
}

// ClientClassChange is one entry of a client's classification history: the
// category and classes a run found when they differ from the run before
// (the first run records every client), so a class change can be followed
// over time.
//
// PreviousCategory is the category of the client's entry before this one
// (by AsOf), "" for its first entry; it is derived (FillPreviousCategories)
// so the KPI report can tell a transition (a client becoming lost) from an
// entry that only moved its ABC or XYZ class without reading the client's
// earlier entries. nil while not derived yet (entries written by earlier
// versions until the migration fills them): readers then look it up.
type ClientClassChange struct {
	ClientID         string    `gorm:"primaryKey;size:64"`
	AsOf             time.Time `gorm:"primaryKey;index"`
	Owner            string    `gorm:"size:64;index"`
	Category         string    `gorm:"size:16;not null"`
	ABC              string    `gorm:"size:1;not null"`
	XYZ              string    `gorm:"size:1;not null"`
	PreviousCategory *string   `gorm:"size:16"`
}

// PreviousCategorySQL is the SQL expression of the category of the entry
// before the classification history entry c (by as_of) of the same client,
// NULL for a first entry: what FillPreviousCategories stores and what a
// reader of an entry not yet filled looks up.
const PreviousCategorySQL = "(SELECT b.category FROM client_class_changes AS b " +
	"WHERE b.client_id = c.client_id AND b.as_of < c.as_of ORDER BY b.as_of DESC LIMIT 1)"

// FillPreviousCategories stores PreviousCategory on the classification
// history entries that have none yet ("" for a client's first entry):
// those as of asOf, or every one when asOf is nil. Entries are appended in
// AsOf order (a classification run never goes back in time), so a stored
// value stays right. Idempotent: filled entries are left alone.
func FillPreviousCategories(ctx context.Context, db *gorm.DB, asOf *time.Time) error {
	// "UPDATE t AS c" (PostgreSQL; SQLite since 3.8.3) keeps the alias
	// PreviousCategorySQL names.
	sql := "UPDATE client_class_changes AS c SET previous_category = COALESCE(" + PreviousCategorySQL + ", '') " +
		"WHERE c.previous_category IS NULL"
	args := []any{}
	if asOf != nil {
		sql += " AND c.as_of = ?"
		args = append(args, asOf.UTC())
	}
	if err := db.WithContext(ctx).Exec(sql, args...).Error; err != nil {
		return fmt.Errorf("previous categories of the classification history: %w", err)
	}
	return nil
}
