package reports_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// overlayNow is the instant the overlay tests look at the read model.
var overlayNow = at("2026-03-01T00:00:00Z")

// days before overlayNow.
func ago(d int) *time.Time { t := overlayNow.Add(-time.Duration(d) * 24 * time.Hour); return &t }

// overlayDeal is an open (stage set) or lost (lost set) deal of owner,
// which entered its stage days ago.
func overlayDeal(id, owner, stage, status, lostStage string, days int) *models.Deal {
	d := &models.Deal{ID: id, ClientID: "c1", Owner: owner, Title: id, Currency: "EUR", Stage: stage, Status: status,
		LostStage: lostStage, CreatedAt: *ago(100), PresentationAt: ago(100)}
	switch stage {
	case "offer":
		d.OfferAt = ago(days)
	case "contract":
		d.OfferAt, d.ContractAt = ago(90), ago(days)
	}
	return d
}

// TestDealOverlay counts open deals, losses and overdue points per element
// of the deal map, within the caller's scope, on PostgreSQL and SQLite.
func TestDealOverlay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		cp := func(subject, id, kind, stage, owner, status string) *models.ControlPoint {
			return &models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: subject, ID: id, Kind: kind, Stage: stage, Owner: owner, Status: status}
		}
		won := &models.Deal{ID: "w1", ClientID: "c1", Owner: "alice", Title: "w", Currency: "EUR", Stage: "close", Status: "won", NextContactAt: ago(-10), CreatedAt: *ago(100)}
		setup(t, db,
			&models.Client{ID: "c1", Name: "Client"},
			overlayDeal("o1", "alice", "offer", "open", "", 1),
			overlayDeal("o2", "alice", "offer", "open", "", 3),
			overlayDeal("o3", "bob", "offer", "open", "", 10),
			overlayDeal("o4", "carol", "offer", "open", "", 50),
			overlayDeal("k1", "alice", "contract", "open", "", 2),
			overlayDeal("l1", "alice", "offer", "lost", "offer", 5),
			overlayDeal("l2", "bob", "presentation", "lost", "presentation", 5),
			won,
			cp("o1", "offer-v1", "offer_validity", "offer", "alice", "overdue"),
			cp("o2", "offer-v1", "offer_validity", "offer", "alice", "open"),
			cp("k1", "contract-corrections", "corrections", "contract", "alice", "overdue"),
			cp("o4", "offer-v1", "offer_validity", "offer", "carol", "overdue"),
			cp("w1", "follow-up", "follow_up", "close", "alice", "overdue"),
			cp("o3", "contact", "contact_interval", "offer", "bob", "done"),
		)
		admin, mgr, alice := scopes(t, db)
		ctx := context.Background()
		o, err := reports.DealOverlay(ctx, db, mgr, overlayNow)
		if err != nil {
			t.Fatal(err)
		}
		day := int64(24 * 3600)
		want := map[string]reports.OverlayElement{
			"Stage_offer":                {Open: 3, Overdue: 1, Lost: 1, MedianSeconds: &[]int64{3 * day}[0]},
			"Stage_contract":             {Open: 1, Overdue: 1, MedianSeconds: &[]int64{2 * day}[0]},
			"Stage_presentation":         {Lost: 1},
			"Point_offer_validity":       {Open: 2, Overdue: 1},
			"Point_corrections_contract": {Open: 1, Overdue: 1},
			"FollowUp":                   {Open: 1, Overdue: 1},
			"Point_follow_up":            {Open: 1, Overdue: 1},
			"End_lost":                   {Lost: 2},
			"Stage_close":                {},
		}
		for id, w := range want {
			checkElement(t, o, id, w)
		}
		if o.Heat.Min == nil || *o.Heat.Min != 2*day || *o.Heat.Max != 3*day {
			t.Errorf("heat = %+v, want 2 to 3 days", o.Heat)
		}
		mine, err := reports.DealOverlay(ctx, db, alice, overlayNow)
		if err != nil {
			t.Fatal(err)
		}
		// Nearest-rank: of two, the shorter time (1 day); of four, the second (3 days).
		checkElement(t, mine, "Stage_offer", reports.OverlayElement{Open: 2, Overdue: 1, Lost: 1, MedianSeconds: &[]int64{day}[0]})
		all, err := reports.DealOverlay(ctx, db, admin, overlayNow)
		if err != nil {
			t.Fatal(err)
		}
		checkElement(t, all, "Stage_offer", reports.OverlayElement{Open: 4, Overdue: 2, Lost: 1, MedianSeconds: &[]int64{3 * day}[0]})
		none, err := reports.DealOverlay(ctx, db, models.Scope{}, overlayNow)
		if err != nil {
			t.Fatal(err)
		}
		checkElement(t, none, "Stage_offer", reports.OverlayElement{})
	})
}

