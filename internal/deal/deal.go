// Package deal holds the vocabulary of a sale (docs/process.md §1–§3)
// shared by the workflow, the activities and the HTTP API: stages,
// statuses, the deal view and list item, its control point kinds,
// documents, the action catalogue and the deadline policy. It builds on
// package casework only and has no behaviour that touches Temporal or a
// database.
package deal

import (
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/money"
)

// Stage is one of the six stages of docs/process.md §1.
type Stage string

// The six stages, in order.
const (
	StagePresentation Stage = "presentation"
	StageOffer        Stage = "offer"
	StageContract     Stage = "contract"
	StagePayment      Stage = "payment"
	StageEvent        Stage = "event"
	StageClose        Stage = "close"
)

// Stages lists the stages in process order.
var Stages = []Stage{StagePresentation, StageOffer, StageContract, StagePayment, StageEvent, StageClose}

// Status is where a deal stands as a whole.
type Status string

// Deal statuses. A deal is open until it is won or lost; cancelled marks a
// deal whose workflow was cancelled by an operator.
const (
	StatusOpen      Status = "open"
	StatusWon       Status = "won"
	StatusLost      Status = "lost"
	StatusCancelled Status = "cancelled"
)

// WaitingOn names who must act next for an open deal to move.
type WaitingOn string

// The parties a deal can wait on.
const (
	WaitingClient   WaitingOn = "client"
	WaitingApprover WaitingOn = "approver"
	WaitingPayment  WaitingOn = "payment"
	WaitingInternal WaitingOn = "internal"
	WaitingNone     WaitingOn = ""
)

// OfferStatus is the state of one offer version.
type OfferStatus string

// Offer version states.
const (
	OfferSent             OfferStatus = "sent"
	OfferChangesRequested OfferStatus = "changes_requested"
	OfferExpired          OfferStatus = "expired"
	OfferAccepted         OfferStatus = "accepted"
)

// ContractStatus is the state of the current contract revision.
type ContractStatus string

// Contract states.
const (
	ContractAwaitingApproval ContractStatus = "awaiting_approval"
	ContractChangesRequested ContractStatus = "changes_requested"
	ContractSigned           ContractStatus = "signed"
	// ContractSuperseded is a contract set aside when corrections sent the
	// deal back to a revised offer; the next prepare_contract replaces it.
	ContractSuperseded ContractStatus = "superseded"
)

// Due says when an installment is invoiced.
type Due string

// Installment timing.
const (
	DueBeforeEvent Due = "before_event"
	DueAfterEvent  Due = "after_event"
)

// InvoiceStatus is the state of an invoice.
type InvoiceStatus string

// Invoice states.
const (
	InvoiceIssued    InvoiceStatus = "issued"
	InvoicePaid      InvoiceStatus = "paid"
	InvoiceCancelled InvoiceStatus = "cancelled"
)

// PaymentKind tells a payment from a refund.
type PaymentKind string

// Payment kinds.
const (
	KindPayment PaymentKind = "payment"
	KindRefund  PaymentKind = "refund"
)

// DocType is a document type of docs/process.md §3.
type DocType string

// Document types.
const (
	DocProtocol      DocType = "protocol"
	DocOffer         DocType = "offer"
	DocContract      DocType = "contract"
	DocInvoice       DocType = "invoice"
	DocAct           DocType = "act"
	DocQuestionnaire DocType = "questionnaire"
)

// Index returns the position of s in Stages, or -1.
func (s Stage) Index() int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return -1
}

// Header is what a deal is opened with and shows all its life: its ID,
// client and owner, what it sells for how much, and the deal it follows.
// Params and View embed it, so their JSON carries its fields inline.
type Header struct {
	ID             string       `json:"id"`
	ClientID       string       `json:"client_id"`
	Owner          string       `json:"owner"`
	Title          string       `json:"title"`
	Product        string       `json:"product,omitempty"`
	Amount         money.Amount `json:"amount"`
	Currency       string       `json:"currency"`
	PreviousDealID string       `json:"previous_deal_id,omitempty"`
}

// Params start a deal workflow.
type Params struct {
	Header
	Policy Policy `json:"policy"`
	// PolicyVersion is the version of the policy document the deal runs
	// with (0: the deployment's defaults).
	PolicyVersion int `json:"policy_version"`
	// Calendar is the business calendar deadlines are counted in; the zero
	// value is UTC with Saturday and Sunday off.
	Calendar calendar.Calendar `json:"calendar"`
}

