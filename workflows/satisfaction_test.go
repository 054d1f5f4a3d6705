package workflows

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/models"
)

// surveyStart is when every satisfaction test runs: 1 December 2026.
var surveyStart = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// surveyEnv is a time-skipping test environment with the Survey, sweep and
// Complaint workflows and the real activities on an embedded read model
// with the demo staff (alice and bob report to maria).
func surveyEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *gorm.DB) {
	t.Helper()
	db := demoDB(t)
	env := quietEnv()
	env.RegisterWorkflow(Survey)
	env.RegisterWorkflow(SatisfactionSweep)
	env.RegisterWorkflow(Complaint)
	env.RegisterActivity(&activities.Activities{DB: db})
	doc := policy.Default()
	doc.Calendar = everyDay
	env.RegisterActivity(&activities.Surveys{DB: db, Policy: doc})
	env.SetTestTimeout(30 * time.Second)
	env.SetStartTime(surveyStart)
	// The surveys outlive what starts them and wait for their answers;
	// they are cancelled after every test's last step.
	var children []string
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name != "SatisfactionSweep" {
			children = append(children, info.WorkflowExecution.ID)
		}
	})
	env.RegisterDelayedCallback(func() {
		for _, id := range children {
			env.CancelWorkflowByID(id, "")
		}
	}, 40*24*time.Hour)
	return env, db
}

func months(n int) time.Time { return surveyStart.AddDate(0, -n, 0) }

// seedSweep fills the read model for the sweep: a client paid 13 months
// ago (out of the window); one paid 2 months ago and surveyed 3 months ago
// (a yearly survey); one paid 4 months ago whose deal took its end-of-deal
// survey then; one paid for two products (events to alice a month ago,
// catering to bob five months ago, after a payment for events to bob) and
// never surveyed; one only refunded.
func seedSweep(t *testing.T, db *gorm.DB) {
	t.Helper()
	deal := func(id, client, product, owner string) *models.Deal {
		return &models.Deal{ID: id, ClientID: client, Owner: owner, Title: id, Product: product, Amount: 100, Currency: "RUB",
			Stage: "close", Status: "won", CreatedAt: months(14), UpdatedAt: months(1), Seq: 1}
	}
	pay := func(dealID, client string, n int, amount int64, at time.Time) *models.Payment {
		return &models.Payment{DealID: dealID, N: n, ClientID: client, Amount: amount, At: at}
	}
	rows := []any{
		deal("d-old", "c-old", "events", "alice"), pay("d-old", "c-old", 1, 100, months(13)),
		deal("d-srv", "c-srv", "training", "alice"), pay("d-srv", "c-srv", 1, 100, months(2)),
		&models.Survey{ID: "srv-c-srv-training-202609", ClientID: "c-srv", Product: "training", Owner: "alice",
			Status: "recorded", OpenedAt: months(3), RecordedAt: ptrTime(months(3)), UpdatedAt: months(3), Seq: 3},
		deal("d-ds", "c-ds", "consulting", "bob"), pay("d-ds", "c-ds", 1, 100, months(4)),
		&models.DealEvent{DealID: "d-ds", CaseEvent: models.CaseEvent{Seq: 20, Type: "submit_survey", Actor: "bob", Stage: "close", At: months(4),
			Data: `{"scores":{"quality":5,"speed":5,"payment_convenience":5}}`}},
		deal("d-n0", "c-new", "events", "bob"), pay("d-n0", "c-new", 1, 100, months(6)),
		deal("d-n1", "c-new", "events", "alice"), pay("d-n1", "c-new", 1, 100, months(1)),
		deal("d-n2", "c-new", "catering", "bob"), pay("d-n2", "c-new", 1, 100, months(5)),
		deal("d-ref", "c-ref", "travel", "bob"), pay("d-ref", "c-ref", 1, -100, months(1)),
	}
	for _, r := range rows {
		if err := db.Create(r).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// twoSweeps runs the sweep (two clients a page), and again an hour later,
// then waits until the surveys' points have gone overdue.
func twoSweeps(ctx workflow.Context) ([]satisfaction.SweepResult, error) {
	var out []satisfaction.SweepResult
	for i := range 2 {
		if i > 0 {
			if err := workflow.Sleep(ctx, time.Hour); err != nil {
				return out, err
			}
		}
		var res satisfaction.SweepResult
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: "sweep-" + string(rune('a'+i))})
		if err := workflow.ExecuteChildWorkflow(cctx, SatisfactionSweep, satisfaction.SweepParams{PageSize: 2}).Get(ctx, &res); err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, workflow.Sleep(ctx, 20*24*time.Hour)
}

// TestSatisfactionSweepReachesTheRightClients runs the sweep over the
// seeded read model in pages of two clients: only the client paid for two
// products and never surveyed gets surveys, one per product, owned by the
// rep of the latest payment of each; a second sweep the same day starts
// nothing; each survey is reminded before its due day (14 days) and
// escalated to the owner's manager once overdue.
func TestSatisfactionSweepReachesTheRightClients(t *testing.T) {
	env, db := surveyEnv(t)
	seedSweep(t, db)
	env.RegisterWorkflow(twoSweeps)
	env.ExecuteWorkflow(twoSweeps)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res []satisfaction.SweepResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if want := []satisfaction.SweepResult{{Started: 2}, {}}; !slices.Equal(res, want) {
		t.Fatalf("sweeps %+v, want %+v", res, want)
	}
	var surveys []models.Survey
	if err := db.Where("client_id <> ?", "c-srv").Order("id").Find(&surveys).Error; err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, s := range surveys {
		got = append(got, s.ID+" "+s.Owner+" "+s.Status)
	}
	want := []string{"srv-c-new-catering-202612 bob open", "srv-c-new-events-202612 alice open"}
	if !slices.Equal(got, want) {
		t.Fatalf("surveys %v, want %v", got, want)
	}
	var notes []models.Notification
	if err := db.Where("id LIKE ?", "srv-c-new-events-%").Order("created_at, kind").Find(&notes).Error; err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, n := range notes {
		kinds = append(kinds, n.Kind+" "+n.Recipient+" "+n.CreatedAt.UTC().Format("01-02"))
	}
	// Due 15 December (14 days); reminders 3 and 1 business days before
	// (every day works), overdue at the end of the due day.
	wantNotes := []string{"reminder alice 12-12", "reminder alice 12-14", "escalation maria 12-15", "overdue alice 12-15"}
	if !slices.Equal(kinds, wantNotes) {
		t.Fatalf("notifications %v, want %v", kinds, wantNotes)
	}
}

// surveyAct sends the survey action at offset d and keeps its outcome:
// the error's type ("" when applied).
func surveyAct(env *testsuite.TestWorkflowEnvironment, out map[string]string, label string, d time.Duration, action string, in any) {
	env.RegisterDelayedCallback(func() {
		raw, _ := json.Marshal(in)
		env.UpdateWorkflow(action, label, &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { out[label] = code(err) },
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) { out[label] = errText(err) },
		}, casework.Request{Actor: "alice", Role: "sales", Input: raw})
	}, d)
}

