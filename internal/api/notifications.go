package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// notificationList is the answer of GET /notifications.
type notificationList struct {
	Items []notificationJSON `json:"items"`
}

// notificationJSON is a reminder or escalation in the caller's inbox.
type notificationJSON struct {
	ID             string                `json:"id"`
	Kind           deal.NotificationKind `json:"kind"`
	DealID         string                `json:"deal_id"`
	ComplaintID    string                `json:"complaint_id,omitempty"`
	ControlPointID string                `json:"control_point_id"`
	Subject        string                `json:"subject"`
	Message        string                `json:"message"`
	DueAt          time.Time             `json:"due_at"`
	CreatedAt      time.Time             `json:"created_at"`
	ReadAt         *time.Time            `json:"read_at,omitempty"`
}

func (s *server) notifications(c echo.Context) error {
	p := problems{}
	limit := limitParam(c, p)
	if err := p.err(); err != nil {
		return err
	}
	rows, err := models.Notifications(c.Request().Context(), s.DB, staffOf(c).ID, limit)
	if err != nil {
		return err
	}
	out := notificationList{Items: make([]notificationJSON, 0, len(rows))}
	for _, n := range rows {
		out.Items = append(out.Items, notificationJSON{
			ID: n.ID, Kind: deal.NotificationKind(n.Kind), DealID: n.DealID, ComplaintID: n.ComplaintID, ControlPointID: n.ControlPointID,
			Subject: n.Subject, Message: n.Message, DueAt: n.DueAt.UTC(), CreatedAt: n.CreatedAt.UTC(),
			ReadAt: utc(n.ReadAt),
		})
	}
	return c.JSON(http.StatusOK, out)
}
