package workflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// The seed corpus of these targets is in testdata/fuzz at the repository
// root (testdata/fuzz here links to it): one valid body per action, named by
// the action, and bodies that try the decoders' edges.

func FuzzDealValidators(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzValidators(t, dealFixtures.get(t, buildDealFixtures), dealRegistry(), body)
	})
}

func FuzzComplaintValidators(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzValidators(t, complaintFixtures.get(t, buildComplaintFixtures), complaintRegistry(), body)
	})
}

// fuzzValidators runs the validator of every action of the registry's
// catalogue on every fixture, with the body as the action's input. A
// validator must refuse only with a refusal the API answers with 422 or
// 409, and must leave the state as it found it.
func fuzzValidators[S engine.Case[V], V any](t *testing.T, fixtures []fixture[S], reg *engine.Registry[S], body []byte) {
	for _, a := range reg.Catalog() {
		if !decodes(body, a.Input) {
			continue // the validator refuses it before looking at the state
		}
		name := a.Name
		for _, fx := range fixtures {
			req := casework.Request{Actor: "alice", Role: fx.role, Input: body}
			err := reg.Validate(fx.state, name, req, engine.Step{Now: fx.now, Actor: req.Actor, Role: req.Role})
			var ref *casework.Refusal
			if err != nil && (!errors.As(err, &ref) || (ref.Code != casework.CodeInvalidInput && ref.Code != casework.CodeActionNotAllowed)) {
				t.Fatalf("%s on %s: %q refused with %T %v", name, fx.name, body, err, err)
			}
			if after, _ := json.Marshal(fx.state.View()); !bytes.Equal(after, fx.view) {
				t.Fatalf("%s on %s: validating %q changed the state:\n%s\nwas\n%s", name, fx.name, body, after, fx.view)
			}
		}
	}
}

// decodes reports whether body decodes strictly as the input type of
// input, as the validators decode it (an empty body is the zero input).
func decodes(body []byte, input any) bool {
	if len(bytes.TrimSpace(body)) == 0 {
		return true // no input at all: the input's zero value
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(reflect.New(reflect.TypeOf(input)).Interface()) == nil
}

// fixture is a state validators are tried on: the state, its view as JSON
// before any validation, the moment it stands at and the role of who acts.
type fixture[S any] struct {
	name  string
	state S
	view  []byte
	now   time.Time
	role  string
}

// fixtureSet builds its fixtures once per process, with the test of the
// first input; the harness needs a *testing.T, which a fuzz target only
// hands to its inputs.
type fixtureSet[S any] struct {
	once     sync.Once
	fixtures []fixture[S]
}

func (s *fixtureSet[S]) get(t *testing.T, build func(*testing.T) []fixture[S]) []fixture[S] {
	s.once.Do(func() { s.fixtures = build(t) })
	if s.fixtures == nil {
		t.Fatal("building the fixtures failed in an earlier input")
	}
	return s.fixtures
}

var (
	dealFixtures      fixtureSet[*run]
	complaintFixtures fixtureSet[*complaintRun]
)

// stop names a moment of a harness run at which a fixture is taken.
type stop struct {
	name string
	at   time.Duration
}

// buildDealFixtures drives a deal through the real workflow and its updates
// and takes the deal's state where each validator gets to check its input:
// fresh, in the offer stage before and after an offer is sent, in the
// contract stage before the contract and with it awaiting approval,
// part-paid, in the event stage before the event is planned and with its
// items awaiting approval, and in the close stage.
func buildDealFixtures(t *testing.T) []fixture[*run] {
	h := newHarness(t)
	stops := []stop{
		{"fresh", day(0.05)}, {"offer stage", day(0.25)}, {"offer sent", day(0.5)},
		{"contract stage", day(1.2)}, {"contract", day(1.7)}, {"part-paid", day(2.3)},
		{"event stage", day(2.7)}, {"event planned", day(3.1)}, {"close stage", day(3.6)},
	}
	h.toPayment() // an offer at 0.3, a contract at 1.5, signed at 2
	h.act("pay-part", day(2.2), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 30000_00})
	h.act("pay-rest", day(2.5), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 70000_00})
	h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(3.35)), Items: []string{"menu", "music"}})
	h.act("menu", day(3.2), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "menu"})
	h.act("music", day(3.3), deal.ActApproveEventItem, deal.ApproveEventItemInput{Item: "music"})
	h.act("held", day(3.4), deal.ActHoldEvent, nil)
	h.act("sign", day(3.5), deal.ActSignClosingDocuments, nil)
	for _, s := range stops {
		h.snapshot(s.name, s.at)
	}
	h.cancelAt(day(3.7))
	h.run(`{}`)
	h.mustApplyAll()
	var out []fixture[*run]
	for _, s := range stops {
		r := &run{v: h.views[s.name], actions: dealRegistry()}
		r.cps = engine.NewSchedule(&r.v.ControlPoints, r.v.Policy.Point, engine.Subject{}, nil, engine.Hooks{})
		out = append(out, newFixture(t, s.name, r, h.at(s.at), casework.RoleSales))
	}
	return out
}

// buildComplaintFixtures drives a complaint through the real workflow and
// its updates and takes its state at each step: fresh, in investigation, in
// resolution, awaiting the client's confirmation, in correction (as a sales
// rep and as a manager, who alone may close without corrective actions) and
// in correction with an open corrective action.
func buildComplaintFixtures(t *testing.T) []fixture[*complaintRun] {
	h := newHarness(t)
	stops := []stop{
		{"fresh", day(0.05)}, {"investigation", day(0.15)}, {"resolution", day(0.25)},
		{"confirmation", day(0.35)}, {"correction", day(0.45)}, {"corrective action open", day(0.55)},
	}
	h.complaintSteps("") // one step every tenth of a day, the last a corrective action
	views := map[string]complaint.View{}
	for _, s := range stops {
		h.env.RegisterDelayedCallback(func() {
			var v complaint.View
			res, err := h.env.QueryWorkflow(engine.QueryView)
			if err == nil {
				err = res.Get(&v)
			}
			if err != nil {
				t.Errorf("query at %s: %v", s.name, err)
			}
			views[s.name] = v
		}, s.at)
	}
	h.cancelAt(day(0.6))
	h.runComplaint(complaint.SeverityNormal, `{}`)
	h.mustApplyAll()
	var out []fixture[*complaintRun]
	for _, s := range stops {
		roles := []string{casework.RoleSales}
		if s.name == "correction" {
			roles = append(roles, casework.RoleManager)
		}
		for _, role := range roles {
			c := &complaintRun{v: views[s.name], actions: complaintRegistry()}
			c.cps = engine.NewSchedule(&c.v.ControlPoints, c.v.Policy.Point, engine.Subject{}, nil, engine.Hooks{})
			out = append(out, newFixture(t, s.name+" as "+role, c, h.at(s.at), role))
		}
	}
	return out
}

// newFixture records the view of st as the state validators must keep.
func newFixture[S engine.Case[V], V any](t *testing.T, name string, st S, now time.Time, role string) fixture[S] {
	view, err := json.Marshal(st.View())
	if err != nil {
		t.Fatal(err)
	}
	return fixture[S]{name: name, state: st, view: view, now: now, role: role}
}
