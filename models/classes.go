package models

import "time"

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
type ClientClassChange struct {
	ClientID string    `gorm:"primaryKey;size:64"`
	AsOf     time.Time `gorm:"primaryKey;index"`
	Owner    string    `gorm:"size:64;index"`
	Category string    `gorm:"size:16;not null"`
	ABC      string    `gorm:"size:1;not null"`
	XYZ      string    `gorm:"size:1;not null"`
}
