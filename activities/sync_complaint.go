package activities

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/models"
)

// SyncComplaint writes one complaint.Sync into the read model in a single
// transaction, like SyncDeal: it appends the history events not stored yet,
// and replaces the complaint row and each of its control points only when
// the stored copy reflects an older sequence number, so a repeated or late
// (older) sync changes nothing. A view without an ID or a number fails with
// a non-retryable ErrTypeInvalidInput error.
func (a *Activities) SyncComplaint(ctx context.Context, s complaint.Sync) error {
	return complaints.sync(ctx, a.DB, s)
}

// complaints are mirrored into complaints, complaint_events and the
// control points; a complaint's view needs its ID and number.
var complaints = caseTables[complaint.View, models.ComplaintEvent]{subject: models.SubjectComplaint, eventKey: []string{"complaint_id", "seq"},
	event: func(id string, e casework.HistoryEvent) models.ComplaintEvent {
		return models.ComplaintEvent{ComplaintID: id, Seq: e.Seq, Type: e.Type, Actor: e.Actor, Step: e.Stage, At: utc(e.At), Data: string(e.Data)}
	},
	head: func(v complaint.View) (string, int, []casework.ControlPoint, string) {
		return v.ID, v.Seq, v.ControlPoints, missing(v.ID == "" || v.Number == "", "a complaint ID or number")
	},
	upsert: upsertComplaint,
}

func upsertComplaint(tx *gorm.DB, v complaint.View) error {
	row := models.Complaint{
		ID: v.ID, Number: v.Number,
		ClientID: v.ClientID, DealID: v.DealID, Channel: v.Channel, Category: v.Category,
		Severity: string(v.Severity), Status: string(v.Status), Step: string(v.Step),
		Assignee: v.Assignee, RegisteredBy: v.RegisteredBy,
		Recurrence: v.Recurrence, RecurrenceOf: v.RecurrenceOf,
		RegisteredAt: utcOrNow(v.RegisteredAt), ClosedAt: utcPtr(v.ClosedAt), OnTime: v.OnTime,
		UpdatedAt: utcOrNow(v.UpdatedAt), Seq: v.Seq,
	}
	if n := len(v.Investigations); n > 0 {
		row.ProcessStep = v.Investigations[n-1].ProcessStep
	}
	if v.Acknowledgement != nil {
		at := utc(v.Acknowledgement.At)
		row.AcknowledgedAt = &at
	}
	// The number and registered_at (the list order and cursor key) never
	// change.
	err := upsertNewer(tx, "complaints", []models.Complaint{row}, []string{"id"}, []string{
		"client_id", "deal_id", "channel", "category", "severity", "status", "step", "assignee",
		"registered_by", "process_step", "recurrence", "recurrence_of", "acknowledged_at",
		"closed_at", "on_time", "updated_at", "seq",
	})
	if err != nil {
		return fmt.Errorf("upsert complaint: %w", err)
	}
	return nil
}
