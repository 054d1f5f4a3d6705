// Package models is the PostgreSQL (or embedded SQLite) read model: the GORM
// tables that mirror deals and complaints for lists, history and reports,
// plus the staff and clients the API manages. Deal and complaint tables are
// written only by the idempotent activities in package activities; workflows
// never touch the database.
package models

import (
	"encoding/json"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
)

// Staff is a member of the sales team. ID is the login name ("alice").
//
// Language and the notification preferences have database defaults ("ru",
// e-mail and webhook on, no digest), which also fill in rows that existed
// before the columns. Like any GORM column with a default, a zero value is
// not written by Create (a new member with EmailEnabled false gets true):
// change preferences with SetPreferences.
type Staff struct {
	ID        string `gorm:"primaryKey;size:64"`
	Name      string `gorm:"size:200;not null"`
	Role      string `gorm:"size:16;not null"` // sales | manager | admin
	ManagerID string `gorm:"size:64;index"`
	Email     string `gorm:"size:200"`
	// Language is the language of the member's e-mails: LangRussian or
	// LangEnglish.
	Language string `gorm:"size:8;not null;default:ru"`
	// EmailEnabled lets notifications reach the member by e-mail.
	EmailEnabled bool `gorm:"not null;default:true"`
	// WebhookEnabled lets the member's notifications go to the outgoing
	// webhook.
	WebhookEnabled bool `gorm:"not null;default:true"`
	// Digest collects the member's e-mails into one daily digest instead of
	// one e-mail per notification.
	Digest bool `gorm:"not null;default:false"`
	// Active members can sign in; deactivating a member revokes their
	// tokens and refuses their JWTs at once.
	Active        bool `gorm:"not null;default:true"`
	DeactivatedAt *time.Time
	CreatedAt     time.Time
}

// Languages of staff e-mails, the values of Staff.Language.
const (
	LangRussian = "ru"
	LangEnglish = "en"
	// DefaultLanguage is the language of members who have not chosen one.
	DefaultLanguage = LangRussian
)

// Roles a staff member can have (the names workflows check).
const (
	RoleSales   = casework.RoleSales
	RoleManager = casework.RoleManager
	RoleAdmin   = casework.RoleAdmin
)

// Token is an opaque API token of a staff member, stored only as the
// SHA-256 hash of its secret. ID is its public name, for listing and
// revocation. A token works until ExpiresAt (nil: never expires), unless
// revoked.
type Token struct {
	Hash      string `gorm:"primaryKey;size:64"`
	ID        string `gorm:"size:32;uniqueIndex"`
	StaffID   string `gorm:"size:64;not null;index"`
	Name      string `gorm:"size:100"`
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
	ExpiresAt *time.Time
	RevokedAt *time.Time
}

// Client is a company the team sells to.
type Client struct {
	ID      string `gorm:"primaryKey;size:64;index:idx_clients_created_id,priority:2"`
	Name    string `gorm:"size:300;not null"`
	Segment string `gorm:"size:100;index"`
	Email   string `gorm:"size:200"`
	Phone   string `gorm:"size:50"`
	// TimeZone is the client's own IANA time zone ("" = the company's).
	TimeZone  string `gorm:"size:64"`
	CreatedBy string `gorm:"size:64"`
	// CreatedAt and ID together order the clients directory (newest
	// first) and carry its keyset cursor.
	CreatedAt time.Time `gorm:"index:idx_clients_created_id,priority:1"`
	// SearchText is what the directory's search matches
	// (ClientSearchText), kept by CreateClient.
	SearchText string `gorm:"type:text;not null;default:''"`
	// FirstDealID and FirstDealAt name the client's first deal (earliest
	// created, ties by ID) and FirstWonAt when its first deal was won: the
	// KPI report's prospects and their conversion. Kept by SyncDeal.
	FirstDealID string     `gorm:"size:64"`
	FirstDealAt *time.Time `gorm:"index"`
	FirstWonAt  *time.Time
}

