package models

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
)

// SubjectProgramme is the subject type of a VIP programme's control points.
const SubjectProgramme = "programme"

// Programme is one row per VIP interview programme (docs/vip.md), the
// latest state its workflow reported. Categories and Classes are the
// selection, comma-separated.
type Programme struct {
	ID           string    `gorm:"primaryKey;size:64"`
	Name         string    `gorm:"size:300;not null"`
	Lead         string    `gorm:"size:64;not null;index"`
	CreatedBy    string    `gorm:"size:64;not null"`
	Status       string    `gorm:"size:16;not null;index"`
	Categories   string    `gorm:"size:200;not null;default:''"`
	Classes      string    `gorm:"size:20;not null;default:''"`
	Period       string    `gorm:"size:40;not null"`
	PeriodNumber int       `gorm:"not null"`
	PeriodStart  time.Time `gorm:"not null"`
	PeriodEnd    time.Time `gorm:"not null"`
	CreatedAt    time.Time `gorm:"not null;index"`
	ClosedAt     *time.Time
	UpdatedAt    time.Time
	Seq          int `gorm:"not null"`
}

// ProgrammeInterview is one client's interview of one period of a
// programme. Outcomes is the JSON list of what its answers became.
type ProgrammeInterview struct {
	ProgrammeID string     `gorm:"primaryKey;size:64"`
	Period      int        `gorm:"primaryKey"`
	ClientID    string     `gorm:"primaryKey;size:64;index"`
	ClientName  string     `gorm:"size:300;not null;default:''"`
	Owner       string     `gorm:"size:64;not null;default:''"`
	Interviewer string     `gorm:"size:64;not null;index"`
	Status      string     `gorm:"size:16;not null"`
	DueAt       time.Time  `gorm:"not null"`
	HeldOn      *time.Time `gorm:"column:held_on"`
	Rating      int        `gorm:"not null;default:0"`
	Outcomes    string     `gorm:"type:text;not null;default:'[]'"`
	Seq         int        `gorm:"not null"`
}

// ProgrammeEvent is one append-only history entry of a programme; Period
// is the period number it happened in.
type ProgrammeEvent struct {
	ProgrammeID string `gorm:"primaryKey;size:64"`
	Seq         int    `gorm:"primaryKey"`
	Type        string `gorm:"size:64;not null"`
	Actor       string `gorm:"size:64"`
	Period      string `gorm:"size:16"`
	At          time.Time
	Data        string `gorm:"type:text"`
}

// Event is the row as a history event; its Stage is the period.
func (e ProgrammeEvent) Event() casework.HistoryEvent {
	return casework.HistoryEvent{Seq: e.Seq, Type: e.Type, Actor: e.Actor, Stage: e.Period, At: e.At, Data: RawJSON(e.Data)}
}

// Referral records who referred a client a programme's interview
// created: the referring client, the interviewer and the note.
type Referral struct {
	ClientID    string `gorm:"primaryKey;size:64"`
	ProgrammeID string `gorm:"size:64;not null;index"`
	ReferredBy  string `gorm:"size:64;not null;index"`
	Interviewer string `gorm:"size:64;not null"`
	Note        string `gorm:"size:1000;not null;default:''"`
	CreatedAt   time.Time
}

// GetProgramme returns one programme by ID, or ErrNotFound.
func GetProgramme(ctx context.Context, db *gorm.DB, id string) (*Programme, error) {
	return get[Programme](ctx, db, "id = ?", id)
}

// ProgrammeHistory returns a programme's history, oldest first.
func ProgrammeHistory(ctx context.Context, db *gorm.DB, id string) ([]ProgrammeEvent, error) {
	return findAll[ProgrammeEvent](ctx, db, "programme_id", id, "seq")
}

// ListProgrammes returns the programmes whose lead is in scope, newest
// first.
func ListProgrammes(ctx context.Context, db *gorm.DB, scope Scope) ([]Programme, error) {
	var out []Programme
	err := scope.restrict(db.WithContext(ctx).Model(&Programme{}), "lead").
		Order("created_at DESC").Order("id DESC").Limit(MaxLimit).Find(&out).Error
	return out, err
}

// InterviewFilter selects interviews for ListInterviews: those of
// programmes whose lead is in Scope, or whose interviewer is Interviewer
// (the caller's own); ProgrammeID and Status filter when set.
type InterviewFilter struct {
	Scope       Scope
	Interviewer string
	ProgrammeID string
	Status      string
}

// ListInterviews returns the interviews matching f, soonest due first.
func ListInterviews(ctx context.Context, db *gorm.DB, f InterviewFilter) ([]ProgrammeInterview, error) {
	leads := f.Scope.restrict(db.Session(&gorm.Session{NewDB: true}).Model(&Programme{}).Select("id"), "lead")
	q := db.WithContext(ctx).Model(&ProgrammeInterview{}).
		Where("programme_id IN (?) OR interviewer = ?", leads, f.Interviewer)
	q = whereEqual(q, [2]string{"programme_id", f.ProgrammeID}, [2]string{"status", f.Status})
	var out []ProgrammeInterview
	err := q.Order("due_at").Order("programme_id").Order("client_id").Limit(MaxLimit).Find(&out).Error
	return out, err
}

// IsInterviewer reports whether staff member id interviews a client of
// programme programmeID, in any period.
func IsInterviewer(ctx context.Context, db *gorm.DB, programmeID, id string) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Model(&ProgrammeInterview{}).
		Where("programme_id = ? AND interviewer = ?", programmeID, id).Count(&n).Error
	return n > 0, err
}
