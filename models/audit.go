package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEntry is one state-changing request of the API: who did what to
// which object, with the input as sent (secrets redacted) and the answer's
// status. The table is append-only: the database refuses updates and
// deletes (see auditTriggers).
type AuditEntry struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	At        time.Time `gorm:"not null;index"`
	RequestID string    `gorm:"size:128;not null;index"`
	Actor     string    `gorm:"size:64;not null;index"`
	Role      string    `gorm:"size:16;not null"`
	// Action names what was done, e.g. deal.create, deal.issue_offer,
	// staff.update, token.revoke, policy.update.
	Action     string `gorm:"size:100;not null"`
	ObjectType string `gorm:"size:16;not null"`
	ObjectID   string `gorm:"size:200;index"`
	// Owner is the staff member the object belongs to (a deal's owner, a
	// complaint's assignee, a token's or staff record's member), which puts
	// the entry in their managers' scope.
	Owner  string `gorm:"size:64;index"`
	Input  string `gorm:"type:text"`
	Status int    `gorm:"not null"`
}

// AppendAudit stores an audit entry.
func AppendAudit(ctx context.Context, db *gorm.DB, e *AuditEntry) error {
	if err := db.WithContext(ctx).Create(e).Error; err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries for ListAudit: Scope is required (its
// zero value sees nothing); the other fields filter only when set. Object
// matches the object's ID. From is inclusive, To exclusive. Before is the
// cursor: the ID of the last entry of the previous page.
type AuditFilter struct {
	Scope  Scope
	Actor  string
	Object string
	From   time.Time
	To     time.Time
	Limit  int
	Before int64
}

// ListAudit returns one page of audit entries matching f, newest first, and
// the ID to pass as Before for the next page (0 on the last page). An
// entry is in scope when its actor or the owner of its object is.
func ListAudit(ctx context.Context, db *gorm.DB, f AuditFilter) ([]AuditEntry, int64, error) {
	q := f.Scope.restrict(db.WithContext(ctx).Model(&AuditEntry{}), "actor", "owner")
	q = whereEqual(q, [2]string{"actor", f.Actor}, [2]string{"object_id", f.Object})
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	limit := pageSize(f.Limit)
	var out []AuditEntry
	if err := q.Order("id DESC").Limit(limit + 1).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	if len(out) <= limit {
		return out, 0, nil
	}
	out = out[:limit]
	return out, out[limit-1].ID, nil
}

// auditTriggers make the audit table append-only in the database itself,
// per dialect.
var auditTriggers = map[string][]string{
	"postgres": {
		`CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$ LANGUAGE plpgsql`,
		`DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries`,
		`CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`,
	},
	"sqlite": {
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
	},
}
