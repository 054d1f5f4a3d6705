package engine

import (
	"encoding/json"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
)

// SystemActor is the actor of what a workflow does on its own.
const SystemActor = "system"

// Journal keeps a case's history: it numbers events, stamps the view's
// sequence and update time, holds the events the read model has not got
// yet, and wakes the timer loop after every change.
type Journal struct {
	seq     *int
	updated *time.Time
	// where is the stage or step an event happens in.
	where   func() string
	pending []casework.HistoryEvent
	wake    workflow.Channel
}

// NewJournal keeps the history of a case whose view holds the sequence
// number seq and the update time updated; where tells the stage or step
// the case is in.
func NewJournal(ctx workflow.Context, seq *int, updated *time.Time, where func() string) *Journal {
	return &Journal{seq: seq, updated: updated, where: where, wake: workflow.NewBufferedChannel(ctx, 1)}
}

// Record appends a history event and marks the state changed.
func (j *Journal) Record(now time.Time, actor, typ string, data any) {
	raw, _ := json.Marshal(data)
	if string(raw) == "null" || string(raw) == "{}" {
		raw = nil
	}
	*j.seq++
	*j.updated = now
	j.pending = append(j.pending, casework.HistoryEvent{
		Seq: *j.seq, Type: typ, Actor: actor, At: now, Stage: j.where(), Data: raw,
	})
	j.wake.SendAsync(struct{}{})
}

// Take hands over the events not yet synced.
func (j *Journal) Take() []casework.HistoryEvent {
	events := j.pending
	j.pending = nil
	return events
}
