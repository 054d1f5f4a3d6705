package models_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// fiveComplaints are listed newest first as k5, k4, k3, k2, k1; k3 and k2
// share a registration time, so the ID breaks the tie.
var fiveComplaints = []models.Complaint{
	{ID: "k1", ClientID: "c1", DealID: "d1", Category: "quality", Status: "open", RegisteredAt: t0},
	{ID: "k2", ClientID: "c2", DealID: "", Category: "timing", Status: "closed", RegisteredAt: t0.Add(time.Hour)},
	{ID: "k3", ClientID: "c1", DealID: "d1", Category: "quality", Status: "closed", RegisteredAt: t0.Add(time.Hour)},
	{ID: "k4", ClientID: "c2", DealID: "d2", Category: "quality", Status: "open", RegisteredAt: t0.Add(3 * time.Hour)},
	{ID: "k5", ClientID: "c1", DealID: "", Category: "billing", Status: "open", RegisteredAt: t0.Add(2 * time.Hour)},
}

// insertComplaints stores the rows, filling in the mandatory columns the
// fixture leaves empty.
func insertComplaints(t *testing.T, db *gorm.DB, rows []models.Complaint) {
	t.Helper()
	for i := range rows {
		c := rows[i]
		if c.Number == "" {
			c.Number = "C-" + c.ID
		}
		if c.ClientID == "" {
			c.ClientID = "c1"
		}
		for _, f := range []*string{&c.Channel, &c.Severity, &c.Step} {
			if *f == "" {
				*f = "x"
			}
		}
		if err := db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// listAllComplaints follows the cursors from the first page to the last.
func listAllComplaints(t *testing.T, db *gorm.DB, f models.ComplaintFilter) (ids []string, pages int) {
	t.Helper()
	for {
		items, next, err := models.ListComplaints(ctx, db, f)
		if err != nil {
			t.Fatal(err)
		}
		if f.Limit > 0 && len(items) > f.Limit {
			t.Fatalf("page of %d complaints, limit %d", len(items), f.Limit)
		}
		pages++
		for _, c := range items {
			ids = append(ids, c.ID)
		}
		if next == "" {
			return ids, pages
		}
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		f.Cursor = next
	}
}

func TestListComplaintsPagesNewestFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		insertComplaints(t, db, fiveComplaints)
		ids, pages := listAllComplaints(t, db, models.ComplaintFilter{Scope: models.Everyone(), Limit: 2})
		if want := []string{"k4", "k5", "k3", "k2", "k1"}; !reflect.DeepEqual(ids, want) || pages != 3 {
			t.Errorf("pages of 2 gave %v in %d pages, want %v in 3", ids, pages, want)
		}
		ids, pages = listAllComplaints(t, db, models.ComplaintFilter{Scope: models.Everyone()})
		if len(ids) != 5 || pages != 1 {
			t.Errorf("default limit gave %v in %d pages, want 5 complaints in 1", ids, pages)
		}
		for _, c := range []struct {
			f    models.ComplaintFilter
			want []string
		}{
			{models.ComplaintFilter{Scope: models.Everyone(), Status: "open", Limit: 1}, []string{"k4", "k5", "k1"}},
			{models.ComplaintFilter{Scope: models.Everyone(), Status: "closed"}, []string{"k3", "k2"}},
			{models.ComplaintFilter{Scope: models.Everyone(), ClientID: "c1", Limit: 2}, []string{"k5", "k3", "k1"}},
			{models.ComplaintFilter{Scope: models.Everyone(), DealID: "d1"}, []string{"k3", "k1"}},
			{models.ComplaintFilter{Scope: models.Everyone(), Category: "quality", Limit: 2}, []string{"k4", "k3", "k1"}},
			{models.ComplaintFilter{Scope: models.Everyone(), ClientID: "c1", Category: "quality", Status: "open"}, []string{"k1"}},
			{models.ComplaintFilter{Scope: models.Everyone(), Category: "staff"}, nil},
		} {
			if got, _ := listAllComplaints(t, db, c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%+v gave %v, want %v", c.f, got, c.want)
			}
		}
	})
}

func TestListComplaintsRejectsBadCursor(t *testing.T) {
	db := testdb.SQLite(t)
	insertComplaints(t, db, fiveComplaints)
	b64 := base64.RawURLEncoding.EncodeToString
	for _, c := range []string{"!!!", b64([]byte("not json")), b64([]byte("{}")), b64([]byte(`{"i":"k1"}`))} {
		if _, _, err := models.ListComplaints(ctx, db, models.ComplaintFilter{Scope: models.Everyone(), Cursor: c}); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("cursor %q: err = %v, want ErrBadCursor", c, err)
		}
	}
}

