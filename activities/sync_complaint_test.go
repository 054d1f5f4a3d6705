package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// complaintSyncAt builds the Sync complaint k1 reports after seq history
// events: acknowledged and investigated twice (offer, then contract) by seq
// 3, in the investigate step with its point open; closed from seq 5 on,
// late (not on time), with every point done.
func complaintSyncAt(seq int) complaint.Sync {
	ack := t0.Add(2 * time.Hour)
	v := complaint.View{
		ID: "k1", Number: "C-2025-000007",
		Form: complaint.Form{
			ClientID: "c1", DealID: "d1", Channel: "email", Category: "quality",
			Severity: complaint.SeverityHigh, Description: "cold food",
		},
		RegisteredBy: "alice", Assignee: "bob",
		Step: complaint.StepResolution, Status: complaint.StatusOpen,
		RegisteredAt: t0, UpdatedAt: t0.Add(time.Duration(seq) * time.Hour),
		Recurrence: true, RecurrenceOf: "k0",
		Acknowledgement: &complaint.Acknowledgement{Message: "sorry", By: "alice", At: ack},
		Investigations: []complaint.Investigation{
			{RootCause: "late offer", ProcessStep: "offer", By: "bob", At: t0.Add(3 * time.Hour)},
			{RootCause: "no catering clause", ProcessStep: "contract", By: "bob", At: t0.Add(4 * time.Hour)},
		},
		ControlPoints: []casework.ControlPoint{
			{ID: "acknowledge", Kind: complaint.PointAcknowledge, Stage: string(complaint.StepAcknowledgement),
				Owner: "alice", Status: casework.PointDone, DueAt: t0.Add(24 * time.Hour), OverdueAt: t0.Add(24 * time.Hour), DoneAt: &ack},
			{ID: "resolve", Kind: complaint.PointResolve, Stage: string(complaint.StepResolution),
				Owner: "bob", Status: casework.PointOpen, DueAt: t0.Add(72 * time.Hour), OverdueAt: t0.Add(72 * time.Hour)},
		},
		Seq: seq,
	}
	if seq >= 5 {
		closed := t0.Add(100 * time.Hour)
		v.Step, v.Status, v.ClosedAt, v.OnTime = complaint.StepClosed, complaint.StatusClosed, &closed, false
		v.ControlPoints[1].Status, v.ControlPoints[1].DoneAt = casework.PointDone, &closed
	}
	s := complaint.Sync{View: v}
	for i := 1; i <= seq; i++ {
		s.Events = append(s.Events, casework.HistoryEvent{
			Seq: i, Type: "step", Actor: "bob", At: t0.Add(time.Duration(i) * time.Minute),
			Stage: string(v.Step),
			// "sync" tells which Sync wrote the row: the first one must win.
			Data: json.RawMessage(`{"n":` + strconv.Itoa(i) + `,"sync":` + strconv.Itoa(seq) + `}`),
		})
	}
	return s
}

// complaintSnapshot is every complaint-related row of the read model.
type complaintSnapshot struct {
	Complaints []models.Complaint
	Events     []models.ComplaintEvent
	Points     []models.ControlPoint
}

