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

// satisfactionRows are the fixture of the satisfaction report as of
// 1 April 2026 over the 12 months before (from 1 April 2025):
//
//	k1 paid events (alice) in January, yearly survey recorded in February: 5, 4, 5
//	k2 paid events in June and training in September (alice); training
//	   surveyed in October: 2, 3, 4; events never
//	k3 paid catering (bob) in March, the deal's own survey then: 4, 4, 4
//	k4 paid events (alice) in December; one survey declined, one open
//	k5 paid in March 2025, before the window, and surveyed then
//	k6 paid events to carol (another team), never surveyed
func satisfactionRows() []any {
	won := func(id, client, owner, product string) *models.Deal {
		d := newDeal(id, client, owner, product, at("2025-01-10T10:00:00Z"))
		d.Stage, d.Status = "close", "won"
		return d
	}
	pay := func(deal, client, when string) *models.Payment {
		return &models.Payment{DealID: deal, N: 1, ClientID: client, Amount: 1000, At: at(when)}
	}
	survey := func(id, client, product, status, opened string, recorded *time.Time) *models.Survey {
		return &models.Survey{ID: id, ClientID: client, Product: product, Owner: "alice", Status: status,
			OpenedAt: at(opened), RecordedAt: recorded, UpdatedAt: at(opened), Seq: 2}
	}
	score := func(survey, client, product, q string, s int, when string) *models.SurveyScore {
		return &models.SurveyScore{SurveyID: survey, Question: q, ClientID: client, Product: product, Score: s, RecordedAt: at(when)}
	}
	return []any{
		won("s1", "k1", "alice", "events"), pay("s1", "k1", "2026-01-15T10:00:00Z"),
		survey("srv-1", "k1", "events", "recorded", "2026-02-01T10:00:00Z", tp("2026-02-03T10:00:00Z")),
		score("srv-1", "k1", "events", "quality", 5, "2026-02-03T10:00:00Z"),
		score("srv-1", "k1", "events", "speed", 4, "2026-02-03T10:00:00Z"),
		score("srv-1", "k1", "events", "payment_convenience", 5, "2026-02-03T10:00:00Z"),
		won("s2", "k2", "alice", "events"), pay("s2", "k2", "2025-06-15T10:00:00Z"),
		won("s3", "k2", "alice", "training"), pay("s3", "k2", "2025-09-15T10:00:00Z"),
		survey("srv-2", "k2", "training", "recorded", "2025-10-01T10:00:00Z", tp("2025-10-02T10:00:00Z")),
		score("srv-2", "k2", "training", "quality", 2, "2025-10-02T10:00:00Z"),
		score("srv-2", "k2", "training", "speed", 3, "2025-10-02T10:00:00Z"),
		score("srv-2", "k2", "training", "payment_convenience", 4, "2025-10-02T10:00:00Z"),
		won("s4", "k3", "bob", "catering"), pay("s4", "k3", "2026-03-01T10:00:00Z"),
		&models.DealEvent{DealID: "s4", CaseEvent: models.CaseEvent{Seq: 30, Type: "submit_survey", Actor: "bob", Stage: "close", At: at("2026-03-10T10:00:00Z"),
			Data: `{"scores":{"quality":4,"speed":4,"payment_convenience":4}}`}},
		won("s5", "k4", "alice", "events"), pay("s5", "k4", "2025-12-01T10:00:00Z"),
		survey("srv-4", "k4", "events", "declined", "2026-01-05T10:00:00Z", nil),
		survey("srv-5", "k4", "events", "open", "2026-03-20T10:00:00Z", nil),
		won("s6", "k5", "alice", "events"), pay("s6", "k5", "2025-03-01T10:00:00Z"),
		survey("srv-6", "k5", "events", "recorded", "2025-03-05T10:00:00Z", tp("2025-03-05T10:00:00Z")),
		won("s7", "k6", "carol", "events"), pay("s7", "k6", "2026-02-01T10:00:00Z"),
	}
}

// TestSatisfactionReportFigures checks the report's figures, worked by
// hand from the fixture, for the manager's team, the admin and the rep.
func TestSatisfactionReportFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db, satisfactionRows()...)
		admin, mgr, alice := scopes(t, db)
		run := func(s models.Scope) *reports.SatisfactionReport {
			t.Helper()
			r, err := reports.Satisfaction(context.Background(), db, s, at("2025-04-01T00:00:00Z"), to)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// The team: k1..k4 paid, k1, k2 and k3 surveyed: 3 of 4 = 75%.
		// events: k1, k2, k4 paid, k1 surveyed about it: 1 of 3 = 33.3%;
		// its scores 5, 4, 5: mean 14/3 = 4.67. training: 2, 3, 4, mean
		// 3, two low. catering (the deal's survey): 4, 4, 4.
		// quality 5, 2, 4 = 3.67 (one low); speed 4, 3, 4 = 3.67 (one
		// low); payment_convenience 5, 4, 4 = 4.33.
		want := `{"from":"2025-04-01T00:00:00Z","as_of":"2026-04-01T00:00:00Z","clients":4,"surveyed":3,"coverage_percent":75,"products":[` +
			`{"product":"catering","clients":1,"surveyed":1,"coverage_percent":100,"answers":3,"average":4,"low_scores":0,"questions":[` +
			`{"question":"payment_convenience","answers":1,"average":4,"low_scores":0},{"question":"quality","answers":1,"average":4,"low_scores":0},` +
			`{"question":"speed","answers":1,"average":4,"low_scores":0}]},` +
			`{"product":"events","clients":3,"surveyed":1,"coverage_percent":33.3,"answers":3,"average":4.67,"low_scores":0,"questions":[` +
			`{"question":"payment_convenience","answers":1,"average":5,"low_scores":0},{"question":"quality","answers":1,"average":5,"low_scores":0},` +
			`{"question":"speed","answers":1,"average":4,"low_scores":0}]},` +
			`{"product":"training","clients":1,"surveyed":1,"coverage_percent":100,"answers":3,"average":3,"low_scores":2,"questions":[` +
			`{"question":"payment_convenience","answers":1,"average":4,"low_scores":0},{"question":"quality","answers":1,"average":2,"low_scores":1},` +
			`{"question":"speed","answers":1,"average":3,"low_scores":1}]}],` +
			`"questions":[{"question":"payment_convenience","answers":3,"average":4.33,"low_scores":0},` +
			`{"question":"quality","answers":3,"average":3.67,"low_scores":1},{"question":"speed","answers":3,"average":3.67,"low_scores":1}]}`
		if got := jsonOf(t, run(mgr)); got != want {
			t.Errorf("team report\n got %s\nwant %s", got, want)
		}
		// The admin also sees k6 (carol's, not surveyed): 3 of 5 = 60%.
		if r := run(admin); r.Clients != 5 || r.Surveyed != 3 || *r.CoveragePercent != 60 {
			t.Errorf("admin coverage %d of %d = %v", r.Surveyed, r.Clients, *r.CoveragePercent)
		}
		// alice: k1, k2, k4 (k3 is bob's): 2 of 3 = 66.7%; the deal survey
		// of bob's deal is not hers.
		if r := run(alice); r.Clients != 3 || r.Surveyed != 2 || *r.CoveragePercent != 66.7 || len(r.Products) != 2 {
			t.Errorf("alice's report %s", jsonOf(t, r))
		}
	})
}
