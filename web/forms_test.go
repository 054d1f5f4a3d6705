package web

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
)

// TestFormJSON: a submitted action form becomes the action's JSON by the
// catalogue's field types — datetimes read in the company zone and sent as
// RFC 3339, decimals as typed, lines as an array, fieldset rows as objects
// (empty rows left out), scores as integers, empty optional fields left
// out, and a value that does not convert sent as typed for the API to
// refuse.
func TestFormJSON(t *testing.T) {
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		action string
		form   url.Values
		want   string
	}{
		{deal.ActIssueOffer, url.Values{"amount": {"150000.50"}, "valid_until": {"2026-12-14T10:30"}, "terms": {""}},
			`{"amount":"150000.50","valid_until":"2026-12-14T10:30:00+03:00"}`},
		{deal.ActPlanEvent, url.Values{"date": {"soon"}, "items": {"program\r\n\r\n venue \nmenu"}},
			`{"date":"soon","items":["program","venue","menu"]}`},
		{deal.ActPrepareContract, url.Values{"approvers[0].name": {"Irina"}, "approvers[0].role": {"director"}, "approvers[1].name": {""},
			"payment_plan[0].percent": {"50"}, "payment_plan[0].due": {"before_event"}, "payment_plan[1].percent": {""}, "payment_plan[1].due": {""}},
			`{"approvers":[{"name":"Irina","role":"director"}],"payment_plan":[{"due":"before_event","percent":50}]}`},
		{deal.ActPrepareContract, url.Values{"approvers[0].name": {""}}, `{"approvers":[]}`},
		{deal.ActSubmitSurvey, url.Values{"scores.quality": {"5"}, "scores.speed": {"x"}}, `{"scores":{"quality":5,"speed":"x"}}`},
		{deal.ActReviseContract, url.Values{"back_to_offer": {"true"}}, `{"back_to_offer":true}`},
		{deal.ActHoldEvent, url.Values{}, `{}`},
	}
	for _, c := range cases {
		body := formJSON(deal.Inputs.Fields(c.action), c.form, "", elementTypes(deal.Inputs, c.action), moscow)
		got, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("%s %v:\n got %s\nwant %s", c.action, c.form, got, c.want)
		}
	}
}

// TestBuildForms: each field gets its input kind, a refused submission
// keeps what was typed with the API's field errors in place, a refusal of
// an action no longer offered shows as a stale entry, and an array of
// objects gets fieldset rows of its element's exported fields.
func TestBuildForms(t *testing.T) {
	acts := []apiAction{{Name: deal.ActPrepareContract, Fields: deal.Inputs.Fields(deal.ActPrepareContract)},
		{Name: deal.ActCompleteFollowUp, Fields: deal.Inputs.Fields(deal.ActCompleteFollowUp)}}
	failed := &formFailure{Action: deal.ActCompleteFollowUp, Values: url.Values{"note": {"call in May"}},
		Err: &APIError{Message: "the input is not valid", Fields: map[string]string{"outcome": "is required"}}}
	forms := buildForms(formContext{base: "/deals/d1", catalog: deal.Inputs, failed: failed, zone: "UTC"}, acts)
	if len(forms) != 2 || forms[0].Post != "/deals/d1/actions/prepare_contract" || forms[1].Error != "the input is not valid" {
		t.Fatalf("forms: %+v", forms)
	}
	rows := forms[0].Fields[0]
	if rows.Kind != "rows" || len(rows.Rows) != rowsShown || len(rows.Rows[0]) != 3 || rows.Rows[1][2].ID != "act-prepare_contract-approvers-1-name" {
		t.Errorf("approver rows: %+v", rows)
	}
	kinds := map[string]string{}
	for _, f := range forms[1].Fields {
		kinds[f.Name] = f.Kind
		switch f.Name {
		case "note":
			if f.Value != "call in May" {
				t.Errorf("typed note not kept: %q", f.Value)
			}
		case "outcome":
			if f.Error != "is required" {
				t.Errorf("outcome error %q", f.Error)
			}
		}
	}
	if kinds["outcome"] != "select" || kinds["next_at"] != "datetime" || kinds["note"] != "text" {
		t.Errorf("kinds: %v", kinds)
	}
	stale := buildForms(formContext{base: "/deals/d1", catalog: deal.Inputs, failed: &formFailure{Action: deal.ActHoldPresentation, Err: &APIError{Message: "moved on"}}}, acts)
	if len(stale) != 3 || !stale[0].Stale || stale[0].Error != "moved on" {
		t.Errorf("stale refusal: %+v", stale[0])
	}
}

// TestActionLabelsOfACaseType: a case type's own text of an action wins
// over the shared one where two case types name different steps alike
// (the VIP programme's complete_follow_up closes an upsell topic, the
// deal's records the follow-up's outcome), on the forms and in the
// history; another case type keeps the shared text.
func TestActionLabelsOfACaseType(t *testing.T) {
	act := func(catalog casework.Catalog, name string) []apiAction {
		return []apiAction{{Name: name, Fields: catalog.Fields(name)}}
	}
	cases := []struct {
		scope   string
		catalog casework.Catalog
		lang    string
		want    string
	}{
		{"programmes", vip.Inputs, models.LangEnglish, "Follow-up done"},
		{"programmes", vip.Inputs, models.LangRussian, "Контакт проведён"},
		{"deals", deal.Inputs, models.LangEnglish, "Record the follow-up"},
		{"deals", deal.Inputs, models.LangRussian, "Итог повторного контакта"},
	}
	for _, c := range cases {
		forms := buildForms(formContext{base: "/" + c.scope + "/x", scope: c.scope, catalog: c.catalog, lang: c.lang},
			act(c.catalog, vip.ActCompleteFollowUp))
		if len(forms) != 1 || forms[0].Title != c.want {
			t.Errorf("%s form in %s: %+v, want title %q", c.scope, c.lang, forms, c.want)
		}
		if got := historyLabel(c.lang, c.scope, vip.ActCompleteFollowUp); got != c.want {
			t.Errorf("%s history in %s: %q, want %q", c.scope, c.lang, got, c.want)
		}
	}
}
