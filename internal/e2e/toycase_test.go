package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/models"
)

// A toy third case type, defined only here: a client visit with two actions
// (plan_visit arms the visit's control point, report_visit completes it and
// closes the visit) and one control point. It runs on the engine and
// through the API's generic case routes with nothing added to either.

type (
	visitParams struct {
		ID    string `json:"id"`
		Owner string `json:"owner"`
		Title string `json:"title"`
		// Remind is how long before the visit its owner is reminded.
		Remind casework.Duration `json:"remind"`
	}
	visitView struct {
		ID             string                  `json:"id"`
		Owner          string                  `json:"owner"`
		Title          string                  `json:"title"`
		Status         string                  `json:"status"`
		Report         string                  `json:"report,omitempty"`
		ControlPoints  []casework.ControlPoint `json:"control_points"`
		AllowedActions []string                `json:"allowed_actions"`
		Seq            int                     `json:"seq"`
		UpdatedAt      time.Time               `json:"updated_at"`
	}
	planVisitInput struct {
		At time.Time `json:"at"`
	}
	reportVisitInput struct {
		Notes string `json:"notes" maxlen:"500"`
	}
	// visitSync is what the read model learns after each change.
	visitSync struct {
		View   visitView               `json:"view"`
		Events []casework.HistoryEvent `json:"events"`
	}
)

const pointVisit casework.PointKind = "visit"

var visitCatalog = casework.Catalog{
	{Name: "plan_visit", Input: planVisitInput{}, Summary: "Plan the visit", When: "before the visit is planned"},
	{Name: "report_visit", Input: reportVisitInput{}, Summary: "Report the visit and close it", When: "once it is planned"},
}

// visitRun is the toy's workflow state.
type visitRun struct {
	*engine.Journal
	v       visitView
	remind  casework.Duration
	opened  bool
	actions *engine.Registry[*visitRun]
	cps     *engine.Schedule
}

func (r *visitRun) AfterAction(engine.Step)     {}
func (r *visitRun) Settle(time.Time)            { r.v.AllowedActions = r.actions.Allowed(r) }
func (r *visitRun) View() visitView             { return r.v }
func (r *visitRun) Where(ref *casework.Refusal) { ref.Stage = r.v.Status }
func (r *visitRun) finished() bool              { return r.v.Status == "reported" && !r.cps.Pending() }
func (r *visitRun) Sync(ctx workflow.Context) error {
	return r.Flush(ctx, "SyncVisit", func(events []casework.HistoryEvent) any { return visitSync{r.v, events} })
}

func (r *visitRun) policy(casework.PointKind) casework.PointPolicy {
	return casework.PointPolicy{Reminders: []casework.Duration{r.remind}}
}

func inStatus(status string) func(*visitRun) error {
	return func(r *visitRun) error {
		if r.v.Status != status {
			return engine.NotAllowed("the visit is %s", r.v.Status)
		}
		return nil
	}
}

func visitRegistry() *engine.Registry[*visitRun] {
	return engine.MustRegistry(visitCatalog,
		engine.Handle("plan_visit", inStatus("new"),
			func(_ *visitRun, in *planVisitInput, s engine.Step) error { return engine.Future("at", in.At, s.Now) },
			func(r *visitRun, in *planVisitInput, s engine.Step) {
				r.v.Status = "planned"
				r.cps.Arm(s.Now, "visit", pointVisit, "", r.v.Owner, in.At, "Visit the client")
			}),
		engine.Handle("report_visit", inStatus("planned"),
			func(_ *visitRun, in *reportVisitInput, _ engine.Step) error {
				return engine.Required("notes", in.Notes)
			},
			func(r *visitRun, in *reportVisitInput, s engine.Step) {
				r.v.Status, r.v.Report = "reported", in.Notes
				r.cps.Done(s.Now, "visit")
			}),
	)
}

// visitWorkflow runs one visit, as workflows.Deal runs one deal.
func visitWorkflow(ctx workflow.Context, p visitParams) (visitView, error) {
	r := &visitRun{remind: p.Remind, actions: visitRegistry()}
	r.v = visitView{ID: p.ID, Owner: p.Owner, Title: p.Title, Status: "new", ControlPoints: []casework.ControlPoint{}}
	r.Journal = engine.NewJournal(ctx, &r.v.Seq, &r.v.UpdatedAt, func() string { return r.v.Status })
	r.cps = engine.NewSchedule(&r.v.ControlPoints, r.policy, engine.Subject{ID: p.ID, Title: p.Title}, r.Record, engine.Hooks{})
	err := engine.RegisterView(ctx, func() visitView { return r.v }, func() bool { return r.opened })
	if err == nil {
		err = engine.Register(ctx, r, r.actions)
	}
	if err != nil {
		return r.v, err
	}
	now := workflow.Now(ctx)
	r.Record(now, p.Owner, "visit_opened", p)
	r.Settle(now)
	if err := r.Sync(ctx); err != nil {
		return r.v, err
	}
	r.opened = true
	if err := engine.Serve(ctx, r, r.Journal, r.cps, r.finished, nil); err != nil {
		return engine.RecordCancellation(ctx, r, r.cps, "visit_cancelled")
	}
	return r.v, nil
}

