package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/deal"
	"github.com/salesflow/salesflow/models"
)

const dealID = "deal-test"

// harness runs one deal workflow in the SDK's time-skipping test
// environment with the real activities writing to an embedded read model.
// Actions are scheduled at offsets from the start; the outcome of each is
// kept for the test to check.
type harness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	db    *gorm.DB
	start time.Time
	// outcomes maps a step label to the update's error ("" when applied).
	outcomes map[string]string
	views    map[string]deal.View
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := models.Open(filepath.Join(t.TempDir(), "rm.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(Deal)
	env.RegisterActivity(&activities.Activities{DB: db})
	env.SetTestTimeout(30 * time.Second)
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	env.SetStartTime(start)
	return &harness{t: t, env: env, db: db, start: start, outcomes: map[string]string{}, views: map[string]deal.View{}}
}

// day is a test shorthand for n days.
func day(n float64) time.Duration { return time.Duration(n * float64(24*time.Hour)) }

// at is the absolute time of an offset from the start.
func (h *harness) at(d time.Duration) time.Time { return h.start.Add(d) }

// act schedules action at offset d with the given input, labelled label.
func (h *harness) act(label string, d time.Duration, action string, input any) {
	raw, err := json.Marshal(input)
	if err != nil {
		h.t.Fatal(err)
	}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(action, label, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.outcomes[label] = code(err) },
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				if err != nil {
					h.outcomes[label] = err.Error()
					return
				}
				h.outcomes[label] = ""
				if view, ok := v.(deal.View); ok {
					h.views[label] = view
				}
			},
		}, deal.Request{Actor: "alice", Input: raw})
	}, d)
}

// snapshot queries the view at offset d under label.
func (h *harness) snapshot(label string, d time.Duration) {
	h.env.RegisterDelayedCallback(func() { h.views[label] = h.query() }, d)
}

// cancelAt cancels the workflow at offset d (ends open-ended scenarios).
func (h *harness) cancelAt(d time.Duration) {
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, d)
}

func (h *harness) query() deal.View {
	h.t.Helper()
	res, err := h.env.QueryWorkflow(QueryView)
	if err != nil {
		h.t.Fatal(err)
	}
	var v deal.View
	if err := res.Get(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// run starts the deal with a policy override and runs it to completion.
func (h *harness) run(policy string) deal.View {
	h.t.Helper()
	pol, err := deal.DefaultPolicy().Merge(json.RawMessage(policy))
	if err != nil {
		h.t.Fatal(err)
	}
	h.env.ExecuteWorkflow(Deal, deal.Params{
		ID: dealID, ClientID: "cl-1", Owner: "alice", Title: "New Year party", Product: "events",
		Amount: 100000_00, Currency: "RUB", Policy: pol,
	})
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	return h.query()
}

// mustApply fails unless every listed step was applied.
func (h *harness) mustApply(labels ...string) {
	h.t.Helper()
	for _, l := range labels {
		got, ok := h.outcomes[l]
		if !ok {
			h.t.Errorf("step %s never ran", l)
		} else if got != "" {
			h.t.Errorf("step %s refused: %s", l, got)
		}
	}
}

// mustRefuse fails unless the step was refused with the given code.
func (h *harness) mustRefuse(label, wantCode string) {
	h.t.Helper()
	if got := h.outcomes[label]; got != wantCode {
		h.t.Errorf("step %s: got outcome %q, want refusal %q", label, got, wantCode)
	}
}

func code(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return err.Error()
}

// notifications returns the read model's notifications for the deal, in
// the order they were planned.
func (h *harness) notifications() []models.Notification {
	h.t.Helper()
	var ns []models.Notification
	if err := h.db.Where("deal_id = ?", dealID).Order("created_at, id").Find(&ns).Error; err != nil {
		h.t.Fatal(err)
	}
	return ns
}

// noticesFor filters notifications by control point and kind.
func (h *harness) noticesFor(point string, kind deal.NotificationKind) []models.Notification {
	var out []models.Notification
	for _, n := range h.notifications() {
		if n.ControlPointID == point && n.Kind == string(kind) {
			out = append(out, n)
		}
	}
	return out
}

// history returns the read model's history types in order.
func (h *harness) history() []string {
	h.t.Helper()
	evs, err := models.DealHistory(context.Background(), h.db, dealID)
	if err != nil {
		h.t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func point(v deal.View, id string) deal.ControlPoint {
	for _, c := range v.ControlPoints {
		if c.ID == id {
			return c
		}
	}
	return deal.ControlPoint{}
}

// toOffer drives a fresh deal to the offer stage by day 1.
func (h *harness) toOffer() {
	h.act("hold", day(0.1), deal.ActHoldPresentation, deal.HoldPresentationInput{Notes: "went well"})
	h.act("protocol", day(0.2), deal.ActSendProtocol, deal.SendProtocolInput{URL: "https://docs.example/p1"})
}

// toContract continues to a signed-ready contract stage by day 2.
func (h *harness) toContract() {
	h.toOffer()
	h.act("offer", day(0.3), deal.ActIssueOffer, map[string]any{"amount": "100000.00", "valid_until": h.at(day(10))})
	h.act("accept", day(1), deal.ActAcceptOffer, deal.AcceptOfferInput{})
}
