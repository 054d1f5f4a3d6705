package processmap

import (
	"fmt"
	"sync"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
)

// complaintPlaces says in which step each complaint action is offered
// (docs/process.md §4; the catalogue's When).
var complaintPlaces = map[string]string{
	complaint.ActAcknowledge: "acknowledgement", complaint.ActAssign: onOpen,
	complaint.ActRecordInvestigation: "investigation", complaint.ActResolveForClient: "resolution",
	complaint.ActConfirmByClient: "confirmation", complaint.ActAddCorrectiveAction: "correction",
	complaint.ActCompleteCorrectiveAction: "correction", complaint.ActClose: "correction",
}

// complaintPoints says which step each complaint point kind watches.
var complaintPoints = map[casework.PointKind]string{
	complaint.PointAcknowledge: "acknowledgement", complaint.PointInvestigate: "investigation",
	complaint.PointResolve: "resolution", complaint.PointConfirm: "confirmation",
	complaint.PointCorrect: "correction", complaint.PointCorrectiveAction: "correction",
}

var complaintMap = sync.OnceValues(buildComplaint)

// Complaint returns the map of the complaint procedure (docs/process.md §4).
func Complaint() (*Map, error) { return complaintMap() }

// buildComplaint generates the complaint map from package complaint's
// definitions: every step but the last (closed, an end event) is an ad-hoc
// sub-process of its actions.
func buildComplaint() (*Map, error) {
	var steps []string
	for _, s := range complaint.Steps {
		if s != complaint.StepClosed {
			steps = append(steps, string(s))
		}
	}
	ps, err := phases("Step_", steps, nil, complaint.Inputs, complaintPlaces)
	if err != nil {
		return nil, err
	}
	open := complaintSteps(ps, steps)
	root := container("Process_complaint", "Complaint", "")
	start := root.add(&node{id: "Start_complaint", name: "Complaint registered", kind: startEvent})
	root.add(open)
	closed := root.add(&node{id: EndClosed, name: "Closed", kind: endEvent})
	root.link(start, open, "", "", viaAuto)
	root.link(open, closed, "", "", viaAuto)
	ends := map[string][2]string{complaint.ActAssign: {"End_assigned", "Complaint reassigned"}}
	if err := actionEvents(root, open, complaint.Inputs, complaintPlaces, ends); err != nil {
		return nil, err
	}
	pol := complaint.DefaultPolicy()
	for _, k := range complaint.PointKinds {
		s, ok := complaintPoints[k]
		if !ok {
			return nil, fmt.Errorf("processmap: control point kind %q has no place on the map", k)
		}
		due := "the step's deadline for the complaint's severity after the step starts"
		if k == complaint.PointCorrectiveAction {
			due = "the corrective action's own due date"
		}
		point(open, ps[s].node, ComplaintPointID(k), k, pol.Points[k], due)
	}
	m := &Map{ID: "Process_complaint", Name: "Complaint procedure (docs/process.md §4)", root: root,
		roots: [][4]string{{"escalation", escalationOverdue, "Control point overdue", "overdue"}}}
	layout(m)
	return m, nil
}

// complaintSteps lays the steps in order into the open complaint, with the
// way back to investigation of a client not satisfied with the remedy.
func complaintSteps(ps map[string]*phase, steps []string) *node {
	open := container(ComplaintOpen, "Open complaint", subProcess)
	prev := open.add(&node{id: "Start_steps", name: "Form registered", kind: startEvent})
	var merge, confirm *node
	for _, s := range steps {
		n := ps[s].node
		if complaint.Step(s) == complaint.StepInvestigation {
			merge = open.add(&node{id: "Gateway_investigation_merge", name: "Investigate (again)", kind: gateway})
			open.link(prev, merge, "", "", viaAuto)
			prev = merge
		}
		if complaint.Step(s) == complaint.StepCorrection && confirm != nil {
			gw := open.add(&node{id: "Gateway_confirmation", name: "Client satisfied?", kind: gateway})
			open.link(prev, gw, "", "", viaAuto)
			open.link(gw, merge, "not satisfied", "satisfied = false", viaTop)
			open.add(n)
			open.link(gw, n, "satisfied", "satisfied = true", viaAuto)
			prev = n
			continue
		}
		open.add(n)
		open.link(prev, n, "", "", viaAuto)
		if complaint.Step(s) == complaint.StepConfirmation {
			confirm = n
		}
		prev = n
	}
	done := open.add(&node{id: "End_steps_done", name: "Process corrected", kind: endEvent})
	open.link(prev, done, "", "", viaAuto)
	return open
}
