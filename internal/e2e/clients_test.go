package e2e

import (
	"net/url"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

// clientRow is a row of the clients directory.
type clientRow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Owner       string `json:"owner"`
	State       string `json:"state"`
	Stage       string `json:"stage"`
	OpenDeals   int    `json:"open_deals"`
	NextContact *struct {
		At time.Time `json:"at"`
	} `json:"next_contact"`
	LastContactAt *time.Time `json:"last_contact_at"`
}

// directory lists the clients directory with the query q as token.
func (s *stack) directory(token string, q url.Values) []clientRow {
	s.t.Helper()
	var page struct {
		Items []clientRow `json:"items"`
	}
	s.call("GET", "/api/v1/clients?"+q.Encode(), token, nil).decode(s.t, 200, &page)
	return page.Items
}

// The clients directory end to end: a deal opened through the workflow
// puts its client in a deal (with the deal's stage, and the logged
// contact as its last contact), a client without deals has no next
// contact; search by name and e-mail in any case; bob sees none of
// alice's clients, their manager all; contact persons are added, changed
// and shown with the client, and another rep's client is a 404.
func TestClientsDirectory(t *testing.T) {
	s := newStack(t)
	v := s.newDeal(alice, nil) // Romashka LLC, in the presentation stage
	s.act(alice, v.ID, "log_contact", map[string]any{"channel": "phone", "note": "called"})
	var idle struct {
		ID string `json:"id"`
	}
	s.call("POST", "/api/v1/clients", alice, map[string]any{"name": "Vasilek", "email": "Hello@Vasilek.example"}).decode(t, 201, &idle)

	eventually(t, 10*time.Second, "the logged contact in the directory", func() bool {
		rows := s.directory(alice, url.Values{"q": {"romashka"}})
		return len(rows) == 1 && rows[0].LastContactAt != nil
	})
	rows := s.directory(alice, url.Values{"q": {"ROMASHKA"}})
	if r := rows[0]; r.ID != v.ClientID || r.State != "in_deal" || r.Stage != "presentation" || r.OpenDeals != 1 || r.Owner != "alice" {
		t.Errorf("romashka = %+v", r)
	}
	if rows := s.directory(alice, url.Values{"q": {"hello@vasilek"}}); len(rows) != 1 || rows[0].ID != idle.ID || rows[0].State != "no_next_contact" {
		t.Errorf("search by e-mail = %+v", rows)
	}
	if rows := s.directory(alice, url.Values{"state": {"no_next_contact"}}); len(rows) != 1 || rows[0].ID != idle.ID {
		t.Errorf("no next contact = %+v", rows)
	}
	if rows := s.directory(bob, url.Values{}); len(rows) != 0 {
		t.Errorf("bob sees alice's clients: %+v", rows)
	}
	if rows := s.directory(maria, url.Values{"owner": {"alice"}}); len(rows) != 2 {
		t.Errorf("maria sees %d of alice's clients, want 2: %+v", len(rows), rows)
	}
	var report struct {
		Items []clientRow `json:"items"`
	}
	s.call("GET", "/api/v1/reports/clients-without-next-contact", maria, nil).decode(t, 200, &report)
	if len(report.Items) != 1 || report.Items[0].ID != idle.ID {
		t.Errorf("clients without next contact = %+v", report.Items)
	}

	contacts := "/api/v1/clients/" + v.ClientID + "/contacts"
	var ct struct {
		ID       string `json:"id"`
		Position string `json:"position"`
	}
	s.call("POST", contacts, alice, map[string]any{"name": "Ivan Petrov", "email": "ivan@romashka.ru"}).decode(t, 201, &ct)
	s.call("PATCH", contacts+"/"+ct.ID, alice, map[string]any{"position": "CEO"}).decode(t, 200, &ct)
	s.call("POST", contacts, bob, map[string]any{"name": "Nobody"}).decode(t, 404, nil)
	s.call("POST", contacts, alice, map[string]any{"name": "Nobody", "email": "nope"}).decode(t, 422, nil)
	var detail struct {
		Contacts []struct{ ID, Position string } `json:"contacts"`
	}
	s.call("GET", "/api/v1/clients/"+v.ClientID, maria, nil).decode(t, 200, &detail)
	if len(detail.Contacts) != 1 || detail.Contacts[0].ID != ct.ID || detail.Contacts[0].Position != "CEO" {
		t.Errorf("contacts = %+v", detail.Contacts)
	}

	var deals struct {
		Items []struct {
			ClientName string `json:"client_name"`
		} `json:"items"`
	}
	s.call("GET", "/api/v1/deals?client_id="+v.ClientID, alice, nil).decode(t, 200, &deals)
	if len(deals.Items) != 1 || deals.Items[0].ClientName != "Romashka LLC" {
		t.Errorf("deal list = %+v, want the client's name", deals.Items)
	}
}

