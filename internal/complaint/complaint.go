// Package complaint holds the vocabulary of the complaint procedure
// (docs/process.md §4), shared by the complaint workflow, its activities and
// the HTTP API: the registration form, the four steps and their records,
// the view, the list item, the action catalogue and the complaint policy.
// Control points, requests and refusals are the ones of package casework.
package complaint

import (
	"slices"
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/money"
)

// Channels a complaint can come in by: the default contact channels of the
// policy document's catalogue.
var Channels = []string{"phone", "email", "meeting", "survey", "other"}

// ChannelSurvey is the channel of complaints opened by a low survey score.
const ChannelSurvey = "survey"

// Severity ranks a complaint; step deadlines depend on it.
type Severity string

// Severities, lowest first.
const (
	SeverityLow      Severity = "low"
	SeverityNormal   Severity = "normal"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity, lowest first.
var Severities = []Severity{SeverityLow, SeverityNormal, SeverityHigh, SeverityCritical}

// Step is where a complaint is in the procedure.
type Step string

// The steps, in order. A client not satisfied with the remedy sends the
// complaint back to investigation.
const (
	StepAcknowledgement Step = "acknowledgement"
	StepInvestigation   Step = "investigation"
	StepResolution      Step = "resolution"
	StepConfirmation    Step = "confirmation"
	StepCorrection      Step = "correction"
	StepClosed          Step = "closed"
)

// Steps lists the steps in order.
var Steps = []Step{StepAcknowledgement, StepInvestigation, StepResolution, StepConfirmation, StepCorrection, StepClosed}

// Status is open until the complaint is closed.
type Status string

// Complaint statuses.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Remedies for the client (step 3), as ResolveForClientInput accepts them.
var Remedies = casework.EnumOf(ResolveForClientInput{}, "remedy")

// ProcessSteps a root cause can be attributed to: the deal stages or other,
// as RecordInvestigationInput accepts them.
var ProcessSteps = casework.EnumOf(RecordInvestigationInput{}, "process_step")

// Form is the formal registration form (step 1).
type Form struct {
	ClientID     string   `json:"client_id"`
	DealID       string   `json:"deal_id,omitempty"`
	Channel      string   `json:"channel"`
	Category     string   `json:"category"`
	Severity     Severity `json:"severity"`
	Description  string   `json:"description"`
	RemedySought string   `json:"remedy_sought,omitempty"`
}

// Params start a complaint workflow.
type Params struct {
	ID            string `json:"id"`
	Form          Form   `json:"form"`
	RegisteredBy  string `json:"registered_by"`
	Policy        Policy `json:"policy"`
	PolicyVersion int    `json:"policy_version"`
	// Calendar is the business calendar deadlines are counted in.
	Calendar calendar.Calendar `json:"calendar"`
}

// View is the whole state of a complaint as the API shows it.
type View struct {
	ID string `json:"id"`
	// Number is the human-readable number, e.g. C-2026-000123.
	Number       string     `json:"number"`
	Form                    // the registration form, inlined
	RegisteredBy string     `json:"registered_by"`
	Assignee     string     `json:"assignee"`
	Step         Step       `json:"step"`
	Status       Status     `json:"status"`
	RegisteredAt time.Time  `json:"registered_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	// RecurrenceOf names an earlier complaint of the same client and
	// category within the policy's recurrence window.
	Recurrence   bool   `json:"recurrence"`
	RecurrenceOf string `json:"recurrence_of,omitempty"`

	Acknowledgement   *Acknowledgement   `json:"acknowledgement"`
	Investigations    []Investigation    `json:"investigations"`
	Resolutions       []Resolution       `json:"resolutions"`
	CorrectiveActions []CorrectiveAction `json:"corrective_actions"`
	// NoProcessChangeReason is a manager's reasoned decision that no process
	// change is needed, when the complaint closed without corrective actions.
	NoProcessChangeReason string `json:"no_process_change_reason,omitempty"`
	ClosedBy              string `json:"closed_by,omitempty"`
	// OnTime is set at close when no step's control point went overdue.
	OnTime bool `json:"on_time"`

	ControlPoints  []casework.ControlPoint `json:"control_points"`
	AllowedActions []string                `json:"allowed_actions"`
	Policy         Policy                  `json:"policy"`
	PolicyVersion  int                     `json:"policy_version"`
	Seq            int                     `json:"seq"`
}

// Item is a complaint as the read model last saw it: an item of
// GET /api/v1/complaints, which the web app reads too.
type Item struct {
	ID           string   `json:"id"`
	Number       string   `json:"number"`
	Step         Step     `json:"step"`
	Status       Status   `json:"status"`
	Severity     Severity `json:"severity"`
	ClientID     string   `json:"client_id"`
	ClientName   string   `json:"client_name"`
	DealID       string   `json:"deal_id,omitempty"`
	Channel      string   `json:"channel"`
	Category     string   `json:"category"`
	Assignee     string   `json:"assignee"`
	RegisteredBy string   `json:"registered_by"`
	// ProcessStep is the process step of origin the latest investigation
	// found.
	ProcessStep    string     `json:"process_step,omitempty"`
	Recurrence     bool       `json:"recurrence"`
	RecurrenceOf   string     `json:"recurrence_of,omitempty"`
	RegisteredAt   time.Time  `json:"registered_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	OnTime         bool       `json:"on_time"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Acknowledgement is the message sent to the client (step 1).
type Acknowledgement struct {
	Message string    `json:"message"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Investigation is one finding of the root cause (step 2).
type Investigation struct {
	RootCause   string    `json:"root_cause"`
	ProcessStep string    `json:"process_step"`
	Department  string    `json:"department,omitempty"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
}

// Resolution is one remedy offered to the client (step 3) and the client's
// answer to it.
type Resolution struct {
	Remedy       string        `json:"remedy"`
	Amount       *money.Amount `json:"amount,omitempty"`
	By           string        `json:"by"`
	At           time.Time     `json:"at"`
	Confirmation *Confirmation `json:"confirmation"`
}

// Confirmation is the client's answer to a remedy.
type Confirmation struct {
	Satisfied bool      `json:"satisfied"`
	Comment   string    `json:"comment,omitempty"`
	At        time.Time `json:"at"`
}

// CorrectiveAction removes the process flaw behind the complaint (step 4).
type CorrectiveAction struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	Owner       string     `json:"owner"`
	Due         time.Time  `json:"due"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// Sync carries what the read model must learn after a change of a
// complaint.
type Sync = casework.Sync[View]

// Registration is what the read model answers when a complaint registers:
// its number and, when the same client complained in the same category
// within the window, the earlier complaint.
type Registration struct {
	Number       string `json:"number"`
	RecurrenceOf string `json:"recurrence_of,omitempty"`
}

// RegisterInput asks the read model for a complaint's Registration.
type RegisterInput struct {
	ID           string    `json:"id"`
	ClientID     string    `json:"client_id"`
	Category     string    `json:"category"`
	RegisteredAt time.Time `json:"registered_at"`
	// Since is the start of the recurrence window.
	Since time.Time `json:"since"`
}

// Control point kinds of the complaint procedure: one per step, and one per
// corrective action.
const (
	PointAcknowledge      casework.PointKind = "complaint_acknowledge"
	PointInvestigate      casework.PointKind = "complaint_investigate"
	PointResolve          casework.PointKind = "complaint_resolve"
	PointConfirm          casework.PointKind = "complaint_confirm"
	PointCorrect          casework.PointKind = "complaint_correct"
	PointCorrectiveAction casework.PointKind = "corrective_action"
)

// PointKinds lists the complaint control point kinds.
var PointKinds = []casework.PointKind{PointAcknowledge, PointInvestigate, PointResolve, PointConfirm, PointCorrect, PointCorrectiveAction}

// Action input types. Their JSON field names are the HTTP contract; a field
// without omitempty is required. The API bounds every value: a string has at
// most the characters of its field's maxlen tag (2000 without one), a money
// amount is greater than 0 where the tag validate:"positive" says so and
// never negative.
type (
	// AcknowledgeInput records the acknowledgement sent to the client.
	AcknowledgeInput struct {
		Message string `json:"message"`
	}
	// AssignInput hands the complaint's steps to a staff member.
	AssignInput struct {
		Assignee string `json:"assignee" maxlen:"64"`
	}
	// RecordInvestigationInput records the root cause found.
	RecordInvestigationInput struct {
		RootCause   string `json:"root_cause"`
		ProcessStep string `json:"process_step" maxlen:"32" enum:"presentation|offer|contract|payment|event|close|other"`
		Department  string `json:"department,omitempty" maxlen:"100"`
	}
	// ResolveForClientInput records the remedy offered to the client.
	ResolveForClientInput struct {
		Remedy string        `json:"remedy" maxlen:"64" enum:"redo|discount|refund|apology|other"`
		Amount *money.Amount `json:"amount,omitempty" validate:"positive"`
	}
	// ConfirmByClientInput records the client's answer to the remedy.
	ConfirmByClientInput struct {
		Satisfied *bool  `json:"satisfied"`
		Comment   string `json:"comment,omitempty"`
	}
	// AddCorrectiveActionInput adds a corrective action of the process.
	AddCorrectiveActionInput struct {
		Description string    `json:"description" maxlen:"280"`
		Owner       string    `json:"owner" maxlen:"64"`
		Due         time.Time `json:"due"`
	}
	// CompleteCorrectiveActionInput completes a corrective action.
	CompleteCorrectiveActionInput struct {
		ID   string `json:"id" maxlen:"64"`
		Note string `json:"note,omitempty"`
	}
	// CloseInput closes the complaint; without corrective actions a
	// manager's reason that no process change is needed is required.
	CloseInput struct {
		NoProcessChangeReason string `json:"no_process_change_reason,omitempty"`
	}
)

// Action names: the HTTP contract and the workflow update names.
const (
	ActAcknowledge              = "acknowledge"
	ActAssign                   = "assign"
	ActRecordInvestigation      = "record_investigation"
	ActResolveForClient         = "resolve_for_client"
	ActConfirmByClient          = "confirm_by_client"
	ActAddCorrectiveAction      = "add_corrective_action"
	ActCompleteCorrectiveAction = "complete_corrective_action"
	ActClose                    = "close"
)

// MayTake reports whether a member of role may take the action on the
// complaint as it stands, beyond the catalogue's Roles: closing it without
// any corrective action is a manager's (or admin's) reasoned decision that
// no process change is needed (docs/process.md §4), so a sales rep is not
// offered close then.
func MayTake(v View, action, role string) bool {
	if action == ActClose && len(v.CorrectiveActions) == 0 {
		return slices.Contains(casework.Managers, role)
	}
	return true
}

// Inputs is the catalogue of complaint actions, in the order of the
// procedure (docs/process.md §4).
var Inputs = casework.Catalog{
	{Name: ActAcknowledge, Input: AcknowledgeInput{}, Summary: "Record the acknowledgement sent to the client; investigation starts", When: "acknowledgement step"},
	{Name: ActAssign, Input: AssignInput{}, Summary: "Hand the complaint's steps to another member of the team", When: "any step of an open complaint", Roles: casework.Managers},
	{Name: ActRecordInvestigation, Input: RecordInvestigationInput{}, Summary: "Record the root cause found; resolution starts", When: "investigation step"},
	{Name: ActResolveForClient, Input: ResolveForClientInput{}, Summary: "Record the remedy offered to the client", When: "resolution step"},
	{Name: ActConfirmByClient, Input: ConfirmByClientInput{}, Summary: "Record the client's answer to the remedy; not satisfied goes back to investigation", When: "confirmation step"},
	{Name: ActAddCorrectiveAction, Input: AddCorrectiveActionInput{}, Summary: "Add a corrective action of the process, with its owner and due date", When: "correction step"},
	{Name: ActCompleteCorrectiveAction, Input: CompleteCorrectiveActionInput{}, Summary: "Complete a corrective action", When: "correction step, while the action is open"},
	{Name: ActClose, Input: CloseInput{}, Summary: "Close the complaint", When: "correction step, once every corrective action is done, or by a manager's reasoned decision that no process change is needed"},
}
