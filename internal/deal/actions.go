package deal

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/money"
)

// Request is the argument of every action update of a deal or a complaint:
// who acts, in which role, and the action's JSON input.
type Request struct {
	Actor string `json:"actor"`
	// Role is the actor's role (sales, manager, admin), for decisions only
	// some roles may take.
	Role  string          `json:"role,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
}

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
	// DeclinePresentationInput records a refused presentation and the retry date.
	DeclinePresentationInput struct {
		RetryAt time.Time `json:"retry_at"`
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
		Approvers   []string      `json:"approvers" maxlen:"100"`
		PaymentPlan []Installment `json:"payment_plan,omitempty"`
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
	// ReviseContractInput issues the next contract revision.
	ReviseContractInput struct{}
	// RecordPaymentInput records money received.
	RecordPaymentInput struct {
		Amount money.Amount `json:"amount" validate:"positive"`
		PaidAt *time.Time   `json:"paid_at,omitempty"`
	}
	// CancelWithRefundInput records the client's cancellation and refund.
	CancelWithRefundInput struct {
		RefundAmount money.Amount `json:"refund_amount" validate:"positive"`
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
	// LoseInput ends the deal as lost.
	LoseInput struct {
		Reason  string `json:"reason" maxlen:"64"`
		Comment string `json:"comment,omitempty"`
	}
	// ReassignInput hands the deal and its open control points to another
	// member of the team (a manager's or admin's decision).
	ReassignInput struct {
		Owner  string `json:"owner" maxlen:"64"`
		Reason string `json:"reason,omitempty"`
	}
	// LogContactInput records a contact with the client.
	LogContactInput struct {
		Channel string     `json:"channel" maxlen:"64"`
		Note    string     `json:"note,omitempty"`
		At      *time.Time `json:"at,omitempty"`
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
	ActLose                   = "lose"
	ActLogContact             = "log_contact"
	ActReassign               = "reassign"
)

// Roles of staff members, as carried in Request.Role.
const (
	RoleSales   = "sales"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// Action is one action a person can take: its name (the HTTP action and
// the workflow update) and a zero value of its input type.
type Action struct {
	Name  string
	Input any
}

// Catalog lists the actions of one kind of workflow, in the order they are
// shown to users.
type Catalog []Action

// InputType returns the input type of the named action, or nil when the
// catalog has no such action.
func (c Catalog) InputType(name string) reflect.Type {
	for _, a := range c {
		if a.Name == name {
			return reflect.TypeOf(a.Input)
		}
	}
	return nil
}

// Fields describes the input fields of the named action, or nil when the
// catalog has no such action.
func (c Catalog) Fields(name string) []Field {
	if t := c.InputType(name); t != nil {
		return describe(t)
	}
	return nil
}

// Inputs is the catalog of deal actions.
var Inputs = Catalog{
	{ActSchedulePresentation, SchedulePresentationInput{}},
	{ActHoldPresentation, HoldPresentationInput{}},
	{ActSendProtocol, SendProtocolInput{}},
	{ActDeclinePresentation, DeclinePresentationInput{}},
	{ActIssueOffer, IssueOfferInput{}},
	{ActRequestOfferChanges, RequestOfferChangesInput{}},
	{ActExtendOffer, ExtendOfferInput{}},
	{ActAcceptOffer, AcceptOfferInput{}},
	{ActPrepareContract, PrepareContractInput{}},
	{ActApproveContract, ApproveContractInput{}},
	{ActRequestContractChanges, RequestContractChangesInput{}},
	{ActReviseContract, ReviseContractInput{}},
	{ActRecordPayment, RecordPaymentInput{}},
	{ActCancelWithRefund, CancelWithRefundInput{}},
	{ActPlanEvent, PlanEventInput{}},
	{ActApproveEventItem, ApproveEventItemInput{}},
	{ActRescheduleEvent, RescheduleEventInput{}},
	{ActHoldEvent, HoldEventInput{}},
	{ActSignClosingDocuments, SignClosingDocumentsInput{}},
	{ActSubmitSurvey, SubmitSurveyInput{}},
	{ActScheduleFollowUp, ScheduleFollowUpInput{}},
	{ActCloseDeal, CloseDealInput{}},
	{ActLose, LoseInput{}},
	{ActLogContact, LogContactInput{}},
	{ActReassign, ReassignInput{}},
}

// Field describes one input field of an action for API clients.
type Field struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
}

func describe(t reflect.Type) []Field {
	fields := []Field{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		fields = append(fields, Field{Name: name, Type: typeName(f.Type), Required: !strings.Contains(opts, "omitempty")})
	}
	return fields
}

var (
	timeType   = reflect.TypeOf(time.Time{})
	amountType = reflect.TypeOf(money.Amount(0))
)

func typeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "datetime"
	case t == amountType:
		return "decimal"
	case t.Kind() == reflect.Slice:
		return "array<" + typeName(t.Elem()) + ">"
	case t.Kind() == reflect.Map:
		return "object<" + typeName(t.Elem()) + ">"
	case t.Kind() == reflect.Struct:
		return "object"
	case t.Kind() == reflect.Int:
		return "integer"
	}
	return t.Kind().String()
}

// Error codes returned by the workflow's validators and the API.
const (
	CodeInvalidInput     = "invalid_input"
	CodeActionNotAllowed = "action_not_allowed"
	CodeNotFound         = "not_found"
)

// Refusal explains why an action was refused; it travels as the details of
// the validator's application error (whose type is Code). Stage is where a
// deal stands, Step where a complaint stands.
type Refusal struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Stage   Stage             `json:"stage,omitempty"`
	Step    string            `json:"step,omitempty"`
	Allowed []string          `json:"allowed_actions,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Error returns the message.
func (r *Refusal) Error() string { return r.Message }
