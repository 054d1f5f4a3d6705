package models_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// somePoints are control points of two deals and a complaint; the deal d1
// and the complaint c1 both have a point "p1" due at the same time.
func somePoints(t *testing.T, db *gorm.DB) {
	t.Helper()
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	rows := []models.ControlPoint{
		{SubjectType: models.SubjectDeal, SubjectID: "d1", ID: "p1", Owner: "alice", Status: models.PointOpen, DueAt: h(2)},
		{SubjectType: models.SubjectComplaint, SubjectID: "c1", ID: "p1", Owner: "alice", Status: models.PointOverdue, DueAt: h(2)},
		{SubjectType: models.SubjectDeal, SubjectID: "d1", ID: "p2", Owner: "alice", Status: models.PointDone, DueAt: h(1)},
		{SubjectType: models.SubjectDeal, SubjectID: "d2", ID: "p1", Owner: "bob", Status: models.PointOverdue, DueAt: h(1)},
		{SubjectType: models.SubjectDeal, SubjectID: "d2", ID: "p2", Owner: "bob", Status: models.PointCancelled, DueAt: h(5)},
		{SubjectType: models.SubjectComplaint, SubjectID: "c1", ID: "p2", Owner: "bob", Status: models.PointOpen, DueAt: h(3)},
	}
	for i := range rows {
		rows[i].Kind, rows[i].OverdueAt = "survey", rows[i].DueAt
	}
	if err := db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
}

// listPoints follows the cursors and returns "type/subject/id" of each point.
func listPoints(t *testing.T, db *gorm.DB, f models.ControlPointFilter) (keys []string, pages int) {
	t.Helper()
	for {
		items, next, err := models.ListControlPoints(ctx, db, f)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range items {
			keys = append(keys, p.SubjectType+"/"+p.SubjectID+"/"+p.ID)
		}
		if next == "" {
			return keys, pages
		}
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		f.Cursor = next
	}
}

func TestListControlPoints(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		somePoints(t, db)
		keys, pages := listPoints(t, db, models.ControlPointFilter{Scope: models.Everyone(), Limit: 1})
		want := []string{"deal/d2/p1", "complaint/c1/p1", "deal/d1/p1", "complaint/c1/p2"}
		if !reflect.DeepEqual(keys, want) || pages != 4 {
			t.Errorf("open and overdue one by one: %v in %d pages, want %v in 4", keys, pages, want)
		}
		for _, c := range []struct {
			f    models.ControlPointFilter
			want []string
		}{
			{models.ControlPointFilter{Scope: models.Everyone(), Limit: 3}, want},
			{models.ControlPointFilter{Scope: models.Everyone(), Owner: "alice"}, []string{"complaint/c1/p1", "deal/d1/p1"}},
			{models.ControlPointFilter{Scope: models.Everyone(), Statuses: []string{models.PointOverdue}, Limit: 1}, []string{"deal/d2/p1", "complaint/c1/p1"}},
			{models.ControlPointFilter{Scope: models.Everyone(), Statuses: []string{models.PointDone, models.PointCancelled}}, []string{"deal/d1/p2", "deal/d2/p2"}},
			{models.ControlPointFilter{Scope: models.Everyone(), SubjectType: models.SubjectComplaint}, []string{"complaint/c1/p1", "complaint/c1/p2"}},
			{models.ControlPointFilter{Scope: models.Everyone(), DueBefore: t0.Add(2 * time.Hour)}, []string{"deal/d2/p1"}},
			{models.ControlPointFilter{Scope: models.Everyone(), DueBefore: t0.Add(3 * time.Hour), Owner: "alice", SubjectType: models.SubjectDeal}, []string{"deal/d1/p1"}},
			{models.ControlPointFilter{Scope: models.Everyone(), Owner: "nobody"}, nil},
		} {
			if got, _ := listPoints(t, db, c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%+v gave %v, want %v", c.f, got, c.want)
			}
		}
	})
}

func TestListControlPointsRejectsBadCursor(t *testing.T) {
	db := testdb.SQLite(t)
	somePoints(t, db)
	insertDeals(t, db, fiveDeals)
	_, dealCursor, err := models.ListDeals(ctx, db, models.DealFilter{Scope: models.Everyone(), Limit: 1})
	if err != nil || dealCursor == "" {
		t.Fatalf("deal cursor %q, %v", dealCursor, err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	for _, c := range []string{"!!!", b64([]byte("{}")), b64([]byte(`{"c":"2025-11-03T09:00:00Z","i":"p1","k":["deal"]}`)), dealCursor} {
		if _, _, err := models.ListControlPoints(ctx, db, models.ControlPointFilter{Scope: models.Everyone(), Cursor: c}); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("cursor %q: err = %v, want ErrBadCursor", c, err)
		}
	}
	_, pointCursor, err := models.ListControlPoints(ctx, db, models.ControlPointFilter{Scope: models.Everyone(), Limit: 1})
	if err != nil || pointCursor == "" {
		t.Fatalf("control point cursor %q, %v", pointCursor, err)
	}
	if _, _, err := models.ListDeals(ctx, db, models.DealFilter{Scope: models.Everyone(), Cursor: pointCursor}); !errors.Is(err, models.ErrBadCursor) {
		t.Errorf("a control point cursor for deals: err = %v, want ErrBadCursor", err)
	}
}
