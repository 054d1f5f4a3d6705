package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// historyList is the answer of GET /deals/{id}/history.
type historyList struct {
	Items []historyItem `json:"items"`
}

// historyItem is one entry of a deal's history: who did what, when.
type historyItem struct {
	Seq   int       `json:"seq"`
	Type  string    `json:"type"`
	Actor string    `json:"actor"`
	Stage string    `json:"stage"`
	At    time.Time `json:"at"`
	// Data is the event's own JSON, null when it has none.
	Data json.RawMessage `json:"data"`
}

func (s *server) history(c echo.Context) error {
	events, err := models.DealHistory(c.Request().Context(), s.DB, c.Param("id"))
	if err != nil {
		return err
	}
	out := historyList{Items: make([]historyItem, 0, len(events))}
	for _, ev := range events {
		out.Items = append(out.Items, historyItem{
			Seq: ev.Seq, Type: ev.Type, Actor: ev.Actor, Stage: ev.Stage, At: ev.At.UTC(), Data: eventData(ev.Data),
		})
	}
	return c.JSON(http.StatusOK, out)
}

// eventData is a stored event's JSON data, nil (null) when it has none.
func eventData(data string) json.RawMessage {
	if data == "" {
		return nil
	}
	return json.RawMessage(data)
}
