package workflows

import (
	"encoding/json"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/deal"
)

// journal keeps a subject's history: it numbers events, stamps the view's
// sequence and update time, holds the events the read model has not got
// yet, and wakes the timer loop after every change.
type journal struct {
	seq     *int
	updated *time.Time
	// where is the stage (deal) or step (complaint) an event happens in.
	where   func() deal.Stage
	pending []deal.HistoryEvent
	wake    workflow.Channel
}

func newJournal(ctx workflow.Context, seq *int, updated *time.Time, where func() deal.Stage) *journal {
	return &journal{seq: seq, updated: updated, where: where, wake: workflow.NewBufferedChannel(ctx, 1)}
}

// record appends a history event and marks the state changed.
func (j *journal) record(now time.Time, actor, typ string, data any) {
	raw, _ := json.Marshal(data)
	if string(raw) == "null" || string(raw) == "{}" {
		raw = nil
	}
	*j.seq++
	*j.updated = now
	j.pending = append(j.pending, deal.HistoryEvent{
		Seq: *j.seq, Type: typ, Actor: actor, At: now, Stage: j.where(), Data: raw,
	})
	j.wake.SendAsync(struct{}{})
}

// take hands over the events not yet synced.
func (j *journal) take() []deal.HistoryEvent {
	events := j.pending
	j.pending = nil
	return events
}

// syncActivity runs a read-model sync activity and waits for it; the
// activities retry until they succeed.
func syncActivity(ctx workflow.Context, activity, input any) error {
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	return workflow.ExecuteActivity(actx, activity, input).Get(ctx, nil)
}
