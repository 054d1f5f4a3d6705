package deal

import (
	"encoding/json"
	"testing"
)

// Approvers recorded as plain names in old histories still decode (marked
// legacy, for the validator to refuse anew); objects decode strictly.
func TestApproverInputDecodes(t *testing.T) {
	var in PrepareContractInput
	if err := json.Unmarshal([]byte(`{"approvers": ["director", {"contact_id": "ct-1", "name": "Anna"}]}`), &in); err != nil {
		t.Fatal(err)
	}
	a := in.Approvers
	if len(a) != 2 || a[0].Name != "director" || !a[0].Legacy() || a[1].ContactID != "ct-1" || a[1].Name != "Anna" || a[1].Legacy() {
		t.Fatalf("approvers %+v", a)
	}
	if err := json.Unmarshal([]byte(`{"approvers": [{"name": "Anna", "title": "CFO"}]}`), &in); err == nil {
		t.Fatal("an unknown approver field decoded")
	}
}