func takeComplaints(t *testing.T, db *gorm.DB) complaintSnapshot {
	t.Helper()
	var s complaintSnapshot
	for _, q := range []struct {
		dst   any
		order string
	}{
		{&s.Complaints, "id"}, {&s.Events, "complaint_id, seq"}, {&s.Points, "subject_type, subject_id, id"},
	} {
		if err := db.Order(q.order).Find(q.dst).Error; err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSyncComplaintTwiceWritesSameRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		s := complaintSyncAt(3)
		if err := a.SyncComplaint(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		first := takeComplaints(t, db)

		// The retry goes through Temporal's activity machinery.
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		if _, err := env.ExecuteActivity(a.SyncComplaint, s); err != nil {
			t.Fatal(err)
		}
		second := takeComplaints(t, db)

		if !reflect.DeepEqual(first, second) {
			t.Errorf("second sync changed rows:\nfirst  %+v\nsecond %+v", first, second)
		}
		if n := [3]int{len(second.Complaints), len(second.Events), len(second.Points)}; n != [3]int{1, 3, 2} {
			t.Fatalf("complaints, events, points = %v, want [1 3 2]", n)
		}
		c := second.Complaints[0]
		want := models.Complaint{
			ID: "k1", Number: "C-2025-000007", ClientID: "c1", DealID: "d1", Channel: "email",
			Category: "quality", Severity: "high", Status: "open", Step: "resolution", Assignee: "bob",
			RegisteredBy: "alice", ProcessStep: "contract", Recurrence: true, RecurrenceOf: "k0",
			Seq: 3,
		}
		got := c
		got.RegisteredAt, got.AcknowledgedAt, got.ClosedAt, got.UpdatedAt = time.Time{}, nil, nil, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("complaint row = %+v\nwant %+v", got, want)
		}
		if !c.RegisteredAt.Equal(t0) || c.AcknowledgedAt == nil || !c.AcknowledgedAt.Equal(t0.Add(2*time.Hour)) ||
			c.ClosedAt != nil || !c.UpdatedAt.Equal(t0.Add(3*time.Hour)) {
			t.Errorf("complaint times: registered %v, acknowledged %v, closed %v, updated %v",
				c.RegisteredAt, c.AcknowledgedAt, c.ClosedAt, c.UpdatedAt)
		}
		if e := second.Events[1]; e.ComplaintID != "k1" || e.Seq != 2 || e.Step != "resolution" ||
			e.Data != `{"n":2,"sync":3}` || !e.At.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("event 2 = %+v", e)
		}
		for _, p := range second.Points {
			if p.SubjectType != models.SubjectComplaint || p.SubjectID != "k1" || p.Seq != 3 {
				t.Errorf("point %s belongs to %s %s at seq %d, want complaint k1 at seq 3", p.ID, p.SubjectType, p.SubjectID, p.Seq)
			}
		}
		if p := second.Points[1]; p.ID != "resolve" || p.Kind != "complaint_resolve" || p.Owner != "bob" || p.Status != "open" {
			t.Errorf("resolve point = %+v", p)
		}
		if points, err := models.ComplaintControlPoints(context.Background(), db, "k1"); err != nil || len(points) != 2 {
			t.Errorf("ComplaintControlPoints = %+v, %v", points, err)
		}
	})
}

func TestSyncComplaintOlderSyncNeverOverwritesNewer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		ctx := context.Background()
		for _, seq := range []int{3, 5, 3, 4} {
			if err := a.SyncComplaint(ctx, complaintSyncAt(seq)); err != nil {
				t.Fatalf("sync %d: %v", seq, err)
			}
		}
		// Only a higher seq replaces: a different state under the same seq
		// changes nothing.
		same := complaintSyncAt(5)
		same.View.Assignee, same.View.ControlPoints[1].Owner = "mallory", "mallory"
		if err := a.SyncComplaint(ctx, same); err != nil {
			t.Fatal(err)
		}
		got := takeComplaints(t, db)
		if got.Complaints[0].Assignee != "bob" || got.Points[1].Owner != "bob" {
			t.Errorf("a sync of the same seq replaced assignee %q and point owner %q", got.Complaints[0].Assignee, got.Points[1].Owner)
		}
		closed := t0.Add(100 * time.Hour)
		if c := got.Complaints; len(c) != 1 || c[0].Seq != 5 || c[0].Status != "closed" || c[0].Step != "closed" ||
			c[0].ClosedAt == nil || !c[0].ClosedAt.Equal(closed) || c[0].OnTime || !c[0].UpdatedAt.Equal(t0.Add(5*time.Hour)) {
			t.Errorf("complaint = %+v, want the seq 5 state", c)
		}
		var want []string
		for i := 1; i <= 5; i++ {
			first := 3 // events 1-3 came first with the seq 3 sync, 4-5 with seq 5
			if i > 3 {
				first = 5
			}
			want = append(want, fmt.Sprintf(`%d {"n":%d,"sync":%d}`, i, i, first))
		}
		var events []string
		for _, e := range got.Events {
			events = append(events, fmt.Sprintf("%d %s", e.Seq, e.Data))
		}
		if !reflect.DeepEqual(events, want) {
			t.Errorf("events = %q, want %q", events, want)
		}
		for _, p := range got.Points {
			if p.Seq != 5 || p.Status != "done" {
				t.Errorf("point %s = status %s seq %d, want done at seq 5", p.ID, p.Status, p.Seq)
			}
		}
		if p := got.Points[1]; p.ID != "resolve" || p.DoneAt == nil || !p.DoneAt.Equal(closed) {
			t.Errorf("resolve point = %+v", p)
		}
	})
}

