package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// A client's qualifications come newest first, the current one is the
// newest (ties by ID), another client's is not found by ID; the first approval of
// a qualification stands and a second is not stored.
func TestQualificationsAndApprovals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		at := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
		for i, q := range []models.Qualification{
			{ID: "qual-a", ClientID: "cl-1", Total: 50, Band: "refuse", CreatedAt: at},
			{ID: "qual-c", ClientID: "cl-1", Total: 90, Band: "workable", CreatedAt: at.Add(time.Hour)},
			{ID: "qual-b", ClientID: "cl-1", Total: 70, Band: "doubtful", CreatedAt: at.Add(time.Hour)},
			{ID: "qual-x", ClientID: "cl-2", Total: 120, Band: "excellent", CreatedAt: at.Add(2 * time.Hour)},
		} {
			q.Answers, q.Max, q.CreatedBy = `{}`, 120, "alice"
			if err := models.CreateQualification(ctx, db, &q); err != nil {
				t.Fatal(i, err)
			}
		}
		dup := models.Qualification{ID: "qual-a", ClientID: "cl-1", Answers: "{}", Band: "refuse", CreatedBy: "alice", CreatedAt: at}
		if err := models.CreateQualification(ctx, db, &dup); !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("a second qual-a: %v", err)
		}
		list, err := models.ClientQualifications(ctx, db, "cl-1")
		if err != nil || len(list) != 3 || list[0].ID != "qual-c" || list[1].ID != "qual-b" || list[2].ID != "qual-a" {
			t.Fatalf("history = %+v, %v", list, err)
		}
		if cur, err := models.CurrentQualifications(ctx, db, []string{"cl-1"}); err != nil || cur["cl-1"].ID != "qual-c" {
			t.Errorf("current = %+v, %v", cur, err)
		}
		if _, err := models.GetQualification(ctx, db, "cl-1", "qual-x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another client's qualification: %v", err)
		}
		first := models.QualificationApproval{QualificationID: "qual-a", ClientID: "cl-1", Reason: "strategic", ApprovedBy: "maria", ApprovedAt: at}
		if a, created, err := models.ApproveQualification(ctx, db, first); err != nil || !created || a.Reason != "strategic" {
			t.Fatalf("approve: %+v %v %v", a, created, err)
		}
		second := first
		second.Reason, second.ApprovedBy = "again", "admin"
		if a, created, err := models.ApproveQualification(ctx, db, second); err != nil || created || a.Reason != "strategic" || a.ApprovedBy != "maria" {
			t.Errorf("second approval: %+v %v %v", a, created, err)
		}
		if m, err := models.QualificationApprovals(ctx, db, "cl-1"); err != nil || len(m) != 1 || m["qual-a"].ApprovedBy != "maria" {
			t.Errorf("approvals = %+v, %v", m, err)
		}
	})
}

// The current qualification of each client is its newest, with whether it
// is approved; clients without one are left out.
func TestCurrentQualifications(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		at := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
		for _, q := range []models.Qualification{
			{ID: "qual-1", ClientID: "cl-1", Band: "workable", CreatedAt: at},
			{ID: "qual-2", ClientID: "cl-1", Band: "refuse", CreatedAt: at.Add(time.Hour)},
			{ID: "qual-3", ClientID: "cl-2", Band: "refuse", CreatedAt: at},
		} {
			q.Answers, q.Max, q.CreatedBy = "{}", 120, "alice"
			if err := models.CreateQualification(ctx, db, &q); err != nil {
				t.Fatal(err)
			}
		}
		a := models.QualificationApproval{QualificationID: "qual-3", ClientID: "cl-2", Reason: "r", ApprovedBy: "maria", ApprovedAt: at}
		if _, _, err := models.ApproveQualification(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		got, err := models.CurrentQualifications(ctx, db, []string{"cl-1", "cl-2", "cl-3"})
		if err != nil || len(got) != 2 || got["cl-1"].ID != "qual-2" || got["cl-1"].Approved ||
			got["cl-2"].ID != "qual-3" || !got["cl-2"].Approved || got["cl-2"].Band != "refuse" {
			t.Errorf("current = %+v, %v", got, err)
		}
		if none, err := models.CurrentQualifications(ctx, db, nil); err != nil || len(none) != 0 {
			t.Errorf("of no clients: %v %v", none, err)
		}
	})
}
