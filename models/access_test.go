package models_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func TestIssuedTokenIsStoredOnlyAsHashAndWorksUntilItExpires(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		exp := now.Add(time.Hour)
		tok, secret, err := models.IssueToken(ctx, db, "alice", "laptop", "admin", &exp)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, models.TokenPrefix) || len(secret) < 40 || !strings.HasPrefix(tok.ID, "tok_") {
			t.Fatalf("secret %q, id %q: want sf_ + 43 characters and tok_…", secret, tok.ID)
		}
		testdb.Nowhere(t, db, secret, "the plain token")
		if s, err := models.StaffByToken(ctx, db, secret, now); err != nil || s.ID != "alice" {
			t.Fatalf("fresh token: %v, %v", s, err)
		}
		if _, err := models.StaffByToken(ctx, db, secret, exp); !errors.Is(err, models.ErrTokenInactive) {
			t.Fatalf("at its expiry: err = %v, want ErrTokenInactive", err)
		}
	})
}

func TestRevokedTokenStopsWorkingOthersDoNot(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		a, secretA, _ := models.IssueToken(ctx, db, "bob", "a", "admin", nil)
		_, secretB, _ := models.IssueToken(ctx, db, "bob", "b", "admin", nil)
		if _, err := models.RevokeToken(ctx, db, "alice", a.ID, now); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("revoke bob's token as alice's: err = %v, want ErrNotFound", err)
		}
		first, err := models.RevokeToken(ctx, db, "bob", a.ID, now)
		if err != nil || first.RevokedAt == nil {
			t.Fatalf("revoke: %+v, %v", first, err)
		}
		again, err := models.RevokeToken(ctx, db, "bob", a.ID, now.Add(time.Hour))
		if err != nil || !again.RevokedAt.Equal(*first.RevokedAt) {
			t.Fatalf("second revocation changed the time: %v → %v (%v)", first.RevokedAt, again.RevokedAt, err)
		}
		if _, err := models.StaffByToken(ctx, db, secretA, now); !errors.Is(err, models.ErrTokenInactive) {
			t.Errorf("revoked token: err = %v, want ErrTokenInactive", err)
		}
		if _, err := models.StaffByToken(ctx, db, secretB, now); err != nil {
			t.Errorf("the other token: %v", err)
		}
		list, err := models.Tokens(ctx, db, "bob")
		if err != nil || len(list) != 3 { // demo token + a + b
			t.Fatalf("bob's tokens: %d, %v", len(list), err)
		}
	})
}

func TestDeactivatingAMemberRevokesTheirTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		_, secret, _ := models.IssueToken(ctx, db, "bob", "", "admin", nil)
		off := false
		s, err := models.UpdateStaff(ctx, db, "bob", models.StaffChange{Active: &off}, now)
		if err != nil || s.Active || s.DeactivatedAt == nil {
			t.Fatalf("deactivate: %+v, %v", s, err)
		}
		for _, tok := range []string{secret, "dev-bob"} {
			if _, err := models.StaffByToken(ctx, db, tok, now); !errors.Is(err, models.ErrTokenInactive) {
				t.Errorf("token of a deactivated member: err = %v, want ErrTokenInactive", err)
			}
		}
		on := true
		if _, err := models.UpdateStaff(ctx, db, "bob", models.StaffChange{Active: &on}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := models.StaffByToken(ctx, db, secret, now); !errors.Is(err, models.ErrTokenInactive) {
			t.Errorf("reactivation revived a revoked token: err = %v", err)
		}
	})
}

func TestStaffRulesAndScopes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		for _, bad := range []models.Staff{
			{ID: "alice", Name: "Dup", Role: models.RoleSales},
			{ID: "carol", Name: "C", Role: models.RoleSales, ManagerID: "bob"},    // bob is no manager
			{ID: "carol", Name: "C", Role: models.RoleSales, ManagerID: "nobody"}, // unknown
			{ID: "carol", Name: "C", Role: models.RoleSales, ManagerID: "carol"},  // themself
		} {
			if err := models.CreateStaff(ctx, db, &bad); !errors.Is(err, models.ErrConflict) {
				t.Errorf("create %+v: err = %v, want ErrConflict", bad, err)
			}
		}
		sales := models.RoleSales
		if _, err := models.UpdateStaff(ctx, db, "maria", models.StaffChange{Role: &sales}, now); !errors.Is(err, models.ErrConflict) {
			t.Errorf("demote a manager with a team: err = %v, want ErrConflict", err)
		}
		if err := models.CreateStaff(ctx, db, &models.Staff{ID: "zed", Name: "Zed", Role: models.RoleManager}); err != nil {
			t.Fatal(err)
		}
		if err := models.CreateStaff(ctx, db, &models.Staff{ID: "carol", Name: "Carol", Role: models.RoleSales, ManagerID: "zed"}); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]string{
			"alice": "alice", "maria": "alice,bob,maria", "zed": "carol,zed", "admin": "*",
		} {
			s, _ := models.GetStaff(ctx, db, id)
			scope, err := models.ScopeOf(ctx, db, s)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(scope.Staff(), ",")
			if scope.All() {
				got = "*"
			}
			if got != want {
				t.Errorf("scope of %s = %s, want %s", id, got, want)
			}
			list, err := models.ListStaff(ctx, db, scope)
			if err != nil {
				t.Fatal(err)
			}
			if want != "*" && len(list) != len(scope.Staff()) {
				t.Errorf("%s lists %d staff, want %d", id, len(list), len(scope.Staff()))
			}
		}
		// Moving carol to maria's team moves her into maria's scope.
		maria := "maria"
		if _, err := models.UpdateStaff(ctx, db, "carol", models.StaffChange{ManagerID: &maria}, now); err != nil {
			t.Fatal(err)
		}
		m, _ := models.GetStaff(ctx, db, "maria")
		scope, _ := models.ScopeOf(ctx, db, m)
		if !scope.Includes("carol") || scope.Includes("zed") {
			t.Errorf("after the move maria's scope is %v", scope.Staff())
		}
		if (models.Scope{}).Includes("alice") {
			t.Error("the zero scope includes someone")
		}
	})
}

