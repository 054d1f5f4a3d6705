package clustertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

const alice = "dev-alice"

// requestDeadline bounds how long one request is retried.
const requestDeadline = 2 * time.Minute

// driver sends the test's requests as a client of the API would: each to
// the next API server in turn, with an Idempotency-Key, again (to the other
// server) while the answer says to try again or none comes.
type driver struct {
	apis []string
	next atomic.Int64
	// applied counts the requests that succeeded, retried the attempts
	// that had to be repeated, inflight the requests being sent now;
	// slowest is the longest a request took until its answer, in
	// nanoseconds.
	applied, retried, inflight, slowest atomic.Int64
}

// send sends one request until it gets an answer other than "try again"
// and fails unless that answer has status want; the body goes into out.
func (d *driver) send(method, path, key string, body, out any, want int) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	d.inflight.Add(1)
	defer d.inflight.Add(-1)
	start := time.Now()
	defer func() { d.took(time.Since(start)) }()
	deadline := start.Add(requestDeadline)
	for {
		status, answer, wait, err := d.attempt(method, path, key, raw)
		switch {
		case err == nil && !again(status, answer):
			if status != want {
				return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, status, want, answer)
			}
			d.applied.Add(1)
			if out == nil {
				return nil
			}
			return json.Unmarshal(answer, out)
		case time.Now().After(deadline):
			return fmt.Errorf("%s %s: still failing after %s: %d %s %v", method, path, requestDeadline, status, answer, err)
		}
		d.retried.Add(1)
		time.Sleep(wait)
	}
}

// took records that a request took elapsed.
func (d *driver) took(elapsed time.Duration) {
	for {
		old := d.slowest.Load()
		if int64(elapsed) <= old || d.slowest.CompareAndSwap(old, int64(elapsed)) {
			return
		}
	}
}

// attempt sends the request once to the next API server and returns the
// answer's status and body, and how long to wait before trying again.
func (d *driver) attempt(method, path, key string, body []byte) (int, []byte, time.Duration, error) {
	base := d.apis[int(d.next.Add(1))%len(d.apis)]
	var rd io.Reader
	if method != http.MethodGet {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+alice)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, 200 * time.Millisecond, err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	wait := 200 * time.Millisecond
	if s, _ := strconv.Atoi(res.Header.Get("Retry-After")); s > 0 {
		wait = min(time.Duration(s)*time.Second, 2*time.Second)
	}
	return res.StatusCode, answer, wait, err
}

// again says whether an answer asks the client to send the request again:
// an outage (503), a failed Temporal call (502), or the same request still
// running elsewhere (409 conflict).
func again(status int, body []byte) bool {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return status == http.StatusServiceUnavailable || status == http.StatusBadGateway ||
		(status == http.StatusConflict && e.Error.Code == "conflict")
}

// ending is how a deal of the test ends.
type ending string

const (
	won                ending = "won"
	lostAtOffer        ending = "lost at the offer"
	lostAtPresentation ending = "lost at the presentation"
)

// step is one action of a deal's script; input is built when it runs, so
// its dates are relative to then.
type step struct {
	action string
	input  func() map[string]any
}

func fixed(in map[string]any) func() map[string]any { return func() map[string]any { return in } }

