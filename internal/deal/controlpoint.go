package deal

import "time"

// PointKind is a kind of control point of spec section 3.
type PointKind string

// The control point kinds.
const (
	PointProtocol          PointKind = "protocol"
	PointPresentationRetry PointKind = "presentation_retry"
	PointOfferValidity     PointKind = "offer_validity"
	PointCorrections       PointKind = "corrections"
	PointPaymentDue        PointKind = "payment_due"
	PointEventItems        PointKind = "event_items"
	PointEventDate         PointKind = "event_date"
	PointSurvey            PointKind = "survey"
	PointContactInterval   PointKind = "contact_interval"
	PointFollowUp          PointKind = "follow_up"
)

// PointKinds lists every control point kind.
var PointKinds = []PointKind{
	PointProtocol, PointPresentationRetry, PointOfferValidity, PointCorrections,
	PointPaymentDue, PointEventItems, PointEventDate, PointSurvey,
	PointContactInterval, PointFollowUp,
}

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

// ControlPoint is a dated obligation owned by the rep.
type ControlPoint struct {
	// ID is unique within the deal and stable across re-arming, e.g.
	// "offer-v2" or "invoice-1".
	ID      string      `json:"id"`
	Kind    PointKind   `json:"kind"`
	Stage   Stage       `json:"stage"`
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

// NotificationKind says what a notification is about.
type NotificationKind string

// Notification kinds.
const (
	NoticeReminder   NotificationKind = "reminder"
	NoticeOverdue    NotificationKind = "overdue"
	NoticeEscalation NotificationKind = "escalation"
)

// Notification is one reminder or escalation for one person. Key is stable
// for (deal, control point, kind, due time, planned moment), so a retry or a
// replay never delivers the same notification twice, and a point re-armed
// for a new due time gets new ones.
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
