package complaint

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

// managers may hand a complaint over.
var managers = []string{casework.RoleManager, casework.RoleAdmin}

// Inputs is the catalogue of complaint actions, in the order of the
// procedure (docs/process.md §4).
var Inputs = casework.Catalog{
	{Name: ActAcknowledge, Input: AcknowledgeInput{}, Summary: "Record the acknowledgement sent to the client; investigation starts", When: "acknowledgement step"},
	{Name: ActAssign, Input: AssignInput{}, Summary: "Hand the complaint's steps to another member of the team", When: "any step of an open complaint", Roles: managers},
	{Name: ActRecordInvestigation, Input: RecordInvestigationInput{}, Summary: "Record the root cause found; resolution starts", When: "investigation step"},
	{Name: ActResolveForClient, Input: ResolveForClientInput{}, Summary: "Record the remedy offered to the client", When: "resolution step"},
	{Name: ActConfirmByClient, Input: ConfirmByClientInput{}, Summary: "Record the client's answer to the remedy; not satisfied goes back to investigation", When: "confirmation step"},
	{Name: ActAddCorrectiveAction, Input: AddCorrectiveActionInput{}, Summary: "Add a corrective action of the process, with its owner and due date", When: "correction step"},
	{Name: ActCompleteCorrectiveAction, Input: CompleteCorrectiveActionInput{}, Summary: "Complete a corrective action", When: "correction step, while the action is open"},
	{Name: ActClose, Input: CloseInput{}, Summary: "Close the complaint", When: "correction step, once every corrective action is done, or by a manager's reasoned decision that no process change is needed"},
}
