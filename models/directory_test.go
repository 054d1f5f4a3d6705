package models_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// directoryFixture has a client in each state, one client of bob's and
// one created by bob with a deal of alice's:
//
//	k1 in a deal (its newest open deal in the contract stage), with a
//	   contact logged; k2 between sales by its won deal's next contact;
//	   k3 between sales by its won deal's open follow-up point; k4 lost;
//	   k5 without deals; k6 bob's; k7 bob's with alice's won deal whose
//	   follow-up is done (no next contact).
func directoryFixture(t *testing.T, db *gorm.DB) {
	t.Helper()
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	next := h(24 * 60)
	clients := []models.Client{
		{ID: "k1", Name: "ООО Ромашка", Email: "info@romashka.ru", Segment: "corporate", CreatedBy: "alice", CreatedAt: h(1)},
		{ID: "k2", Name: "Vasilek 100% Ltd", Email: "hello@vasilek.example", CreatedBy: "alice", CreatedAt: h(2)},
		{ID: "k3", Name: "Oduvanchik", Segment: "corporate", CreatedBy: "alice", CreatedAt: h(3)},
		{ID: "k4", Name: "Lost & Co", CreatedBy: "alice", CreatedAt: h(4)},
		{ID: "k5", Name: "Fresh", CreatedBy: "alice", CreatedAt: h(5)},
		{ID: "k6", Name: "Bob's", CreatedBy: "bob", CreatedAt: h(6)},
		{ID: "k7", Name: "Handed over", CreatedBy: "bob", CreatedAt: h(7)},
	}
	for i := range clients {
		if err := models.CreateClient(ctx, db, &clients[i]); err != nil {
			t.Fatal(err)
		}
	}
	won := func(id, client, product string, closed time.Time) models.Deal {
		return models.Deal{ID: id, ClientID: client, Owner: "alice", Product: product, Stage: "close", Status: "won", CreatedAt: closed.Add(-time.Hour), ClosedAt: &closed}
	}
	k2 := won("e2", "k2", "events", h(20))
	k2.NextContactAt, k2.NextContactPurpose, k2.NextContactProduct = &next, "New Year party", "catering"
	k4 := models.Deal{ID: "e4b", ClientID: "k4", Owner: "bob", Stage: "offer", Status: "lost", CreatedAt: h(30)}
	insertDeals(t, db, []models.Deal{
		{ID: "e1a", ClientID: "k1", Owner: "alice", Stage: "offer", Status: "open", CreatedAt: h(10)},
		{ID: "e1b", ClientID: "k1", Owner: "alice", Stage: "contract", Status: "open", CreatedAt: h(11)},
		won("e1c", "k1", "events", h(9)),
		won("e2a", "k2", "events", h(8)), k2,
		won("e3", "k3", "training", h(20)),
		won("e4a", "k4", "events", h(20)), k4,
		won("e7", "k7", "events", h(20)),
	})
	points := []models.ControlPoint{
		{SubjectType: models.SubjectDeal, SubjectID: "e3", ID: "follow-up", Kind: "follow_up", Subject: "Follow-up contact", Owner: "alice", Status: models.PointOverdue, DueAt: h(500)},
		{SubjectType: models.SubjectDeal, SubjectID: "e7", ID: "follow-up", Kind: "follow_up", Owner: "alice", Status: models.PointDone, DueAt: h(500)},
	}
	events := []models.DealEvent{
		{DealID: "e1a", CaseEvent: models.CaseEvent{Seq: 1, Type: "log_contact", At: h(12)}},
		{DealID: "e1b", CaseEvent: models.CaseEvent{Seq: 1, Type: "log_contact", At: h(13)}},
		{DealID: "e1b", CaseEvent: models.CaseEvent{Seq: 2, Type: "reassign", At: h(14)}},
	}
	if err := db.Create(&points).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&events).Error; err != nil {
		t.Fatal(err)
	}
}

// listClients follows the cursors and returns the rows.
func listClients(t *testing.T, db *gorm.DB, f models.ClientFilter) (rows []models.ClientRow, pages int) {
	t.Helper()
	for {
		items, next, err := models.ListClients(ctx, db, f)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		rows = append(rows, items...)
		if next == "" || pages > 10 {
			return rows, pages
		}
		f.Cursor = next
	}
}

func clientIDs(rows []models.ClientRow) string {
	return strings.Join(keys(rows, func(r models.ClientRow) string { return r.ID }), ",")
}