// Deal is one row per deal, the latest state the workflow reported.
// Amounts are minor units (see package money).
type Deal struct {
	// ClientID, CreatedAt and ID also find a client's latest deals (the
	// clients directory).
	// Stage, Status, CreatedAt and ID page the board's columns (the open
	// deals of one stage, newest first).
	ID             string `gorm:"primaryKey;size:64;index:idx_deals_created_id,priority:2;index:idx_deals_client_created,priority:3;index:idx_deals_stage_status_created,priority:4"`
	ClientID       string `gorm:"size:64;not null;index;index:idx_deals_client_created,priority:1"`
	Owner          string `gorm:"size:64;not null;index"`
	Title          string `gorm:"size:300;not null"`
	Product        string `gorm:"size:100;index"`
	Amount         int64  `gorm:"not null"`
	PaidAmount     int64  `gorm:"not null;default:0"`
	RefundedAmount int64  `gorm:"not null;default:0"`
	Currency       string `gorm:"size:3;not null"`
	Stage          string `gorm:"size:16;not null;index;index:idx_deals_stage_status_created,priority:1"`
	Status         string `gorm:"size:16;not null;index;index:idx_deals_stage_status_created,priority:2"`
	WaitingOn      string `gorm:"size:16"`
	WaitingSince   time.Time
	LostStage      string `gorm:"size:16"`
	LostReason     string `gorm:"size:64"`
	PreviousDealID string `gorm:"size:64"`
	// CreatedAt and ID together order deal lists (newest first) and carry
	// their keyset cursor.
	CreatedAt time.Time `gorm:"index:idx_deals_created_id,priority:1;index:idx_deals_client_created,priority:2;index:idx_deals_stage_status_created,priority:3"`
	UpdatedAt time.Time
	// ClosedAt is when the deal was won or lost; for won deals it selects
	// the closed deals of the complaint report.
	ClosedAt *time.Time `gorm:"index"`
	// Seq is the history sequence number this row reflects; a row is only
	// ever replaced by a newer one.
	Seq int `gorm:"not null"`
	// ClientName is the client's name, filled by ListDeals only (names.go).
	ClientName string `gorm:"->;-:migration"`
	// HasOverdue says the deal has an overdue control point now, filled by
	// ListDeals only.
	HasOverdue bool `gorm:"->;-:migration"`

	// Stages: when the deal entered each stage (nil: not reached), for the
	// funnel. Set once, when the read model first sees the stage.
	PresentationAt *time.Time
	OfferAt        *time.Time
	ContractAt     *time.Time
	PaymentAt      *time.Time
	EventAt        *time.Time
	CloseAt        *time.Time
	// Process context, for the losses report: offer versions issued,
	// presentations declined, contract change requests, control points
	// that went overdue and escalated.
	OfferVersions        int `gorm:"not null;default:0"`
	PresentationDeclines int `gorm:"not null;default:0"`
	ContractChanges      int `gorm:"not null;default:0"`
	OverduePoints        int `gorm:"not null;default:0"`
	// SaleKind of a won deal is SaleFirst when no other deal of its client
	// was won before it (closed earlier, ties by ID), else SaleRepeat;
	// NewProduct marks a repeat sale of a product the client had not bought
	// before. Set by SyncDeal when the deal is won; "" for other deals.
	SaleKind   string `gorm:"size:8;not null;default:''"`
	NewProduct bool   `gorm:"not null;default:false"`

	// Follow-up of a won deal (docs/process.md §1, stage 6): the outcome
	// of the last completed follow-up (next_deal, later, not_interested;
	// "" while none), and the next contact with the client it planned:
	// when, what for and about which product. The clients directory reads
	// a client's next contact from here. Kept by SyncDeal.
	FollowUpOutcome    string `gorm:"size:16;not null;default:''"`
	NextContactAt      *time.Time
	NextContactPurpose string `gorm:"size:300;not null;default:''"`
	NextContactProduct string `gorm:"size:100;not null;default:''"`
}