// An admin runs the client classification now, once a day: a second call
// finds the day's run; a rep may not; the clients report shows the run's
// result.
func TestRunClassification(t *testing.T) {
	s := newStack(t)
	s.newClient(alice)
	s.call("POST", "/api/v1/classification/run", alice, nil).decode(t, 403, nil)
	type run struct {
		WorkflowID     string `json:"workflow_id"`
		RunID          string `json:"run_id"`
		Date           string `json:"date"`
		AlreadyStarted bool   `json:"already_started"`
	}
	var first, second run
	s.call("POST", "/api/v1/classification/run", admin, nil).decode(t, 202, &first)
	if first.RunID == "" || first.AlreadyStarted || first.Date != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("first run = %+v", first)
	}
	var report struct {
		AsOf  *time.Time `json:"as_of"`
		Total int        `json:"total"`
	}
	eventually(t, 30*time.Second, "the classification's result", func() bool {
		s.call("GET", "/api/v1/reports/clients", admin, nil).decode(t, 200, &report)
		return report.AsOf != nil
	})
	if report.Total != 1 {
		t.Errorf("clients report = %+v, want the one client", report)
	}
	s.call("POST", "/api/v1/classification/run", admin, nil).decode(t, 202, &second)
	if second.WorkflowID != first.WorkflowID || second.RunID != first.RunID || !second.AlreadyStarted {
		t.Errorf("second run = %+v, want the first (%+v)", second, first)
	}
}

// A contract approver may be one of the client's contact persons, named by
// id: another client's contact is refused, the deal's own is accepted and
// its approval, by name, signs the contract.
func TestContactPersonsAsApprovers(t *testing.T) {
	s := newStack(t)
	d := s.newDeal(alice, nil)
	other := s.newClient(alice)
	var own, foreign struct{ ID string }
	s.call("POST", "/api/v1/clients/"+d.ClientID+"/contacts", alice, map[string]any{"name": "Irina Volkova", "position": "director"}).decode(t, 201, &own)
	s.call("POST", "/api/v1/clients/"+other+"/contacts", alice, map[string]any{"name": "Oleg Sidorov"}).decode(t, 201, &foreign)
	s.act(alice, d.ID, "schedule_presentation", map[string]any{"at": future(time.Hour)})
	s.toContract(d.ID)

	var refused struct {
		Error struct {
			Code    string `json:"code"`
			Details struct {
				Fields map[string]string `json:"fields"`
			} `json:"details"`
		} `json:"error"`
	}
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/prepare_contract", alice, map[string]any{
		"approvers": []map[string]string{{"contact_id": own.ID, "name": "Irina Volkova"}, {"contact_id": foreign.ID, "name": "Oleg Sidorov"}},
	}).decode(t, 422, &refused)
	if refused.Error.Details.Fields["approvers[1].contact_id"] == "" || refused.Error.Details.Fields["approvers[0].contact_id"] != "" {
		t.Errorf("refusal = %+v, want approvers[1].contact_id named, approvers[0] not", refused.Error)
	}
	v := s.act(alice, d.ID, "prepare_contract", map[string]any{
		"approvers": []map[string]string{{"contact_id": own.ID, "name": "Irina Volkova"}},
	})
	if len(v.Contract.Approvers) != 1 || v.Contract.Approvers[0].ContactID != own.ID {
		t.Fatalf("approvers = %+v, want the contact person", v.Contract.Approvers)
	}
	if v = s.act(alice, d.ID, "approve_contract", map[string]any{"approver": "Irina Volkova"}); v.Stage != deal.StagePayment {
		t.Errorf("after the contact person's approval: stage %s, want payment", v.Stage)
	}
}
