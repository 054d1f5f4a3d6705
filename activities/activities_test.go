package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// syncAt builds the Sync a deal reports after seq history events: stage
// offer up to seq 3, contract from seq 4 on (with the offer point done).
func syncAt(seq int) deal.Sync {
	v := deal.View{
		Header: deal.Header{ID: "d1", ClientID: "c1", Owner: "alice", Title: "New Year party", Product: "events",
			Amount: money.Amount(150000_00), Currency: "RUB"},
		Stage: deal.StageOffer, Status: deal.StatusOpen,
		CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(seq) * time.Hour),
		WaitingOn: deal.WaitingClient, WaitingSince: t0.Add(time.Hour),
		Payments: []deal.Payment{
			{Seq: 1, Kind: deal.KindPayment, Amount: 500_00, At: t0},
			{Seq: 2, Kind: deal.KindPayment, Amount: 250_00, At: t0},
			{Seq: 3, Kind: deal.KindRefund, Amount: 100_00, At: t0},
		},
		ControlPoints: []casework.ControlPoint{
			{ID: "protocol", Kind: deal.PointProtocol, Stage: string(deal.StagePresentation), Owner: "alice",
				Status: casework.PointDone, DueAt: t0.Add(24 * time.Hour), OverdueAt: t0.Add(48 * time.Hour)},
			{ID: "offer-v1", Kind: deal.PointOfferValidity, Stage: string(deal.StageOffer), Owner: "alice",
				Status: casework.PointOpen, DueAt: t0.Add(72 * time.Hour), OverdueAt: t0.Add(96 * time.Hour)},
		},
		Documents: []deal.Document{
			{Type: deal.DocProtocol, Version: 1, Ref: "P-1", SentAt: t0},
			{Type: deal.DocOffer, Version: 1, Ref: "O-1", URL: "https://files/o1", SentAt: t0.Add(time.Hour)},
		},
		Seq: seq,
	}
	if seq >= 4 {
		v.Stage, v.WaitingOn = deal.StageContract, deal.WaitingApprover
		done := t0.Add(50 * time.Hour)
		v.ControlPoints[1].Status, v.ControlPoints[1].DoneAt = casework.PointDone, &done
	}
	s := deal.Sync{View: v}
	for i := 1; i <= seq; i++ {
		s.Events = append(s.Events, casework.HistoryEvent{
			Seq: i, Type: "step", Actor: "alice", At: t0.Add(time.Duration(i) * time.Minute),
			Stage: string(v.Stage),
			// "sync" tells which Sync wrote the row: the first one must win.
			Data: json.RawMessage(`{"n":` + strconv.Itoa(i) + `,"sync":` + strconv.Itoa(seq) + `}`),
		})
	}
	return s
}

// snapshot is every deal-related row of the read model.
type snapshot struct {
	Deals    []models.Deal
	Events   []models.DealEvent
	Points   []models.ControlPoint
	Docs     []models.Document
	Messages []models.Notification
}

func take(t *testing.T, db *gorm.DB) snapshot {
	t.Helper()
	var s snapshot
	for _, q := range []struct {
		dst   any
		order string
	}{
		{&s.Deals, "id"}, {&s.Events, "deal_id, seq"}, {&s.Points, "subject_type, subject_id, id"},
		{&s.Docs, "deal_id, type, version"}, {&s.Messages, "id"},
	} {
		if err := db.Order(q.order).Find(q.dst).Error; err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSyncDealTwiceWritesSameRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		s := syncAt(3)
		if err := a.SyncDeal(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		first := take(t, db)

		// The retry goes through Temporal's activity machinery.
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		if _, err := env.ExecuteActivity(a.SyncDeal, s); err != nil {
			t.Fatal(err)
		}
		second := take(t, db)

		if !reflect.DeepEqual(first, second) {
			t.Errorf("second sync changed rows:\nfirst  %+v\nsecond %+v", first, second)
		}
		if n := [4]int{len(second.Deals), len(second.Events), len(second.Points), len(second.Docs)}; n != [4]int{1, 3, 2, 2} {
			t.Fatalf("deals, events, points, documents = %v, want [1 3 2 2]", n)
		}
		d := second.Deals[0]
		if d.PaidAmount != 750_00 || d.RefundedAmount != 100_00 || d.Amount != 150000_00 || d.Seq != 3 ||
			d.Stage != "offer" || d.Owner != "alice" || !d.CreatedAt.Equal(t0) || d.WaitingOn != "client" {
			t.Errorf("deal row = %+v", d)
		}
		if e := second.Events[1]; e.Seq != 2 || e.Data != `{"n":2,"sync":3}` || e.DealID != "d1" || !e.At.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("event 2 = %+v", e)
		}
	})
}