func TestClientDirectoryStates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		directoryFixture(t, db)
		f := models.ClientFilter{Scope: models.StaffScope("alice"), Limit: 2, ContactEvents: []string{"log_contact"}}
		rows, pages := listClients(t, db, f)
		if got := clientIDs(rows); got != "k7,k5,k4,k3,k2,k1" || pages != 3 {
			t.Fatalf("alice's clients %s in %d pages, want k7..k1 (not bob's k6) in 3", got, pages)
		}
		got := map[string]string{}
		for _, r := range rows {
			got[r.ID] = r.State + "|" + r.Stage + "|" + r.Owner
		}
		want := map[string]string{
			"k1": "in_deal|contract|alice", "k2": "between_sales||alice", "k3": "between_sales||alice",
			"k4": "lost||bob", "k5": "no_next_contact||alice", "k7": "no_next_contact||alice",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("states %v\nwant %v", got, want)
		}
		k1, k2, k3 := rows[5], rows[4], rows[3]
		if k1.OpenDeals != 2 || k1.OpenDealID != "e1b" || k1.LastContactAt == nil || !k1.LastContactAt.Equal(t0.Add(13*time.Hour)) {
			t.Errorf("k1 = %+v: want 2 open deals, e1b newest, last contact at +13h", k1)
		}
		if k2.NextContactAt == nil || !k2.NextContactAt.Equal(t0.Add(24*60*time.Hour)) || k2.NextContactPurpose != "New Year party" || k2.NextContactProduct != "catering" {
			t.Errorf("k2 next contact = %+v", k2)
		}
		if k3.NextContactAt == nil || !k3.NextContactAt.Equal(t0.Add(500*time.Hour)) || k3.NextContactPurpose != "Follow-up contact" || k3.NextContactProduct != "training" || k3.LastContactAt != nil {
			t.Errorf("k3 next contact = %+v", k3)
		}

		for _, c := range []struct {
			f    models.ClientFilter
			want string
		}{
			{models.ClientFilter{Query: "РОМАШ"}, "k1"},
			{models.ClientFilter{Query: "vasilek.EXAMPLE"}, "k2"},
			{models.ClientFilter{Query: "100%"}, "k2"},
			{models.ClientFilter{Query: "%"}, "k2"},
			{models.ClientFilter{Query: "_"}, ""},
			{models.ClientFilter{Segment: "corporate"}, "k3,k1"},
			{models.ClientFilter{Owner: "bob"}, "k6,k4"},
			{models.ClientFilter{States: []string{models.StateNoNextContact}}, "k7,k6,k5"},
			{models.ClientFilter{States: []string{models.StateBetweenSales, models.StateLost}}, "k4,k3,k2"},
			{models.ClientFilter{States: []string{models.StateInDeal}, Query: "romashka"}, "k1"},
		} {
			c.f.Scope = models.Everyone()
			rows, _ := listClients(t, db, c.f)
			if got := clientIDs(rows); got != c.want {
				t.Errorf("%+v: %s, want %s", c.f, got, c.want)
			}
			n, err := models.CountClients(ctx, db, c.f)
			if err != nil || int(n) != len(rows) {
				t.Errorf("%+v: count %d (%v), want %d", c.f, n, err, len(rows))
			}
		}
	})
}

func TestListsCarryClientNames(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.CreateClient(ctx, db, &models.Client{ID: "k1", Name: "Romashka", CreatedBy: "alice"}); err != nil {
			t.Fatal(err)
		}
		insertDeals(t, db, []models.Deal{{ID: "d1", ClientID: "k1", Owner: "alice", Stage: "offer", Status: "open", CreatedAt: t0}})
		insertComplaints(t, db, []models.Complaint{{ID: "m1", ClientID: "k1", DealID: "d1", Assignee: "alice", RegisteredAt: t0}})
		rows := []any{
			&models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: "d1", ID: "p", Kind: "protocol", Owner: "alice", Status: models.PointOpen, DueAt: t0},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "m1", ID: "p", Kind: "ack", Owner: "alice", Status: models.PointOpen, DueAt: t0},
			&models.Notification{ID: "n1", Recipient: "alice", Kind: "reminder", DealID: "d1", CreatedAt: t0},
			&models.Notification{ID: "n2", Recipient: "alice", Kind: "reminder", ComplaintID: "m1", CreatedAt: t0.Add(time.Second)},
		}
		for _, r := range rows {
			if err := db.Create(r).Error; err != nil {
				t.Fatal(err)
			}
		}
		all := models.Everyone()
		deals, _, err := models.ListDeals(ctx, db, models.DealFilter{Scope: all})
		if err != nil || len(deals) != 1 || deals[0].ClientName != "Romashka" {
			t.Errorf("deals %+v, %v", deals, err)
		}
		complaints, _, err := models.ListComplaints(ctx, db, models.ComplaintFilter{Scope: all})
		if err != nil || len(complaints) != 1 || complaints[0].ClientName != "Romashka" {
			t.Errorf("complaints %+v, %v", complaints, err)
		}
		points, _, err := models.ListControlPoints(ctx, db, models.ControlPointFilter{Scope: all})
		if err != nil || len(points) != 2 {
			t.Fatalf("points %+v, %v", points, err)
		}
		notes, err := models.Notifications(ctx, db, "alice", false, 0)
		if err != nil || len(notes) != 2 {
			t.Fatalf("notifications %+v, %v", notes, err)
		}
		for _, got := range [][2]string{{points[0].ClientID, points[0].ClientName}, {points[1].ClientID, points[1].ClientName},
			{notes[0].ClientID, notes[0].ClientName}, {notes[1].ClientID, notes[1].ClientName}} {
			if got != [2]string{"k1", "Romashka"} {
				t.Errorf("client %v, want k1 Romashka", got)
			}
		}
	})
}
