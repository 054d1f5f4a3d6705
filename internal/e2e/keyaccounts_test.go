package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/policy"
)

// keyScores scores the default criteria: the client side's seven from
// client, our side's eight from ours, in policy order.
func keyScores(client, ours []int) map[string]int {
	out := map[string]int{}
	var ci, oi int
	for _, c := range keyaccount.DefaultPolicy().Criteria {
		if c.Side == keyaccount.SideClient {
			out[c.ID], ci = client[ci], ci+1
		} else {
			out[c.ID], oi = ours[oi], oi+1
		}
	}
	return out
}

type assessmentOut struct {
	Number      int     `json:"number"`
	Quadrant    string  `json:"quadrant"`
	ClientScore float64 `json:"client_score"`
	OurScore    float64 `json:"our_score"`
	NextDue     time.Time
}

// TestKeyAccountAssessmentsOverHTTP: assessments with hand-worked
// averages, the refusal of bad scores, the history newest first, the
// latest on the client, idempotent retries, another rep's 404, the
// re-assessment point in the control-point list, a review started again
// after an operator ended it, and the report's figures.
func TestKeyAccountAssessmentsOverHTTP(t *testing.T) {
	s := newStack(t)
	var romashka, vasilek struct{ ID string }
	s.call("POST", "/api/v1/clients", "dev-alice", map[string]any{"name": "Romashka"}).decode(t, http.StatusCreated, &romashka)
	s.call("POST", "/api/v1/clients", "dev-bob", map[string]any{"name": "Vasilek"}).decode(t, http.StatusCreated, &vasilek)
	path := "/api/v1/clients/" + romashka.ID + "/assessments"

	var bad apiError
	s.call("POST", path, "dev-alice", map[string]any{"scores": map[string]int{"prices": 101}}).decode(t, http.StatusUnprocessableEntity, &bad)
	fields, _ := bad.Error.Details["fields"].(map[string]any)
	if fields["scores.prices"] != "must be 0..100" || fields["scores.growth_rate"] != "is required" {
		t.Fatalf("refusal %+v", bad)
	}
	// Client side (80+70+60+50+40+30+20)/7 = 50, strong at the threshold;
	// ours 8·40/8 = 40: a target.
	var first assessmentOut
	s.call("POST", path, "dev-alice", map[string]any{"scores": keyScores([]int{80, 70, 60, 50, 40, 30, 20}, []int{40, 40, 40, 40, 40, 40, 40, 40})}).
		decode(t, http.StatusCreated, &first)
	if first.Number != 1 || first.ClientScore != 50 || first.OurScore != 40 || first.Quadrant != "target" {
		t.Fatalf("first %+v", first)
	}
	// Client 90; ours (4·60 + 4·70)/8 = 65: a key account. Sent twice
	// with one key: one assessment.
	second := map[string]any{"scores": keyScores([]int{90, 90, 90, 90, 90, 90, 90}, []int{60, 60, 60, 60, 70, 70, 70, 70}), "note": "grew"}
	var a2, a2again assessmentOut
	s.call("POST", path, "dev-alice", second, "Idempotency-Key", "ka-2").decode(t, http.StatusCreated, &a2)
	s.call("POST", path, "dev-alice", second, "Idempotency-Key", "ka-2").decode(t, http.StatusCreated, &a2again)
	if a2.Number != 2 || a2.ClientScore != 90 || a2.OurScore != 65 || a2.Quadrant != "key" || a2again.Number != 2 {
		t.Fatalf("second %+v, retried %+v", a2, a2again)
	}
	var hist struct{ Items []assessmentOut }
	s.call("GET", path, "dev-alice", nil).decode(t, http.StatusOK, &hist)
	if len(hist.Items) != 2 || hist.Items[0].Number != 2 || hist.Items[1].Quadrant != "target" {
		t.Fatalf("history %+v", hist.Items)
	}
	var cl struct {
		KeyAccount *struct {
			Quadrant string    `json:"quadrant"`
			OurScore float64   `json:"our_score"`
			NextDue  time.Time `json:"next_due"`
		} `json:"key_account"`
	}
	s.call("GET", "/api/v1/clients/"+romashka.ID, "dev-alice", nil).decode(t, http.StatusOK, &cl)
	if cl.KeyAccount == nil || cl.KeyAccount.Quadrant != "key" || cl.KeyAccount.OurScore != 65 || cl.KeyAccount.NextDue.Before(time.Now().AddDate(0, 11, 0)) {
		t.Fatalf("client %+v", cl.KeyAccount)
	}
	s.call("GET", path, "dev-bob", nil).decode(t, http.StatusNotFound, nil)
	s.call("POST", path, "dev-bob", second).decode(t, http.StatusNotFound, nil)

	var points struct {
		Items []struct{ SubjectID, Kind, Owner string } `json:"items"`
	}
	s.call("GET", "/api/v1/control-points?subject_type=key_account", "dev-alice", nil).decode(t, http.StatusOK, &points)
	if len(points.Items) != 1 || points.Items[0].Kind != "reassessment" || points.Items[0].Owner != "alice" {
		t.Fatalf("points %+v", points.Items)
	}
	// An operator ends the review; the next assessment starts it again and
	// continues the numbering.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := devServer.Client().TerminateWorkflow(ctx, keyaccount.ReviewID(romashka.ID), "", "test"); err != nil {
		t.Fatal(err)
	}
	var a3 assessmentOut
	s.call("POST", path, "dev-alice", second).decode(t, http.StatusCreated, &a3)
	s.call("GET", path, "dev-alice", nil).decode(t, http.StatusOK, &hist)
	if a3.Number != 3 || len(hist.Items) != 3 || hist.Items[0].Number != 3 {
		t.Fatalf("after a restart: %+v, history %+v", a3, hist.Items)
	}
	// Bob's client: client 7·10/7 = 10, ours 8·10/8 = 10: lower.
	s.call("POST", "/api/v1/clients/"+vasilek.ID+"/assessments", "dev-bob",
		map[string]any{"scores": keyScores([]int{10, 10, 10, 10, 10, 10, 10}, []int{10, 10, 10, 10, 10, 10, 10, 10})}).decode(t, http.StatusCreated, nil)
	checkKeyAccountReport(t, s)
}

