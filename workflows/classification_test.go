package workflows

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/models"
)

// runClassification runs Classification at start with the real activity
// on db and returns its result and error.
func runClassification(t *testing.T, a *activities.Activities, start time.Time) (classify.Result, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(Classification)
	env.RegisterActivity(a)
	env.SetStartTime(start)
	env.ExecuteWorkflow(Classification)
	if !env.IsWorkflowCompleted() {
		t.Fatal("classification did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		return classify.Result{}, err
	}
	var res classify.Result
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res, nil
}

// TestClassificationWorkflowStoresClassesOncePerDay runs Classification at
// 02:00 UTC with the real activity on SQLite: it classifies as of the start
// of the day, a second run that day writes nothing, and a run for an
// earlier day fails without overwriting.
func TestClassificationWorkflowStoresClassesOncePerDay(t *testing.T) {
	db, err := models.Open(filepath.Join(t.TempDir(), "rm.db"))
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	rows := []any{
		&models.Client{ID: "c1", Name: "One", Segment: "retail", CreatedBy: "alice", CreatedAt: day.AddDate(-1, 0, 0)},
		&models.Client{ID: "c2", Name: "Two", Segment: "retail", CreatedBy: "alice", CreatedAt: day.AddDate(-1, 0, 0)},
		&models.Deal{ID: "d1", ClientID: "c1", Owner: "bob", Title: "t", Amount: 100, Currency: "RUB", Stage: "payment",
			Status: "open", CreatedAt: day.AddDate(0, -3, 0), UpdatedAt: day.AddDate(0, -3, 0), Seq: 1},
		// Paid in May (new as of 1 July); the payment at 01:00 on the
		// day itself is after the run's as-of time and does not count.
		&models.Payment{DealID: "d1", N: 1, ClientID: "c1", Amount: 10000, At: day.AddDate(0, -2, 0)},
		&models.Payment{DealID: "d1", N: 2, ClientID: "c1", Amount: 5000, At: day.Add(time.Hour)},
	}
	for _, r := range rows {
		if err := db.Create(r).Error; err != nil {
			t.Fatal(err)
		}
	}
	a := &activities.Activities{DB: db}

	res, err := runClassification(t, a, day.Add(2*time.Hour))
	if err != nil || res.Clients != 2 || res.Changes != 2 || !res.AsOf.Equal(day) {
		t.Fatalf("first run = %+v, %v; want 2 clients and 2 changes as of %s", res, err, day)
	}
	var cc []models.ClientClass
	if err := db.Order("client_id").Find(&cc).Error; err != nil {
		t.Fatal(err)
	}
	if len(cc) != 2 || !cc[0].AsOf.Equal(day) || cc[0].Category != models.CategoryNew || cc[0].ABC != "A" ||
		cc[0].Turnover != 10000 || cc[0].Owner != "bob" || cc[1].Category != models.CategoryPotential || cc[1].Owner != "alice" {
		t.Fatalf("stored classes %+v", cc)
	}

	res, err = runClassification(t, a, day.Add(5*time.Hour))
	if err != nil || res.Clients != 0 || res.Changes != 0 {
		t.Errorf("second run the same day = %+v, %v; want nothing written", res, err)
	}
	var n int64
	if err := db.Model(&models.ClientClassChange{}).Count(&n).Error; err != nil || n != 2 {
		t.Errorf("%d history rows (%v), want 2", n, err)
	}

	_, err = runClassification(t, a, day.Add(-22*time.Hour))
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeOutdated {
		t.Errorf("run for the day before: %v, want a %s error", err, activities.ErrTypeOutdated)
	}
}
