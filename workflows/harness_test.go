package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/money"
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
	// complaints holds the complaint views returned by complaint actions.
	complaints map[string]complaint.View
	// labels lists the scheduled steps in the order they were scheduled.
	labels []string
	// cal is the business calendar the workflow runs with: by default every
	// day is a working day, so offsets in days are plain days.
	cal calendar.Calendar
	// complaintPolicy is the deal's complaint policy, if any.
	complaintPolicy *complaint.Policy
	// children lists the child workflows started (complaints opened by a
	// survey); they outlive the deal, so the harness cancels them late.
	children []string
}

// demoDB is an embedded read model with the demo staff (alice and bob
// report to maria).
func demoDB(t *testing.T) *gorm.DB {
	t.Helper()
	db, err := models.Open(filepath.Join(t.TempDir(), "rm.db"))
	if err == nil {
		err = models.SeedDemo(context.Background(), db)
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// quietEnv is a time-skipping test environment that logs warnings and
// errors only.
func quietEnv() *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	return suite.NewTestWorkflowEnvironment()
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db := demoDB(t)
	env := quietEnv()
	env.RegisterWorkflow(Deal)
	env.RegisterWorkflow(Complaint)
	env.RegisterActivity(&activities.Activities{DB: db})
	env.SetTestTimeout(30 * time.Second)
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	env.SetStartTime(start)
	h := &harness{t: t, env: env, db: db, start: start, outcomes: map[string]string{}, views: map[string]deal.View{}, complaints: map[string]complaint.View{}, cal: everyDay}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		h.children = append(h.children, info.WorkflowExecution.ID)
	})
	env.RegisterDelayedCallback(func() {
		for _, id := range h.children {
			env.CancelWorkflowByID(id, "")
		}
	}, day(1000))
	return h
}

// everyDay is a calendar without weekends or holidays.
var everyDay = calendar.Calendar{Weekend: []string{}}

// day is a test shorthand for n days.
func day(n float64) time.Duration { return time.Duration(n * float64(24*time.Hour)) }

// at is the absolute time of an offset from the start.
func (h *harness) at(d time.Duration) time.Time { return h.start.Add(d) }

// act schedules action at offset d with the given input, labelled label,
// taken by alice (sales).
func (h *harness) act(label string, d time.Duration, action string, input any) {
	h.actAs(label, d, "alice", casework.RoleSales, action, input)
}

// actAs schedules an action taken by actor in role.
func (h *harness) actAs(label string, d time.Duration, actor, role, action string, input any) {
	h.actLater(label, d, actor, role, action, func() any { return input })
}

// end schedules the lose that ends a scenario at offset d, taken by alice:
// once money was received it is kept, the refund decision a paid deal
// needs (docs/process.md §2.7).
func (h *harness) end(label string, d time.Duration, reason string) {
	h.actLater(label, d, "alice", casework.RoleSales, deal.ActLose, func() any {
		in := deal.LoseInput{Reason: reason}
		var net money.Amount
		for _, p := range h.query().Payments {
			if p.Kind == deal.KindRefund {
				net -= p.Amount
			} else {
				net += p.Amount
			}
		}
		if net > 0 {
			in.KeepPayment, in.KeepPaymentReason = true, "the scenario ends"
		}
		return in
	})
}

// actLater is actAs with the input made when the action is taken.
func (h *harness) actLater(label string, d time.Duration, actor, role, action string, input func() any) {
	h.update(label, d, actor, role, action, input, func(v any) {
		// The test environment hands over the workflow's own value,
		// whose slices later changes would show through: keep a copy,
		// as a client would get it.
		switch view := v.(type) {
		case deal.View:
			h.views[label] = jsonCopy(h.t, view)
		case complaint.View:
			h.complaints[label] = jsonCopy(h.t, view)
		}
	})
}

