package deal

import (
	"bytes"
	"encoding/json"
)

// ApproverInput names one client-side approver of the contract
// (docs/process.md §2.3): one of the client's contact persons by
// contact_id, or a role with the name of the person holding it (a role
// alone, "kitchen chief", names nobody). Name is what approvals refer to.
type ApproverInput struct {
	ContactID string `json:"contact_id,omitempty" maxlen:"64"`
	Role      string `json:"role,omitempty" maxlen:"100"`
	Name      string `json:"name" maxlen:"100"`
	// legacy marks an approver given as a plain name, the shape of
	// prepare_contract before approvers were contact persons or roles.
	legacy bool
}

// Legacy reports whether the approver was given as a plain name: recorded
// histories hold such inputs and replay them; a new request is refused.
func (a ApproverInput) Legacy() bool { return a.legacy }

// LegacyJSON marks ApproverInput as a struct input whose JSON once had
// another shape: the API decodes and describes it as its struct, and only
// the workflow, replaying recorded histories, reads the old shape.
func (ApproverInput) LegacyJSON() {}

// UnmarshalJSON reads an approver object strictly (unknown fields are an
// error) or, from a recorded history, a plain name.
func (a *ApproverInput) UnmarshalJSON(raw []byte) error {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		*a = ApproverInput{Name: name, legacy: true}
		return nil
	}
	type plain ApproverInput // without this method
	var p plain
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*a = ApproverInput(p)
	return nil
}