// Item is a deal as the read model last saw it: an item of
// GET /api/v1/deals, which the web app reads too.
type Item struct {
	Header
	// ClientName is the name of the client (ClientID).
	ClientName     string       `json:"client_name"`
	PaidAmount     money.Amount `json:"paid_amount"`
	RefundedAmount money.Amount `json:"refunded_amount"`
	Stage          Stage        `json:"stage"`
	Status         Status       `json:"status"`
	WaitingOn      WaitingOn    `json:"waiting_on,omitempty"`
	WaitingSince   *time.Time   `json:"waiting_since,omitempty"`
	LostStage      Stage        `json:"lost_stage,omitempty"`
	LostReason     string       `json:"lost_reason,omitempty"`
	// StageSince is when the deal entered its stage; HasOverdue says it
	// has an overdue control point now.
	StageSince *time.Time `json:"stage_since,omitempty"`
	HasOverdue bool       `json:"has_overdue"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
}

// View is the whole state of a deal as the API shows it.
type View struct {
	Header
	Stage     Stage      `json:"stage"`
	Status    Status     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`

	Presentation Presentation `json:"presentation"`
	Offers       []Offer      `json:"offers"`
	Contract     *Contract    `json:"contract"`
	Invoices     []Invoice    `json:"invoices"`
	Payments     []Payment    `json:"payments"`
	Event        *Event       `json:"event"`
	Survey       *Survey      `json:"survey"`
	FollowUp     *FollowUp    `json:"follow_up"`
	// LastContactAt is the last contact with the client: the time of the
	// last client-facing action or logged contact (ClientContacts); nil
	// while none.
	LastContactAt *time.Time              `json:"last_contact_at,omitempty"`
	ControlPoints []casework.ControlPoint `json:"control_points"`
	Documents     []Document              `json:"documents"`

	AllowedActions []string  `json:"allowed_actions"`
	WaitingOn      WaitingOn `json:"waiting_on,omitempty"`
	WaitingSince   time.Time `json:"waiting_since"`

	// ComplaintID links the complaint a dissatisfied survey opened.
	ComplaintID string `json:"complaint_id,omitempty"`

	LostStage   Stage  `json:"lost_stage,omitempty"`
	LostReason  string `json:"lost_reason,omitempty"`
	LostComment string `json:"lost_comment,omitempty"`
	// KeptPayment records the decision to keep the money received when the
	// deal was lost without a refund (docs/process.md §2.7).
	KeptPayment *KeptPayment `json:"kept_payment,omitempty"`

	Policy        Policy `json:"policy"`
	PolicyVersion int    `json:"policy_version"`
	// Seq is the sequence number of the last history event.
	Seq int `json:"seq"`
}

// KeptPayment is money received and kept when the deal was lost.
type KeptPayment struct {
	Amount money.Amount `json:"amount"`
	Reason string       `json:"reason"`
}

// Presentation is stage 1.
type Presentation struct {
	ScheduledAt    *time.Time `json:"scheduled_at,omitempty"`
	HeldAt         *time.Time `json:"held_at,omitempty"`
	Notes          string     `json:"notes,omitempty"`
	ProtocolSentAt *time.Time `json:"protocol_sent_at,omitempty"`
	Declines       []Decline  `json:"declines"`
}

// Decline is one refused presentation.
type Decline struct {
	At time.Time `json:"at"`
	// RetryAt is zero, and left out of the JSON, for the decline that used
	// up the last attempt (omitempty alone never leaves out a time).
	RetryAt time.Time `json:"retry_at,omitempty,omitzero"`
	Reason  string    `json:"reason,omitempty"`
}

// Offer is one version of the commercial offer.
type Offer struct {
	Version    int          `json:"version"`
	Amount     money.Amount `json:"amount"`
	ValidUntil time.Time    `json:"valid_until"`
	Terms      string       `json:"terms,omitempty"`
	Status     OfferStatus  `json:"status"`
	IssuedAt   time.Time    `json:"issued_at"`
	Comment    string       `json:"comment,omitempty"`
}

// Contract is stage 3: the current revision and its approvers.
type Contract struct {
	Revision       int             `json:"revision"`
	Status         ContractStatus  `json:"status"`
	Approvers      []Approver      `json:"approvers"`
	PaymentPlan    []Installment   `json:"payment_plan"`
	ChangeRequests []ChangeRequest `json:"change_requests"`
	SignedAt       *time.Time      `json:"signed_at,omitempty"`
}

