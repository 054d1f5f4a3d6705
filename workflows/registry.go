package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/deal"
)

// step is the context of one applied action.
type step struct {
	now   time.Time
	actor string
}

// entry is one action: when it is allowed, how its input is checked against
// the state, and what it changes. check and apply decode the raw input
// themselves, so the registry stays one list over many input types.
type entry struct {
	name    string
	allowed func(r *run) error
	check   func(r *run, raw json.RawMessage, now time.Time) error
	apply   func(r *run, raw json.RawMessage, s step)
}

// def builds an entry for input type I. validate may be nil when the input
// needs no check beyond its shape.
func def[I any](name string, allowed func(*run) error, validate func(*run, *I, time.Time) error, apply func(*run, *I, step)) entry {
	return entry{
		name:    name,
		allowed: allowed,
		check: func(r *run, raw json.RawMessage, now time.Time) error {
			var in I
			if err := decode(raw, &in); err != nil {
				return err
			}
			if validate == nil {
				return nil
			}
			return validate(r, &in, now)
		},
		apply: func(r *run, raw json.RawMessage, s step) {
			var in I
			_ = decode(raw, &in) // check already refused what does not decode
			apply(r, &in, s)
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

// entries lists every action in the order of deal.Inputs.
func entries() []entry {
	return []entry{
		schedulePresentation, holdPresentation, sendProtocol, declinePresentation,
		issueOffer, requestOfferChanges, extendOffer, acceptOffer,
		prepareContract, approveContract, requestContractChanges, reviseContract,
		recordPayment, cancelWithRefund,
		planEvent, approveEventItem, rescheduleEvent, holdEvent, signClosingDocuments,
		submitSurvey, scheduleFollowUp, closeDeal, lose, logContact,
	}
}

func (r *run) allowedActions() []string {
	names := []string{}
	for _, e := range r.actions {
		if e.allowed(r) == nil {
			names = append(names, e.name)
		}
	}
	return names
}

// notAllowed refuses an action in the deal's current state.
func (r *run) notAllowed(format string, args ...any) error {
	return &deal.Refusal{Code: deal.CodeActionNotAllowed, Message: fmt.Sprintf(format, args...), Stage: r.v.Stage}
}

// invalid refuses an input field.
func invalid(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &deal.Refusal{Code: deal.CodeInvalidInput, Message: field + ": " + msg, Fields: map[string]string{field: msg}}
}

// applicationError turns a refusal into the error an update validator
// returns, so the client sees its code as the error type and the refusal,
// with the actions allowed now, as its details.
func (r *run) applicationError(err error) error {
	ref, ok := err.(*deal.Refusal)
	if !ok {
		return err
	}
	if ref.Code == deal.CodeActionNotAllowed {
		ref.Allowed = r.allowedActions()
	}
	return temporal.NewApplicationErrorWithOptions(ref.Message, ref.Code, temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{*ref},
	})
}

// Preconditions shared by many actions.

func (r *run) isOpen() error {
	if r.v.Status != deal.StatusOpen {
		return r.notAllowed("the deal is %s", r.v.Status)
	}
	return nil
}

func (r *run) inStage(s deal.Stage) error {
	if err := r.isOpen(); err != nil {
		return err
	}
	if r.v.Stage != s {
		return r.notAllowed("the deal is in stage %s, not %s", r.v.Stage, s)
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