// A deal and a complaint whose IDs and point IDs coincide keep their own
// control points: the older complaint sync must not be dropped as stale
// against the deal's newer one, nor overwrite it.
func TestDealAndComplaintPointsDoNotMix(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		ctx := context.Background()
		if err := a.SyncDeal(ctx, syncAt(5)); err != nil {
			t.Fatal(err)
		}
		s := complaintSyncAt(2)
		s.View.ID = "d1"
		s.View.ControlPoints[1].ID = "offer-v1"
		if err := a.SyncComplaint(ctx, s); err != nil {
			t.Fatal(err)
		}
		dealPoints, err := models.DealControlPoints(ctx, db, "d1")
		if err != nil || len(dealPoints) != 2 {
			t.Fatalf("deal points = %+v, %v", dealPoints, err)
		}
		for _, p := range dealPoints {
			if p.SubjectType != models.SubjectDeal || p.Seq != 5 || p.Status != "done" {
				t.Errorf("deal point %+v, want the deal's at seq 5", p)
			}
		}
		complaintPoints, err := models.ComplaintControlPoints(ctx, db, "d1")
		if got := fmt.Sprint(keys(complaintPoints)); err != nil || got != "[acknowledge offer-v1]" {
			t.Fatalf("complaint points = %s, %v", got, err)
		}
		if p := complaintPoints[1]; p.Seq != 2 || p.Kind != "complaint_resolve" || p.Status != "open" {
			t.Errorf("complaint point = %+v", p)
		}
	})
}

func keys(points []models.ControlPoint) []string {
	var out []string
	for _, p := range points {
		out = append(out, p.ID)
	}
	return out
}

func TestSyncComplaintWithoutIDOrNumberIsNonRetryable(t *testing.T) {
	a := &activities.Activities{DB: testdb.SQLite(t)}
	assertNonRetryable(t, a.SyncComplaint(context.Background(), complaint.Sync{}), activities.ErrTypeInvalidInput)
	s := complaintSyncAt(1)
	s.View.Number = ""
	assertNonRetryable(t, a.SyncComplaint(context.Background(), s), activities.ErrTypeInvalidInput)
}

var numberFormat = regexp.MustCompile(`^C-2026-\d{6}$`)

func TestRegisterComplaintHandsOutOneNumberPerComplaint(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		ctx := context.Background()
		reg := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
		in := complaint.RegisterInput{ID: "k1", ClientID: "c1", Category: "quality", RegisteredAt: reg, Since: reg.AddDate(0, 0, -90)}

		r1, err := a.RegisterComplaint(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// The retry goes through Temporal's activity machinery.
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		val, err := env.ExecuteActivity(a.RegisterComplaint, in)
		if err != nil {
			t.Fatal(err)
		}
		var r2 complaint.Registration
		if err := val.Get(&r2); err != nil {
			t.Fatal(err)
		}
		if !numberFormat.MatchString(r1.Number) || r1 != r2 {
			t.Errorf("registering k1 twice gave %+v and %+v, want the same C-2026-NNNNNN number", r1, r2)
		}

		// The year is the registration's, in UTC.
		other := in
		other.ID, other.RegisteredAt = "k2", time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("MSK", 3*3600))
		r3, err := a.RegisterComplaint(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if r3.Number == r1.Number || !regexp.MustCompile(`^C-2025-\d{6}$`).MatchString(r3.Number) {
			t.Errorf("k2 got %q (k1 has %q), want another number of 2025", r3.Number, r1.Number)
		}
		var n int64
		db.Model(&models.ComplaintNumber{}).Count(&n)
		if n != 2 {
			t.Errorf("%d numbers handed out, want 2", n)
		}
	})
}

