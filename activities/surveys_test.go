package activities_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// surveySyncAt is what survey s1 reports after seq events: open with its
// point at seq 1, recorded with a 2 and a 5 from seq 3 on.
func surveySyncAt(seq int) satisfaction.Sync {
	v := satisfaction.View{ID: "s1", ClientID: "c1", Product: "events", Owner: "alice", Status: satisfaction.StatusOpen,
		OpenedAt: t0, UpdatedAt: t0.Add(time.Duration(seq) * time.Hour), Seq: seq,
		ControlPoints: []casework.ControlPoint{{ID: "yearly-survey", Kind: satisfaction.PointYearlySurvey, Owner: "alice",
			Status: casework.PointOpen, DueAt: t0.Add(14 * 24 * time.Hour), OverdueAt: t0.Add(14 * 24 * time.Hour)}}}
	if seq >= 3 {
		at := t0.Add(2 * time.Hour)
		v.Status, v.ClosedAt, v.ComplaintID = satisfaction.StatusRecorded, &at, "cmp-s1"
		v.Answers = &satisfaction.Answers{Scores: map[string]int{"quality": 2, "speed": 5}, Low: []string{"quality"}, RecordedAt: at}
		v.ControlPoints[0].Status, v.ControlPoints[0].DoneAt = casework.PointDone, &at
	}
	events := make([]casework.HistoryEvent, seq)
	for i := range events {
		events[i] = casework.HistoryEvent{Seq: i + 1, Type: "e", Actor: "alice", At: t0.Add(time.Duration(i) * time.Hour)}
	}
	return satisfaction.Sync{View: v, Events: events}
}

// TestSyncSurveyIdempotent: a repeated sync changes nothing, a late older
// one does not undo the newer, and the scores are written once.
func TestSyncSurveyIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Surveys{DB: db}
		ctx := context.Background()
		for _, seq := range []int{1, 3, 3, 1} {
			if err := a.SyncSurvey(ctx, surveySyncAt(seq)); err != nil {
				t.Fatal(err)
			}
		}
		s, err := models.GetSurvey(ctx, db, "s1")
		if err != nil {
			t.Fatal(err)
		}
		var events, scores, points int64
		db.Model(&models.SurveyEvent{}).Count(&events)
		db.Model(&models.SurveyScore{}).Count(&scores)
		db.Model(&models.ControlPoint{}).Where("subject_type = ? AND status = ?", models.SubjectSurvey, "done").Count(&points)
		if s.Status != "recorded" || s.Seq != 3 || s.LowScores != 1 || s.ComplaintID != "cmp-s1" || events != 3 || scores != 2 || points != 1 {
			t.Fatalf("survey %+v, %d events, %d scores, %d points done", s, events, scores, points)
		}
		if err := a.SyncSurvey(ctx, satisfaction.Sync{View: satisfaction.View{ID: "s2"}}); err == nil {
			t.Fatal("a view without client and product was stored")
		}
	})
}

// TestDueSurveysFollowsThePolicy: a paid client's product is due with the
// product's questionnaire and the deterministic ID; with the policy's
// schedule_enabled off the sweep gets nothing.
func TestDueSurveysFollowsThePolicy(t *testing.T) {
	db := testdb.SQLite(t)
	asOf := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, row := range []any{
		&models.Deal{ID: "d1", ClientID: "c1", Owner: "bob", Title: "t", Product: "training", Amount: 1, Currency: "RUB",
			Stage: "close", Status: "won", CreatedAt: t0, UpdatedAt: t0, Seq: 1},
		&models.Payment{DealID: "d1", N: 1, ClientID: "c1", Amount: 1, At: asOf.AddDate(0, -1, 0)},
	} {
		if err := db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
	}
	doc := policy.Default()
	doc.Deal.SurveyQuestionsByProduct = map[string][]string{"training": {"trainer", "materials"}}
	in := satisfaction.DueInput{AsOf: asOf, PageSize: 10}
	due, err := (&activities.Surveys{DB: db, Policy: doc}).DueSurveys(context.Background(), in)
	if err != nil || len(due.Surveys) != 1 || due.Next != "" {
		t.Fatalf("due %+v, %v", due, err)
	}
	sp := due.Surveys[0]
	if sp.ID != "srv-c1-training-202612" || sp.Owner != "bob" || sp.OpenedBy != "system" || len(sp.Questions) != 2 || sp.Due.String() != "14d" {
		t.Fatalf("survey params %+v", sp)
	}
	doc.Satisfaction.ScheduleEnabled = false
	due, err = (&activities.Surveys{DB: db, Policy: doc}).DueSurveys(context.Background(), in)
	if err != nil || !due.Disabled || len(due.Surveys) != 0 {
		t.Fatalf("disabled: due %+v, %v", due, err)
	}
}