func future(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

// eventToday is a minute from now on today's date (UTC, the test
// calendar's zone), so the event may be held at once; in a day's last
// minute it waits for the next day.
func eventToday() map[string]any {
	now := time.Now().UTC()
	if d := now.Add(time.Minute); d.Day() != now.Day() {
		time.Sleep(d.Truncate(24*time.Hour).Sub(now) + time.Second)
	}
	return map[string]any{"date": future(time.Minute), "reason": "the client moved it forward"}
}

// Scripts: the presentation and an offer, which expires (the test waits
// for it) and is extended; then the rest of the happy path to won with the
// follow-up done, or a loss.
var (
	toOffer = []step{
		{"hold_presentation", fixed(map[string]any{"notes": "interested"})},
		{"send_protocol", fixed(map[string]any{"url": "https://docs.example/protocol"})},
		{"issue_offer", fixed(map[string]any{"amount": "150000.00"})},
	}
	extend = step{"extend_offer", func() map[string]any { return map[string]any{"valid_until": future(48 * time.Hour)} }}
	toWon  = []step{
		{"accept_offer", fixed(map[string]any{})},
		{"prepare_contract", fixed(map[string]any{"approvers": []map[string]string{{"role": "director", "name": "Irina Volkova"}}})},
		{"approve_contract", fixed(map[string]any{"approver": "Irina Volkova"})},
		{"record_payment", fixed(map[string]any{"amount": "150000.00"})},
		{"plan_event", func() map[string]any {
			return map[string]any{"date": future(30 * 24 * time.Hour), "items": []string{"venue"}}
		}},
		{"approve_event_item", fixed(map[string]any{"item": "venue"})},
		{"reschedule_event", eventToday},
		{"hold_event", fixed(map[string]any{})},
		{"sign_closing_documents", fixed(map[string]any{})},
		{"submit_survey", fixed(map[string]any{"scores": map[string]int{"quality": 5, "speed": 5, "payment_convenience": 5}})},
		{"close_deal", fixed(map[string]any{})},
		{"complete_follow_up", fixed(map[string]any{"outcome": "not_interested", "note": "no budget this year"})},
	}
	lose = func(reason string) step {
		return step{"lose", fixed(map[string]any{"reason": reason, "comment": "the cluster test"})}
	}
)

// dealRun is one deal the test drove: its ID, how it was to end, whether
// it got an offer, and how many times each action was applied.
type dealRun struct {
	n       int
	id      string
	ending  ending
	offered bool
	applied map[string]int
}

// run opens the deal (a client, then the deal) and drives it to its
// ending.
func (d *driver) run(r *dealRun) error {
	var client struct {
		ID string `json:"id"`
	}
	err := d.send("POST", "/api/v1/clients", r.key("client"), map[string]any{"name": fmt.Sprintf("Client %d", r.n), "segment": "corporate"}, &client, 201)
	if err != nil {
		return err
	}
	var v deal.View
	err = d.send("POST", "/api/v1/deals", r.key("deal"), map[string]any{
		"client_id": client.ID, "title": fmt.Sprintf("Party %d", r.n), "product": "events", "amount": "150000.00", "currency": "RUB",
	}, &v, 201)
	if err != nil {
		return err
	}
	r.id = v.ID
	if r.ending == lostAtPresentation {
		return d.steps(r, toOffer[0], lose("no_budget"))
	}
	if err := d.steps(r, toOffer...); err != nil {
		return err
	}
	r.offered = true
	if err := d.awaitExpiry(r); err != nil {
		return err
	}
	if r.ending == lostAtOffer {
		return d.steps(r, extend, lose("price"))
	}
	return d.steps(r, append([]step{extend}, toWon...)...)
}

// key is the Idempotency-Key of the deal's request what.
func (r *dealRun) key(what string) string {
	return fmt.Sprintf("ct-%d-%s-%d", r.n, what, r.applied[what])
}

// steps applies the actions in turn.
func (d *driver) steps(r *dealRun, steps ...step) error {
	for _, s := range steps {
		err := d.send("POST", "/api/v1/deals/"+r.id+"/actions/"+s.action, r.key(s.action), s.input(), nil, http.StatusOK)
		if err != nil {
			return fmt.Errorf("deal %d (%s): %w", r.n, r.id, err)
		}
		r.applied[s.action]++
	}
	return nil
}

// awaitExpiry waits until the deal's offer has expired.
func (d *driver) awaitExpiry(r *dealRun) error {
	deadline := time.Now().Add(requestDeadline)
	for {
		var v deal.View
		if err := d.send("GET", "/api/v1/deals/"+r.id, "", nil, &v, http.StatusOK); err != nil {
			return err
		}
		if len(v.Offers) == 1 && v.Offers[0].Status == deal.OfferExpired {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("deal %d (%s): the offer has not expired after %s: %+v", r.n, r.id, requestDeadline, v.Offers)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
