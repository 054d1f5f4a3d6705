package e2e

import (
	"context"
	"net/url"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/workflows"
)

// winDeal walks alice's deal id from presentation to won: the offer of
// 150000.00 accepted, the contract signed, paid in full at paidAt, the
// event held today, closing documents and survey done, closed.
func (s *stack) winDeal(id string, paidAt time.Time) {
	s.toContract(id)
	s.signContract(id, nil)
	s.act(alice, id, "record_payment", map[string]any{"amount": "150000.00", "paid_at": paidAt.UTC().Format(time.RFC3339)})
	s.act(alice, id, "plan_event", map[string]any{"date": eventToday(), "items": []string{}})
	s.act(alice, id, "hold_event", map[string]any{})
	s.act(alice, id, "sign_closing_documents", map[string]any{})
	s.act(alice, id, "submit_survey", map[string]any{"scores": map[string]int{"quality": 5, "speed": 5, "payment_convenience": 5}})
	s.act(alice, id, "close_deal", map[string]any{})
}

// TestReportsFromRealDeals drives two deals through the API — one won
// with a payment dated yesterday, one lost at the offer stage after a
// revision — and reads the reports the read model now gives: the stage
// times, counters and payments come from the workflows' own history, and
// the client classes from a real run of the classification workflow.
func TestReportsFromRealDeals(t *testing.T) {
	s := newStack(t)
	from := time.Now().Add(-time.Minute).UTC()

	won := s.newDeal(alice, nil)
	s.winDeal(won.ID, time.Now().Add(-24*time.Hour))

	lost := s.newDeal(alice, nil)
	s.act(alice, lost.ID, "hold_presentation", map[string]any{})
	s.act(alice, lost.ID, "send_protocol", map[string]any{})
	s.act(alice, lost.ID, "issue_offer", map[string]any{"amount": 200000})
	s.act(alice, lost.ID, "request_offer_changes", map[string]any{"comment": "too expensive"})
	s.act(alice, lost.ID, "issue_offer", map[string]any{"amount": 180000})
	s.act(alice, lost.ID, "lose", map[string]any{"reason": "price"})

	period := "?from=" + url.QueryEscape(from.Format(time.RFC3339)) + "&to=" + url.QueryEscape(time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
	var funnel struct {
		Deals, Won, Lost int
		Stages           []struct {
			Stage                          string
			Entered, InNow, Passed, LostIn int
			Lost                           int `json:"lost"`
		}
	}
	s.call("GET", "/api/v1/reports/funnel"+period, maria, nil).decode(t, 200, &funnel)
	entered := []int{}
	for _, st := range funnel.Stages {
		entered = append(entered, st.Entered)
	}
	if funnel.Deals != 2 || funnel.Won != 1 || funnel.Lost != 1 || len(entered) != 6 ||
		entered[0] != 2 || entered[1] != 2 || entered[2] != 1 || entered[5] != 1 || funnel.Stages[1].Lost != 1 {
		t.Fatalf("funnel: %+v", funnel)
	}

	var losses struct {
		ByStage []struct {
			Stage   string
			Lost    int
			Reasons []struct {
				Reason string
				Count  int
			}
		} `json:"by_stage"`
		LostContext struct {
			OfferVersions struct{ Total int } `json:"offer_versions"`
		} `json:"lost_context"`
	}
	s.call("GET", "/api/v1/reports/losses"+period, maria, nil).decode(t, 200, &losses)
	offer := losses.ByStage[1]
	if offer.Stage != "offer" || offer.Lost != 1 || len(offer.Reasons) != 1 || offer.Reasons[0].Reason != "price" ||
		losses.LostContext.OfferVersions.Total != 2 {
		t.Fatalf("losses: %+v", losses)
	}

	var kpi struct {
		Reps []struct {
			Owner      string
			FirstSales struct {
				Count int
				Sum   string
			} `json:"first_sales"`
		}
	}
	s.call("GET", "/api/v1/reports/kpi"+period, maria, nil).decode(t, 200, &kpi)
	if len(kpi.Reps) != 1 || kpi.Reps[0].Owner != "alice" || kpi.Reps[0].FirstSales.Count != 1 || kpi.Reps[0].FirstSales.Sum != "150000.00" {
		t.Fatalf("kpi: %+v", kpi)
	}
	// bob sees none of alice's figures.
	s.call("GET", "/api/v1/reports/kpi"+period, bob, nil).decode(t, 200, &kpi)
	if len(kpi.Reps) != 0 && kpi.Reps[0].FirstSales.Count != 0 {
		t.Fatalf("bob's kpi shows alice's sales: %+v", kpi)
	}

	// The nightly classification, run now: the won client paid yesterday,
	// so as of today it is new and, alone, class A.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := devServer.Client().ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: "classify-" + s.cfg.TaskQueue, TaskQueue: s.cfg.TaskQueue,
	}, workflows.Classification)
	if err != nil {
		t.Fatal(err)
	}
	var res classify.Result
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	var clients struct {
		Categories map[string]int `json:"categories"`
		Clients    []struct {
			ClientID string `json:"client_id"`
			Category string
			ABC      string `json:"abc"`
			Turnover string
		}
	}
	s.call("GET", "/api/v1/reports/clients", maria, nil).decode(t, 200, &clients)
	classes := map[string]string{}
	for _, c := range clients.Clients {
		classes[c.ClientID] = c.Category + "/" + c.ABC + "/" + c.Turnover
	}
	if classes[won.ClientID] != "new/A/150000.00" || classes[lost.ClientID] != "potential//0.00" {
		t.Fatalf("client classes: %v (%+v)", classes, clients)
	}
	var hist struct {
		Items []struct{ Category string } `json:"items"`
	}
	s.call("GET", "/api/v1/reports/clients/"+won.ClientID+"/history", alice, nil).decode(t, 200, &hist)
	if len(hist.Items) != 1 || hist.Items[0].Category != "new" {
		t.Fatalf("class history: %+v", hist)
	}
	s.call("GET", "/api/v1/reports/clients/"+won.ClientID+"/history", bob, nil).decode(t, 404, nil)
}
