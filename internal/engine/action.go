package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
)

// Step is the context of one action: which, when, by whom, in which role.
// Ctx is the update's workflow context, for actions that start a child
// workflow.
type Step struct {
	Ctx    workflow.Context
	Now    time.Time
	Action string
	Actor  string
	Role   string
}

// Handler is one action over the state S of a case: when it is allowed,
// how its input is checked against the state, and what it changes. check
// and apply decode the raw input themselves, so a registry stays one list
// over many input types.
type Handler[S any] struct {
	name    string
	input   reflect.Type
	allowed func(S) error
	check   func(S, json.RawMessage, Step) error
	apply   func(S, json.RawMessage, Step)
}

// Handle builds the handler of the action name with input type I. allowed
// is the precondition on the state; validate may be nil when the input
// needs no check beyond its shape; apply changes the state and must not
// block.
func Handle[S, I any](name string, allowed func(S) error, validate func(S, *I, Step) error, apply func(S, *I, Step)) Handler[S] {
	return Handler[S]{
		name:    name,
		input:   reflect.TypeFor[I](),
		allowed: allowed,
		check: func(st S, raw json.RawMessage, s Step) error {
			var in I
			if err := decode(raw, &in); err != nil {
				return err
			}
			if validate == nil {
				return nil
			}
			return validate(st, &in, s)
		},
		apply: func(st S, raw json.RawMessage, s Step) {
			var in I
			_ = decode(raw, &in) // check already refused what does not decode
			apply(st, &in, s)
		},
	}
}

// decode reads an action's JSON input strictly: unknown fields are refused.
func decode(raw json.RawMessage, into any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return &casework.Refusal{Code: casework.CodeInvalidInput, Message: "input: " + err.Error()}
	}
	return nil
}

// NotAllowed refuses an action in the case's current state.
func NotAllowed(format string, args ...any) error {
	return &casework.Refusal{Code: casework.CodeActionNotAllowed, Message: fmt.Sprintf(format, args...)}
}

// Invalid refuses an input field.
func Invalid(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &casework.Refusal{Code: casework.CodeInvalidInput, Message: field + ": " + msg, Fields: map[string]string{field: msg}}
}

// Future checks a required time that must lie after now.
func Future(field string, t, now time.Time) error {
	if t.IsZero() {
		return Invalid(field, "is required (RFC 3339 time)")
	}
	if !t.After(now) {
		return Invalid(field, "must be in the future")
	}
	return nil
}

// NotFuture checks an optional time that must not lie after now.
func NotFuture(field string, t *time.Time, now time.Time) error {
	if t != nil && t.After(now) {
		return Invalid(field, "must not be in the future")
	}
	return nil
}

// Required checks a required text.
func Required(field, v string) error {
	if v == "" {
		return Invalid(field, "is required")
	}
	return nil
}

// OrNow is *t, or now when t is nil.
func OrNow(t *time.Time, now time.Time) time.Time {
	if t != nil {
		return *t
	}
	return now
}

// Unless is allowed, refused in addition with refusal when none reports
// that nothing is left to act on (no item awaits approval, no action is
// open).
func Unless[S any](allowed func(S) error, none func(S) bool, refusal string) func(S) error {
	return func(st S) error {
		if err := allowed(st); err != nil {
			return err
		}
		if none(st) {
			return NotAllowed("%s", refusal)
		}
		return nil
	}
}

// OneOf checks that value, the input field's, is one of open; what says
// what open holds ("awaiting approval"), list names it in the refusal
// ("pending").
func OneOf(field, value string, open []string, what, list string) error {
	if slices.Contains(open, value) {
		return nil
	}
	return Invalid(field, "%q is not %s (%s: %s)", value, what, list, strings.Join(open, ", "))
}

// NewOwner checks the input field naming whom a case is handed to: someone,
// and not its current owner (current), whom already says of in the refusal.
func NewOwner(field, to, current, already string) error {
	if err := Required(field, strings.TrimSpace(to)); err != nil {
		return err
	}
	if to == current {
		return Invalid(field, "%q %s", to, already)
	}
	return nil
}