func errText(err error) string {
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestYearlySurveyLowScoreOpensComplaint records a yearly survey with a 2:
// answers that leave a question out or score 6, and a decline without a
// reason, are refused first; the
// recorded survey closes its point and opens a complaint exactly as a
// deal's survey does (channel survey, severity high for a 2, category of
// the lowest-scored question), and the survey ends with no action left.
func TestYearlySurveyLowScoreOpensComplaint(t *testing.T) {
	env, db := surveyEnv(t)
	doc := policy.Default()
	doc.Calendar = everyDay
	p := doc.SurveyParams("c-1", "events", "alice")
	p.ID, p.OpenedBy = "srv-c-1-events-202612", "system"
	out := map[string]string{}
	hour := time.Hour
	surveyAct(env, out, "missing", hour, satisfaction.ActRecordSurvey, satisfaction.RecordSurveyInput{Scores: map[string]int{"quality": 2}})
	surveyAct(env, out, "six", 2*hour, satisfaction.ActRecordSurvey,
		satisfaction.RecordSurveyInput{Scores: map[string]int{"quality": 6, "speed": 3, "payment_convenience": 4}})
	surveyAct(env, out, "record", 3*hour, satisfaction.ActRecordSurvey,
		satisfaction.RecordSurveyInput{Scores: map[string]int{"quality": 4, "speed": 2, "payment_convenience": 3}, Comment: "slow"})
	surveyAct(env, out, "decline", 2*hour, satisfaction.ActDeclineSurvey, satisfaction.DeclineSurveyInput{Reason: " "})
	env.ExecuteWorkflow(Survey, p)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var v satisfaction.View
	if err := env.GetWorkflowResult(&v); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"missing": "invalid_input", "six": "invalid_input", "decline": "invalid_input", "record": ""}
	for label, w := range want {
		if out[label] != w {
			t.Errorf("%s: %q, want %q", label, out[label], w)
		}
	}
	if v.Status != satisfaction.StatusRecorded || v.ComplaintID != "cmp-"+p.ID || !slices.Equal(v.Answers.Low, []string{"payment_convenience", "speed"}) ||
		v.ControlPoints[0].Status != casework.PointDone || len(v.AllowedActions) != 0 {
		t.Fatalf("survey %+v", v)
	}
	var c models.Complaint
	if err := db.Where("id = ?", v.ComplaintID).Take(&c).Error; err != nil {
		t.Fatal(err)
	}
	if c.ClientID != "c-1" || c.Channel != complaint.ChannelSurvey || c.Severity != string(complaint.SeverityHigh) || c.Category != "timing" {
		t.Fatalf("complaint %+v", c)
	}
	var row models.Survey
	var scores []models.SurveyScore
	if err := db.Where("id = ?", p.ID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Order("question").Find(&scores).Error; err != nil {
		t.Fatal(err)
	}
	if row.Status != "recorded" || row.LowScores != 2 || row.ComplaintID != v.ComplaintID || len(scores) != 3 || scores[1].Score != 4 {
		t.Fatalf("read model %+v %+v", row, scores)
	}
}
