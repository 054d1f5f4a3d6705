package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditEntry is one state-changing request of the API: who did what to
// which object, with the input as sent (secrets redacted) and the answer's
// status. The API writes it before it applies the request, as pending
// (Status AuditPending), and completes it with the outcome afterwards (see
// BeginAudit and CompleteAudit). The table is otherwise append-only: the
// database refuses deletes, and updates other than completing an entry
// that is pending or records a failure (see auditTriggers).
type AuditEntry struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	At        time.Time `gorm:"not null;index"`
	RequestID string    `gorm:"size:128;not null;index"`
	// RequestKey names the request once: retries of it (same caller, route,
	// body and Idempotency-Key) share it, and so share the entry. It is
	// NULL on entries written before entries had it.
	RequestKey string `gorm:"size:64;uniqueIndex;default:null"`
	Actor      string `gorm:"size:64;not null;index"`
	Role       string `gorm:"size:16;not null"`
	// Action names what was done, e.g. deal.create, deal.issue_offer,
	// staff.update, token.revoke, policy.update.
	Action     string `gorm:"size:100;not null"`
	ObjectType string `gorm:"size:16;not null"`
	ObjectID   string `gorm:"size:200;index"`
	// Owner is the staff member the object belongs to (a deal's owner, a
	// complaint's assignee, a token's or staff record's member), which puts
	// the entry in their managers' scope.
	Owner string `gorm:"size:64;index"`
	Input string `gorm:"type:text"`
	// Status is the HTTP status answered, AuditPending until it is known.
	Status int `gorm:"not null"`
}

// AuditItem is an audit entry as the API shows it: an item of
// GET /api/v1/audit, which the web app reads too.
type AuditItem struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	RequestID  string          `json:"request_id"`
	Actor      string          `json:"actor"`
	Role       string          `json:"role"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type,omitempty"`
	ObjectID   string          `json:"object_id,omitempty"`
	Owner      string          `json:"owner,omitempty"`
	Input      json.RawMessage `json:"input"`
	Status     int             `json:"status"`
	// Pending is true while the outcome is not recorded (Status 0).
	Pending bool `json:"pending,omitempty"`
}

// AuditPending is the Status of an entry whose request has not finished,
// or whose outcome could not be recorded yet.
const AuditPending = 0

// AuditOutcome is what CompleteAudit records on a pending entry: the
// status answered, the request that answered it and the object it named.
type AuditOutcome struct {
	Status                      int
	RequestID                   string
	ObjectType, ObjectID, Owner string
}

// BeginAudit stores the pending entry e of a request before the request is
// applied, unless an entry with its RequestKey exists already (a retry of
// the same request), which the request then completes instead.
func BeginAudit(ctx context.Context, db *gorm.DB, e *AuditEntry) error {
	e.Status = AuditPending
	err := db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "request_key"}}, DoNothing: true}).Create(e).Error
	if err != nil {
		return fmt.Errorf("begin audit entry: %w", err)
	}
	return nil
}

// CompleteAudit records the outcome o on the entry of the request key. An
// entry that records a success (a status below 400) is final: only a
// pending entry, or one whose earlier attempt failed, takes the outcome, so
// a retry never overwrites the success of the request it repeats.
func CompleteAudit(ctx context.Context, db *gorm.DB, key string, o AuditOutcome) error {
	err := db.WithContext(ctx).Model(&AuditEntry{}).
		Where("request_key = ? AND (status = ? OR status >= 400)", key, AuditPending).
		Updates(map[string]any{
			"status": o.Status, "request_id": o.RequestID,
			"object_type": o.ObjectType, "object_id": o.ObjectID, "owner": o.Owner,
		}).Error
	if err != nil {
		return fmt.Errorf("complete audit entry: %w", err)
	}
	return nil
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
// per dialect: no entry is deleted, and an update may only complete an
// entry that is pending or records a failure (status 0 or at least 400)
// with a final status, changing nothing but the status, the request ID and
// the object named (see CompleteAudit).
var auditTriggers = map[string][]string{
	"postgres": {
		`CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$ LANGUAGE plpgsql`,
		`CREATE OR REPLACE FUNCTION audit_entries_complete_only() RETURNS trigger AS $$
BEGIN
	IF (OLD.status = 0 OR OLD.status >= 400) AND NEW.status <> 0 AND
		(NEW.id, NEW.at, NEW.request_key, NEW.actor, NEW.role, NEW.action, NEW.input) IS NOT DISTINCT FROM
		(OLD.id, OLD.at, OLD.request_key, OLD.actor, OLD.role, OLD.action, OLD.input) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'audit entries are append-only';
END $$ LANGUAGE plpgsql`,
		`DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries`,
		`CREATE TRIGGER audit_entries_append_only BEFORE DELETE OR TRUNCATE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`,
		`DROP TRIGGER IF EXISTS audit_entries_complete_only ON audit_entries`,
		`CREATE TRIGGER audit_entries_complete_only BEFORE UPDATE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_complete_only()`,
	},
	"sqlite": {
		`DROP TRIGGER IF EXISTS audit_entries_no_update`,
		`CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
WHEN NOT (OLD.status = 0 OR OLD.status >= 400) OR NEW.status = 0 OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at
	OR NEW.request_key IS NOT OLD.request_key OR NEW.actor IS NOT OLD.actor OR NEW.role IS NOT OLD.role
	OR NEW.action IS NOT OLD.action OR NEW.input IS NOT OLD.input
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
	},
}
