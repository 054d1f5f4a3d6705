package deal

import (
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/money"
)

// Action input types. Their JSON field names are the HTTP contract; a field
// without omitempty is required. The API bounds every value: a string has at
// most the characters of its field's maxlen tag (2000 without one), a money
// amount is greater than 0 where the tag validate:"positive" says so and
// never negative.
type (
	// SchedulePresentationInput schedules the presentation meeting.
	SchedulePresentationInput struct {
		At time.Time `json:"at"`
	}
	// HoldPresentationInput records that the presentation took place.
	HoldPresentationInput struct {
		HeldAt *time.Time `json:"held_at,omitempty"`
		Notes  string     `json:"notes,omitempty"`
	}
	// SendProtocolInput records the meeting protocol sent to the client.
	SendProtocolInput struct {
		URL string `json:"url,omitempty" maxlen:"1000"`
	}
	// DeclinePresentationInput records a refused presentation and the retry
	// date, which the decline that uses up the last allowed attempt does not
	// need (docs/process.md §2.1).
	DeclinePresentationInput struct {
		RetryAt time.Time `json:"retry_at,omitempty"`
		Reason  string    `json:"reason,omitempty"`
	}
	// IssueOfferInput issues a new offer version.
	IssueOfferInput struct {
		Amount     money.Amount `json:"amount" validate:"positive"`
		ValidUntil *time.Time   `json:"valid_until,omitempty"`
		Terms      string       `json:"terms,omitempty"`
	}
	// RequestOfferChangesInput records that the client wants a revised offer.
	RequestOfferChangesInput struct {
		Comment        string     `json:"comment"`
		CorrectionsDue *time.Time `json:"corrections_due,omitempty"`
	}
	// ExtendOfferInput moves the current offer's validity date.
	ExtendOfferInput struct {
		ValidUntil time.Time `json:"valid_until"`
	}
	// AcceptOfferInput records the client's acceptance of an offer version.
	AcceptOfferInput struct {
		Version int `json:"version,omitempty"`
	}
	// PrepareContractInput drafts the contract with its approvers and plan.
	PrepareContractInput struct {
		Approvers   []ApproverInput `json:"approvers"`
		PaymentPlan []Installment   `json:"payment_plan,omitempty"`
	}
	// ApproveContractInput records one approver's approval.
	ApproveContractInput struct {
		Approver string `json:"approver" maxlen:"100"`
	}
	// RequestContractChangesInput records an approver's correction request.
	RequestContractChangesInput struct {
		Approver       string     `json:"approver" maxlen:"100"`
		Comment        string     `json:"comment"`
		CorrectionsDue *time.Time `json:"corrections_due,omitempty"`
	}
	// ReviseContractInput issues the next contract revision or, with
	// back_to_offer, sends the deal back to a revised offer (docs/process.md
	// §2.3); comment says what the offer must change.
	ReviseContractInput struct {
		BackToOffer bool   `json:"back_to_offer,omitempty"`
		Comment     string `json:"comment,omitempty"`
	}
	// RecordPaymentInput records money received.
	RecordPaymentInput struct {
		Amount money.Amount `json:"amount" validate:"positive"`
		PaidAt *time.Time   `json:"paid_at,omitempty"`
	}
	// CancelWithRefundInput records the client's cancellation and refund.
	CancelWithRefundInput struct {
		RefundAmount money.Amount `json:"refund_amount" validate:"positive"`
		RefundedAt   *time.Time   `json:"refunded_at,omitempty"`
		Reason       string       `json:"reason" maxlen:"64"`
		Comment      string       `json:"comment,omitempty"`
	}
	// PlanEventInput sets the event date and its preparatory items.
	PlanEventInput struct {
		Date  time.Time `json:"date"`
		Items []string  `json:"items" maxlen:"200"`
	}
	// ApproveEventItemInput records the client's approval of one item.
	ApproveEventItemInput struct {
		Item string `json:"item" maxlen:"200"`
	}
	// RescheduleEventInput moves the event date.
	RescheduleEventInput struct {
		Date   time.Time `json:"date"`
		Reason string    `json:"reason,omitempty"`
	}
	// HoldEventInput records that the event took place.
	HoldEventInput struct {
		HeldAt *time.Time `json:"held_at,omitempty"`
	}
	// SignClosingDocumentsInput records the signed act and VAT invoice.
	SignClosingDocumentsInput struct{}
	// SubmitSurveyInput records the satisfaction questionnaire (1..5 per question).
	SubmitSurveyInput struct {
		Scores map[string]int `json:"scores" maxlen:"200"`
	}
	// ScheduleFollowUpInput sets the next contact after the deal.
	ScheduleFollowUpInput struct {
		At      time.Time `json:"at"`
		Purpose string    `json:"purpose,omitempty" maxlen:"250"`
		Product string    `json:"product,omitempty" maxlen:"100"`
	}
	// CloseDealInput closes a deal as won.
	CloseDealInput struct{}
	// LoseInput ends the deal as lost. Once money was received (net of
	// refunds) it needs a refund decision: the amount refunded (and when),
	// or keep_payment with the reason the money is kept.
	LoseInput struct {
		Reason            string        `json:"reason" maxlen:"64"`
		Comment           string        `json:"comment,omitempty"`
		RefundAmount      *money.Amount `json:"refund_amount,omitempty" validate:"positive"`
		RefundedAt        *time.Time    `json:"refunded_at,omitempty"`
		KeepPayment       bool          `json:"keep_payment,omitempty"`
		KeepPaymentReason string        `json:"keep_payment_reason,omitempty"`
	}
	// ReassignInput hands the deal and its open control points to another
	// member of the team (a manager's or admin's decision).
	ReassignInput struct {
		Owner  string `json:"owner" maxlen:"64"`
		Reason string `json:"reason,omitempty"`
	}
	// CompleteFollowUpInput records the outcome of a won deal's follow-up
	// contact (docs/process.md §1): a next deal, a later contact (NextAt,
	// with its purpose and product), or no interest.
	CompleteFollowUpInput struct {
		Outcome FollowUpOutcome `json:"outcome" enum:"next_deal|later|not_interested"`
		Note    string          `json:"note,omitempty"`
		NextAt  *time.Time      `json:"next_at,omitempty"`
		Purpose string          `json:"purpose,omitempty" maxlen:"250"`
		Product string          `json:"product,omitempty" maxlen:"100"`
	}
	// LogContactInput records a contact with the client.
	LogContactInput struct {
		Channel string     `json:"channel" maxlen:"64"`
		Note    string     `json:"note,omitempty"`
		At      *time.Time `json:"at,omitempty"`
	}
	// RegenerateDocumentInput asks for a register entry to be rendered
	// again, as a new edition: the latest entry of the type, or the one of
	// DocumentVersion (the offer's version, the contract's revision, the
	// invoice's installment).
	RegenerateDocumentInput struct {
		Document        DocType `json:"document" enum:"protocol|offer|contract|invoice|act|questionnaire"`
		DocumentVersion int     `json:"document_version,omitempty"`
		Reason          string  `json:"reason" maxlen:"500"`
	}
)

