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