func TestComplaintDetails(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		insertComplaints(t, db, fiveComplaints[:1])
		c, err := models.GetComplaint(ctx, db, "k1")
		if err != nil || c.ID != "k1" || c.Number != "C-k1" || !c.RegisteredAt.Equal(t0) {
			t.Fatalf("GetComplaint = %+v, %v", c, err)
		}
		if _, err := models.GetComplaint(ctx, db, "nope"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("GetComplaint(nope): err = %v, want ErrNotFound", err)
		}
		for _, row := range []any{
			&models.ComplaintEvent{ComplaintID: "k1", Seq: 2, Type: "b"}, &models.ComplaintEvent{ComplaintID: "k1", Seq: 10, Type: "c"},
			&models.ComplaintEvent{ComplaintID: "k1", Seq: 1, Type: "a"}, &models.ComplaintEvent{ComplaintID: "k2", Seq: 3, Type: "other"},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "k1", ID: "z", Kind: "k", Status: "open", DueAt: t0},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "k1", ID: "y", Kind: "k", Status: "open", DueAt: t0.Add(time.Hour)},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "k1", ID: "a", Kind: "k", Status: "open", DueAt: t0.Add(time.Hour)},
			// Not the complaint's: a deal's point with the same subject ID,
			// and another complaint's.
			&models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: "k1", ID: "b", Kind: "k", Status: "open", DueAt: t0},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "k2", ID: "c", Kind: "k", Status: "open", DueAt: t0},
		} {
			if err := db.Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		events, err := models.ComplaintHistory(ctx, db, "k1")
		if got := fmt.Sprint(keys(events, func(e models.ComplaintEvent) string { return fmt.Sprint(e.Seq, e.Type) })); err != nil || got != "[1a 2b 10c]" {
			t.Errorf("history = %s, %v", got, err)
		}
		points, err := models.ComplaintControlPoints(ctx, db, "k1")
		if got := fmt.Sprint(keys(points, func(p models.ControlPoint) string { return p.ID })); err != nil || got != "[z a y]" {
			t.Errorf("control points = %s, %v", got, err)
		}
		if points, err := models.DealControlPoints(ctx, db, "k1"); err != nil || len(points) != 1 || points[0].ID != "b" {
			t.Errorf("deal control points of k1 = %+v, %v; want only b", points, err)
		}
	})
}

func TestComplaintNumberIsUnique(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		insertComplaints(t, db, []models.Complaint{{ID: "k1", Number: "C-2026-000001", ClientID: "c", Category: "q", Status: "open", RegisteredAt: t0}})
		err := db.Create(&models.Complaint{ID: "k2", Number: "C-2026-000001", ClientID: "c", Category: "q",
			Channel: "x", Severity: "x", Step: "x", Status: "open", RegisteredAt: t0}).Error
		if !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("second complaint with the same number: err = %v, want gorm.ErrDuplicatedKey", err)
		}
	})
}

// The report period is March 2026: [from, to).
var (
	from = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
)

func at(month time.Month, day, hour, minute, second int) time.Time {
	return time.Date(2026, month, day, hour, minute, second, 0, time.UTC)
}

func after(t time.Time, d time.Duration) *time.Time {
	u := t.Add(d)
	return &u
}