func TestSyncDealOlderSyncNeverOverwritesNewer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		ctx := context.Background()
		for _, seq := range []int{3, 5, 3, 4} {
			if err := a.SyncDeal(ctx, syncAt(seq)); err != nil {
				t.Fatalf("sync %d: %v", seq, err)
			}
		}
		got := take(t, db)
		if len(got.Deals) != 1 || got.Deals[0].Seq != 5 || got.Deals[0].Stage != "contract" ||
			got.Deals[0].WaitingOn != "approver" || !got.Deals[0].UpdatedAt.Equal(t0.Add(5*time.Hour)) {
			t.Errorf("deal = %+v, want the seq 5 state", got.Deals)
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
			if p.SubjectType != models.SubjectDeal || p.SubjectID != "d1" {
				t.Errorf("point %s belongs to %s %s, want deal d1", p.ID, p.SubjectType, p.SubjectID)
			}
			if p.Seq != 5 || p.Status != "done" {
				t.Errorf("point %s = status %s seq %d, want done at seq 5", p.ID, p.Status, p.Seq)
			}
		}
		if p := got.Points[0]; p.ID != "offer-v1" || p.DoneAt == nil || !p.DoneAt.Equal(t0.Add(50*time.Hour)) {
			t.Errorf("offer point = %+v", p)
		}
	})
}

func TestSyncDealWithoutIDIsNonRetryable(t *testing.T) {
	a := &activities.Activities{DB: testdb.SQLite(t)}
	err := a.SyncDeal(context.Background(), deal.Sync{})
	assertNonRetryable(t, err, activities.ErrTypeInvalidInput)
}

func notification(key, recipient string, toManager bool) casework.Notification {
	return casework.Notification{
		Key: key, Kind: casework.NoticeEscalation, DealID: "d1", ControlPointID: "offer-v1",
		Recipient: recipient, ToManager: toManager, Subject: "Offer expired",
		Message: "The offer expired without an answer", DueAt: t0, At: t0.Add(time.Hour),
	}
}

func TestNotifyTwiceStoresOneRow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		n := notification("d1/offer-v1/reminder/1", "alice", false)
		for range 2 {
			if err := a.Notify(context.Background(), n); err != nil {
				t.Fatal(err)
			}
		}
		changed := n
		changed.Subject = "something else"
		if err := a.Notify(context.Background(), changed); err != nil {
			t.Fatal(err)
		}
		got := take(t, db).Messages
		if len(got) != 1 {
			t.Fatalf("%d notifications, want 1", len(got))
		}
		if m := got[0]; m.ID != n.Key || m.Recipient != "alice" || m.Subject != "Offer expired" ||
			m.Kind != "escalation" || !m.CreatedAt.Equal(n.At) || !m.DueAt.Equal(t0) {
			t.Errorf("notification = %+v", m)
		}
	})
}

func TestNotifyResolvesManager(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := &activities.Activities{DB: db}

		err := a.Notify(ctx, notification("none", "alice", true))
		assertNonRetryable(t, err, activities.ErrTypeNoRecipient)

		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&models.Staff{ID: "aaron", Name: "Aaron", Role: models.RoleAdmin}).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			from      string
			toManager bool
			want      string
		}{
			{"alice", true, "maria"},
			{"bob", true, "maria"},
			{"maria", true, "aaron"}, // no manager: the first admin by ID
			{"ghost", true, "aaron"}, // unknown staff
			{"bob", false, "bob"},
		} {
			key := c.from + "/" + c.want
			if err := a.Notify(ctx, notification(key, c.from, c.toManager)); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			var got models.Notification
			if err := db.Take(&got, "id = ?", key).Error; err != nil {
				t.Fatal(err)
			}
			if got.Recipient != c.want {
				t.Errorf("notification about %s (to manager %v) went to %s, want %s", c.from, c.toManager, got.Recipient, c.want)
			}
		}
	})
}

func assertNonRetryable(t *testing.T, err error, errType string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != errType {
		t.Fatalf("error = %v, want a non-retryable application error of type %s", err, errType)
	}
}
