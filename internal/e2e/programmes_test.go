package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
)

// TestProgrammeOverHTTP creates a VIP programme and records an interview
// through the API on the real stack: only managers create programmes, the
// client's interviewer is not its owner and sees the programme, the
// interview's upsell deal, referral and complaint exist afterwards, and
// the read model lists the interview.
func TestProgrammeOverHTTP(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	for _, c := range []struct{ id, owner, category string }{{"cl-vip1", "alice", "permanent"}, {"cl-vip2", "alice", "lost"}} {
		if err := models.CreateClient(ctx, s.db, &models.Client{ID: c.id, Name: "Client " + c.id, CreatedBy: c.owner}); err != nil {
			t.Fatal(err)
		}
		row := models.ClientClass{ClientID: c.id, AsOf: time.Now().UTC(), Owner: c.owner, Category: c.category, ABC: "A", XYZ: "X"}
		if err := s.db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
	}
	body := map[string]any{"name": "Key clients", "lead": "maria", "selection": map[string]any{"categories": []string{"permanent"}}}
	s.call("POST", "/api/v1/programmes", "dev-alice", body).decode(t, http.StatusForbidden, nil)
	var v vip.View
	s.call("POST", "/api/v1/programmes", "dev-maria", body).decode(t, http.StatusCreated, &v)
	if len(v.Interviews) != 1 || v.Interviews[0].ClientID != "cl-vip1" || v.Interviews[0].Interviewer != "bob" || v.Period.String() != "90d" {
		t.Fatalf("new programme %+v", v)
	}
	path := "/api/v1/programmes/" + v.ID
	s.call("GET", path, "dev-alice", nil).decode(t, http.StatusNotFound, nil)
	s.call("GET", path, "dev-bob", nil).decode(t, http.StatusOK, nil)
	form := map[string]any{
		"client_id": "cl-vip1", "held_on": time.Now().UTC().Add(-time.Hour), "service_rating": 2,
		"key_contacts": []map[string]any{{"name": "Ivan Petrov", "role": "CEO"}},
		"upsell":       []map[string]any{{"topic": "Second office", "as": "deal", "amount": "15000.00"}},
		"referrals":    []map[string]any{{"name": "Romashka", "contact_person": "Olga", "note": "Ivan's partner"}},
		"complaint":    map[string]any{"description": "slow support", "category": "quality", "severity": "high"},
	}
	bad := map[string]any{"client_id": "cl-vip1", "held_on": time.Now().UTC(), "service_rating": 7, "key_contacts": []any{}}
	s.call("POST", path+"/actions/record_interview", "dev-bob", bad).decode(t, http.StatusUnprocessableEntity, nil)
	v = actOn[vip.View](s, "dev-bob", path, "record_interview", form)
	iv := v.Interviews[0]
	if iv.Status != vip.InterviewHeld || len(iv.Outcomes) != 3 {
		t.Fatalf("recorded interview %+v", iv)
	}
	for _, o := range iv.Outcomes {
		if o.Error != "" {
			t.Fatalf("outcome %+v", o)
		}
	}
	s.call("GET", "/api/v1/deals/"+iv.Outcomes[0].Ref, "dev-alice", nil).decode(t, http.StatusOK, nil)
	s.call("GET", "/api/v1/clients/"+iv.Outcomes[1].Ref, "dev-bob", nil).decode(t, http.StatusOK, nil)
	s.call("GET", "/api/v1/complaints/"+iv.Outcomes[2].Ref, "dev-bob", nil).decode(t, http.StatusOK, nil)
	var list struct {
		Items []struct {
			ClientID, Status string
		} `json:"items"`
	}
	s.call("GET", "/api/v1/interviews", "dev-bob", nil).decode(t, http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].Status != vip.InterviewHeld {
		t.Fatalf("bob's interviews %+v", list.Items)
	}
	s.call("GET", "/api/v1/interviews", "dev-alice", nil).decode(t, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Fatalf("alice sees interviews %+v", list.Items)
	}
	s.call("POST", path+"/actions/close_programme", "dev-bob", map[string]any{"reason": "x"}).decode(t, http.StatusForbidden, nil)
	v = actOn[vip.View](s, "dev-maria", path, "close_programme", map[string]any{"reason": "the quarter is over"})
	if v.Status != vip.StatusClosed {
		t.Fatalf("closed programme %+v", v)
	}
}