// Approver is one client-side approver of the contract: a contact person
// of the client (ContactID) or the person holding a role (Role); deals
// started before either existed name approvers by Name only.
type Approver struct {
	ContactID  string     `json:"contact_id,omitempty"`
	Role       string     `json:"role,omitempty"`
	Name       string     `json:"name"`
	Approved   bool       `json:"approved"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
}

// ChangeRequest is an approver's request to correct a contract revision.
type ChangeRequest struct {
	Revision int       `json:"revision"`
	Approver string    `json:"approver"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
}

// Installment is one part of the payment plan.
type Installment struct {
	Percent int `json:"percent"`
	Due     Due `json:"due" enum:"before_event|after_event"`
}

// Invoice bills one installment.
type Invoice struct {
	Number      string        `json:"number"`
	Installment int           `json:"installment"`
	Due         Due           `json:"due"`
	Amount      money.Amount  `json:"amount"`
	Paid        money.Amount  `json:"paid"`
	IssuedAt    time.Time     `json:"issued_at"`
	DueAt       time.Time     `json:"due_at"`
	Status      InvoiceStatus `json:"status"`
}

// Payment is money received from (or refunded to) the client.
type Payment struct {
	Seq    int          `json:"seq"`
	Kind   PaymentKind  `json:"kind"`
	Amount money.Amount `json:"amount"`
	At     time.Time    `json:"at"`
	Reason string       `json:"reason,omitempty"`
}

// Event is stage 5.
type Event struct {
	Date            time.Time    `json:"date"`
	Items           []EventItem  `json:"items"`
	Reschedules     []Reschedule `json:"reschedules"`
	HeldAt          *time.Time   `json:"held_at,omitempty"`
	ClosingSignedAt *time.Time   `json:"closing_signed_at,omitempty"`
}

// EventItem is a preparatory item the client approves.
type EventItem struct {
	Name       string     `json:"name"`
	Approved   bool       `json:"approved"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
}

// Reschedule records a moved event date.
type Reschedule struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Survey is the satisfaction questionnaire of stage 6.
type Survey struct {
	Scores      map[string]int `json:"scores"`
	SubmittedAt time.Time      `json:"submitted_at"`
	// LowScores lists the questions scored 3 or below, sorted.
	LowScores []string `json:"low_scores"`
	// Dissatisfied is set when any score is 3 or below (docs/process.md §2.6).
	Dissatisfied bool `json:"dissatisfied"`
}

// FollowUp is the next contact after the deal: when, what for, about
// which product, and the outcome of the last follow-up completed
// (complete_follow_up, or a next deal naming this one).
type FollowUp struct {
	At      time.Time `json:"at"`
	Purpose string    `json:"purpose,omitempty"`
	Product string    `json:"product,omitempty"`
	// Outcome is the last outcome recorded; "" while none.
	Outcome FollowUpOutcome `json:"outcome,omitempty"`
	Note    string          `json:"note,omitempty"`
	// CompletedAt is when the outcome was recorded.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	// NextDealID is the deal that followed this one.
	NextDealID string `json:"next_deal_id,omitempty"`
}

// Document is one entry of the deal's document register.
type Document struct {
	Type    DocType   `json:"type"`
	Version int       `json:"version"`
	Ref     string    `json:"ref"`
	URL     string    `json:"url,omitempty"`
	SentAt  time.Time `json:"sent_at"`
	// Edition is 2 and up for an entry rendered again
	// (regenerate_document), with its Reason; 0 for a first one.
	Edition int    `json:"edition,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Sync carries what the read model must learn after a change of a deal.
type Sync = casework.Sync[View]

// The control point kinds.
const (
	PointProtocol          casework.PointKind = "protocol"
	PointPresentationRetry casework.PointKind = "presentation_retry"
	PointOfferValidity     casework.PointKind = "offer_validity"
	PointCorrections       casework.PointKind = "corrections"
	PointPaymentDue        casework.PointKind = "payment_due"
	PointEventItems        casework.PointKind = "event_items"
	PointEventDate         casework.PointKind = "event_date"
	PointSurvey            casework.PointKind = "survey"
	PointContactInterval   casework.PointKind = "contact_interval"
	PointFollowUp          casework.PointKind = "follow_up"
)

// PointKinds lists every control point kind.
var PointKinds = []casework.PointKind{
	PointProtocol, PointPresentationRetry, PointOfferValidity, PointCorrections,
	PointPaymentDue, PointEventItems, PointEventDate, PointSurvey,
	PointContactInterval, PointFollowUp,
}