// Sale kinds of won deals, the values of Deal.SaleKind.
const (
	SaleFirst  = "first"
	SaleRepeat = "repeat"
)

// Payment is one payment (positive) or refund (negative) of a deal, in
// minor units: the settlements client turnover and categories come from.
// N is its position in the deal's payments.
type Payment struct {
	DealID   string    `gorm:"primaryKey;size:64"`
	N        int       `gorm:"primaryKey"`
	ClientID string    `gorm:"size:64;not null;index:idx_payments_client_at,priority:1"`
	Amount   int64     `gorm:"not null"`
	At       time.Time `gorm:"not null;index:idx_payments_client_at,priority:2"`
}

// DealEvent is one append-only history entry of a deal.
type DealEvent struct {
	DealID string `gorm:"primaryKey;size:64"`
	CaseEvent
}

// CaseEvent is the columns of a history entry that follow the case's ID
// in the history tables whose stage column is named stage (deal_events,
// survey_events); complaint_events names it step and programme_events
// period, so they spell theirs out.
type CaseEvent struct {
	// Seq is numbered by the workflow, never by the database: without
	// autoIncrement:false GORM takes the struct's only integer key for one.
	Seq   int    `gorm:"primaryKey;autoIncrement:false"`
	Type  string `gorm:"size:64;not null"`
	Actor string `gorm:"size:64"`
	Stage string `gorm:"size:16"`
	At    time.Time
	Data  string `gorm:"type:text"`
}

// NewCaseEvent is the row of history event e (its time in UTC).
func NewCaseEvent(e casework.HistoryEvent) CaseEvent {
	return CaseEvent{Seq: e.Seq, Type: e.Type, Actor: e.Actor, Stage: e.Stage, At: e.At.UTC(), Data: string(e.Data)}
}

// Event is the row as a history event.
func (e CaseEvent) Event() casework.HistoryEvent {
	return casework.HistoryEvent{Seq: e.Seq, Type: e.Type, Actor: e.Actor, Stage: e.Stage, At: e.At, Data: RawJSON(e.Data)}
}

