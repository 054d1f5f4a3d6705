package models_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func TestPolicyVersions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if _, err := models.LatestPolicy(ctx, db); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("LatestPolicy of an empty store: err = %v, want ErrNotFound", err)
		}
		for i, doc := range []string{`{"a":1}`, `{"a":2}`} {
			v, err := models.SavePolicy(ctx, db, []byte(doc), "admin")
			if err != nil || v != i+1 {
				t.Fatalf("save %d: version %d, err %v; want version %d", i, v, err, i+1)
			}
		}
		latest, err := models.LatestPolicy(ctx, db)
		if err != nil || latest.Version != 2 || latest.Document != `{"a":2}` || latest.CreatedBy != "admin" || latest.CreatedAt.IsZero() {
			t.Fatalf("LatestPolicy = %+v, %v", latest, err)
		}
		first, err := models.GetPolicy(ctx, db, 1)
		if err != nil || first.Document != `{"a":1}` {
			t.Fatalf("GetPolicy(1) = %+v, %v", first, err)
		}
		if _, err := models.GetPolicy(ctx, db, 3); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("GetPolicy(3): err = %v, want ErrNotFound", err)
		}
	})
}

// Concurrent saves each get their own version: the loser of a race for a
// version retries with the next one.
func TestSavePolicyConcurrently(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		const savers = 4
		versions := make([]int, savers)
		errs := make([]error, savers)
		var wg sync.WaitGroup
		for i := range savers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				versions[i], errs[i] = models.SavePolicy(ctx, db, fmt.Appendf(nil, `{"saver":%d}`, i), "admin")
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("saver %d: %v", i, err)
			}
		}
		slices.Sort(versions)
		if !slices.Equal(versions, []int{1, 2, 3, 4}) {
			t.Fatalf("versions %v, want 1..4 each once", versions)
		}
		var rows int64
		db.Model(&models.PolicyVersion{}).Count(&rows)
		if rows != savers {
			t.Errorf("%d rows, want %d", rows, savers)
		}
	})
}