// TestComplaintOverlay counts open complaints and overdue points per step
// and finds the median time since each entered its step.
func TestComplaintOverlay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		c := func(id, assignee, step string, days int) *models.Complaint {
			return &models.Complaint{ID: id, Number: "C-" + id, ClientID: "c1", Channel: "phone", Category: "quality", Severity: "normal",
				Status: "open", Step: step, Assignee: assignee, RegisteredAt: *ago(days)}
		}
		setup(t, db,
			&models.Client{ID: "c1", Name: "Client"},
			c("a1", "alice", "acknowledgement", 1),
			c("i1", "alice", "investigation", 30),
			c("i2", "bob", "investigation", 30),
			c("x1", "carol", "investigation", 30),
			&models.ComplaintEvent{ComplaintID: "i1", Seq: 2, Type: "step_entered", Step: "investigation", At: *ago(20)},
			&models.ComplaintEvent{ComplaintID: "i1", Seq: 5, Type: "step_entered", Step: "investigation", At: *ago(4)},
			&models.ComplaintEvent{ComplaintID: "i2", Seq: 2, Type: "step_entered", Step: "investigation", At: *ago(6)},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "i1", ID: "investigate", Kind: "complaint_investigate", Owner: "alice", Status: "overdue"},
			&models.ControlPoint{SubjectType: models.SubjectComplaint, SubjectID: "x1", ID: "investigate", Kind: "complaint_investigate", Owner: "carol", Status: "overdue"},
		)
		_, mgr, _ := scopes(t, db)
		o, err := reports.ComplaintOverlay(context.Background(), db, mgr, overlayNow)
		if err != nil {
			t.Fatal(err)
		}
		day := int64(24 * 3600)
		checkElement(t, o, "Step_investigation", reports.OverlayElement{Open: 2, Overdue: 1, MedianSeconds: &[]int64{4 * day}[0]})
		checkElement(t, o, "Step_acknowledgement", reports.OverlayElement{Open: 1, MedianSeconds: &[]int64{day}[0]})
		checkElement(t, o, "Point_complaint_investigate", reports.OverlayElement{Open: 1, Overdue: 1})
		checkElement(t, o, "End_closed", reports.OverlayElement{})
	})
}

// checkElement compares one element of an overlay.
func checkElement(t *testing.T, o *reports.Overlay, id string, want reports.OverlayElement) {
	t.Helper()
	got := o.Elements[id]
	if got == nil {
		t.Errorf("%s: no element", id)
		return
	}
	same := got.Open == want.Open && got.Overdue == want.Overdue && got.Lost == want.Lost &&
		(got.MedianSeconds == nil) == (want.MedianSeconds == nil) &&
		(got.MedianSeconds == nil || *got.MedianSeconds == *want.MedianSeconds)
	if !same {
		g, w := "null", "null"
		if got.MedianSeconds != nil {
			g = time.Duration(*got.MedianSeconds * int64(time.Second)).String()
		}
		if want.MedianSeconds != nil {
			w = time.Duration(*want.MedianSeconds * int64(time.Second)).String()
		}
		t.Errorf("%s = %+v (median %s), want %+v (median %s)", id, *got, g, want, w)
	}
}