// Action names: the HTTP contract and the workflow update names.
const (
	ActSchedulePresentation   = "schedule_presentation"
	ActHoldPresentation       = "hold_presentation"
	ActSendProtocol           = "send_protocol"
	ActDeclinePresentation    = "decline_presentation"
	ActIssueOffer             = "issue_offer"
	ActRequestOfferChanges    = "request_offer_changes"
	ActExtendOffer            = "extend_offer"
	ActAcceptOffer            = "accept_offer"
	ActPrepareContract        = "prepare_contract"
	ActApproveContract        = "approve_contract"
	ActRequestContractChanges = "request_contract_changes"
	ActReviseContract         = "revise_contract"
	ActRecordPayment          = "record_payment"
	ActCancelWithRefund       = "cancel_with_refund"
	ActPlanEvent              = "plan_event"
	ActApproveEventItem       = "approve_event_item"
	ActRescheduleEvent        = "reschedule_event"
	ActHoldEvent              = "hold_event"
	ActSignClosingDocuments   = "sign_closing_documents"
	ActSubmitSurvey           = "submit_survey"
	ActScheduleFollowUp       = "schedule_follow_up"
	ActCloseDeal              = "close_deal"
	ActCompleteFollowUp       = "complete_follow_up"
	ActLose                   = "lose"
	ActLogContact             = "log_contact"
	ActReassign               = "reassign"
	ActRegenerateDocument     = "regenerate_document"
)

