package casework

import "encoding/json"

// Request is the argument of every action update of a case: who acts, in
// which role, and the action's JSON input.
type Request struct {
	Actor string `json:"actor"`
	// Role is the actor's role (sales, manager, admin), for decisions only
	// some roles may take.
	Role  string          `json:"role,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
}

// Roles of staff members, as carried in Request.Role.
const (
	RoleSales   = "sales"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// Error codes returned by the workflow's validators and the API.
const (
	CodeInvalidInput     = "invalid_input"
	CodeActionNotAllowed = "action_not_allowed"
	CodeNotFound         = "not_found"
)

// Refusal explains why an action was refused; it travels as the details of
// the validator's application error (whose type is Code). Stage is where a
// deal stands, Step where a complaint stands: each case type fills the one
// its API names.
type Refusal struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Stage   string            `json:"stage,omitempty"`
	Step    string            `json:"step,omitempty"`
	Allowed []string          `json:"allowed_actions,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Error returns the message.
func (r *Refusal) Error() string { return r.Message }
