package activities_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// TestSyncKeyAccountIdempotent: a repeated sync adds no assessment, and an
// older (late) sync never moves the point back.
func TestSyncKeyAccountIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		sync := func(seq, number int) keyaccount.Sync {
			due := at.AddDate(number, 0, 0)
			return keyaccount.Sync{
				View: keyaccount.View{ID: "kar-c1", ClientID: "c1", Seq: seq, ControlPoints: []casework.ControlPoint{{
					ID: "reassessment", Kind: keyaccount.PointReassessment, Owner: "alice", Status: casework.PointOpen, DueAt: due, OverdueAt: due,
				}}},
				Assessments: []keyaccount.Assessment{{Number: number, Result: keyaccount.Result{Quadrant: keyaccount.QuadrantKey}, At: at, NextDue: due}},
			}
		}
		ctx := context.Background()
		for _, s := range []keyaccount.Sync{sync(1, 1), sync(2, 2), sync(2, 2), sync(1, 1)} {
			if err := a.SyncKeyAccount(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		var rows []models.KeyAccountAssessment
		var cp models.ControlPoint
		if err := db.Order("number").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Where("subject_type = ?", models.SubjectKeyAccount).Take(&cp).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[1].Number != 2 || rows[0].ClientID != "c1" || cp.Seq != 2 || !cp.DueAt.Equal(at.AddDate(2, 0, 0)) {
			t.Fatalf("assessments %+v, point %+v", rows, cp)
		}
		if err := a.SyncKeyAccount(ctx, keyaccount.Sync{}); err == nil {
			t.Fatal("a sync without a review ID passed")
		}
	})
}
