package models

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"gorm.io/gorm"
)

// Complaint is one row per complaint, the latest state its workflow
// reported.
type Complaint struct {
	ID string `gorm:"primaryKey;size:64;index:idx_complaints_registered_id,priority:2"`
	// Number is the human-readable number handed out at registration, e.g.
	// C-2026-000123.
	Number   string `gorm:"size:32;not null;uniqueIndex"`
	ClientID string `gorm:"size:64;not null;index:idx_complaints_client_category,priority:1"`
	DealID   string `gorm:"size:64;index"`
	Channel  string `gorm:"size:16;not null"`
	Category string `gorm:"size:64;not null;index;index:idx_complaints_client_category,priority:2"`
	Severity string `gorm:"size:16;not null"`
	Status   string `gorm:"size:16;not null;index"`
	Step     string `gorm:"size:32;not null"`
	Assignee string `gorm:"size:64;index"`
	// RegisteredBy is the staff member who filled in the form.
	RegisteredBy string `gorm:"size:64"`
	// ProcessStep is the process step of origin found by the latest
	// investigation; "" before the first one.
	ProcessStep string `gorm:"size:32"`
	// Recurrence is set when the same client complained in the same
	// category within the recurrence window; RecurrenceOf is that earlier
	// complaint.
	Recurrence   bool   `gorm:"not null;default:false"`
	RecurrenceOf string `gorm:"size:64"`
	// RegisteredAt and ID together order complaint lists (newest first) and
	// carry their keyset cursor; RegisteredAt also selects a report's period
	// and, with client and category, an earlier complaint it recurs.
	RegisteredAt   time.Time `gorm:"not null;index:idx_complaints_registered_id,priority:1;index:idx_complaints_client_category,priority:3"`
	AcknowledgedAt *time.Time
	ClosedAt       *time.Time
	// OnTime is set at close when no step's control point went overdue.
	OnTime    bool `gorm:"not null;default:false"`
	UpdatedAt time.Time
	// Seq is the history sequence number this row reflects; a row is only
	// ever replaced by a newer one.
	Seq int `gorm:"not null"`
	// ClientName is the client's name, filled by ListComplaints only
	// (names.go).
	ClientName string `gorm:"->;-:migration"`
}

// ComplaintEvent is one append-only history entry of a complaint. Step is
// the step the complaint was in.
type ComplaintEvent struct {
	ComplaintID string `gorm:"primaryKey;size:64"`
	Seq         int    `gorm:"primaryKey"`
	Type        string `gorm:"size:64;not null"`
	Actor       string `gorm:"size:64"`
	Step        string `gorm:"size:32"`
	At          time.Time
	Data        string `gorm:"type:text"`
}

// Event is the row as a history event; its Stage is the complaint's step.
func (e ComplaintEvent) Event() casework.HistoryEvent {
	return casework.HistoryEvent{Seq: e.Seq, Type: e.Type, Actor: e.Actor, Stage: e.Step, At: e.At, Data: RawJSON(e.Data)}
}