// Inputs is the catalogue of deal actions, in the order of the process
// (docs/process.md §1–§2).
var Inputs = casework.Catalog{
	{Name: ActSchedulePresentation, Input: SchedulePresentationInput{}, Summary: "Schedule the presentation meeting", When: "presentation stage, before it is held"},
	{Name: ActHoldPresentation, Input: HoldPresentationInput{}, Summary: "Record that the presentation took place", When: "presentation stage, before it is held"},
	{Name: ActSendProtocol, Input: SendProtocolInput{}, Summary: "Record the meeting protocol sent; the deal moves to the offer", When: "presentation stage, once the presentation is held"},
	{Name: ActDeclinePresentation, Input: DeclinePresentationInput{}, Summary: "Record a declined presentation and the retry date (not needed on the last allowed attempt, which loses the deal)", When: "presentation stage, before it is held, while attempts remain"},
	{Name: ActIssueOffer, Input: IssueOfferInput{}, Summary: "Issue a new offer version", When: "offer stage, when no version awaits the client"},
	{Name: ActRequestOfferChanges, Input: RequestOfferChangesInput{}, Summary: "Record the client's request for a revised offer", When: "offer stage, while a version is sent or expired"},
	{Name: ActExtendOffer, Input: ExtendOfferInput{}, Summary: "Move the current offer's validity date", When: "offer stage, while the current version is sent or expired"},
	{Name: ActAcceptOffer, Input: AcceptOfferInput{}, Summary: "Record the client's acceptance; the deal moves to the contract", When: "offer stage, while a version is sent"},
	{Name: ActPrepareContract, Input: PrepareContractInput{}, Summary: "Draft the contract with its approvers and payment plan", When: "contract stage, before a contract exists"},
	{Name: ActApproveContract, Input: ApproveContractInput{}, Summary: "Record one approver's approval", When: "contract stage, while the revision awaits approval"},
	{Name: ActRequestContractChanges, Input: RequestContractChangesInput{}, Summary: "Record an approver's request for corrections", When: "contract stage, while the revision awaits approval"},
	{Name: ActReviseContract, Input: ReviseContractInput{}, Summary: "Issue the next contract revision (approvals restart), or with back_to_offer send the deal back to a revised offer", When: "contract stage, after corrections were requested"},
	{Name: ActRecordPayment, Input: RecordPaymentInput{}, Summary: "Record money received against the open invoices", When: "payment, event or close stage, while an invoice is open"},
	{Name: ActCancelWithRefund, Input: CancelWithRefundInput{}, Summary: "Record the client's cancellation and the refund; the deal is lost", When: "after a payment, before the event is held"},
	{Name: ActPlanEvent, Input: PlanEventInput{}, Summary: "Set the event date and its preparatory items", When: "event stage, before the event is planned"},
	{Name: ActApproveEventItem, Input: ApproveEventItemInput{}, Summary: "Record the client's approval of one item", When: "event stage, while an item is unapproved"},
	{Name: ActRescheduleEvent, Input: RescheduleEventInput{}, Summary: "Move the event date; reminders re-plan", When: "event stage, before the event is held"},
	{Name: ActHoldEvent, Input: HoldEventInput{}, Summary: "Record that the event took place", When: "event stage, once every item is approved"},
	{Name: ActSignClosingDocuments, Input: SignClosingDocumentsInput{}, Summary: "Record the signed act and VAT invoice; the deal moves to close", When: "event stage, once the event is held"},
	{Name: ActSubmitSurvey, Input: SubmitSurveyInput{}, Summary: "Record the satisfaction questionnaire; a 2 or 3 opens a complaint", When: "close stage, once"},
	{Name: ActScheduleFollowUp, Input: ScheduleFollowUpInput{}, Summary: "Set the next contact after the deal", When: "close stage, or a won deal awaiting its follow-up"},
	{Name: ActCloseDeal, Input: CloseDealInput{}, Summary: "Close the deal as won", When: "close stage, once the survey is in and everything is paid"},
	{Name: ActCompleteFollowUp, Input: CompleteFollowUpInput{}, Summary: "Record the follow-up's outcome: a next deal, a later contact, or no interest", When: "a won deal awaiting its follow-up"},
	{Name: ActLose, Input: LoseInput{}, Summary: "End the deal as lost at its stage, with a reason; once money was received, with a refund or keep_payment and its reason", When: "any stage of an open deal"},
	{Name: ActLogContact, Input: LogContactInput{}, Summary: "Record a contact with the client; on an open deal the contact interval restarts from its time", When: "any stage of an open deal, or a won deal awaiting its follow-up"},
	{Name: ActReassign, Input: ReassignInput{}, Summary: "Hand the deal and its open control points to another member of the team", When: "any stage of an open deal", Roles: casework.Managers},
	{Name: ActRegenerateDocument, Input: RegenerateDocumentInput{}, Summary: "Render a document of the register again from the current template, as a new edition (the earlier editions stay)", When: "any stage of an open deal, once it has a generated document of the type"},
}
