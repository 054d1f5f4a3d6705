package policy

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// A version saved before the satisfaction part existed reads its
// defaults; a saved part survives a save and a read.
func TestSatisfactionPartOfSavedVersions(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	if _, err := models.SavePolicy(ctx, db, []byte(`{"deal": {}, "complaint": {}, "duration_units": 1}`), "admin"); err != nil {
		t.Fatal(err)
	}
	cur, err := Current(ctx, db, Default())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cur.Satisfaction, DefaultSatisfaction()) {
		t.Fatalf("old version's satisfaction = %+v", cur.Satisfaction)
	}
	cur.Satisfaction.LeadTime, cur.Satisfaction.ScheduleEnabled = casework.Days(7), false
	saved, err := Save(ctx, db, cur, "admin")
	if err != nil || saved.Satisfaction.LeadTime.String() != "7d" || saved.Satisfaction.ScheduleEnabled {
		t.Fatalf("saved %+v, %v", saved.Satisfaction, err)
	}
}

// TestSatisfactionValidate names every unusable field, and the windows of
// the defaults are 12 months back for payments and 11 months back for
// surveys.
func TestSatisfactionValidate(t *testing.T) {
	bad := Satisfaction{Interval: casework.Days(10), LeadTime: casework.Days(10), Point: casework.PointPolicy{Grace: casework.Days(-1)}}
	err := bad.Validate()
	for _, field := range []string{"lead_time", "survey_due", "control_point"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%v does not name %s", err, field)
		}
	}
	if err := DefaultSatisfaction().Validate(); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	paid, surveyed := DefaultSatisfaction().Windows(asOf, Default().Calendar)
	if !paid.Equal(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)) || !surveyed.Equal(time.Date(2025, 12, 31, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("windows %v, %v", paid, surveyed)
	}
}
