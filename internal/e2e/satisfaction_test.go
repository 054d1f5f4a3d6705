package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// TestYearlySurveyOverHTTP starts the worker's schedules as a worker does
// at start (twice: idempotent), finds the yearly satisfaction Schedule,
// triggers it, and follows the survey its sweep starts for a client paid a
// month ago through the HTTP API: listed to its rep only, a bad
// questionnaire refused with 422, a 2 recorded opening a complaint, the
// report counting the client as surveyed; a survey started by hand is
// declined.
func TestYearlySurveyOverHTTP(t *testing.T) {
	s := newStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := s.cfg
	cfg.ClassifyCron, cfg.SatisfactionCron = "0 2 * * *", "30 5 * * *"
	sched := devServer.Client().ScheduleClient()
	t.Cleanup(func() {
		for _, id := range []string{workflows.SatisfactionScheduleID, workflows.DigestScheduleID, workflows.ClassificationScheduleID} {
			_ = sched.GetHandle(context.Background(), id).Delete(context.Background())
		}
	})
	for range 2 {
		if err := app.EnsureSchedules(ctx, devServer.Client(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	h := sched.GetHandle(ctx, workflows.SatisfactionScheduleID)
	desc, err := h.Describe(ctx)
	if err != nil {
		t.Fatalf("the yearly satisfaction schedule is missing: %v", err)
	}
	action, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || action.Workflow != "SatisfactionSweep" || action.TaskQueue != cfg.TaskQueue {
		t.Fatalf("schedule action %+v", desc.Schedule.Action)
	}

	now := time.Now().UTC()
	clientID := s.paidClient("Romashka", "events", now.AddDate(0, -1, 0))
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	id := satisfaction.ID(clientID, "events", now)
	var list struct {
		Items []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"items"`
	}
	eventually(t, 30*time.Second, "the sweep's survey in the read model", func() bool {
		s.call("GET", "/api/v1/surveys?status=open", "dev-alice", nil).decode(t, http.StatusOK, &list)
		return len(list.Items) == 1 && list.Items[0].ID == id
	})
	s.call("GET", "/api/v1/surveys", "dev-bob", nil).decode(t, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Fatalf("bob sees %+v", list.Items)
	}
	path := "/api/v1/surveys/" + id
	s.call("GET", path, "dev-bob", nil).decode(t, http.StatusNotFound, nil)
	var v satisfaction.View
	s.call("GET", path, "dev-alice", nil).decode(t, http.StatusOK, &v)
	if v.Owner != "alice" || v.OpenedBy != "system" || !slices.Equal(v.Questions, []string{"quality", "speed", "payment_convenience"}) ||
		len(v.ControlPoints) != 1 || v.ControlPoints[0].Kind != satisfaction.PointYearlySurvey {
		t.Fatalf("survey %+v", v)
	}
	var bad apiError
	s.call("POST", path+"/actions/record_survey", "dev-alice", map[string]any{"scores": map[string]int{"quality": 7, "speed": 4, "payment_convenience": 4}}).
		decode(t, http.StatusUnprocessableEntity, &bad)
	if bad.Error.Code != "invalid_input" {
		t.Fatalf("refusal %+v", bad)
	}
	s.call("POST", path+"/actions/record_survey", "dev-alice", map[string]any{"scores": map[string]string{"quality": "good"}}).
		decode(t, http.StatusUnprocessableEntity, nil)
	v = actOn[satisfaction.View](s, "dev-alice", path, "record_survey",
		map[string]any{"scores": map[string]int{"quality": 2, "speed": 4, "payment_convenience": 5}, "comment": "late start"})
	if v.Status != satisfaction.StatusRecorded || v.ComplaintID != "cmp-"+id || v.Answers.Comment != "late start" {
		t.Fatalf("recorded survey %+v", v)
	}
	s.call("GET", "/api/v1/complaints/"+v.ComplaintID, "dev-alice", nil).decode(t, http.StatusOK, nil)
	var report struct {
		Clients, Surveyed int
		Coverage          *float64 `json:"coverage_percent"`
	}
	s.call("GET", "/api/v1/reports/satisfaction", "dev-maria", nil).decode(t, http.StatusOK, &report)
	if report.Clients != 1 || report.Surveyed != 1 || report.Coverage == nil || *report.Coverage != 100 {
		t.Fatalf("report %+v", report)
	}

	var manual satisfaction.View
	s.call("POST", "/api/v1/surveys", "dev-alice", map[string]string{"client_id": clientID, "product": "nothing"}).
		decode(t, http.StatusUnprocessableEntity, nil)
	s.call("POST", "/api/v1/surveys", "dev-alice", map[string]string{"client_id": clientID, "product": "training"}).
		decode(t, http.StatusCreated, &manual)
	manual = actOn[satisfaction.View](s, "dev-alice", "/api/v1/surveys/"+manual.ID, "decline_survey", map[string]string{"reason": "unreachable"})
	if manual.Status != satisfaction.StatusDeclined || manual.Owner != "alice" {
		t.Fatalf("declined survey %+v", manual)
	}
}

// paidClient adds to the read model a client of alice's (with a random ID,
// so that repeated runs start other survey workflows) whose won deal of
// product was paid at paidAt, and returns the client's ID.
func (s *stack) paidClient(name, product string, paidAt time.Time) string {
	s.t.Helper()
	id := fmt.Sprintf("cli-%08x", rand.Uint32())
	for _, row := range []any{
		&models.Client{ID: id, Name: name, CreatedBy: "alice", CreatedAt: paidAt.AddDate(0, -2, 0)},
		&models.Deal{ID: "deal-" + id, ClientID: id, Owner: "alice", Title: product, Product: product, Amount: 100,
			Currency: "RUB", Stage: "close", Status: "won", CreatedAt: paidAt.AddDate(0, -1, 0), UpdatedAt: paidAt, Seq: 1},
		&models.Payment{DealID: "deal-" + id, N: 1, ClientID: id, Amount: 100, At: paidAt},
	} {
		if err := s.db.Create(row).Error; err != nil {
			s.t.Fatal(err)
		}
	}
	return id
}
