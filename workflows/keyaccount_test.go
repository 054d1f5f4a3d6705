package workflows

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/models"
)

// TestKeyAccountReviewReassessment runs a review in the time-skipping
// environment with the real activities: the first assessment arms the
// yearly re-assessment point (reminded 30 and 7 days ahead, overdue and
// escalated 14 days after), refused assessments (an unknown criterion
// with every other missing, a score over 100) change nothing, and a
// second assessment re-arms the point a year on.
func TestKeyAccountReviewReassessment(t *testing.T) {
	db := demoDB(t)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(KeyAccountReview)
	env.RegisterActivity(&activities.Activities{DB: db})
	env.SetTestTimeout(30 * time.Second)
	start := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	env.SetStartTime(start)
	pol := keyaccount.DefaultPolicy()
	scores := map[string]int{}
	for _, c := range pol.Criteria {
		scores[c.ID] = 60
	}
	views := map[string]keyaccount.View{}
	assess := func(label string, s map[string]int, wantErr bool) func() {
		return func() {
			raw, _ := json.Marshal(keyaccount.AssessInput{Scores: s, Owner: "alice", Policy: pol})
			env.UpdateWorkflow(keyaccount.ActionAssess, label, &testsuite.TestUpdateCallback{
				OnReject: func(err error) {
					if !wantErr {
						t.Errorf("%s refused: %v", label, err)
					}
				},
				OnAccept: func() {
					if wantErr {
						t.Errorf("%s accepted", label)
					}
				},
				OnComplete: func(v any, err error) {
					if err == nil { // a copy: the view shares its slices with the state
						raw, _ := json.Marshal(v)
						var c keyaccount.View
						_ = json.Unmarshal(raw, &c)
						views[label] = c
					}
				},
			}, casework.Request{Actor: "alice", Role: casework.RoleSales, Input: raw})
		}
	}
	env.RegisterDelayedCallback(assess("first", scores, false), time.Hour)
	env.RegisterDelayedCallback(assess("unknown", map[string]int{"nope": 5}, true), 2*time.Hour)
	tooHigh := map[string]int{}
	for id, v := range scores {
		tooHigh[id] = v
	}
	tooHigh["prices"] = 101
	env.RegisterDelayedCallback(assess("too high", tooHigh, true), 3*time.Hour)
	var before []models.Notification
	env.RegisterDelayedCallback(func() {
		db.Order("created_at").Find(&before)
	}, 400*24*time.Hour)
	env.RegisterDelayedCallback(assess("second", scores, false), 401*24*time.Hour)
	var cp models.ControlPoint
	env.RegisterDelayedCallback(func() {
		db.Where("subject_type = ? AND subject_id = ?", models.SubjectKeyAccount, "kar-cl-1").Take(&cp)
	}, 401*24*time.Hour+time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 402*24*time.Hour)
	env.ExecuteWorkflow(KeyAccountReview, keyaccount.Params{ID: "kar-cl-1", ClientID: "cl-1", Client: "Romashka", Calendar: everyDay})

	first := views["first"]
	due := time.Date(2027, 1, 10, 10, 0, 0, 0, time.UTC) // 12 months after the assessment at 10:00
	if first.Count != 1 || first.Latest == nil || first.Latest.Quadrant != keyaccount.QuadrantKey || !first.Latest.NextDue.Equal(due) ||
		len(first.ControlPoints) != 1 || !first.ControlPoints[0].DueAt.Equal(due) || first.ControlPoints[0].Owner != "alice" {
		t.Fatalf("first assessment %+v", first)
	}
	kinds := []string{}
	for _, n := range before {
		kinds = append(kinds, n.Kind+"@"+n.CreatedAt.UTC().Format("2006-01-02"))
	}
	want := []string{"reminder@2026-12-11", "reminder@2027-01-03", "overdue@2027-01-24", "escalation@2027-01-24"}
	if len(kinds) != len(want) {
		t.Fatalf("notifications %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] && !(i >= 2 && kinds[5-i] == want[i]) {
			t.Fatalf("notifications %v, want %v", kinds, want)
		}
	}
	second := views["second"]
	if second.Count != 2 || second.ControlPoints[0].Status != casework.PointOpen ||
		!second.ControlPoints[0].DueAt.Equal(start.Add(401*24*time.Hour).AddDate(1, 0, 0)) {
		t.Fatalf("second assessment %+v", second)
	}
	var rows []models.KeyAccountAssessment
	db.Order("number").Find(&rows)
	if len(rows) != 2 || rows[1].Number != 2 || cp.Status != models.PointOpen || !cp.DueAt.Equal(second.ControlPoints[0].DueAt) {
		t.Fatalf("read model: %+v, point %+v", rows, cp)
	}
}

// TestKeyAccountReviewContinuesAsNew: the run's KeyAccountRunLimit-th
// assessment ends it with a continue-as-new carrying the view (count,
// latest assessment, open point), which the next run starts from.
func TestKeyAccountReviewContinuesAsNew(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(KeyAccountReview)
	env.RegisterActivity(&activities.Activities{DB: demoDB(t)})
	pol := keyaccount.DefaultPolicy()
	scores := map[string]int{}
	for _, c := range pol.Criteria {
		scores[c.ID] = 30
	}
	raw, _ := json.Marshal(keyaccount.AssessInput{Scores: scores, Owner: "bob", Policy: pol})
	for i := range KeyAccountRunLimit {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(keyaccount.ActionAssess, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) { t.Errorf("assessment %d refused: %v", i+1, err) },
				OnAccept: func() {}, OnComplete: func(any, error) {},
			}, casework.Request{Actor: "bob", Input: raw})
		}, time.Duration(i+1)*time.Hour)
	}
	env.ExecuteWorkflow(KeyAccountReview, keyaccount.Params{ID: "kar-cl-2", ClientID: "cl-2", Client: "Vasilek", Calendar: everyDay})
	var cont *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &cont) {
		t.Fatalf("the run ended with %v, want a continue-as-new", err)
	}
	var next keyaccount.Params
	if err := converter.GetDefaultDataConverter().FromPayloads(cont.Input, &next); err != nil {
		t.Fatal(err)
	}
	c := next.Carry
	if c == nil || c.Count != KeyAccountRunLimit || c.Latest == nil || c.Latest.Number != KeyAccountRunLimit ||
		c.Latest.Quadrant != keyaccount.QuadrantLower || len(c.ControlPoints) != 1 || c.ControlPoints[0].Status != casework.PointOpen {
		t.Fatalf("carried over %+v", c)
	}
}
