package casework

import (
	"encoding/json"
	"time"
)

// HistoryEvent is one entry of a case's append-only history: an action
// someone took or something the workflow did on its own (a reminder, an
// expiry). Seq numbers start at 1 and have no gaps. Stage is the stage (of a
// deal) or step (of a complaint) the case was in.
type HistoryEvent struct {
	Seq   int             `json:"seq"`
	Type  string          `json:"type"`
	Actor string          `json:"actor"`
	At    time.Time       `json:"at"`
	Stage string          `json:"stage"`
	Data  json.RawMessage `json:"data,omitempty"`
}

// HistoryItem is one entry of a case's history as GET …/{id}/history
// lists it, which the web app reads too: when, who, what, and the stage
// (of a deal) or step (of a complaint) the case was in.
type HistoryItem struct {
	Seq   int       `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Type  string    `json:"type"`
	Stage string    `json:"stage,omitempty"`
	Step  string    `json:"step,omitempty"`
	// Data is the event's own JSON, null when it has none.
	Data json.RawMessage `json:"data"`
}

// Sync is what the read model learns after a change of a case whose view
// is V: the view at that moment and the history events that led to it.
// Applying the same Sync twice, or an older one after a newer one, changes
// nothing. Each case type names its own (deal.Sync, complaint.Sync, …).
type Sync[V any] struct {
	View   V              `json:"view"`
	Events []HistoryEvent `json:"events"`
}
