package casework

import "time"

// PointKind is a kind of control point; each case type names its own kinds
// (docs/process.md §3 for deals, §4 for complaints).
type PointKind string

// PointStatus is the state of a control point.
type PointStatus string

// Control point states: open until done; overdue once its grace has passed
// unfinished; cancelled when the obligation no longer applies (a superseded
// offer, a lost deal).
const (
	PointOpen      PointStatus = "open"
	PointDone      PointStatus = "done"
	PointOverdue   PointStatus = "overdue"
	PointCancelled PointStatus = "cancelled"
)

// ControlPoint is a dated obligation of a case, owned by a staff member.
type ControlPoint struct {
	// ID is unique within the case and stable across re-arming, e.g.
	// "offer-v2" or "invoice-1".
	ID   string    `json:"id"`
	Kind PointKind `json:"kind"`
	// Stage is the deal stage the point belongs to; empty for cases
	// without stages.
	Stage   string      `json:"stage"`
	Owner   string      `json:"owner"`
	Subject string      `json:"subject"`
	Status  PointStatus `json:"status"`
	DueAt   time.Time   `json:"due_at"`
	// OverdueAt is when the point turns overdue and escalates: DueAt plus
	// the kind's grace.
	OverdueAt time.Time `json:"overdue_at"`
	// RemindAt are the planned reminder times still ahead when the point was
	// (re-)armed, ascending; Reminded counts those already sent.
	RemindAt  []time.Time `json:"remind_at"`
	Reminded  int         `json:"reminded"`
	Escalated bool        `json:"escalated"`
	ArmedAt   time.Time   `json:"armed_at"`
	DoneAt    *time.Time  `json:"done_at,omitempty"`
}

// Active reports whether the point still waits for its owner.
func (c ControlPoint) Active() bool { return c.Status == PointOpen || c.Status == PointOverdue }

// PointPolicy says when a kind of control point reminds and escalates:
// a reminder goes to the owner at each offset before the due time (an offset
// of 0 reminds at the due time itself), and the point turns overdue, with an
// escalation to the owner's manager, Grace after the due time.
type PointPolicy struct {
	Reminders []Duration `json:"reminders"`
	Grace     Duration   `json:"grace"`
}

// NotificationKind says what a notification is about.
type NotificationKind string

// Notification kinds.
const (
	NoticeReminder   NotificationKind = "reminder"
	NoticeOverdue    NotificationKind = "overdue"
	NoticeEscalation NotificationKind = "escalation"
)

// Notification is one reminder or escalation for one person. Key is stable
// for (case, control point, kind, due time, planned moment), so a retry or
// a replay never delivers the same notification twice, and a point re-armed
// for a new due time gets new ones. DealID and ComplaintID link the deal
// and the complaint the notification concerns, where it concerns one.
type Notification struct {
	Key            string           `json:"key"`
	Kind           NotificationKind `json:"kind"`
	DealID         string           `json:"deal_id,omitempty"`
	ComplaintID    string           `json:"complaint_id,omitempty"`
	ControlPointID string           `json:"control_point_id"`
	// Recipient is a staff ID. When ToManager is set, the notification goes
	// to Recipient's manager instead (resolved at delivery).
	Recipient string    `json:"recipient"`
	ToManager bool      `json:"to_manager"`
	Subject   string    `json:"subject"`
	Message   string    `json:"message"`
	DueAt     time.Time `json:"due_at"`
	At        time.Time `json:"at"`
}

// ControlPointItem is a control point of a case as the read model last saw
// it: an item of GET /api/v1/control-points, which the web app reads too.
// Stage is empty for a case without stages.
type ControlPointItem struct {
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	// ClientID and ClientName are the client of the case.
	ClientID   string      `json:"client_id"`
	ClientName string      `json:"client_name"`
	ID         string      `json:"id"`
	Kind       PointKind   `json:"kind"`
	Stage      string      `json:"stage"`
	Owner      string      `json:"owner"`
	Subject    string      `json:"subject"`
	Status     PointStatus `json:"status"`
	DueAt      time.Time   `json:"due_at"`
	OverdueAt  time.Time   `json:"overdue_at"`
}

// NotificationItem is a reminder or escalation in a member's inbox: an
// item of GET /api/v1/notifications, which the web app reads too.
type NotificationItem struct {
	// ID is the notification's opaque, URL-safe ID; Key is its idempotency
	// key, which e-mails and webhook deliveries (X-Salesflow-Delivery) carry.
	ID        string           `json:"id"`
	Key       string           `json:"key"`
	Kind      NotificationKind `json:"kind"`
	CreatedAt time.Time        `json:"created_at"`
	ReadAt    *time.Time       `json:"read_at,omitempty"`
	Subject   string           `json:"subject"`
	Message   string           `json:"message"`
	DueAt     time.Time        `json:"due_at"`
	// The deal, complaint and control point the notification is about.
	DealID         string `json:"deal_id"`
	ComplaintID    string `json:"complaint_id,omitempty"`
	ControlPointID string `json:"control_point_id"`
	// ClientID and ClientName are the client of the deal or complaint.
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
}
