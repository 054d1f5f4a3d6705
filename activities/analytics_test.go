package activities_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// won is the Sync of a deal of client c1 won at closed after two events
// in the presentation stage, one in offer and one in close, with one
// payment and one refund, two offer versions and an escalated point.
func won(id, product string, created, closed time.Time) deal.Sync {
	v := deal.View{
		Header: deal.Header{ID: id, ClientID: "c1", Owner: "alice", Title: "T", Product: product, Amount: 100_00, Currency: "RUB"},
		Stage:  deal.StageClose, Status: deal.StatusWon, CreatedAt: created, UpdatedAt: closed, ClosedAt: &closed,
		Offers:   []deal.Offer{{Version: 1}, {Version: 2}},
		Payments: []deal.Payment{{Kind: deal.KindPayment, Amount: 100_00, At: closed}, {Kind: deal.KindRefund, Amount: 30_00, At: closed}},
		ControlPoints: []casework.ControlPoint{
			{ID: "p1", Kind: deal.PointProtocol, Owner: "alice", Status: casework.PointDone, Escalated: true},
			{ID: "p2", Kind: deal.PointSurvey, Owner: "alice", Status: casework.PointDone},
		},
		Seq: 4,
	}
	s := deal.Sync{View: v}
	for i, st := range []deal.Stage{deal.StagePresentation, deal.StagePresentation, deal.StageOffer, deal.StageClose} {
		s.Events = append(s.Events, casework.HistoryEvent{Seq: i + 1, Type: "step", Actor: "alice", Stage: string(st), At: created.Add(time.Duration(i+1) * time.Hour)})
	}
	return s
}

// TestSyncDealKeepsReportFigures: stage entry times come from the last
// event of the stage before (a skipped stage takes the same time), the
// process counters and payments (refunds negative) from the view, the sale
// kind from the client's earlier won deals, and the client learns its first
// deal and first win whatever order the deals sync in.
func TestSyncDealKeepsReportFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := db.Create(&models.Client{ID: "c1", Name: "C"}).Error; err != nil {
			t.Fatal(err)
		}
		a := &activities.Activities{DB: db}
		day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
		// Synced out of order: d3 (same product as d1, won last), d1 (won
		// first), d2 (another product, won in between).
		for _, s := range []deal.Sync{
			won("d3", "events", day(5), day(9)),
			won("d1", "events", day(0), day(3)),
			won("d2", "training", day(1), day(6)),
		} {
			if err := a.SyncDeal(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		var d1 models.Deal
		if err := db.First(&d1, "id = ?", "d1").Error; err != nil {
			t.Fatal(err)
		}
		// presentation: created; offer: the last presentation event (+2h);
		// contract, payment, event and close: the last offer event (+3h).
		want := []time.Time{day(0), day(0).Add(2 * time.Hour), day(0).Add(3 * time.Hour), day(0).Add(3 * time.Hour), day(0).Add(3 * time.Hour), day(0).Add(3 * time.Hour)}
		for i, got := range []*time.Time{d1.PresentationAt, d1.OfferAt, d1.ContractAt, d1.PaymentAt, d1.EventAt, d1.CloseAt} {
			if got == nil || !got.Equal(want[i]) {
				t.Errorf("stage %s entered at %v, want %v", deal.Stages[i], got, want[i])
			}
		}
		if d1.OfferVersions != 2 || d1.OverduePoints != 1 || d1.PresentationDeclines != 0 || d1.ContractChanges != 0 {
			t.Errorf("counters: %+v", d1)
		}
		var pays []models.Payment
		db.Where("deal_id = ?", "d1").Order("n").Find(&pays)
		if len(pays) != 2 || pays[0].Amount != 100_00 || pays[1].Amount != -30_00 || pays[1].ClientID != "c1" {
			t.Errorf("payments: %+v", pays)
		}
		kinds := map[string]string{}
		var deals []models.Deal
		db.Order("id").Find(&deals)
		for _, d := range deals {
			kinds[d.ID] = d.SaleKind
			if d.NewProduct {
				kinds[d.ID] += "+new"
			}
		}
		// d3 synced first saw no earlier win: the sale kind reflects what
		// was in the read model when the deal was won (see setSale).
		if kinds["d1"] != "first" || kinds["d2"] != "repeat+new" || kinds["d3"] != "first" {
			t.Errorf("sale kinds: %v", kinds)
		}
		var c models.Client
		db.First(&c, "id = ?", "c1")
		if c.FirstDealID != "d1" || !c.FirstDealAt.Equal(day(0)) || !c.FirstWonAt.Equal(day(3)) {
			t.Errorf("client: first deal %s at %v, first won %v", c.FirstDealID, c.FirstDealAt, c.FirstWonAt)
		}
		// Synced again in order, d3 is a repeat sale of a product bought
		// before.
		if err := a.SyncDeal(ctx, func() deal.Sync { s := won("d3", "events", day(5), day(9)); s.View.Seq = 5; return s }()); err != nil {
			t.Fatal(err)
		}
		var d3 models.Deal
		db.First(&d3, "id = ?", "d3")
		if d3.SaleKind != models.SaleRepeat || d3.NewProduct {
			t.Errorf("d3 resynced: %s new product %v", d3.SaleKind, d3.NewProduct)
		}
	})
}
