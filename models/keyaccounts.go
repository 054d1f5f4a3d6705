package models

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/keyaccount"
)

// SubjectKeyAccount is the ControlPoint.SubjectType of a key-account
// review's points; the subject ID is the review's ID, "kar-<client id>".
const SubjectKeyAccount = "key_account"

// KeyAccountAssessment is one assessment of a client's relationship
// (docs/key-accounts.md), written by SyncKeyAccount once: keyed by the
// review's workflow ID and the assessment's number.
type KeyAccountAssessment struct {
	ReviewID    string    `gorm:"primaryKey;size:64"`
	Number      int       `gorm:"primaryKey"`
	ClientID    string    `gorm:"size:64;not null;index:idx_key_account_client_at,priority:1"`
	Quadrant    string    `gorm:"size:16;not null"`
	ClientScore float64   `gorm:"not null"`
	OurScore    float64   `gorm:"not null"`
	Threshold   float64   `gorm:"not null"`
	At          time.Time `gorm:"not null;index:idx_key_account_client_at,priority:2"`
	NextDue     time.Time `gorm:"not null"`
	By          string    `gorm:"size:64"`
	Note        string    `gorm:"type:text"`
	// Scores and Criteria are JSON: the scores by criterion ID and the
	// criteria they were given against.
	Scores   string `gorm:"type:text;not null"`
	Criteria string `gorm:"type:text;not null"`
	// ClientName is the client's name, filled by AssessmentsInScope only.
	ClientName string `gorm:"->;-:migration"`
}

// Summary is the assessment as the summary of a client's latest one (its
// quadrant, scores and times in UTC).
func (a KeyAccountAssessment) Summary() keyaccount.Summary {
	return keyaccount.Summary{Quadrant: keyaccount.Quadrant(a.Quadrant), ClientScore: a.ClientScore, OurScore: a.OurScore,
		At: a.At.UTC(), NextDue: a.NextDue.UTC()}
}

// ClientAssessments returns the assessments of a client, newest first.
func ClientAssessments(ctx context.Context, db *gorm.DB, clientID string) ([]KeyAccountAssessment, error) {
	var rows []KeyAccountAssessment
	err := db.WithContext(ctx).Where("client_id = ?", clientID).Order("at DESC").Order("number DESC").Find(&rows).Error
	return rows, err
}

// AssessmentsInScope returns the assessments made before until of the
// clients scope sees, oldest first (by client, then time).
func AssessmentsInScope(ctx context.Context, db *gorm.DB, scope Scope, until time.Time) ([]KeyAccountAssessment, error) {
	var rows []KeyAccountAssessment
	err := db.WithContext(ctx).Table("key_account_assessments AS a").Select("a.*, c.name AS client_name").
		Joins("JOIN clients AS c ON c.id = a.client_id").Where(clientScope(db, scope, "c")).
		Where("a.at < ?", until.UTC()).Order("a.client_id").Order("a.at").Order("a.number").Find(&rows).Error
	return rows, err
}

// ReviewResume is where a key-account review the read model knows left
// off: its highest assessment number and the sequence number its control
// point was last stored with (0, 0 for none). A review started again
// after its workflow ended continues from there.
func ReviewResume(ctx context.Context, db *gorm.DB, reviewID string) (number, seq int, err error) {
	var n, s *int
	q := db.WithContext(ctx)
	err = q.Model(&KeyAccountAssessment{}).Where("review_id = ?", reviewID).Select("MAX(number)").Scan(&n).Error
	if err == nil {
		err = q.Model(&ControlPoint{}).Where("subject_type = ? AND subject_id = ?", SubjectKeyAccount, reviewID).
			Select("MAX(seq)").Scan(&s).Error
	}
	if n != nil {
		number = *n
	}
	if s != nil {
		seq = *s
	}
	return number, seq, err
}
