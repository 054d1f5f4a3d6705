package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
)

type (
	toyState  struct{ open bool }
	ringInput struct {
		At time.Time `json:"at"`
	}
	noteInput struct {
		Text string `json:"text"`
	}
)

var toyCatalog = casework.Catalog{{Name: "ring", Input: ringInput{}}, {Name: "note", Input: noteInput{}}}

func isOpen(s *toyState) error {
	if !s.open {
		return NotAllowed("closed")
	}
	return nil
}

var (
	ring = Handle("ring", isOpen, func(_ *toyState, in *ringInput, s Step) error { return Future("at", in.At, s.Now) },
		func(*toyState, *ringInput, Step) {})
	note = Handle("note", isOpen, func(_ *toyState, in *noteInput, _ Step) error { return Required("text", in.Text) },
		func(*toyState, *noteInput, Step) {})
)

// TestRegistryMustMatchItsCatalogue: a registry is built only when every
// action of the catalogue has one handler decoding its input type.
func TestRegistryMustMatchItsCatalogue(t *testing.T) {
	if _, err := NewRegistry(toyCatalog, ring, note); err != nil {
		t.Fatalf("matching handlers refused: %v", err)
	}
	wrongType := Handle("note", isOpen, nil, func(*toyState, *ringInput, Step) {})
	extra := Handle("call", isOpen, nil, func(*toyState, *noteInput, Step) {})
	for name, c := range map[string]struct {
		handlers []Handler[*toyState]
		want     string
	}{
		"missing handler":   {[]Handler[*toyState]{ring}, `action "note" of the catalogue has no handler`},
		"handler not in it": {[]Handler[*toyState]{ring, note, extra}, `handler of action "call" is not in the catalogue`},
		"other input type":  {[]Handler[*toyState]{ring, wrongType}, `action "note" takes engine.noteInput in the catalogue but its handler decodes engine.ringInput`},
		"two handlers":      {[]Handler[*toyState]{ring, note, note}, `two handlers of action "note"`},
	} {
		if _, err := NewRegistry(toyCatalog, c.handlers...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
	}
}

// TestValidateIsTheValidatorsDecision: the precondition first, then the
// actor, then the strictly decoded input; the state allows what it allows.
func TestValidateIsTheValidatorsDecision(t *testing.T) {
	reg := MustRegistry(toyCatalog, ring, note)
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	step := Step{Now: now, Actor: "alice"}
	req := func(actor, input string) casework.Request {
		return casework.Request{Actor: actor, Input: json.RawMessage(input)}
	}
	open, closed := &toyState{open: true}, &toyState{}
	for _, c := range []struct {
		st     *toyState
		action string
		req    casework.Request
		code   string
	}{
		{open, "note", req("alice", `{"text":"hi"}`), ""},
		{closed, "note", req("alice", `{"text":"hi"}`), casework.CodeActionNotAllowed},
		// The precondition comes before the actor and the input.
		{closed, "note", req("", `{"text":"","extra":1}`), casework.CodeActionNotAllowed},
		{closed, "note", req("alice", `not json`), casework.CodeActionNotAllowed},
		{open, "note", req("", `{"text":"hi"}`), casework.CodeInvalidInput},
		{open, "note", req("alice", `{"text":""}`), casework.CodeInvalidInput},
		{open, "note", req("alice", `{"text":"hi","extra":1}`), casework.CodeInvalidInput},
		{open, "ring", req("alice", `{"at":"2027-01-09T12:00:00Z"}`), casework.CodeInvalidInput},
		{open, "ring", req("alice", `{"at":"2027-01-11T12:00:00Z"}`), ""},
		{open, "fly", req("alice", `{}`), casework.CodeNotFound},
	} {
		err := reg.Validate(c.st, c.action, c.req, step)
		var ref *casework.Refusal
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s %s refused: %v", c.action, c.req.Input, err)
		case c.code != "" && (!errors.As(err, &ref) || ref.Code != c.code):
			t.Errorf("%s %s: got %v, want %s", c.action, c.req.Input, err, c.code)
		}
	}
	if got := reg.Allowed(open); strings.Join(got, ",") != "ring,note" {
		t.Errorf("allowed when open: %v", got)
	}
	if got := reg.Allowed(closed); len(got) != 0 {
		t.Errorf("allowed when closed: %v", got)
	}
}
