package processmap

import (
	"fmt"
	"strings"

	"github.com/salesflow/salesflow/internal/casework"
)

// Hosts of actions and control points that are not a stage or step.
const (
	// onOpen: a boundary event of the open case (any stage or step).
	onOpen = "open"
	// onOpenEnds: an interrupting boundary event of the open case.
	onOpenEnds = "open!"
	// onFollowUp: the follow-up of a won deal.
	onFollowUp = "follow_up"
)

// Root elements the events reference.
const (
	escalationOverdue = "Escalation_overdue"
	signalCancelled   = "Signal_cancelled"
)

// phase is one stage or step: its element and the actions offered there.
type phase struct {
	node    *node
	actions []casework.Action
}

// phases makes an ad-hoc sub-process per name (ID prefix+name), holding a
// user task per action the catalogue offers there (place maps each action
// to a name, onOpen, onOpenEnds or onFollowUp). An action without a place
// is an error, so a new action cannot be left off the map.
func phases(prefix string, names []string, extra []string, catalog casework.Catalog, place map[string]string) (map[string]*phase, error) {
	ps := map[string]*phase{}
	for _, n := range append(append([]string{}, names...), extra...) {
		ps[n] = &phase{node: container(prefix+n, title(n), adHoc)}
	}
	for _, a := range catalog {
		where, ok := place[a.Name]
		if !ok {
			return nil, fmt.Errorf("processmap: action %q has no place on the map", a.Name)
		}
		if p, ok := ps[where]; ok {
			p.actions = append(p.actions, a)
			p.node.add(&node{id: ActionID(a.Name), name: title(a.Name), kind: userTask, doc: actionDoc(a)})
		} else if where != onOpen && where != onOpenEnds && where != onFollowUp {
			return nil, fmt.Errorf("processmap: action %q placed at unknown %q", a.Name, where)
		}
	}
	return ps, nil
}

// actionDoc is the documentation of an action: what it records and when
// the catalogue offers it.
func actionDoc(a casework.Action) string {
	doc := a.Name + ": " + a.Summary + ". When: " + a.When + "."
	if len(a.Roles) > 0 {
		doc += " Roles: " + strings.Join(a.Roles, ", ") + "."
	}
	return doc
}

// actionEvents attaches a message boundary event to open for every action
// of the catalogue placed on the open case itself, each followed by an end
// event: interrupting (onOpenEnds) ones end the case as ends[action] says
// ([id, name]), the others end only their own branch.
func actionEvents(parent, open *node, catalog casework.Catalog, place map[string]string, ends map[string][2]string) error {
	for _, a := range catalog {
		where := place[a.Name]
		if where != onOpen && where != onOpenEnds {
			continue
		}
		ev := parent.attach(open, &node{id: ActionID(a.Name), name: title(a.Name), def: messageDef, doc: actionDoc(a), interrupting: where == onOpenEnds})
		end, ok := ends[a.Name]
		if !ok {
			return fmt.Errorf("processmap: action %q on the open case has no end", a.Name)
		}
		parent.link(ev, parent.place(&node{id: end[0], name: end[1], kind: endEvent}, ev, 90), "", "", viaAuto)
	}
	return nil
}

// point attaches the non-interrupting timer of a control point kind to
// host in parent, followed by the escalation its overdue sends; id is the
// point's element ID.
func point(parent, host *node, id string, k casework.PointKind, pol casework.PointPolicy, due string) {
	var rem []string
	for _, r := range pol.Reminders {
		rem = append(rem, r.String())
	}
	doc := fmt.Sprintf("Control point %s (docs/process.md §3): due %s; reminders %s before; overdue after a grace of %s, then escalated to the owner's manager.",
		k, due, strings.Join(rem, ", "), pol.Grace.String())
	ev := parent.attach(host, &node{id: id, name: title(string(k)) + " due", def: timerDef, timer: due, doc: doc})
	end := parent.place(&node{id: "Overdue_" + strings.TrimPrefix(id, "Point_"), name: title(string(k)) + " overdue",
		kind: endEvent, def: escalDef, ref: escalationOverdue}, ev, 90)
	parent.link(ev, end, "", "", viaAuto)
}

// title turns a code name into words: "offer_validity" → "Offer validity".
func title(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
