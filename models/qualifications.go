package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Qualification is one filled-in prospect questionnaire of a client
// (package internal/qualification): the answers as JSON (question ID →
// score 0..10), their total, the most the questions could give, the band
// the total fell in, and the policy version whose questions and
// thresholds were used. Qualifications are never changed; a client's
// latest one (CreatedAt, then ID) is its current band.
type Qualification struct {
	ID            string    `gorm:"primaryKey;size:64"`
	ClientID      string    `gorm:"size:64;not null;index:idx_qualifications_client,priority:1"`
	Answers       string    `gorm:"type:text;not null"`
	Total         int       `gorm:"not null"`
	Max           int       `gorm:"not null"`
	Band          string    `gorm:"size:16;not null"`
	PolicyVersion int       `gorm:"not null"`
	CreatedBy     string    `gorm:"size:64;not null"`
	CreatedAt     time.Time `gorm:"index:idx_qualifications_client,priority:2"`
}

// QualificationApproval is a manager's approval to open deals for a
// client despite its qualification in the band refuse: at most one per
// qualification, never changed.
type QualificationApproval struct {
	QualificationID string    `gorm:"primaryKey;size:64"`
	ClientID        string    `gorm:"size:64;not null;index"`
	Reason          string    `gorm:"type:text;not null"`
	ApprovedBy      string    `gorm:"size:64;not null"`
	ApprovedAt      time.Time `gorm:"not null"`
}

// CreateQualification inserts a qualification. An existing ID yields an
// error matching gorm.ErrDuplicatedKey.
func CreateQualification(ctx context.Context, db *gorm.DB, q *Qualification) error {
	return db.WithContext(ctx).Create(q).Error
}

// GetQualification returns qualification id of client clientID, or
// ErrNotFound (also when it is another client's).
func GetQualification(ctx context.Context, db *gorm.DB, clientID, id string) (*Qualification, error) {
	return get[Qualification](ctx, db, "id = ? AND client_id = ?", id, clientID)
}

// ClientQualifications returns the qualifications of a client, newest
// first.
func ClientQualifications(ctx context.Context, db *gorm.DB, clientID string) ([]Qualification, error) {
	return findAll[Qualification](ctx, db, "client_id", clientID, "created_at DESC", "id DESC")
}

// ApproveQualification stores approval a unless its qualification has
// one already, and returns the approval that stands and whether it is a's
// (false: an earlier one was kept, unchanged).
func ApproveQualification(ctx context.Context, db *gorm.DB, a QualificationApproval) (QualificationApproval, bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&a)
	if res.Error != nil {
		return a, false, fmt.Errorf("approve qualification %s: %w", a.QualificationID, res.Error)
	}
	if res.RowsAffected == 1 {
		return a, true, nil
	}
	stood, err := GetQualificationApproval(ctx, db, a.QualificationID)
	if err != nil {
		return a, false, err
	}
	return *stood, false, nil
}

// QualificationApprovals returns the approvals of a client's
// qualifications by qualification ID.
func QualificationApprovals(ctx context.Context, db *gorm.DB, clientID string) (map[string]QualificationApproval, error) {
	rows, err := findAll[QualificationApproval](ctx, db, "client_id", clientID)
	out := make(map[string]QualificationApproval, len(rows))
	for _, r := range rows {
		out[r.QualificationID] = r
	}
	return out, err
}

// GetQualificationApproval returns the approval of qualification id, or
// ErrNotFound.
func GetQualificationApproval(ctx context.Context, db *gorm.DB, id string) (*QualificationApproval, error) {
	return get[QualificationApproval](ctx, db, "qualification_id = ?", id)
}

// CurrentQualification is a client's newest qualification and whether a
// manager approved it.
type CurrentQualification struct {
	Qualification
	Approved bool
}

// CurrentQualifications returns the newest qualification (CreatedAt, then
// ID) of each of the clients that has one, by client ID: the band the
// client and the clients directory show.
func CurrentQualifications(ctx context.Context, db *gorm.DB, clientIDs []string) (map[string]CurrentQualification, error) {
	out := map[string]CurrentQualification{}
	if len(clientIDs) == 0 {
		return out, nil
	}
	var rows []CurrentQualification
	err := db.WithContext(ctx).Table("qualifications q").
		Select("q.*, a.qualification_id IS NOT NULL AS approved").
		Joins("LEFT JOIN qualification_approvals a ON a.qualification_id = q.id").
		Where("q.client_id IN ?", clientIDs).Order("q.client_id").Order("q.created_at DESC").Order("q.id DESC").
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("current qualifications: %w", err)
	}
	for _, r := range rows {
		if _, seen := out[r.ClientID]; !seen {
			out[r.ClientID] = r
		}
	}
	return out, nil
}
