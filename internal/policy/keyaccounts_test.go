package policy

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
)

// TestKeyAccountsOfSavedVersions: a version saved before the part reads
// the defaults; a saved change comes back; an invalid part is refused
// under its name.
func TestKeyAccountsOfSavedVersions(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		saveOldVersion(t, db)
		cur, err := Current(ctx, db, Default())
		if err != nil || !reflect.DeepEqual(cur.KeyAccounts, DefaultKeyAccounts()) {
			t.Fatalf("key accounts of an old version = %+v, %v", cur.KeyAccounts, err)
		}
		cur.KeyAccounts.StrongThreshold = 60
		cur.KeyAccounts.Criteria = cur.KeyAccounts.Criteria[6:8] // one per side
		saved, err := Save(ctx, db, cur, "admin")
		if err != nil || saved.KeyAccounts.StrongThreshold != 60 || len(saved.KeyAccounts.Criteria) != 2 {
			t.Fatalf("saved key accounts = %+v, %v", saved.KeyAccounts, err)
		}
		saved.KeyAccounts.Criteria = saved.KeyAccounts.Criteria[:1]
		if p := saved.Problems()["key_accounts"]; !strings.Contains(p, "side ours") {
			t.Fatalf("problems of a part without our side: %q", p)
		}
	})
}
