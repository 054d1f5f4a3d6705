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

// Managers are the roles that lead others: a catalogue entry's Roles for
// the actions only a manager or an admin may take (handing a case over).
var Managers = []string{RoleManager, RoleAdmin}

// Error codes: the type of a validator's refusal and the machine-readable
// code of every API error (docs/security.md lists when each is answered).
const (
	CodeInvalidInput     = "invalid_input"
	CodeActionNotAllowed = "action_not_allowed"
	CodeNotFound         = "not_found"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeConflict         = "conflict"
	// CodeIdempotencyKeyReused refuses a request whose Idempotency-Key was
	// sent before with another body.
	CodeIdempotencyKeyReused = "idempotency_key_reused"
	CodeRateLimited          = "rate_limited"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodePayloadTooLarge      = "payload_too_large"
	CodeUnsupportedMedia     = "unsupported_media_type"
	CodeTemporalUnavailable  = "temporal_unavailable"
	CodeUnavailable          = "unavailable"
	CodeInternal             = "internal"
	// CodeNotActiveStaff refuses an input naming someone who is not an
	// active staff member where only one may stand (a corrective action's
	// owner).
	CodeNotActiveStaff = "not_active_staff"
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
