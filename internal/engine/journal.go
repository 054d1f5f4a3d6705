package engine

import (
	"encoding/json"
	"reflect"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
)

// SystemActor is the actor of what a workflow does on its own.
const SystemActor = "system"

// Journal keeps a case's history: it numbers events, stamps the view's
// sequence and update time, holds the events the read model has not got
// yet and hands them to it (Flush), and wakes the timer loop after every
// change.
type Journal struct {
	seq     *int
	updated *time.Time
	// where is the stage or step an event happens in.
	where   func() string
	pending []casework.HistoryEvent
	wake    workflow.Channel
	// local is set for workflows started with versionLocalSync: their
	// syncs and opening activities run as local activities.
	local bool
	// syncing keeps the local syncs in the order of the changes, so each
	// derives its rows from a history stored up to its own events.
	syncing workflow.Mutex
}

// NewJournal keeps the history of a case whose view holds the sequence
// number seq and the update time updated; where tells the stage or step
// the case is in. It decides how the case's activities run, so it must be
// called before the workflow's first activity.
func NewJournal(ctx workflow.Context, seq *int, updated *time.Time, where func() string) *Journal {
	j := &Journal{seq: seq, updated: updated, where: where, wake: workflow.NewBufferedChannel(ctx, 1)}
	if workflow.GetVersion(ctx, versionLocalSync, workflow.DefaultVersion, 1) == 1 {
		j.local, j.syncing = true, workflow.NewMutex(ctx)
	}
	return j
}

// Since reports whether the workflow runs with change (a change ID whose
// only versions are workflow.DefaultVersion and 1, older than
// versionLocalSync): workflows started with versionLocalSync run every
// earlier change without a version marker of its own — a marker and a
// search-attribute update fewer per change in their first workflow task —
// and those started before ask workflow.GetVersion, as they always did.
func (j *Journal) Since(ctx workflow.Context, change string) bool {
	return j.local || workflow.GetVersion(ctx, change, workflow.DefaultVersion, 1) == 1
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

// Flush runs the case's read-model sync activity (named, or a function the
// worker registered; idempotent) with the input that input builds from the
// events not synced yet — and the view as it is then — and waits until it
// succeeded.
//
// Since versionLocalSync it runs as a local activity within the workflow
// task, one sync at a time, and returns only once nothing recorded is left
// unsynced: a sync that finds its events taken by an earlier one returns
// at once, and one that finds events recorded while it ran (actions that
// arrived together) syncs them too, so the view a caller returns next is
// in the read model. The input is a copy (through JSON, as an activity's
// would be), so the activity never sees the state change under it. Before
// the version, an activity on the task queue took the events at the call.
func (j *Journal) Flush(ctx workflow.Context, activity any, input func(events []casework.HistoryEvent) any) error {
	if !j.local {
		return runActivity(ctx, false, activity, input(j.take()), nil)
	}
	if err := j.syncing.Lock(ctx); err != nil {
		return err
	}
	defer j.syncing.Unlock()
	for len(j.pending) > 0 {
		in, err := Snapshot(input(j.take()))
		if err != nil {
			return err
		}
		if err := runActivity(ctx, true, activity, in, nil); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot is a deep copy of v through its JSON form (a value an activity
// may read while the workflow changes the original).
func Snapshot(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	c := reflect.New(reflect.TypeOf(v))
	if err := json.Unmarshal(raw, c.Interface()); err != nil {
		return nil, err
	}
	return c.Elem().Interface(), nil
}

// Activity runs another idempotent activity of the case the way its syncs
// run (see Flush) and decodes its result into result.
func (j *Journal) Activity(ctx workflow.Context, activity, input, result any) error {
	return runActivity(ctx, j.local, activity, input, result)
}

// take hands over the events not yet synced.
func (j *Journal) take() []casework.HistoryEvent {
	events := j.pending
	j.pending = nil
	return events
}
