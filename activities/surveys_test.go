package activities_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
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
