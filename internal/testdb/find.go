package testdb

import (
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// Nowhere fails the test when any column of any read-model row holds s
// (what names s in the message; s itself is never printed): how tests prove
// a secret is not stored.
func Nowhere(t testing.TB, db *gorm.DB, s, what string) {
	t.Helper()
	for _, m := range models.All {
		var rows []map[string]any
		if err := db.Model(m).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for col, v := range row {
				if strings.Contains(fmt.Sprint(v), s) {
					t.Errorf("%T.%s holds %s", m, col, what)
				}
			}
		}
	}
}