// ComplaintNumber hands out complaint numbers: one row per complaint, whose
// ID (assigned by the database, ascending) is the number's serial part.
type ComplaintNumber struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	ComplaintID string `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt   time.Time
}

// Complaint statuses as stored in Complaint.Status, and the deal status
// whose deals the complaint report counts as closed.
const (
	ComplaintOpen   = "open"
	ComplaintClosed = "closed"
	DealWon         = "won"
)

// GetComplaint returns one complaint row by ID, or ErrNotFound.
func GetComplaint(ctx context.Context, db *gorm.DB, id string) (*Complaint, error) {
	return get[Complaint](ctx, db, "id = ?", id)
}

// ComplaintFilter selects complaints for ListComplaints. Scope is required:
// only complaints whose assignee is in scope are listed (its zero value
// lists none). Empty fields do not filter. Limit is the page size (DefaultLimit when not positive, at most
// MaxLimit); Cursor is the next value of the previous page.
type ComplaintFilter struct {
	Scope    Scope
	Status   string
	ClientID string
	DealID   string
	Category string
	// Step is the complaint's current step, Severity its severity.
	Step     string
	Severity string
	Limit    int
	Cursor   string
}

// ListComplaints returns one page of complaints matching f, newest first
// (registered_at then id, both descending), and the cursor of the next page,
// which is "" on the last page. A cursor it did not issue yields an error
// wrapping ErrBadCursor.
func ListComplaints(ctx context.Context, db *gorm.DB, f ComplaintFilter) (items []Complaint, next string, err error) {
	q := whereEqual(listOf[Complaint](ctx, db, "complaints", f.Scope, "assignee"),
		[2]string{"status", f.Status}, [2]string{"client_id", f.ClientID},
		[2]string{"deal_id", f.DealID}, [2]string{"category", f.Category},
		[2]string{"step", f.Step}, [2]string{"severity", f.Severity})
	return keysetPage("complaints", q, newestFirst("registered_at"), f.Limit, f.Cursor,
		func(c *Complaint) (time.Time, []string) { return c.RegisteredAt, []string{c.ID} })
}

// ComplaintHistory returns a complaint's history events in sequence order.
func ComplaintHistory(ctx context.Context, db *gorm.DB, complaintID string) ([]ComplaintEvent, error) {
	return findAll[ComplaintEvent](ctx, db, "complaint_id", complaintID, "seq")
}

// ComplaintControlPoints returns a complaint's control points by due time,
// then ID.
func ComplaintControlPoints(ctx context.Context, db *gorm.DB, complaintID string) ([]ControlPoint, error) {
	return controlPoints(ctx, db, SubjectComplaint, complaintID)
}

// ComplaintStats is the complaint report over the complaints registered in
// [From, To).
type ComplaintStats struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Total int       `json:"total"`
	// Counts per category, severity, channel, and process step of origin
	// (of the latest investigation; complaints not investigated yet are
	// left out of ByProcessStep).
	ByCategory    map[string]int `json:"by_category"`
	BySeverity    map[string]int `json:"by_severity"`
	ByProcessStep map[string]int `json:"by_process_step"`
	ByChannel     map[string]int `json:"by_channel"`
	// TimeToAcknowledge and TimeToClose measure from registration, over the
	// complaints acknowledged or closed so far.
	TimeToAcknowledge DurationStats `json:"time_to_acknowledge"`
	TimeToClose       DurationStats `json:"time_to_close"`
	// Closed counts the closed complaints, ClosedOnTime those of them whose
	// steps all kept their deadlines; ClosedOnTimePercent is their share
	// (one decimal), nil when none is closed.
	Closed              int      `json:"closed"`
	ClosedOnTime        int      `json:"closed_on_time"`
	ClosedOnTimePercent *float64 `json:"closed_on_time_percent"`
	// Recurrences counts the complaints flagged as recurrence.
	Recurrences int `json:"recurrences"`
	// ClosedDeals counts the deals won in [From, To);
	// ComplaintsPer100ClosedDeals is Total per 100 of them (one decimal),
	// nil when there are none.
	ClosedDeals                 int      `json:"closed_deals"`
	ComplaintsPer100ClosedDeals *float64 `json:"complaints_per_100_closed_deals"`
}

// DurationStats summarizes durations in whole seconds. Median and P90 use
// the nearest-rank method; both are nil when Count is 0.
type DurationStats struct {
	Count         int    `json:"count"`
	MedianSeconds *int64 `json:"median_seconds"`
	P90Seconds    *int64 `json:"p90_seconds"`
}

// ComplaintReport computes the complaint report over the complaints with
// registered_at in [from, to) assigned to a member in scope and the deals
// won (closed_at) in the same period owned by a member in scope. SQL only selects the rows; the figures are computed here, the same
// on PostgreSQL and SQLite.
func ComplaintReport(ctx context.Context, db *gorm.DB, scope Scope, from, to time.Time) (*ComplaintStats, error) {
	from, to = from.UTC(), to.UTC()
	var rows []Complaint
	err := scope.restrict(db.WithContext(ctx).Model(&Complaint{}), "assignee").
		Select("id", "channel", "category", "severity", "status", "process_step",
			"recurrence", "registered_at", "acknowledged_at", "closed_at", "on_time").
		Where("registered_at >= ? AND registered_at < ?", from, to).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("complaint report: select complaints: %w", err)
	}
	var closedDeals int64
	err = scope.restrict(db.WithContext(ctx).Model(&Deal{}), "owner").
		Where("status = ? AND closed_at >= ? AND closed_at < ?", DealWon, from, to).
		Count(&closedDeals).Error
	if err != nil {
		return nil, fmt.Errorf("complaint report: count closed deals: %w", err)
	}

	s := &ComplaintStats{
		From: from, To: to, Total: len(rows),
		ByCategory: map[string]int{}, BySeverity: map[string]int{},
		ByProcessStep: map[string]int{}, ByChannel: map[string]int{},
		ClosedDeals: int(closedDeals),
	}
	var toAck, toClose []int64
	for _, c := range rows {
		s.ByCategory[c.Category]++
		s.BySeverity[c.Severity]++
		s.ByChannel[c.Channel]++
		if c.ProcessStep != "" {
			s.ByProcessStep[c.ProcessStep]++
		}
		if c.AcknowledgedAt != nil {
			toAck = append(toAck, seconds(c.AcknowledgedAt.Sub(c.RegisteredAt)))
		}
		if c.ClosedAt != nil {
			toClose = append(toClose, seconds(c.ClosedAt.Sub(c.RegisteredAt)))
		}
		if c.Status == ComplaintClosed {
			s.Closed++
			if c.OnTime {
				s.ClosedOnTime++
			}
		}
		if c.Recurrence {
			s.Recurrences++
		}
	}
	s.TimeToAcknowledge = durationStats(toAck)
	s.TimeToClose = durationStats(toClose)
	s.ClosedOnTimePercent = Percent(s.ClosedOnTime, s.Closed)
	s.ComplaintsPer100ClosedDeals = Percent(s.Total, s.ClosedDeals)
	return s, nil
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

// durationStats summarizes the durations (in seconds; the slice is sorted
// in place).
func durationStats(d []int64) DurationStats {
	out := DurationStats{Count: len(d)}
	if len(d) == 0 {
		return out
	}
	slices.Sort(d)
	out.MedianSeconds = ptr(nearestRank(d, 50))
	out.P90Seconds = ptr(nearestRank(d, 90))
	return out
}

// nearestRank returns the p-th percentile (0 < p <= 100) of the sorted,
// non-empty values by the nearest-rank method: the value at index
// ceil(p/100*n)-1.
func nearestRank(sorted []int64, p int) int64 {
	n := len(sorted)
	rank := (p*n + 99) / 100 // ceil(p*n/100) in integers
	return sorted[max(rank, 1)-1]
}

// Percent returns part*100/whole rounded to one decimal, or nil when whole
// is 0: how every report shows a share.
func Percent(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	return ptr(math.Round(float64(part)*1000/float64(whole)) / 10)
}

func ptr[T any](v T) *T { return &v }