// reportComplaints is the fixture of TestComplaintReport: five complaints
// registered in the period (k1 exactly at its start) and two outside it (k0
// one second before, k6 exactly at its end). Only the outside ones use
// severity low, channel meeting and process step contract, so any of those
// keys in the report means an outside complaint was counted.
//
//	id  registered        category severity channel step     ack after       closed after       status on_time recurrence
//	k0  02-28 23:59:59    quality  low      meeting contract 1s              1d                 closed yes     yes  (outside)
//	k1  03-01 00:00:00    quality  normal   phone   offer    2h  =   7200s   10d =   864000s    closed yes     no
//	k2  03-05 10:00:00    quality  high     email   event    30m =   1800s   4d  =   345600s    closed no      no
//	k3  03-10 12:00:00    quality  normal   survey  event    26h =  93600s   20d =  1728000s    closed yes     yes
//	k4  03-20 15:00:00    timing   critical phone   payment  1h  =   3600s   -                  open   -       no
//	k5  03-31 23:59:59    timing   normal   email   (none)   -               -                  open   -       yes
//	k6  04-01 00:00:00    timing   low      meeting contract 1s              1d                 closed yes     yes  (outside)
var reportComplaints = []models.Complaint{
	{ID: "k0", Category: "quality", Severity: "low", Channel: "meeting", ProcessStep: "contract",
		RegisteredAt: from.Add(-time.Second), AcknowledgedAt: after(from.Add(-time.Second), time.Second),
		ClosedAt: after(from.Add(-time.Second), 24*time.Hour), Status: "closed", OnTime: true, Recurrence: true, RecurrenceOf: "kx"},
	{ID: "k1", Category: "quality", Severity: "normal", Channel: "phone", ProcessStep: "offer",
		RegisteredAt: from, AcknowledgedAt: after(from, 2*time.Hour),
		ClosedAt: after(from, 10*24*time.Hour), Status: "closed", OnTime: true},
	{ID: "k2", Category: "quality", Severity: "high", Channel: "email", ProcessStep: "event",
		RegisteredAt: at(3, 5, 10, 0, 0), AcknowledgedAt: after(at(3, 5, 10, 0, 0), 30*time.Minute),
		ClosedAt: after(at(3, 5, 10, 0, 0), 4*24*time.Hour), Status: "closed", OnTime: false},
	{ID: "k3", Category: "quality", Severity: "normal", Channel: "survey", ProcessStep: "event",
		RegisteredAt: at(3, 10, 12, 0, 0), AcknowledgedAt: after(at(3, 10, 12, 0, 0), 26*time.Hour),
		ClosedAt: after(at(3, 10, 12, 0, 0), 20*24*time.Hour), Status: "closed", OnTime: true, Recurrence: true, RecurrenceOf: "k1"},
	{ID: "k4", Category: "timing", Severity: "critical", Channel: "phone", ProcessStep: "payment",
		RegisteredAt: at(3, 20, 15, 0, 0), AcknowledgedAt: after(at(3, 20, 15, 0, 0), time.Hour), Status: "open"},
	{ID: "k5", Category: "timing", Severity: "normal", Channel: "email",
		RegisteredAt: at(3, 31, 23, 59, 59), Status: "open", Recurrence: true, RecurrenceOf: "k4"},
	{ID: "k6", Category: "timing", Severity: "low", Channel: "meeting", ProcessStep: "contract",
		RegisteredAt: to, AcknowledgedAt: after(to, time.Second),
		ClosedAt: after(to, 24*time.Hour), Status: "closed", OnTime: true, Recurrence: true, RecurrenceOf: "k5"},
}

// reportDeals: four deals won in the period (one exactly at its start, one
// a second before its end), two won outside it (a second before the start,
// exactly at the end), one lost and one still open within it.
var reportDeals = []models.Deal{
	{ID: "w1", Status: "won", ClosedAt: &from},
	{ID: "w2", Status: "won", ClosedAt: after(at(3, 10, 0, 0, 0), 0)},
	{ID: "w3", Status: "won", ClosedAt: after(at(3, 15, 12, 0, 0), 0)},
	{ID: "w4", Status: "won", ClosedAt: after(at(3, 31, 23, 59, 59), 0)},
	{ID: "w-before", Status: "won", ClosedAt: after(from, -time.Second)},
	{ID: "w-after", Status: "won", ClosedAt: &to},
	{ID: "lost", Status: "lost", ClosedAt: after(at(3, 12, 0, 0, 0), 0)},
	{ID: "open", Status: "open"},
}

