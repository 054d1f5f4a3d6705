package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func TestDefaultIsValidVersionZero(t *testing.T) {
	d := Default()
	if d.Version != 0 || d.UpdatedBy != "" || d.UpdatedAt != nil {
		t.Errorf("default = %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Problems() != nil {
		t.Errorf("problems of the default: %v", d.Problems())
	}
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"version":0`, `"deal":{`, `"complaint":{`, `"calendar":{`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("JSON %s lacks %s", raw, key)
		}
	}
	if strings.Contains(string(raw), "updated_") {
		t.Errorf("JSON of the default names who updated it: %s", raw)
	}
}

func TestProblems(t *testing.T) {
	d := Default()
	d.Deal.OfferValidity = casework.Duration{}
	d.Deal.Points["nonsense"] = casework.PointPolicy{}
	d.Complaint.Deadlines["urgent"] = d.Complaint.Deadlines[complaint.SeverityLow]
	d.Calendar.TimeZone = "Local"
	p := d.Problems()
	if !strings.Contains(p["deal"], "offer_validity") || !strings.Contains(p["deal"], "unknown nonsense") ||
		!strings.Contains(p["complaint"], "unknown urgent") || !strings.Contains(p["calendar"], "Local") || len(p) != 3 {
		t.Errorf("problems = %v", p)
	}
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "deal: ") || !strings.Contains(err.Error(), "calendar: ") {
		t.Errorf("Validate = %v", err)
	}
}

func TestCloneIsDeep(t *testing.T) {
	d := Default()
	at := time.Now()
	d.UpdatedAt = &at
	c := d.Clone()
	c.Deal.Points[deal.PointSurvey] = casework.PointPolicy{}
	c.Complaint.Categories[0] = "changed"
	c.Calendar.Weekend[0] = "monday"
	*c.UpdatedAt = at.Add(time.Hour)
	if !reflect.DeepEqual(d.Deal, deal.DefaultPolicy()) || d.Complaint.Categories[0] == "changed" ||
		d.Calendar.Weekend[0] == "monday" || !d.UpdatedAt.Equal(at) {
		t.Errorf("changing the clone changed the original: %+v", d)
	}
}

func write(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDeployment(t *testing.T) {
	d, err := Deployment("", "")
	if err != nil || !reflect.DeepEqual(d, Default()) {
		t.Fatalf("without files: %+v, %v", d, err)
	}
	pf := write(t, "policy.json", `{"deal": {"offer_validity": "20d", "survey_complaint_categories": {"speed": "other", "payment_convenience": "other"}}, "complaint": {"categories": ["quality", "other"]}}`)
	cf := write(t, "cal.json", `{"time_zone": "Europe/Moscow", "holidays": ["2027-01-01"]}`)
	d, err = Deployment(pf, cf)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 0 || d.Deal.OfferValidity.String() != "20d" || d.Deal.InvoiceDue.String() != "5bd" ||
		!reflect.DeepEqual(d.Complaint.Categories, []string{"quality", "other"}) ||
		d.Calendar.TimeZone != "Europe/Moscow" || !reflect.DeepEqual(d.Calendar.Holidays, []string{"2027-01-01"}) {
		t.Errorf("deployment = %+v", d)
	}
	for name, body := range map[string]string{
		"flat.json":    `{"offer_validity": "20d"}`,
		"invalid.json": `{"complaint": {"recurrence_window": "-1d"}}`,
		"array.json":   `[]`,
	} {
		if _, err := Deployment(write(t, name, body), ""); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Deployment("", write(t, "cal.json", `{"weekend": ["funday"]}`)); err == nil {
		t.Error("bad calendar: no error")
	}
}

func TestSaveAndCurrent(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		fallback := Default()
		fallback.Deal.OfferValidity = casework.Exact(time.Hour)
		cur, err := Current(ctx, db, fallback)
		if err != nil || !reflect.DeepEqual(cur, fallback) {
			t.Fatalf("Current without versions = %+v, %v; want the fallback", cur, err)
		}

		doc := Default()
		doc.Version, doc.UpdatedBy = 7, "mallory"
		doc.Deal.OfferValidity = casework.Days(20)
		doc.Calendar = calendar.Calendar{Holidays: []string{"2027-01-02", "2027-01-01"}}
		saved, err := Save(ctx, db, doc, "admin")
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != 1 || saved.UpdatedBy != "admin" || saved.UpdatedAt == nil || saved.Deal.OfferValidity.String() != "20d" ||
			!reflect.DeepEqual(saved.Calendar.Holidays, []string{"2027-01-01", "2027-01-02"}) || saved.Calendar.TimeZone != "UTC" {
			t.Errorf("saved = %+v", saved)
		}
		if cur, err = Current(ctx, db, fallback); err != nil || !reflect.DeepEqual(cur, saved) {
			t.Errorf("Current = %+v, %v; want %+v", cur, err, saved)
		}

		bad := Default()
		bad.Deal.SurveyQuestions = nil
		if _, err := Save(ctx, db, bad, "admin"); err == nil {
			t.Error("an invalid document was saved")
		}
		if again, _ := Save(ctx, db, saved, "maria"); again.Version != 2 || again.UpdatedBy != "maria" {
			t.Errorf("second save = %+v", again)
		}
	})
}

// A version saved before a policy field existed reads with its default; a
// version saved before durations carried units reads its whole days as
// business days, as they were meant then (docs/process.md §3), and the
// fields it lacks with today's defaults.
func TestCurrentFillsFieldsMissingFromAnOldVersion(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	old := `{"deal": {"offer_validity": "20d", "survey_delay": "1d12h", "control_points": {"protocol": {"reminders": ["1d", "4h"], "grace": "0s"}}},
		"complaint": {"recurrence_window": "30d"}}`
	if _, err := models.SavePolicy(ctx, db, []byte(old), "admin"); err != nil {
		t.Fatal(err)
	}
	cur, err := Current(ctx, db, Default())
	if err != nil {
		t.Fatal(err)
	}
	wantComplaint := complaint.DefaultPolicy()
	wantComplaint.RecurrenceWindow = casework.Days(30)
	if cur.Version != 1 || cur.Deal.OfferValidity.String() != "20bd" || cur.Deal.SurveyDelay.String() != "36h" ||
		cur.Deal.InvoiceDue.String() != "5bd" || cur.Deal.ContactInterval.String() != "14d" ||
		fmt.Sprint(cur.Deal.Point(deal.PointProtocol).Reminders) != "[1bd 4h]" ||
		!reflect.DeepEqual(cur.Complaint, wantComplaint) || !reflect.DeepEqual(cur.Calendar, calendar.Default()) {
		t.Errorf("current = %+v", cur)
	}
	// Saved again, it keeps that meaning in units.
	again, err := Save(ctx, db, cur, "admin")
	if err != nil || again.Deal.OfferValidity.String() != "20bd" || again.Deal.ContactInterval.String() != "14d" {
		t.Errorf("saved again = %+v, %v", again.Deal, err)
	}
	if _, err := models.SavePolicy(ctx, db, []byte(`not json`), "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := Current(ctx, db, Default()); err == nil || errors.Is(err, models.ErrNotFound) {
		t.Errorf("a corrupt version: err = %v", err)
	}
}

// A version saved before the catalogues existed reads with the default
// ones; the catalogues saved with a version come back as saved.
func TestCatalogsOfSavedVersions(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		old := Default()
		raw, err := json.Marshal(map[string]any{"deal": old.Deal, "complaint": old.Complaint, "calendar": old.Calendar})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := models.SavePolicy(ctx, db, raw, "admin"); err != nil {
			t.Fatal(err)
		}
		cur, err := Current(ctx, db, Default())
		if err != nil || !reflect.DeepEqual(cur.Catalogs, DefaultCatalogs()) {
			t.Fatalf("catalogues of an old version = %+v, %v", cur.Catalogs, err)
		}
		cur.Catalogs.Segments = []string{"restaurants"}
		saved, err := Save(ctx, db, cur, "admin")
		if err != nil || !reflect.DeepEqual(saved.Catalogs.Segments, []string{"restaurants"}) {
			t.Fatalf("saved catalogues = %+v, %v", saved.Catalogs, err)
		}
	})
}