func TestAuditIsAppendOnlyAndScoped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for i, e := range []models.AuditEntry{
			{Actor: "alice", Role: "sales", Action: "deal.create", ObjectType: "deal", ObjectID: "deal-1", Owner: "alice"},
			{Actor: "maria", Role: "manager", Action: "deal.reassign", ObjectType: "deal", ObjectID: "deal-1", Owner: "alice"},
			{Actor: "carol", Role: "sales", Action: "deal.create", ObjectType: "deal", ObjectID: "deal-2", Owner: "carol"},
			{Actor: "admin", Role: "admin", Action: "token.issue", ObjectType: "token", ObjectID: "tok_1", Owner: "bob"},
		} {
			e.At, e.RequestID, e.Status = t0.Add(time.Duration(i)*time.Hour), fmt.Sprint("r", i), 201
			if err := models.AppendAudit(ctx, db, &e); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Model(&models.AuditEntry{}).Where("1 = 1").Update("actor", "x").Error; err == nil {
			t.Error("an audit entry was updated")
		}
		if err := db.Where("1 = 1").Delete(&models.AuditEntry{}).Error; err == nil {
			t.Error("an audit entry was deleted")
		}
		ids := func(f models.AuditFilter) []string {
			t.Helper()
			var out []string
			for {
				page, next, err := models.ListAudit(ctx, db, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page {
					out = append(out, e.RequestID)
				}
				if next == 0 {
					return out
				}
				f.Before = next
			}
		}
		team := models.StaffScope("maria", "alice", "bob")
		for _, c := range []struct {
			f    models.AuditFilter
			want []string
		}{
			{models.AuditFilter{Scope: models.Everyone(), Limit: 1}, []string{"r3", "r2", "r1", "r0"}},
			{models.AuditFilter{Scope: team}, []string{"r3", "r1", "r0"}},
			{models.AuditFilter{Scope: models.StaffScope("alice")}, []string{"r1", "r0"}},
			{models.AuditFilter{Scope: team, Object: "deal-1"}, []string{"r1", "r0"}},
			{models.AuditFilter{Scope: models.Everyone(), Actor: "carol"}, []string{"r2"}},
			{models.AuditFilter{Scope: models.Everyone(), From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, []string{"r2", "r1"}},
			{models.AuditFilter{}, nil},
		} {
			if got := ids(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
	})
}

// The first admin of a deployment without demo staff: created once with a
// token stored hashed; a short secret is refused; an existing member is
// left as they are.
func TestEnsureAdmin(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		secret := "bootstrap-secret-of-forty-characters-xx"
		for range 2 {
			if err := models.EnsureAdmin(ctx, db, "ops", secret); err != nil {
				t.Fatal(err)
			}
		}
		st, err := models.StaffByToken(ctx, db, secret, time.Now())
		if err != nil || st.ID != "ops" || st.Role != models.RoleAdmin || !st.Active {
			t.Fatalf("bootstrap token signs in %+v, %v", st, err)
		}
		if toks, _ := models.Tokens(ctx, db, "ops"); len(toks) != 1 || toks[0].Name != "bootstrap" || toks[0].ExpiresAt != nil {
			t.Errorf("tokens of ops: %+v", toks)
		}
		testdb.Nowhere(t, db, secret, "the bootstrap secret")
		if err := models.EnsureAdmin(ctx, db, "ops2", "short"); err == nil {
			t.Error("a short bootstrap secret was accepted")
		}
		if err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := models.EnsureAdmin(ctx, db, "alice", ""); err != nil {
			t.Fatal(err)
		}
		if a, _ := models.GetStaff(ctx, db, "alice"); a.Role != models.RoleSales {
			t.Errorf("an existing member was changed: %+v", a)
		}
	})
}
