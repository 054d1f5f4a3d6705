package e2e

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// Bending the rules for one deal or complaint is an admin's: a rep's
// policy override is 403 and creates nothing; an admin's applies and its
// audit entry keeps it.
func TestPolicyOverrideIsForAdmins(t *testing.T) {
	s := newStack(t)
	cl := s.newClient(alice)
	override := map[string]any{"offer_validity": "3s"}
	body := map[string]any{"client_id": cl, "title": "Party", "amount": "1000.00", "currency": "RUB", "policy": override}
	var refusal apiError
	for _, token := range []string{alice, maria} {
		s.call("POST", "/api/v1/deals", token, body).decode(t, 403, &refusal)
		if refusal.Error.Code != "forbidden" {
			t.Fatalf("override by %s: %+v", token, refusal)
		}
	}
	s.call("POST", "/api/v1/complaints", alice, form(cl, map[string]any{"policy": map[string]any{"recurrence_window": "1d"}})).decode(t, 403, &refusal)
	if n := s.count(&models.Deal{}, "client_id = ?", cl); n != 0 {
		t.Fatalf("a refused override opened %d deals", n)
	}
	if len(s.complaints(alice, "client_id="+cl)) != 0 {
		t.Fatal("a refused override registered a complaint")
	}

	var d deal.View
	s.call("POST", "/api/v1/deals", admin, body).decode(t, 201, &d)
	if d.Policy.OfferValidity.String() != "3s" {
		t.Fatalf("admin's override not applied: offer_validity %s", d.Policy.OfferValidity)
	}
	var entry models.AuditEntry
	if err := s.db.Where("action = ? AND actor = ? AND object_id = ?", "deal.create", "admin", d.ID).Take(&entry).Error; err != nil {
		t.Fatalf("no audit entry of the admin's deal: %v", err)
	}
	if !strings.Contains(entry.Input, `"policy":{"offer_validity":"3s"}`) {
		t.Fatalf("audit entry input %s does not keep the override", entry.Input)
	}
}

// A rep is offered only what a rep may take, in GET …/actions and in the
// view; an action the stage does not allow is 409 whatever its input.
func TestActionsOfferedByRole(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	names := func(token string) []string {
		var acts struct {
			Actions []struct{ Name string } `json:"actions"`
		}
		s.call("GET", "/api/v1/deals/"+d.ID+"/actions", token, nil).decode(t, 200, &acts)
		var out []string
		for _, a := range acts.Actions {
			out = append(out, a.Name)
		}
		return out
	}
	if got := names(alice); slices.Contains(got, deal.ActReassign) || !slices.Contains(got, deal.ActLose) {
		t.Fatalf("alice is offered %v", got)
	}
	if got := names(maria); !slices.Contains(got, deal.ActReassign) {
		t.Fatalf("maria is not offered reassign: %v", got)
	}
	if slices.Contains(d.AllowedActions, deal.ActReassign) || slices.Contains(s.view(alice, d.ID).AllowedActions, deal.ActReassign) {
		t.Fatalf("alice's view allows reassign: %v", d.AllowedActions)
	}
	if !slices.Contains(s.view(maria, d.ID).AllowedActions, deal.ActReassign) {
		t.Fatal("maria's view does not allow reassign")
	}

	// hold_event in the presentation stage with a malformed time: the stage
	// refuses it first. In its stage the same kind of input is a 422.
	var refusal apiError
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/hold_event", alice, map[string]any{"held_at": "yesterday", "x": 1}).decode(t, 409, &refusal)
	allowed, _ := refusal.Error.Details["allowed_actions"].([]any)
	if refusal.Error.Code != "action_not_allowed" || refusal.Error.Details["stage"] != "presentation" ||
		!slices.Contains(allowed, any(deal.ActHoldPresentation)) || slices.Contains(allowed, any(deal.ActReassign)) {
		t.Fatalf("wrong-stage action with bad input: %+v", refusal)
	}
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/hold_presentation", alice, map[string]any{"held_at": "yesterday"}).decode(t, 422, &refusal)
	if refusal.Error.Code != "invalid_input" {
		t.Fatalf("bad input in the right stage: %+v", refusal)
	}
	if v := s.view(alice, d.ID); v.Seq != d.Seq {
		t.Fatalf("refused actions changed the deal: seq %d → %d", d.Seq, v.Seq)
	}
}

// The closing decision without corrective actions is a manager's: a rep is
// not offered it, the manager is.
func TestComplaintCloseOfferedToManagers(t *testing.T) {
	s := newStack(t)
	v := s.register(alice, form(s.newClient(alice), map[string]any{"severity": "low"}))
	v = s.toCorrection(v.ID)
	if slices.Contains(v.AllowedActions, "close") || slices.Contains(v.AllowedActions, "assign") ||
		!slices.Contains(v.AllowedActions, "add_corrective_action") {
		t.Fatalf("alice's view in correction allows %v", v.AllowedActions)
	}
	if got := s.complaintView(maria, v.ID).AllowedActions; !slices.Contains(got, "close") || !slices.Contains(got, "assign") {
		t.Fatalf("maria's view in correction allows %v", got)
	}
}

var notificationID = regexp.MustCompile(`^ntf_[0-9a-f]{20}$`)

// Notifications have URL-safe IDs that work in paths as they are; the
// inbox lists the unread ones and marks them all read at once.
func TestNotificationIDsAndReadAll(t *testing.T) {
	s := newStack(t)
	d := s.expiringOffer()
	type notice struct {
		ID     string     `json:"id"`
		Key    string     `json:"key"`
		DealID string     `json:"deal_id"`
		ReadAt *time.Time `json:"read_at"`
	}
	inbox := func(query string) []notice {
		var in struct{ Items []notice }
		s.call("GET", "/api/v1/notifications"+query, alice, nil).decode(t, 200, &in)
		return in.Items
	}
	eventually(t, 30*time.Second, "alice's reminder and overdue notice", func() bool { return len(inbox("")) >= 2 })
	all := inbox("")
	for _, n := range all {
		if !notificationID.MatchString(n.ID) || url.PathEscape(n.ID) != n.ID || n.Key == "" || n.DealID != d.ID {
			t.Fatalf("notification %+v", n)
		}
	}
	var read notice
	s.call("POST", "/api/v1/notifications/"+all[0].ID+"/read", alice, nil).decode(t, 200, &read)
	if read.ID != all[0].ID || read.ReadAt == nil {
		t.Fatalf("read %+v", read)
	}
	// The key, the ID before notifications had IDs, still finds it.
	s.call("POST", "/api/v1/notifications/"+url.PathEscape(all[0].Key)+"/read", alice, nil).decode(t, 200, nil)
	unread := inbox("?unread=true")
	if len(unread) != len(all)-1 || slices.ContainsFunc(unread, func(n notice) bool { return n.ID == all[0].ID }) {
		t.Fatalf("unread %+v of %+v", unread, all)
	}
	var res struct{ Read int }
	s.call("POST", "/api/v1/notifications/read-all", alice, nil).decode(t, 200, &res)
	if res.Read != len(unread) {
		t.Fatalf("read-all marked %d, want %d", res.Read, len(unread))
	}
	if left := inbox("?unread=true"); len(left) != 0 {
		t.Fatalf("unread after read-all: %+v", left)
	}
	s.call("POST", "/api/v1/notifications/read-all", alice, nil).decode(t, 200, &res)
	if res.Read != 0 {
		t.Fatalf("read-all again marked %d", res.Read)
	}
}
