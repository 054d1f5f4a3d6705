package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// apiClient drives the salesflow HTTP API as one staff member (the
// token's), with one salesflow client and one long-lived deal per load
// client.
type apiClient struct {
	base, token string
	http        *http.Client
	customers   []string
	deals       []string
}

// view is the part of a deal view the harness reads.
type view struct {
	ID     string `json:"id"`
	Seq    int    `json:"seq"`
	Status string `json:"status"`
}

// newAPIClient returns a client of the API at s with a connection per
// load client.
func newAPIClient(s *stack, clients int) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = clients
	return &apiClient{base: s.apiURL, token: s.token, http: &http.Client{Transport: tr, Timeout: time.Minute}}
}

// call sends a JSON request and decodes a want-status answer into into
// (when not nil).
func (a *apiClient) call(ctx context.Context, method, path string, body, into any, want int) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if err := checkStatus(method+" "+path, res.StatusCode, want, out); err != nil {
		return err
	}
	if into == nil {
		return nil
	}
	return json.Unmarshal(out, into)
}

// prepare creates a salesflow client and a deal for each load client
// (untimed): the customers new deals are opened for, and the deals the
// action phases act on.
func (a *apiClient) prepare(ctx context.Context, clients int) error {
	a.customers = make([]string, clients)
	a.deals = make([]string, clients)
	for i := range clients {
		var c struct {
			ID string `json:"id"`
		}
		body := map[string]any{"name": fmt.Sprintf("Load test client %d", i+1), "segment": "corporate"}
		if err := a.call(ctx, http.MethodPost, "/api/v1/clients", body, &c, http.StatusCreated); err != nil {
			return fmt.Errorf("create a client: %w", err)
		}
		a.customers[i] = c.ID
		v, err := a.openDeal(ctx, i, nil)
		if err != nil {
			return fmt.Errorf("open a deal: %w", err)
		}
		a.deals[i] = v.ID
	}
	return nil
}

// openDeal opens a deal for the load client's customer, with a policy
// override when given (which takes an admin's token).
func (a *apiClient) openDeal(ctx context.Context, client int, override map[string]any) (view, error) {
	body := map[string]any{
		"client_id": a.customers[client], "title": "Corporate New Year party", "product": "events",
		"amount": "150000.00", "currency": "RUB",
	}
	if override != nil {
		body["policy"] = override
	}
	var v view
	err := a.call(ctx, http.MethodPost, "/api/v1/deals", body, &v, http.StatusCreated)
	return v, err
}

// act applies one action to a deal and returns its new view.
func (a *apiClient) act(ctx context.Context, id, action string, input any) (view, error) {
	var v view
	err := a.call(ctx, http.MethodPost, "/api/v1/deals/"+id+"/actions/"+action, input, &v, http.StatusOK)
	return v, err
}

// create is the create phase's operation: POST /deals.
func (a *apiClient) create(ctx context.Context, client int, _ *recorder) error {
	_, err := a.openDeal(ctx, client, nil)
	return err
}

// logContact is the action phase's operation: log_contact on the load
// client's deal.
func (a *apiClient) logContact(ctx context.Context, client int, _ *recorder) error {
	_, err := a.act(ctx, a.deals[client], "log_contact", map[string]any{"channel": "phone"})
	return err
}

// step is one action of a deal's happy path with its input.
type step struct {
	action string
	input  func() any
}

// approvers are the contract's approvers on the happy path.
var approvers = []map[string]string{{"role": "director", "name": "Irina Volkova"}, {"role": "accountant", "name": "Oleg Sidorov"}}

// happyPath is a deal's way from its creation to won (TestAPIHappyPathToWon
// without its detours): 16 actions, 17 requests with the creation.
var happyPath = []step{
	{"hold_presentation", func() any { return map[string]any{"notes": "interested"} }},
	{"send_protocol", func() any { return map[string]any{} }},
	{"issue_offer", func() any {
		return map[string]any{"amount": "150000.00", "valid_until": time.Now().Add(10 * 24 * time.Hour).UTC().Format(time.RFC3339)}
	}},
	{"accept_offer", func() any { return map[string]any{} }},
	{"prepare_contract", func() any { return map[string]any{"approvers": approvers} }},
	{"approve_contract", func() any { return map[string]any{"approver": "Irina Volkova"} }},
	{"approve_contract", func() any { return map[string]any{"approver": "Oleg Sidorov"} }},
	{"record_payment", func() any { return map[string]any{"amount": "150000.00"} }},
	{"plan_event", func() any {
		return map[string]any{"date": eventDate(time.Now().UTC()), "items": []string{"program", "venue", "menu"}}
	}},
	{"approve_event_item", func() any { return map[string]any{"item": "program"} }},
	{"approve_event_item", func() any { return map[string]any{"item": "venue"} }},
	{"approve_event_item", func() any { return map[string]any{"item": "menu"} }},
	{"hold_event", func() any { return map[string]any{} }},
	{"sign_closing_documents", func() any { return map[string]any{} }},
	{"submit_survey", func() any {
		return map[string]any{"scores": map[string]int{"quality": 5, "speed": 5, "payment_convenience": 5}}
	}},
	{"close_deal", func() any { return map[string]any{} }},
}

// requestsPerDeal is the number of requests of a whole deal: its creation
// and the happy path's actions.
var requestsPerDeal = 1 + len(happyPath)

// eventDate is a date for an event that may be held at once: a minute
// after now, or a second when a minute would be tomorrow (UTC, the
// calendar of the harness's own stack) — hold_event is refused before the
// event's day.
func eventDate(now time.Time) string {
	d := now.Add(time.Minute)
	if d.YearDay() != now.YearDay() {
		d = now.Add(time.Second)
	}
	return d.Format(time.RFC3339)
}

// shortTimers is the per-deal policy override of the whole-deal phase:
// its control points fall due within seconds, so their timers fire,
// remind and escalate while the deals run, as in the issue's
// measurement.
func shortTimers() map[string]any {
	point := map[string]any{"reminders": []string{"1s"}, "grace": "1s"}
	return map[string]any{
		"protocol_delay": "2s", "invoice_due": "2s", "survey_delay": "2s", "contact_interval": "2s",
		"control_points": map[string]any{"protocol": point, "payment_due": point, "survey": point, "contact_interval": point},
	}
}

// wholeDeal is the whole-deal phase's operation: a deal with short timers
// from its creation to won, cut short when the phase ends. Every request
// is recorded under "request", the creation also under "create".
func (a *apiClient) wholeDeal(ctx context.Context, client int, rec *recorder) error {
	t0 := time.Now()
	v, err := a.openDeal(ctx, client, shortTimers())
	if err != nil {
		return err
	}
	rec.add("create", time.Since(t0))
	rec.add("request", time.Since(t0))
	for _, s := range happyPath {
		if err := rec.cut(); err != nil {
			return err
		}
		t := time.Now()
		if v, err = a.act(ctx, v.ID, s.action, s.input()); err != nil {
			return err
		}
		rec.add("request", time.Since(t))
	}
	if v.Status != "won" {
		return fmt.Errorf("deal %s ended the happy path %s, not won", v.ID, v.Status)
	}
	return nil
}
