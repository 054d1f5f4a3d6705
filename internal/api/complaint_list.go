package api

import (
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/models"
)

// complaintList is the answer of GET /complaints.
type complaintList = page[complaintItem]

// complaintItem is a complaint as the read model last saw it.
type complaintItem struct {
	ID           string             `json:"id"`
	Number       string             `json:"number"`
	ClientID     string             `json:"client_id"`
	DealID       string             `json:"deal_id,omitempty"`
	Channel      string             `json:"channel"`
	Category     string             `json:"category"`
	Severity     complaint.Severity `json:"severity"`
	Step         complaint.Step     `json:"step"`
	Status       complaint.Status   `json:"status"`
	Assignee     string             `json:"assignee"`
	RegisteredBy string             `json:"registered_by"`
	// ProcessStep is the process step of origin the latest investigation
	// found.
	ProcessStep    string     `json:"process_step,omitempty"`
	Recurrence     bool       `json:"recurrence"`
	RecurrenceOf   string     `json:"recurrence_of,omitempty"`
	RegisteredAt   time.Time  `json:"registered_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	OnTime         bool       `json:"on_time"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func toComplaintItem(m models.Complaint) complaintItem {
	return complaintItem{
		ID: m.ID, Number: m.Number, ClientID: m.ClientID, DealID: m.DealID, Channel: m.Channel,
		Category: m.Category, Severity: complaint.Severity(m.Severity), Step: complaint.Step(m.Step),
		Status: complaint.Status(m.Status), Assignee: m.Assignee, RegisteredBy: m.RegisteredBy,
		ProcessStep: m.ProcessStep, Recurrence: m.Recurrence, RecurrenceOf: m.RecurrenceOf,
		RegisteredAt: m.RegisteredAt.UTC(), AcknowledgedAt: utc(m.AcknowledgedAt), ClosedAt: utc(m.ClosedAt),
		OnTime: m.OnTime, UpdatedAt: m.UpdatedAt.UTC(),
	}
}

var complaintStatuses = []complaint.Status{complaint.StatusOpen, complaint.StatusClosed}

func (s *server) listComplaints(c echo.Context) error {
	f := models.ComplaintFilter{
		Scope: scopeOf(c), Status: c.QueryParam("status"), ClientID: c.QueryParam("client_id"), DealID: c.QueryParam("deal_id"),
		Category: c.QueryParam("category"), Cursor: c.QueryParam("cursor"),
	}
	p := problems{}
	if f.Status != "" && !slices.Contains(complaintStatuses, complaint.Status(f.Status)) {
		p.add("status", "must be one of open, closed")
	}
	if f.Category != "" {
		doc, err := s.currentPolicy(c)
		if err != nil {
			return err
		}
		if cats := doc.Complaint.Categories; !slices.Contains(cats, f.Category) {
			p.add("category", "must be one of "+strings.Join(cats, ", "))
		}
	}
	f.Limit = limitParam(c, p)
	return answerPage(c, p, func() ([]models.Complaint, string, error) {
		return models.ListComplaints(c.Request().Context(), s.DB, f)
	}, toComplaintItem)
}
