package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// SubjectSurvey is the control points' subject type of a yearly
// satisfaction survey.
const SubjectSurvey = "survey"

// Survey is one row per yearly satisfaction survey (docs/satisfaction.md),
// the latest state its workflow reported.
type Survey struct {
	ID string `gorm:"primaryKey;size:128;index:idx_surveys_opened_id,priority:2"`
	// ClientID, Product and OpenedAt find a client's surveys of a product
	// in a window (the sweep and the report).
	ClientID string `gorm:"size:64;not null;index:idx_surveys_client_product,priority:1"`
	Product  string `gorm:"size:100;not null;index:idx_surveys_client_product,priority:2"`
	Owner    string `gorm:"size:64;not null;index"`
	Status   string `gorm:"size:16;not null;index"`
	// LowScores counts the questions scored 3 or below.
	LowScores     int       `gorm:"not null;default:0"`
	ComplaintID   string    `gorm:"size:160"`
	DeclineReason string    `gorm:"size:500"`
	OpenedAt      time.Time `gorm:"not null;index:idx_surveys_opened_id,priority:1;index:idx_surveys_client_product,priority:3"`
	RecordedAt    *time.Time
	ClosedAt      *time.Time
	UpdatedAt     time.Time
	// Seq is the history sequence number this row reflects; a row is only
	// ever replaced by a newer one.
	Seq int `gorm:"not null"`
	// ClientName is the client's name, filled by ListSurveys only.
	ClientName string `gorm:"->;-:migration"`
}

// SurveyEvent is one append-only history entry of a survey; Stage is its
// status then.
type SurveyEvent struct {
	SurveyID string `gorm:"primaryKey;size:128"`
	CaseEvent
}

// SurveyScore is one answer of a recorded survey: written once, with the
// survey's client, product and recording time, for the report's averages.
type SurveyScore struct {
	SurveyID   string    `gorm:"primaryKey;size:128"`
	Question   string    `gorm:"primaryKey;size:100"`
	ClientID   string    `gorm:"size:64;not null"`
	Product    string    `gorm:"size:100;not null"`
	Score      int       `gorm:"not null"`
	RecordedAt time.Time `gorm:"not null;index"`
}

// GetSurvey returns one survey, ErrNotFound when there is none.
func GetSurvey(ctx context.Context, db *gorm.DB, id string) (*Survey, error) {
	return get[Survey](ctx, db, "id = ?", id)
}

// SurveyHistory returns a survey's history events in sequence order.
func SurveyHistory(ctx context.Context, db *gorm.DB, id string) ([]SurveyEvent, error) {
	return findAll[SurveyEvent](ctx, db, "survey_id", id, "seq")
}

// SurveyFilter selects surveys: the caller's scope (by owner), optionally
// one owner, status, client or product, a page at a time.
type SurveyFilter struct {
	Scope    Scope
	Owner    string
	Status   string
	ClientID string
	Product  string
	Limit    int
	Cursor   string
}

// ListSurveys returns the surveys of the filter, newest opened first.
func ListSurveys(ctx context.Context, db *gorm.DB, f SurveyFilter) (items []Survey, next string, err error) {
	q := whereEqual(listOf[Survey](ctx, db, "surveys", f.Scope, "owner"),
		[2]string{"owner", f.Owner}, [2]string{"status", f.Status},
		[2]string{"client_id", f.ClientID}, [2]string{"product", f.Product})
	return keysetPage("surveys", q, newestFirst("opened_at"), f.Limit, f.Cursor,
		func(s *Survey) (time.Time, []string) { return s.OpenedAt, []string{s.ID} })
}
