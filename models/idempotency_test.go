package models_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// A key is claimed once however many requests race for it; the others see
// it running, then its answer; a different body is told apart; a failed
// request releases it; an expired key or a lapsed claim is taken over.
func TestIdempotencyKeyClaims(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
		k := models.IdempotencyKey{Caller: "alice", Route: "POST /api/v1/clients", Key: "k1", RequestHash: "h1",
			LockedUntil: now.Add(time.Minute), ExpiresAt: now.Add(24 * time.Hour)}

		const racers = 8
		claims := make([]models.IdempotencyClaim, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				c, err := models.ClaimIdempotencyKey(ctx, db, k, now)
				if err != nil {
					t.Error(err)
				}
				claims[i] = c
			})
		}
		wg.Wait()
		won := 0
		for _, c := range claims {
			switch {
			case c.Claimed:
				won++
			case c.Existing == nil || c.Existing.Status != 0 || c.Existing.RequestHash != "h1":
				t.Errorf("a losing claim saw %+v", c.Existing)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d racing requests claimed the key, want 1", won, racers)
		}
		if ok, err := models.CompleteIdempotencyKey(ctx, db, k, 1, 201, []byte(`{"id":"cl-1"}`)); err != nil || !ok {
			t.Fatalf("complete: %v %v", ok, err)
		}
		c, err := models.ClaimIdempotencyKey(ctx, db, k, now.Add(time.Hour))
		if err != nil || c.Claimed || c.Existing.Status != 201 || string(c.Existing.Response) != `{"id":"cl-1"}` {
			t.Fatalf("repeat: %+v %v", c, err)
		}
		other := k
		other.RequestHash = "h2"
		if c, err := models.ClaimIdempotencyKey(ctx, db, other, now.Add(time.Hour)); err != nil || c.Claimed || c.Existing.RequestHash != "h1" {
			t.Fatalf("another body: %+v %v", c, err)
		}
		// Other callers and routes have keys of their own.
		for _, o := range []models.IdempotencyKey{{Caller: "bob"}, {Route: "POST /api/v1/deals"}} {
			x := k
			if o.Caller != "" {
				x.Caller = o.Caller
			} else {
				x.Route = o.Route
			}
			if c, err := models.ClaimIdempotencyKey(ctx, db, x, now); err != nil || !c.Claimed {
				t.Errorf("%s %s: %+v %v", x.Caller, x.Route, c, err)
			}
		}

		// Expired: taken over even with another body, and swept.
		later := now.Add(25 * time.Hour)
		if c, err := models.ClaimIdempotencyKey(ctx, db, other, later); err != nil || !c.Claimed || c.Attempt != 2 {
			t.Fatalf("expired key: %+v %v", c, err)
		}
		// Lapsed while running: a retry with the same body takes over, and
		// the first request can no longer complete or release it.
		stale := later.Add(2 * time.Minute)
		other.LockedUntil = stale.Add(time.Minute)
		if c, err := models.ClaimIdempotencyKey(ctx, db, other, stale); err != nil || !c.Claimed || c.Attempt != 3 {
			t.Fatalf("lapsed claim: %+v %v", c, err)
		}
		if ok, err := models.CompleteIdempotencyKey(ctx, db, k, 2, 201, []byte(`{}`)); err != nil || ok {
			t.Errorf("the overtaken claim completed: %v %v", ok, err)
		}
		if err := models.ReleaseIdempotencyKey(ctx, db, k, 3); err != nil {
			t.Fatal(err)
		}
		k.ExpiresAt = stale.Add(24 * time.Hour)
		if c, err := models.ClaimIdempotencyKey(ctx, db, k, stale); err != nil || !c.Claimed || c.Attempt != 1 {
			t.Fatalf("released key: %+v %v", c, err)
		}
		n, err := models.DeleteExpiredIdempotencyKeys(ctx, db, later)
		if err != nil || n != 2 {
			t.Errorf("swept %d keys (%v), want bob's and the deals route's", n, err)
		}
	})
}
