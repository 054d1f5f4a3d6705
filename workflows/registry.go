package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/deal"
)

// step is the context of one action: when, by whom, in which role. ctx is
// the update's workflow context, for actions that start a child workflow.
type step struct {
	ctx   workflow.Context
	now   time.Time
	actor string
	role  string
}

// entry is one action over the state S of a workflow: when it is allowed,
// how its input is checked against the state, and what it changes. check and
// apply decode the raw input themselves, so a registry stays one list over
// many input types.
type entry[S any] struct {
	name    string
	allowed func(S) error
	check   func(S, json.RawMessage, step) error
	apply   func(S, json.RawMessage, step)
}

// def builds an entry for input type I. validate may be nil when the input
// needs no check beyond its shape.
func def[S, I any](name string, allowed func(S) error, validate func(S, *I, step) error, apply func(S, *I, step)) entry[S] {
	return entry[S]{
		name:    name,
		allowed: allowed,
		check: func(st S, raw json.RawMessage, s step) error {
			var in I
			if err := decode(raw, &in); err != nil {
				return err
			}
			if validate == nil {
				return nil
			}
			return validate(st, &in, s)
		},
		apply: func(st S, raw json.RawMessage, s step) {
			var in I
			_ = decode(raw, &in) // check already refused what does not decode
			apply(st, &in, s)
		},
	}
}

func decode(raw json.RawMessage, into any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return &deal.Refusal{Code: deal.CodeInvalidInput, Message: "input: " + err.Error()}
	}
	return nil
}

// entries lists every deal action in the order of deal.Inputs.
func entries() []entry[*run] {
	return []entry[*run]{
		schedulePresentation, holdPresentation, sendProtocol, declinePresentation,
		issueOffer, requestOfferChanges, extendOffer, acceptOffer,
		prepareContract, approveContract, requestContractChanges, reviseContract,
		recordPayment, cancelWithRefund,
		planEvent, approveEventItem, rescheduleEvent, holdEvent, signClosingDocuments,
		submitSurvey, scheduleFollowUp, closeDeal, lose, logContact,
		reassign,
	}
}

// notAllowed refuses an action in the subject's current state.
func notAllowed(format string, args ...any) error {
	return &deal.Refusal{Code: deal.CodeActionNotAllowed, Message: fmt.Sprintf(format, args...)}
}

// invalid refuses an input field.
func invalid(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &deal.Refusal{Code: deal.CodeInvalidInput, Message: field + ": " + msg, Fields: map[string]string{field: msg}}
}

// Preconditions shared by many actions.

func (r *run) isOpen() error {
	if r.v.Status != deal.StatusOpen {
		return notAllowed("the deal is %s", r.v.Status)
	}
	return nil
}

func (r *run) inStage(s deal.Stage) error {
	if err := r.isOpen(); err != nil {
		return err
	}
	if r.v.Stage != s {
		return notAllowed("the deal is in stage %s, not %s", r.v.Stage, s)
	}
	return nil
}

// Input checks shared by many actions.

func future(field string, t, now time.Time) error {
	if t.IsZero() {
		return invalid(field, "is required (RFC 3339 time)")
	}
	if !t.After(now) {
		return invalid(field, "must be in the future")
	}
	return nil
}

func notFuture(field string, t *time.Time, now time.Time) error {
	if t != nil && t.After(now) {
		return invalid(field, "must not be in the future")
	}
	return nil
}

func required(field, v string) error {
	if v == "" {
		return invalid(field, "is required")
	}
	return nil
}

func orNow(t *time.Time, now time.Time) time.Time {
	if t != nil {
		return *t
	}
	return now
}