func TestRegisterComplaintFindsRecurrence(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		ctx := context.Background()
		now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
		days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
		for _, c := range []models.Complaint{
			{ID: "older", ClientID: "c1", Category: "quality", RegisteredAt: days(60)},
			{ID: "recent", ClientID: "c1", Category: "quality", RegisteredAt: days(30)},
			{ID: "too-old", ClientID: "c1", Category: "quality", RegisteredAt: days(91)},
			{ID: "other-category", ClientID: "c1", Category: "timing", RegisteredAt: days(1)},
			{ID: "other-client", ClientID: "c2", Category: "quality", RegisteredAt: days(1)},
			{ID: "later", ClientID: "c1", Category: "quality", RegisteredAt: now.Add(time.Hour)},
			// The registering complaint itself, as after its first sync.
			{ID: "new", ClientID: "c1", Category: "quality", RegisteredAt: now},
		} {
			c.Number, c.Channel, c.Severity, c.Status, c.Step = "C-"+c.ID, "email", "normal", "open", "acknowledgement"
			if err := db.Create(&c).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name             string
			client, category string
			since            time.Time
			want             string
		}{
			{"most recent within 90 days", "c1", "quality", days(90), "recent"},
			{"window start is inclusive", "c1", "quality", days(30), "recent"},
			{"nothing but itself within 20 days", "c1", "quality", days(20), ""},
			{"earlier one within 100 days", "c1", "quality", days(100), "recent"},
			{"other category", "c1", "timing", days(90), "other-category"},
			{"other client", "c2", "quality", days(90), "other-client"},
			{"no complaint of that client and category", "c2", "timing", days(90), ""},
		} {
			in := complaint.RegisterInput{ID: "new", ClientID: c.client, Category: c.category, RegisteredAt: now, Since: c.since}
			r, err := a.RegisterComplaint(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if r.RecurrenceOf != c.want {
				t.Errorf("%s: recurrence of %q, want %q", c.name, r.RecurrenceOf, c.want)
			}
		}
		// Only the too-old one in the window: none.
		in := complaint.RegisterInput{ID: "new", ClientID: "c1", Category: "quality", RegisteredAt: days(85), Since: days(95)}
		if r, err := a.RegisterComplaint(ctx, in); err != nil || r.RecurrenceOf != "too-old" {
			t.Errorf("window [95, 85] days ago: %+v, %v; want too-old", r, err)
		}
		in.Since = days(90)
		if r, err := a.RegisterComplaint(ctx, in); err != nil || r.RecurrenceOf != "" {
			t.Errorf("window [90, 85] days ago: %+v, %v; want none", r, err)
		}
	})
}

func TestRegisterComplaintWithoutIDIsNonRetryable(t *testing.T) {
	a := &activities.Activities{DB: testdb.SQLite(t)}
	_, err := a.RegisterComplaint(context.Background(), complaint.RegisterInput{ClientID: "c1", RegisteredAt: t0})
	assertNonRetryable(t, err, activities.ErrTypeInvalidInput)
}

func TestNotifyStoresComplaintID(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		n := notification("k1/resolve/reminder/1", "bob", false)
		n.DealID, n.ComplaintID, n.ControlPointID = "d1", "k1", "resolve"
		if err := a.Notify(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		var got models.Notification
		if err := db.Take(&got, "complaint_id = ?", "k1").Error; err != nil {
			t.Fatal(err)
		}
		if got.ID != n.Key || got.DealID != "d1" || got.ControlPointID != "resolve" {
			t.Errorf("notification = %+v", got)
		}
	})
}
