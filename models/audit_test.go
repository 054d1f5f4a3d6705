package models_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// An entry is written pending and completed once; a retry of its request
// writes no second entry; the database lets an update only complete an
// entry that is pending or records a failure, changing nothing else.
func TestAuditBeginAndComplete(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		begin := func(key, requestID string) {
			t.Helper()
			e := models.AuditEntry{At: at, RequestID: requestID, RequestKey: key, Actor: "alice", Role: "sales", Action: "deal.lose", Input: `{"reason":"price"}`}
			if err := models.BeginAudit(ctx, db, &e); err != nil {
				t.Fatal(err)
			}
		}
		entry := func(key string) models.AuditEntry {
			t.Helper()
			var rows []models.AuditEntry
			if err := db.Where("request_key = ?", key).Find(&rows).Error; err != nil || len(rows) != 1 {
				t.Fatalf("entries of %s: %+v, %v", key, rows, err)
			}
			return rows[0]
		}
		complete := func(key string, status int, requestID string) {
			t.Helper()
			o := models.AuditOutcome{Status: status, RequestID: requestID, ObjectType: "deal", ObjectID: "deal-1", Owner: "alice"}
			if err := models.CompleteAudit(ctx, db, key, o); err != nil {
				t.Fatal(err)
			}
		}
		begin("k1", "r1")
		if e := entry("k1"); e.Status != models.AuditPending || e.RequestID != "r1" {
			t.Fatalf("begun entry %+v", e)
		}
		complete("k1", 503, "r1")
		begin("k1", "r2") // the retry
		complete("k1", 200, "r2")
		complete("k1", 409, "r3") // a later retry does not undo the success
		if e := entry("k1"); e.Status != 200 || e.RequestID != "r2" || e.ObjectID != "deal-1" || e.Owner != "alice" {
			t.Errorf("entry after the retries %+v", e)
		}
		begin("k2", "r4")
		for _, stmt := range []string{
			"UPDATE audit_entries SET status = 500 WHERE request_key = 'k1'",
			"UPDATE audit_entries SET actor = 'mallory', status = 200 WHERE request_key = 'k2'",
			"UPDATE audit_entries SET input = '{}', status = 200 WHERE request_key = 'k2'",
			"UPDATE audit_entries SET status = 0 WHERE request_key = 'k2'",
		} {
			if err := db.Exec(stmt).Error; err == nil {
				t.Errorf("the database took %s", stmt)
			}
		}
		if e := entry("k2"); e.Status != models.AuditPending || e.Actor != "alice" {
			t.Errorf("pending entry changed: %+v", e)
		}
	})
}