// visitStore is the toy's read model: what SyncVisit received.
type visitStore struct {
	mu     sync.Mutex
	views  map[string]visitView
	events map[string][]casework.HistoryEvent
}

func newVisitStore() *visitStore {
	return &visitStore{views: map[string]visitView{}, events: map[string][]casework.HistoryEvent{}}
}

// SyncVisit keeps the newest view and every event once.
func (st *visitStore) SyncVisit(_ context.Context, s visitSync) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s.View.Seq >= st.views[s.View.ID].Seq {
		st.views[s.View.ID] = s.View
	}
	for _, ev := range s.Events {
		if !slices.ContainsFunc(st.events[s.View.ID], func(e casework.HistoryEvent) bool { return e.Seq == ev.Seq }) {
			st.events[s.View.ID] = append(st.events[s.View.ID], ev)
		}
	}
	return nil
}

func (st *visitStore) owner(_ context.Context, _ *gorm.DB, id string) (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if v, ok := st.views[id]; ok {
		return v.Owner, nil
	}
	return "", models.ErrNotFound
}

func (st *visitStore) history(_ context.Context, _ *gorm.DB, id string) ([]casework.HistoryEvent, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.events[id]), nil
}

// visitCase serves visits under /api/v1/visits.
func visitCase(st *visitStore) *api.CaseType[visitParams, visitView] {
	return &api.CaseType[visitParams, visitView]{
		Noun: "visit", Path: "visits", Prefix: "visit-",
		Workflow: visitWorkflow,
		Catalog:  visitCatalog,
		Allowed:  func(v visitView) []string { return v.AllowedActions },
		Position: func(v visitView) map[string]any { return map[string]any{"status": v.Status} },
		Owner:    func(v visitView) string { return v.Owner },
		Create: func(c echo.Context) (visitParams, string, error) {
			var in struct {
				Title string `json:"title"`
			}
			err := api.DecodeBody(c, &in)
			me, _ := api.Caller(c)
			return visitParams{Owner: me, Title: in.Title, Remind: casework.Exact(2 * time.Second)}, me, err
		},
		SetID:  func(p *visitParams, id string) { p.ID = id },
		Stored: st.owner,
		List: func(c echo.Context) error {
			st.mu.Lock()
			defer st.mu.Unlock()
			return c.JSON(http.StatusOK, map[string]int{"count": len(st.views)})
		},
		History: st.history,
		Where:   "stage",
	}
}

// TestToyCaseInWorkflowEnvironment runs the toy visit in the time-skipping
// test environment: planning arms the point, its reminder and escalation
// go out through the engine's Notify, reporting completes it.
func TestToyCaseInWorkflowEnvironment(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	st := newVisitStore()
	env.RegisterWorkflow(visitWorkflow)
	env.RegisterActivityWithOptions(st.SyncVisit, activity.RegisterOptions{Name: "SyncVisit"})
	var notes []casework.Notification
	env.RegisterActivityWithOptions(func(_ context.Context, n casework.Notification) error {
		notes = append(notes, n)
		return nil
	}, activity.RegisterOptions{Name: engine.ActivityNotify})
	start := env.Now()
	update := func(id, name string, in any, wantErr bool) {
		raw, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if !wantErr {
					t.Errorf("%s refused: %v", name, err)
				}
			},
			OnAccept: func() {
				if wantErr {
					t.Errorf("%s accepted", name)
				}
			},
			OnComplete: func(any, error) {},
		}, casework.Request{Actor: "alice", Input: raw})
	}
	env.RegisterDelayedCallback(func() { update("early", "report_visit", reportVisitInput{Notes: "too early"}, true) }, time.Minute)
	env.RegisterDelayedCallback(func() { update("plan", "plan_visit", planVisitInput{At: start.Add(24 * time.Hour)}, false) }, time.Hour)
	env.RegisterDelayedCallback(func() { update("report", "report_visit", reportVisitInput{Notes: "met the director"}, false) }, 30*time.Hour)
	env.ExecuteWorkflow(visitWorkflow, visitParams{ID: "visit-1", Owner: "alice", Title: "Visit Romashka", Remind: casework.Exact(2 * time.Hour)})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var v visitView
	if err := env.GetWorkflowResult(&v); err != nil {
		t.Fatal(err)
	}
	// The overdue notice and the escalation go out together, in either order.
	kinds := []casework.NotificationKind{}
	for _, n := range notes {
		kinds = append(kinds, n.Kind)
	}
	slices.Sort(kinds[min(1, len(kinds)):])
	want := []casework.NotificationKind{casework.NoticeReminder, casework.NoticeEscalation, casework.NoticeOverdue}
	remindAt := v.ControlPoints[0].DueAt.Add(-2 * time.Hour)
	if !slices.Equal(kinds, want) || !notes[0].At.Equal(remindAt) {
		t.Fatalf("notifications %v, want %v with the reminder at %v: %+v", kinds, want, remindAt, notes)
	}
	if v.Status != "reported" || v.ControlPoints[0].Status != casework.PointDone || len(st.events["visit-1"]) != v.Seq {
		t.Fatalf("visit %+v, %d events synced", v, len(st.events["visit-1"]))
	}
}