// checkKeyAccountReport: maria sees both clients, alice hers; this
// quarter both clients were first assessed (moves from "").
func checkKeyAccountReport(t *testing.T, s *stack) {
	type counts struct{ Key, Target, Lower int }
	var rep struct {
		Counts  counts
		Clients []struct {
			ClientName string `json:"client_name"`
		}
		Quarters []struct {
			Counts counts
			Moves  []struct {
				From, To string
				Count    int
			}
		}
	}
	s.call("GET", "/api/v1/reports/key-accounts", "dev-maria", nil).decode(t, http.StatusOK, &rep)
	last := rep.Quarters[len(rep.Quarters)-1]
	if rep.Counts != (counts{Key: 1, Lower: 1}) || len(rep.Clients) != 2 || len(rep.Quarters) != 5 || last.Counts != rep.Counts ||
		len(last.Moves) != 2 || last.Moves[0].From != "" || last.Moves[0].To != "key" || last.Moves[1].To != "lower" ||
		rep.Quarters[0].Counts != (counts{}) {
		t.Fatalf("maria's report %+v", rep)
	}
	s.call("GET", "/api/v1/reports/key-accounts", "dev-alice", nil).decode(t, http.StatusOK, &rep)
	if rep.Counts != (counts{Key: 1}) || len(rep.Clients) != 1 || rep.Clients[0].ClientName != "Romashka" {
		t.Fatalf("alice's report %+v", rep)
	}
	s.call("GET", "/api/v1/reports/key-accounts?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "dev-maria", nil).decode(t, http.StatusUnprocessableEntity, nil)
}

// TestKeyAccountPolicyEdited: an admin's edit of the key_accounts part is
// refused when invalid (422 under key_accounts) and, saved, governs the
// next assessment: two criteria, client weighted 3:1, threshold 70.
func TestKeyAccountPolicyEdited(t *testing.T) {
	s := newStack(t)
	var doc policy.Document
	s.call("GET", "/api/v1/policy", admin, nil).decode(t, http.StatusOK, &doc)
	doc.KeyAccounts.Criteria = []keyaccount.Criterion{
		{ID: "growth", Text: "Growth", Side: keyaccount.SideClient, Weight: 0},
		{ID: "need", Text: "Need", Side: keyaccount.SideClient, Weight: 1},
		{ID: "relations", Text: "Relations", Side: keyaccount.SideOurs, Weight: 1},
	}
	doc.KeyAccounts.StrongThreshold = 70
	var bad apiError
	s.call("PUT", "/api/v1/policy", admin, doc).decode(t, http.StatusUnprocessableEntity, &bad)
	if fields, _ := bad.Error.Details["fields"].(map[string]any); fields["key_accounts"] == nil {
		t.Fatalf("refusal %+v", bad)
	}
	doc.KeyAccounts.Criteria[0].Weight = 3
	s.call("PUT", "/api/v1/policy", admin, doc).decode(t, http.StatusOK, nil)

	id := s.newClient(alice)
	var a struct {
		ClientScore float64 `json:"client_score"`
		OurScore    float64 `json:"our_score"`
		Threshold   float64 `json:"threshold"`
		Quadrant    string  `json:"quadrant"`
	}
	// Client (3·80 + 40)/4 = 70: strong at 70; ours 69: not.
	s.call("POST", "/api/v1/clients/"+id+"/assessments", alice,
		map[string]any{"scores": map[string]int{"growth": 80, "need": 40, "relations": 69}}).decode(t, http.StatusCreated, &a)
	if a.ClientScore != 70 || a.OurScore != 69 || a.Threshold != 70 || a.Quadrant != "target" {
		t.Fatalf("assessment under the edited policy %+v", a)
	}
}
