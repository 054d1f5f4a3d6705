// Package models is the PostgreSQL (or embedded SQLite) read model: the GORM
// tables that mirror deals and complaints for lists, history and reports,
// plus the staff and clients the API manages. Deal and complaint tables are
// written only by the idempotent activities in package activities; workflows
// never touch the database.
package models

import (
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

// Staff is a member of the sales team. ID is the login name ("alice").
type Staff struct {
	ID        string `gorm:"primaryKey;size:64"`
	Name      string `gorm:"size:200;not null"`
	Role      string `gorm:"size:16;not null"` // sales | manager | admin
	ManagerID string `gorm:"size:64;index"`
	Email     string `gorm:"size:200"`
	CreatedAt time.Time
}

// Roles a staff member can have (the names workflows check).
const (
	RoleSales   = deal.RoleSales
	RoleManager = deal.RoleManager
	RoleAdmin   = deal.RoleAdmin
)

// Token is a bearer token of a staff member, stored only as its SHA-256 hash.
type Token struct {
	Hash      string `gorm:"primaryKey;size:64"`
	StaffID   string `gorm:"size:64;not null;index"`
	CreatedAt time.Time
}

// Client is a company the team sells to.
type Client struct {
	ID        string `gorm:"primaryKey;size:64"`
	Name      string `gorm:"size:300;not null"`
	Segment   string `gorm:"size:100;index"`
	Email     string `gorm:"size:200"`
	Phone     string `gorm:"size:50"`
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
}

// Deal is one row per deal, the latest state the workflow reported.
// Amounts are minor units (see package money).
type Deal struct {
	ID             string `gorm:"primaryKey;size:64;index:idx_deals_created_id,priority:2"`
	ClientID       string `gorm:"size:64;not null;index"`
	Owner          string `gorm:"size:64;not null;index"`
	Title          string `gorm:"size:300;not null"`
	Product        string `gorm:"size:100;index"`
	Amount         int64  `gorm:"not null"`
	PaidAmount     int64  `gorm:"not null;default:0"`
	RefundedAmount int64  `gorm:"not null;default:0"`
	Currency       string `gorm:"size:3;not null"`
	Stage          string `gorm:"size:16;not null;index"`
	Status         string `gorm:"size:16;not null;index"`
	WaitingOn      string `gorm:"size:16"`
	WaitingSince   time.Time
	LostStage      string `gorm:"size:16"`
	LostReason     string `gorm:"size:64"`
	PreviousDealID string `gorm:"size:64"`
	// CreatedAt and ID together order deal lists (newest first) and carry
	// their keyset cursor.
	CreatedAt time.Time `gorm:"index:idx_deals_created_id,priority:1"`
	UpdatedAt time.Time
	// ClosedAt of won deals selects the closed deals of the complaint report.
	ClosedAt *time.Time `gorm:"index"`
	// Seq is the history sequence number this row reflects; a row is only
	// ever replaced by a newer one.
	Seq int `gorm:"not null"`
}

// DealEvent is one append-only history entry of a deal.
type DealEvent struct {
	DealID string `gorm:"primaryKey;size:64"`
	Seq    int    `gorm:"primaryKey"`
	Type   string `gorm:"size:64;not null"`
	Actor  string `gorm:"size:64"`
	Stage  string `gorm:"size:16"`
	At     time.Time
	Data   string `gorm:"type:text"`
}

// Subjects a control point can belong to: the value of
// ControlPoint.SubjectType.
const (
	SubjectDeal      = "deal"
	SubjectComplaint = "complaint"
)

// ControlPoint mirrors a control point of a deal or of a complaint:
// SubjectType says which, SubjectID is that deal's or complaint's ID. The
// subject type is part of the key, so a deal and a complaint never share
// rows even should their IDs coincide. Subject is the point's own title.
type ControlPoint struct {
	SubjectType string `gorm:"primaryKey;size:16"`
	SubjectID   string `gorm:"primaryKey;size:64"`
	ID          string `gorm:"primaryKey;size:64"`
	Kind        string `gorm:"size:32;not null"`
	Stage       string `gorm:"size:16"`
	Owner       string `gorm:"size:64;index"`
	Subject     string `gorm:"size:300"`
	Status      string `gorm:"size:16;not null;index"`
	DueAt       time.Time
	OverdueAt   time.Time
	DoneAt      *time.Time
	Seq         int `gorm:"not null"`
}

// Document is one entry of a deal's document register.
type Document struct {
	DealID  string `gorm:"primaryKey;size:64"`
	Type    string `gorm:"primaryKey;size:32"`
	Version int    `gorm:"primaryKey"`
	Ref     string `gorm:"size:200"`
	URL     string `gorm:"size:1000"`
	SentAt  time.Time
}

// Notification is a reminder or escalation in a staff member's inbox. ID is
// the notification's idempotency key.
type Notification struct {
	ID             string `gorm:"primaryKey;size:200"`
	Recipient      string `gorm:"size:64;not null;index:idx_notifications_inbox,priority:1"`
	Kind           string `gorm:"size:16;not null"`
	DealID         string `gorm:"size:64;index"`
	ComplaintID    string `gorm:"size:64;index"`
	ControlPointID string `gorm:"size:64"`
	Subject        string `gorm:"size:300"`
	Message        string `gorm:"type:text"`
	DueAt          time.Time
	CreatedAt      time.Time `gorm:"index:idx_notifications_inbox,priority:2"`
	ReadAt         *time.Time
}

// All lists every table, for migration.
var All = []any{
	&Staff{}, &Token{}, &Client{}, &Deal{}, &DealEvent{}, &ControlPoint{}, &Document{}, &Notification{},
	&Complaint{}, &ComplaintEvent{}, &ComplaintNumber{},
}
