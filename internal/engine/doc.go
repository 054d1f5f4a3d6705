// Package engine is the workflow engine every case type runs on — a deal,
// a complaint, or a new kind of case. It knows no particular case: a case
// type plugs in its state, its action catalogue with one Handler per action,
// and its hooks, and the engine does the rest:
//
//   - actions as Temporal updates whose validators refuse what the state or
//     the input does not allow, so a refused action never reaches history
//     (Registry, Register);
//   - the journal of history events the read model is fed from (Journal);
//   - control points on one resettable timer, with reminders, overdue
//     escalation and notifications with stable keys (Schedule);
//   - the timer loop, cancellation, and the read-model sync and notification
//     activities, called by name (Serve, RecordCancellation, Journal.Flush);
//     the sync runs as a local activity within the workflow task of the
//     change it reports.
//
// docs/design.md shows how to add a case type.
package engine
