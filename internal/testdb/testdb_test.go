package testdb_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

func TestPostgresDropsItsDatabase(t *testing.T) {
	var name string
	t.Run("use", func(t *testing.T) {
		db := testdb.Postgres(t)
		if err := db.Raw("SELECT current_database()").Scan(&name).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "salesflow_t_") {
			t.Fatalf("database %q is not a test database", name)
		}
		if !db.Migrator().HasTable(&models.Deal{}) {
			t.Fatal("database is not migrated")
		}
	})
	admin := testdb.Postgres(t)
	var n int64
	if err := admin.Raw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s still exists after its test", name)
	}
}

func TestEachRunsBothStores(t *testing.T) {
	var dialects []string
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		dialects = append(dialects, t.Name()[strings.LastIndex(t.Name(), "/")+1:]+"="+db.Dialector.Name())
	})
	if got := fmt.Sprint(dialects); got != "[postgres=postgres sqlite=sqlite]" {
		t.Fatalf("Each ran %s", got)
	}
}

// recorder is a testing.TB whose Fatalf records the message and ends the
// calling goroutine, as the real one does.
type recorder struct {
	testing.TB
	fatal    string
	cleanups []func()
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestPostgresFailsWhenUnreachable(t *testing.T) {
	t.Setenv("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable")
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testdb.Postgres(r)
	}()
	<-done
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	if !strings.Contains(r.fatal, "unreachable") || !strings.Contains(r.fatal, "127.0.0.1:1") {
		t.Fatalf("Postgres on a closed port: fatal message %q, want one naming the unreachable server", r.fatal)
	}
}