// TestToyCaseOverHTTP serves the toy visit through the generic case routes
// of a real API server on the real dev server: create, get, actions, act
// (a refusal, then both actions), history and list, with the API's scope.
func TestToyCaseOverHTTP(t *testing.T) {
	st := newVisitStore()
	s := newStack(t, stackOptions{
		cases: []api.Case{visitCase(st)},
		register: func(w worker.Worker) {
			w.RegisterWorkflow(visitWorkflow)
			w.RegisterActivityWithOptions(st.SyncVisit, activity.RegisterOptions{Name: "SyncVisit"})
		},
		undocumented: "/api/v1/visits",
	})
	var v visitView
	s.call("POST", "/api/v1/visits", "dev-alice", map[string]any{"title": "Visit Romashka"}).decode(t, http.StatusCreated, &v)
	if v.Status != "new" || v.Owner != "alice" || !slices.Equal(v.AllowedActions, []string{"plan_visit"}) {
		t.Fatalf("new visit %+v", v)
	}
	path := "/api/v1/visits/" + v.ID
	s.call("GET", path, "dev-bob", nil).decode(t, http.StatusNotFound, nil)
	var acts struct {
		Status  string `json:"status"`
		Actions []struct {
			Name   string           `json:"name"`
			Fields []casework.Field `json:"fields"`
		} `json:"actions"`
	}
	s.call("GET", path+"/actions", "dev-alice", nil).decode(t, http.StatusOK, &acts)
	if acts.Status != "new" || len(acts.Actions) != 1 || acts.Actions[0].Fields[0].Type != "datetime" {
		t.Fatalf("actions %+v", acts)
	}
	var refused apiError
	s.call("POST", path+"/actions/report_visit", "dev-alice", reportVisitInput{Notes: "x"}).decode(t, http.StatusConflict, &refused)
	if refused.Error.Code != casework.CodeActionNotAllowed {
		t.Fatalf("refusal %+v", refused)
	}
	at := time.Now().Add(time.Hour).UTC()
	v = actOn[visitView](s, "dev-alice", path, "plan_visit", planVisitInput{At: at})
	if v.Status != "planned" || len(v.ControlPoints) != 1 || !v.ControlPoints[0].DueAt.Equal(at) {
		t.Fatalf("planned visit %+v", v)
	}
	v = actOn[visitView](s, "dev-maria", path, "report_visit", reportVisitInput{Notes: "met the director"})
	if v.Status != "reported" || v.ControlPoints[0].Status != casework.PointDone {
		t.Fatalf("reported visit %+v", v)
	}
	var hist struct {
		Items []struct {
			Seq   int    `json:"seq"`
			Type  string `json:"type"`
			Actor string `json:"actor"`
		} `json:"items"`
	}
	s.call("GET", path+"/history", "dev-alice", nil).decode(t, http.StatusOK, &hist)
	types := []string{}
	for _, it := range hist.Items {
		types = append(types, it.Type)
	}
	if !slices.Equal(types, []string{"visit_opened", "plan_visit", "report_visit"}) || hist.Items[2].Actor != "maria" {
		t.Fatalf("history %+v", hist.Items)
	}
	var list struct {
		Count int `json:"count"`
	}
	s.call("GET", "/api/v1/visits", "dev-alice", nil).decode(t, http.StatusOK, &list)
	if list.Count != 1 {
		t.Fatalf("list %+v", list)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := devServer.Client().GetWorkflow(ctx, v.ID, "").Get(ctx, nil); err != nil {
		t.Fatalf("the visit workflow did not finish: %v", err)
	}
}
