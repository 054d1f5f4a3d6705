package models_test

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// TestWebSessionEnds: a web session signs its member in until it is idle
// for the idle time, reaches its absolute end, its token is revoked or its
// member deactivated; an ended session's row is gone.
func TestWebSessionEnds(t *testing.T) {
	const idle, maxAge = time.Hour, 24 * time.Hour
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		start := func() string {
			t.Helper()
			s := &models.WebSession{StaffID: "alice", Role: models.RoleSales, TokenHash: models.HashToken("dev-alice")}
			secret, err := models.CreateWebSession(ctx, db, s, t0, idle, maxAge)
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		check := func(what, secret string, at time.Time, live bool) {
			t.Helper()
			s, staff, err := models.WebSessionStaff(ctx, db, secret, at, idle)
			switch {
			case live && (err != nil || staff.ID != "alice" || s.CSRF == ""):
				t.Errorf("%s: %v, %+v; want alice's live session", what, err, staff)
			case !live && !errors.Is(err, models.ErrSessionEnded):
				t.Errorf("%s: %v, want ErrSessionEnded", what, err)
			}
		}
		busy := start()
		for at := t0; at.Before(t0.Add(maxAge)); at = at.Add(idle / 2) {
			check("in use", busy, at, true)
		}
		check("past its absolute end", busy, t0.Add(maxAge), false)
		check("once ended", busy, t0, false)
		check("idle", start(), t0.Add(idle), false)
		check("unknown", "nonsense", t0, false)

		revoked := start()
		tok, _, err := models.IssueToken(ctx, db, "alice", "web", "admin", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Model(&models.WebSession{}).Where("id = ?", models.HashToken(revoked)).Update("token_hash", tok.Hash).Error; err != nil {
			t.Fatal(err)
		}
		check("its token working", revoked, t0, true)
		if _, err := models.RevokeToken(ctx, db, "alice", tok.ID, t0); err != nil {
			t.Fatal(err)
		}
		check("its token revoked", revoked, t0, false)

		deactivated := start()
		if err := db.Model(&models.Staff{}).Where("id = ?", "alice").Update("active", false).Error; err != nil {
			t.Fatal(err)
		}
		check("its member deactivated", deactivated, t0, false)
	})
}
