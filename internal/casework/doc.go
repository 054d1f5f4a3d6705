// Package casework is the vocabulary every kind of case shares — a deal, a
// complaint, or any case type added later: who acts (Request), why an action
// was refused (Refusal and its codes), the action catalogue (Catalog),
// control points and their policy, notifications, history events and the
// read-model sync that carries them (Sync), policy durations and the JSON
// merge of policy overrides.
//
// It knows no particular case and has no behaviour that touches Temporal or
// a database; the workflow engine (internal/engine), the case vocabularies
// (internal/deal, internal/complaint), the activities and the HTTP API all
// speak it. docs/process.md describes the domain; docs/design.md how a case
// type plugs in.
package casework
