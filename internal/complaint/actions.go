package complaint

import (
	"time"

	"github.com/salesflow/salesflow/internal/deal"
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
		ProcessStep string `json:"process_step" maxlen:"32"`
		Department  string `json:"department,omitempty" maxlen:"100"`
	}
	// ResolveForClientInput records the remedy offered to the client.
	ResolveForClientInput struct {
		Remedy string        `json:"remedy" maxlen:"64"`
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

// Inputs is the catalog of complaint actions.
var Inputs = deal.Catalog{
	{Name: ActAcknowledge, Input: AcknowledgeInput{}},
	{Name: ActAssign, Input: AssignInput{}},
	{Name: ActRecordInvestigation, Input: RecordInvestigationInput{}},
	{Name: ActResolveForClient, Input: ResolveForClientInput{}},
	{Name: ActConfirmByClient, Input: ConfirmByClientInput{}},
	{Name: ActAddCorrectiveAction, Input: AddCorrectiveActionInput{}},
	{Name: ActCompleteCorrectiveAction, Input: CompleteCorrectiveActionInput{}},
	{Name: ActClose, Input: CloseInput{}},
}
