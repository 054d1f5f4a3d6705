package policy

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// A version saved before the qualification part existed reads the
// default questionnaire; the part saved with a version comes back as
// saved, its questions decoded afresh (a question saved without a Russian
// text does not take the default's); a broken part is a problem of
// "qualification".
func TestQualificationOfSavedVersions(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		saveOldVersion(t, db)
		cur, err := Current(ctx, db, Default())
		if err != nil || !reflect.DeepEqual(cur.Qualification, qualification.DefaultPolicy()) {
			t.Fatalf("qualification of an old version = %+v, %v", cur.Qualification, err)
		}
		cur.Qualification.Questions = []qualification.Question{{ID: "q01", Text: "Budget?"}, {ID: "fit", Text: "Fit?"}}
		cur.Qualification.Thresholds = qualification.Thresholds{Excellent: 18, Workable: 14, Doubtful: 10}
		cur.Qualification.RefuseNeedsApproval = false
		saved, err := Save(ctx, db, cur, "admin")
		if err != nil {
			t.Fatal(err)
		}
		again, err := Current(ctx, db, Default())
		if err != nil || !reflect.DeepEqual(again.Qualification, cur.Qualification) || !reflect.DeepEqual(saved.Qualification, cur.Qualification) {
			t.Fatalf("saved qualification = %+v / %+v, %v; want %+v", saved.Qualification, again.Qualification, err, cur.Qualification)
		}
		bad := Default()
		bad.Qualification.Thresholds.Doubtful = 0
		if p := bad.Problems(); !strings.Contains(p["qualification"], "thresholds") || len(p) != 1 {
			t.Errorf("problems = %v", p)
		}
		if _, err := Save(ctx, db, bad, "admin"); err == nil || !strings.Contains(err.Error(), "qualification: ") {
			t.Errorf("an invalid qualification was saved: %v", err)
		}
	})
}

// saveOldVersion saves a policy version as one saved before the client
// programmes' parts existed: the deal, complaint, calendar and catalogue
// parts of the defaults only.
func saveOldVersion(t *testing.T, db *gorm.DB) {
	t.Helper()
	old := Default()
	raw, err := json.Marshal(map[string]any{"deal": old.Deal, "complaint": old.Complaint, "calendar": old.Calendar,
		"catalogs": old.Catalogs, "duration_units": unitsFormat})
	if err == nil {
		_, err = models.SavePolicy(context.Background(), db, raw, "admin")
	}
	if err != nil {
		t.Fatal(err)
	}
}