// update sends action as actor at offset d under label, with the input
// made when it is sent: a rejection or failure is recorded as the label's
// outcome, a completion as "" and its returned value handed to done.
func (h *harness) update(label string, d time.Duration, actor, role, action string, input func() any, done func(v any)) {
	h.labels = append(h.labels, label)
	h.env.RegisterDelayedCallback(func() {
		raw, err := json.Marshal(input())
		if err != nil {
			h.t.Fatal(err)
		}
		h.env.UpdateWorkflow(action, label, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.outcomes[label] = code(err) },
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				if err != nil {
					h.outcomes[label] = err.Error()
					return
				}
				h.outcomes[label] = ""
				done(v)
			},
		}, casework.Request{Actor: actor, Role: role, Input: raw})
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

// jsonCopy deep-copies a view through its JSON form.
func jsonCopy[V any](t *testing.T, v V) V {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var c V
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (h *harness) query() deal.View {
	h.t.Helper()
	res, err := h.env.QueryWorkflow(engine.QueryView)
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
	pol, err := casework.MergeJSON(deal.DefaultPolicy(), json.RawMessage(policy))
	if err != nil {
		h.t.Fatal(err)
	}
	head := deal.Header{ID: dealID, ClientID: "cl-1", Owner: "alice", Title: "New Year party", Product: "events", Amount: 100000_00, Currency: "RUB"}
	h.env.ExecuteWorkflow(Deal, DealParams{Params: deal.Params{Header: head, Policy: pol, Calendar: h.cal}, ComplaintPolicy: h.complaintPolicy})
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

// mustApplyAll fails unless every scheduled step but the given ones was
// applied.
func (h *harness) mustApplyAll(except ...string) {
	h.t.Helper()
	for _, l := range h.labels {
		if !slices.Contains(except, l) {
			h.mustApply(l)
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
func (h *harness) noticesFor(point string, kind casework.NotificationKind) []models.Notification {
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
	evs := h.events()
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func point(v deal.View, id string) casework.ControlPoint {
	for _, c := range v.ControlPoints {
		if c.ID == id {
			return c
		}
	}
	return casework.ControlPoint{}
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

// toPayment continues to the payment stage by day 2: a contract with the
// single approver "director" and the given plan (100% before the event when
// none) is signed at day 2, which issues the first invoice due at day 7.
func (h *harness) toPayment(plan ...deal.Installment) {
	h.toContract()
	h.act("contract", day(1.5), deal.ActPrepareContract, deal.PrepareContractInput{Approvers: approvers("director"), PaymentPlan: plan})
	h.act("approve", day(2), deal.ActApproveContract, deal.ApproveContractInput{Approver: "director"})
}

// toEvent continues to the event stage by day 2.5, the whole amount paid.
func (h *harness) toEvent() {
	h.toPayment()
	h.act("pay", day(2.5), deal.ActRecordPayment, deal.RecordPaymentInput{Amount: 100000_00})
}

// toClose continues to the close stage by day 5: an event without items,
// dated day 4.25 (15:00), is held that day at day 4.5 (21:00) and the
// closing documents are signed at day 5 (so the survey is due at day 8).
func (h *harness) toClose() {
	h.toEvent()
	h.act("plan", day(3), deal.ActPlanEvent, deal.PlanEventInput{Date: h.at(day(4.25))})
	h.act("held", day(4.5), deal.ActHoldEvent, nil)
	h.act("sign", day(5), deal.ActSignClosingDocuments, nil)
}

// notice is one notification of a control point as a test expects it,
// times as offsets from the start.
type notice struct {
	kind casework.NotificationKind
	to   string
	at   time.Duration // when it is sent
	due  time.Duration // the due time it is about
}

func (n notice) String() string {
	return fmt.Sprintf("%s to %s at %s (due %s)", n.kind, n.to, off(n.at), off(n.due))
}

// remind, overdue and escalation are the notices of a point owned by alice,
// whose manager is maria.
func remind(at, due time.Duration) notice  { return notice{casework.NoticeReminder, "alice", at, due} }
func overdue(at, due time.Duration) notice { return notice{casework.NoticeOverdue, "alice", at, due} }
func escalation(at, due time.Duration) notice {
	return notice{casework.NoticeEscalation, "maria", at, due}
}

// off writes an offset from the start as days and the rest, e.g. "+7d" or
// "+1d4h48m".
func off(d time.Duration) string {
	s := fmt.Sprintf("+%dd", d/(24*time.Hour))
	if rest := d % (24 * time.Hour); rest != 0 {
		s += strings.TrimSuffix(strings.TrimSuffix(rest.String(), "0s"), "0m")
	}
	return s
}

// wantNotices fails unless the control point's notifications in the read
// model are exactly want (in any order), and unless the deal's history shows
// the workflow firing each reminder and each overdue transition at exactly
// that moment: a notification is stamped with its planned time, the history
// with the time it really fired.
func (h *harness) wantNotices(pointID string, want ...notice) {
	h.t.Helper()
	var got []notice
	for _, n := range h.notifications() {
		if n.ControlPointID == pointID {
			got = append(got, notice{casework.NotificationKind(n.Kind), n.Recipient, n.CreatedAt.Sub(h.start), n.DueAt.Sub(h.start)})
		}
	}
	if g, w := sortedStrings(got), sortedStrings(want); !slices.Equal(g, w) {
		h.t.Errorf("notifications of %s:\n got  %s\n want %s", pointID, strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
	var fired, wantFired []string
	for _, e := range h.events() {
		var d struct {
			Point string    `json:"control_point"`
			Due   time.Time `json:"due_at"`
		}
		if (e.Type == "reminder_sent" || e.Type == "control_point_overdue") && json.Unmarshal([]byte(e.Data), &d) == nil && d.Point == pointID {
			fired = append(fired, fmt.Sprintf("%s at %s (due %s)", e.Type, off(e.At.Sub(h.start)), off(d.Due.Sub(h.start))))
		}
	}
	for _, n := range want {
		switch n.kind {
		case casework.NoticeReminder:
			wantFired = append(wantFired, fmt.Sprintf("reminder_sent at %s (due %s)", off(n.at), off(n.due)))
		case casework.NoticeOverdue:
			wantFired = append(wantFired, fmt.Sprintf("control_point_overdue at %s (due %s)", off(n.at), off(n.due)))
		}
	}
	if g, w := sortedStrings(fired), sortedStrings(wantFired); !slices.Equal(g, w) {
		h.t.Errorf("history of %s:\n got  %s\n want %s", pointID, strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
}

func sortedStrings[T any](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprint(x)
	}
	slices.Sort(out)
	return out
}

// events returns the read model's history of the deal.
func (h *harness) events() []models.DealEvent {
	h.t.Helper()
	evs, err := models.DealHistory(context.Background(), h.db, dealID)
	if err != nil {
		h.t.Fatal(err)
	}
	return evs
}

// times converts offsets from the start into absolute times.
func (h *harness) times(ds ...time.Duration) []time.Time {
	out := make([]time.Time, len(ds))
	for i, d := range ds {
		out[i] = h.at(d)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// equalTimes compares instants regardless of their location.
func equalTimes(a, b []time.Time) bool {
	return slices.EqualFunc(a, b, time.Time.Equal)
}

// approvers are contract approvers holding the named roles, each with a
// person's name ("Ivan director").
func approvers(roles ...string) []deal.ApproverInput {
	out := make([]deal.ApproverInput, len(roles))
	for i, r := range roles {
		out[i] = deal.ApproverInput{Role: r, Name: r}
	}
	return out
}

// allScored answers every default survey question with score.
func allScored(score int) map[string]int {
	out := map[string]int{}
	for _, q := range deal.DefaultPolicy().SurveyQuestions {
		out[q] = score
	}
	return out
}