// RawJSON is stored JSON text as a raw message, nil (null) when empty.
func RawJSON(data string) json.RawMessage {
	if data == "" {
		return nil
	}
	return json.RawMessage(data)
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
//
// idx_control_points_status_due serves ListControlPoints' pages (status,
// then its order): the dashboard's overdue count read 13,507 scattered
// rows and sorted them for each page at 1M deals (300 ms a page).
type ControlPoint struct {
	SubjectType string    `gorm:"primaryKey;size:16;index:idx_control_points_status_due,priority:3"`
	SubjectID   string    `gorm:"primaryKey;size:64;index:idx_control_points_status_due,priority:4"`
	ID          string    `gorm:"primaryKey;size:64;index:idx_control_points_status_due,priority:5"`
	Kind        string    `gorm:"size:32;not null"`
	Stage       string    `gorm:"size:16"`
	Owner       string    `gorm:"size:64;index"`
	Subject     string    `gorm:"size:300"`
	Status      string    `gorm:"size:16;not null;index;index:idx_control_points_status_due,priority:1"`
	DueAt       time.Time `gorm:"index:idx_control_points_status_due,priority:2"`
	OverdueAt   time.Time
	DoneAt      *time.Time
	Seq         int `gorm:"not null"`
	// ClientID and ClientName are the client of the point's deal or
	// complaint, filled by ListControlPoints only (names.go).
	ClientID   string `gorm:"->;-:migration"`
	ClientName string `gorm:"->;-:migration"`
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
// the notification's idempotency key (deliveries and webhooks name it);
// PublicID is its opaque, URL-safe ID, by which the API names it.
type Notification struct {
	ID             string `gorm:"primaryKey;size:200"`
	PublicID       string `gorm:"size:24;uniqueIndex"`
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
	// ClientID and ClientName are the client of the notification's
	// complaint or deal, filled by Notifications only (names.go).
	ClientID   string `gorm:"->;-:migration"`
	ClientName string `gorm:"->;-:migration"`
}

// Delivery channels of notifications besides the in-app inbox: the value
// of Delivery.Channel.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// States of a Delivery (and of a Digest). Sent, DeliveryDigest and Skipped
// are final: a delivery in one of them is never attempted again.
const (
	// DeliveryPending: recorded, not delivered yet; the last attempt, if
	// any, failed with LastError and a retry will try again.
	DeliveryPending = "pending"
	// DeliverySending: an attempt is in flight until LeaseUntil. Another
	// attempt waits for it; once the lease has passed (the worker died),
	// the next attempt takes over.
	DeliverySending = "sending"
	// DeliverySent: delivered (for digest items: in the digest of
	// DigestDay).
	DeliverySent = "sent"
	// DeliveryDigest: an e-mail waiting for its recipient's daily digest.
	DeliveryDigest = "digest"
	// DeliverySkipped: not delivered on purpose; Detail says why (channel
	// off, no address, recipient's preference).
	DeliverySkipped = "skipped"
)

// Delivery records the delivery of one notification over one channel, so
// a retried or replayed delivery activity never delivers twice. Attempts
// counts the attempts that reached the channel (SMTP server, webhook
// receiver).
type Delivery struct {
	NotificationID string `gorm:"primaryKey;size:200"`
	Channel        string `gorm:"primaryKey;size:16"`
	// Recipient is the staff member the notification went to.
	Recipient string `gorm:"size:64;not null;index:idx_deliveries_recipient,priority:1"`
	Status    string `gorm:"size:16;not null;index:idx_deliveries_recipient,priority:2"`
	// DigestDay is the day (YYYY-MM-DD) of the digest an e-mail in status
	// digest was taken into, "" while it waits for one.
	DigestDay  string `gorm:"size:10;not null"`
	Attempts   int    `gorm:"not null"`
	SentAt     *time.Time
	LeaseUntil *time.Time
	LastError  string `gorm:"type:text"`
	// Detail says why a delivery was skipped.
	Detail    string `gorm:"size:200"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Digest records the daily digest e-mail of one recipient for one day
// (YYYY-MM-DD), so the digest of a day is sent at most once. Status and
// the other fields mean what they mean on Delivery; Items is the number of
// notifications the sent digest listed.
type Digest struct {
	Recipient  string `gorm:"primaryKey;size:64"`
	Day        string `gorm:"primaryKey;size:10"`
	Status     string `gorm:"size:16;not null"`
	Items      int    `gorm:"not null"`
	Attempts   int    `gorm:"not null"`
	SentAt     *time.Time
	LeaseUntil *time.Time
	LastError  string `gorm:"type:text"`
	Detail     string `gorm:"size:200"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// All lists every table, for migration.
var All = []any{
	&Staff{}, &Token{}, &Client{}, &Deal{}, &DealEvent{}, &ControlPoint{}, &Document{}, &Notification{},
	&Complaint{}, &ComplaintEvent{}, &ComplaintNumber{}, &Delivery{}, &Digest{}, &PolicyVersion{},
	&AuditEntry{}, &Payment{}, &ClientClass{}, &ClientClassChange{}, &ClientContact{}, &IdempotencyKey{},
	&WebSession{},
	&DocumentTemplate{}, &GeneratedDocument{},
	&Programme{}, &ProgrammeInterview{}, &ProgrammeEvent{}, &Referral{},
	&Qualification{}, &QualificationApproval{},
	&Survey{}, &SurveyEvent{}, &SurveyScore{},
	&KeyAccountAssessment{},
}