func TestComplaintReport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		insertComplaints(t, db, reportComplaints)
		deals := make([]models.Deal, len(reportDeals))
		for i, d := range reportDeals {
			d.ClientID, d.Owner, d.Stage, d.CreatedAt = "c1", "alice", "close", from.Add(-48*time.Hour)
			deals[i] = d
		}
		insertDeals(t, db, deals)

		// The period is given in another zone: the report works in UTC.
		moscow := time.FixedZone("MSK", 3*3600)
		got, err := models.ComplaintReport(ctx, db, models.Everyone(), from.In(moscow), to.In(moscow))
		if err != nil {
			t.Fatal(err)
		}

		// Worked out by hand from the fixture; k0 and k6 are outside.
		want := &models.ComplaintStats{
			From: from, To: to,
			Total: 5, // k1..k5
			// quality: k1 k2 k3; timing: k4 k5.
			ByCategory: map[string]int{"quality": 3, "timing": 2},
			// normal: k1 k3 k5; high: k2; critical: k4.
			BySeverity: map[string]int{"normal": 3, "high": 1, "critical": 1},
			// offer: k1; event: k2 k3; payment: k4; k5 not investigated.
			ByProcessStep: map[string]int{"offer": 1, "event": 2, "payment": 1},
			// phone: k1 k4; email: k2 k5; survey: k3.
			ByChannel: map[string]int{"phone": 2, "email": 2, "survey": 1},
			// Acknowledged: k1 7200s, k2 1800s, k3 93600s, k4 3600s; sorted
			// [1800 3600 7200 93600], n = 4 (even).
			// median: index ceil(0.5*4)-1 = 1 -> 3600 (not the 5400 an
			// interpolating median would give);
			// p90: index ceil(0.9*4)-1 = ceil(3.6)-1 = 3 -> 93600.
			TimeToAcknowledge: models.DurationStats{Count: 4, MedianSeconds: ptr[int64](3600), P90Seconds: ptr[int64](93600)},
			// Closed: k1 864000s, k2 345600s, k3 1728000s; sorted
			// [345600 864000 1728000], n = 3.
			// median: index ceil(1.5)-1 = 1 -> 864000;
			// p90: index ceil(2.7)-1 = 2 -> 1728000.
			TimeToClose: models.DurationStats{Count: 3, MedianSeconds: ptr[int64](864000), P90Seconds: ptr[int64](1728000)},
			// Closed k1 k2 k3, on time k1 k3: 2/3*100 = 66.66.. -> 66.7.
			Closed: 3, ClosedOnTime: 2, ClosedOnTimePercent: ptr(66.7),
			// k3 and k5.
			Recurrences: 2,
			// w1 w2 w3 w4; not w-before, w-after, lost, open.
			ClosedDeals: 4,
			// 5*100/4 = 125.0.
			ComplaintsPer100ClosedDeals: ptr(125.0),
		}
		if !reflect.DeepEqual(got, want) {
			gotJSON, _ := json.MarshalIndent(got, "", "  ")
			wantJSON, _ := json.MarshalIndent(want, "", "  ")
			t.Errorf("report =\n%s\nwant\n%s", gotJSON, wantJSON)
		}

		// An empty period: no figures that divide by zero, empty maps.
		empty, err := models.ComplaintReport(ctx, db, models.Everyone(), at(6, 1, 0, 0, 0), at(7, 1, 0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(empty)
		const wantEmpty = `{"from":"2026-06-01T00:00:00Z","to":"2026-07-01T00:00:00Z","total":0,` +
			`"by_category":{},"by_severity":{},"by_process_step":{},"by_channel":{},` +
			`"time_to_acknowledge":{"count":0,"median_seconds":null,"p90_seconds":null},` +
			`"time_to_close":{"count":0,"median_seconds":null,"p90_seconds":null},` +
			`"closed":0,"closed_on_time":0,"closed_on_time_percent":null,"recurrences":0,` +
			`"closed_deals":0,"complaints_per_100_closed_deals":null}`
		if string(b) != wantEmpty {
			t.Errorf("empty report =\n%s\nwant\n%s", b, wantEmpty)
		}
	})
}

func TestComplaintReportJSON(t *testing.T) {
	s := models.ComplaintStats{
		From: from, To: to, Total: 1,
		ByCategory: map[string]int{"quality": 1}, BySeverity: map[string]int{"high": 1},
		ByProcessStep: map[string]int{"offer": 1}, ByChannel: map[string]int{"phone": 1},
		TimeToAcknowledge: models.DurationStats{Count: 1, MedianSeconds: ptr[int64](60), P90Seconds: ptr[int64](60)},
		Closed:            1, ClosedOnTime: 1, ClosedOnTimePercent: ptr(100.0), ClosedDeals: 3, ComplaintsPer100ClosedDeals: ptr(33.3),
	}
	b, err := json.Marshal(s)
	const want = `{"from":"2026-03-01T00:00:00Z","to":"2026-04-01T00:00:00Z","total":1,` +
		`"by_category":{"quality":1},"by_severity":{"high":1},"by_process_step":{"offer":1},"by_channel":{"phone":1},` +
		`"time_to_acknowledge":{"count":1,"median_seconds":60,"p90_seconds":60},` +
		`"time_to_close":{"count":0,"median_seconds":null,"p90_seconds":null},` +
		`"closed":1,"closed_on_time":1,"closed_on_time_percent":100,"recurrences":0,` +
		`"closed_deals":3,"complaints_per_100_closed_deals":33.3}`
	if err != nil || string(b) != want {
		t.Errorf("JSON = %s, %v\nwant   %s", b, err, want)
	}
}

func ptr[T any](v T) *T { return &v }
