package workflows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

// complaintEntries lists every complaint action in the order of
// complaint.Inputs.
func complaintEntries() []entry[*complaintRun] {
	return []entry[*complaintRun]{
		acknowledge, assign, recordInvestigation, resolveForClient,
		confirmByClient, addCorrectiveAction, completeCorrectiveAction, closeComplaint,
	}
}

func (c *complaintRun) isOpen() error {
	if c.v.Status != complaint.StatusOpen {
		return notAllowed("the complaint is closed")
	}
	return nil
}

// inStep allows an action only in the given step.
func inStep(s complaint.Step) func(*complaintRun) error {
	return func(c *complaintRun) error {
		if err := c.isOpen(); err != nil {
			return err
		}
		if c.v.Step != s {
			return notAllowed("the complaint is in step %s, not %s", c.v.Step, s)
		}
		return nil
	}
}

var acknowledge = def(complaint.ActAcknowledge, inStep(complaint.StepAcknowledgement),
	func(_ *complaintRun, in *complaint.AcknowledgeInput, _ step) error {
		return required("message", strings.TrimSpace(in.Message))
	},
	func(c *complaintRun, in *complaint.AcknowledgeInput, s step) {
		c.v.Acknowledgement = &complaint.Acknowledgement{Message: in.Message, By: s.actor, At: s.now}
		c.cps.done(s.now, pointAcknowledge)
		c.startInvestigation(s)
	})

func (c *complaintRun) startInvestigation(s step) {
	c.enter(s.now, complaint.StepInvestigation)
	c.armStep(s.now, pointInvestigate, complaint.PointInvestigate, c.deadlines().Investigate, "Investigate the root cause of the complaint")
}

var assign = def(complaint.ActAssign, (*complaintRun).isOpen,
	func(c *complaintRun, in *complaint.AssignInput, _ step) error {
		if err := required("assignee", strings.TrimSpace(in.Assignee)); err != nil {
			return err
		}
		if in.Assignee == c.v.Assignee {
			return invalid("assignee", "%q is already assigned", in.Assignee)
		}
		return nil
	},
	func(c *complaintRun, in *complaint.AssignInput, _ step) {
		c.v.Assignee = in.Assignee
		for i := range c.v.ControlPoints {
			if cp := &c.v.ControlPoints[i]; cp.Active() && cp.Kind != complaint.PointCorrectiveAction {
				cp.Owner = in.Assignee
			}
		}
	})

var recordInvestigation = def(complaint.ActRecordInvestigation, inStep(complaint.StepInvestigation),
	func(_ *complaintRun, in *complaint.RecordInvestigationInput, _ step) error {
		if err := required("root_cause", strings.TrimSpace(in.RootCause)); err != nil {
			return err
		}
		if !slices.Contains(complaint.ProcessSteps, in.ProcessStep) {
			return invalid("process_step", "must be one of %s", strings.Join(complaint.ProcessSteps, ", "))
		}
		return nil
	},
	func(c *complaintRun, in *complaint.RecordInvestigationInput, s step) {
		c.v.Investigations = append(c.v.Investigations, complaint.Investigation{
			RootCause: in.RootCause, ProcessStep: in.ProcessStep, Department: in.Department, By: s.actor, At: s.now,
		})
		c.cps.done(s.now, pointInvestigate)
		c.enter(s.now, complaint.StepResolution)
		c.armStep(s.now, pointResolve, complaint.PointResolve, c.deadlines().Resolve, "Eliminate the cause of the complaint for the client")
	})

var resolveForClient = def(complaint.ActResolveForClient, inStep(complaint.StepResolution),
	func(_ *complaintRun, in *complaint.ResolveForClientInput, _ step) error {
		if !slices.Contains(complaint.Remedies, in.Remedy) {
			return invalid("remedy", "must be one of %s", strings.Join(complaint.Remedies, ", "))
		}
		switch {
		case in.Amount != nil && *in.Amount <= 0:
			return invalid("amount", "must be positive")
		case in.Amount == nil && (in.Remedy == "discount" || in.Remedy == "refund"):
			return invalid("amount", "is required for a %s", in.Remedy)
		}
		return nil
	},
	func(c *complaintRun, in *complaint.ResolveForClientInput, s step) {
		c.v.Resolutions = append(c.v.Resolutions, complaint.Resolution{Remedy: in.Remedy, Amount: in.Amount, By: s.actor, At: s.now})
		c.cps.done(s.now, pointResolve)
		c.enter(s.now, complaint.StepConfirmation)
		c.armStep(s.now, pointConfirm, complaint.PointConfirm, c.deadlines().Confirm, "Get the client's confirmation of the remedy")
	})

var confirmByClient = def(complaint.ActConfirmByClient, inStep(complaint.StepConfirmation),
	func(_ *complaintRun, in *complaint.ConfirmByClientInput, _ step) error {
		if in.Satisfied == nil {
			return invalid("satisfied", "is required (true or false)")
		}
		return nil
	},
	func(c *complaintRun, in *complaint.ConfirmByClientInput, s step) {
		res := &c.v.Resolutions[len(c.v.Resolutions)-1]
		res.Confirmation = &complaint.Confirmation{Satisfied: *in.Satisfied, Comment: in.Comment, At: s.now}
		c.cps.done(s.now, pointConfirm)
		if *in.Satisfied {
			c.enter(s.now, complaint.StepCorrection)
			c.armStep(s.now, pointCorrect, complaint.PointCorrect, c.deadlines().Correct, "Eliminate the process flaw behind the complaint")
			return
		}
		// Not satisfied: back to investigation, and the manager hears of it.
		c.startInvestigation(s)
		n := c.cps.notice(c.cps.get(pointInvestigate), deal.NoticeEscalation, s.now, true)
		n.Message = fmt.Sprintf("The client is not satisfied with the remedy %q for complaint %s (%s); it is back in investigation.", res.Remedy, c.v.Number, in.Comment)
		c.cps.deliver(s.ctx, []deal.Notification{n})
	})

var addCorrectiveAction = def(complaint.ActAddCorrectiveAction, inStep(complaint.StepCorrection),
	func(_ *complaintRun, in *complaint.AddCorrectiveActionInput, s step) error {
		if err := required("description", strings.TrimSpace(in.Description)); err != nil {
			return err
		}
		if err := required("owner", strings.TrimSpace(in.Owner)); err != nil {
			return err
		}
		return future("due", in.Due, s.now)
	},
	func(c *complaintRun, in *complaint.AddCorrectiveActionInput, s step) {
		a := complaint.CorrectiveAction{ID: fmt.Sprintf("ca-%d", len(c.v.CorrectiveActions)+1), Description: in.Description, Owner: in.Owner, Due: in.Due}
		c.v.CorrectiveActions = append(c.v.CorrectiveActions, a)
		c.cps.arm(s.now, a.ID, complaint.PointCorrectiveAction, "", a.Owner, a.Due, "Corrective action: "+a.Description)
	})

func (c *complaintRun) openActions() []string {
	var ids []string
	for _, a := range c.v.CorrectiveActions {
		if a.CompletedAt == nil {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

var completeCorrectiveAction = def(complaint.ActCompleteCorrectiveAction,
	func(c *complaintRun) error {
		if err := inStep(complaint.StepCorrection)(c); err != nil {
			return err
		}
		if len(c.openActions()) == 0 {
			return notAllowed("no corrective action is open")
		}
		return nil
	},
	func(c *complaintRun, in *complaint.CompleteCorrectiveActionInput, _ step) error {
		if open := c.openActions(); !slices.Contains(open, in.ID) {
			return invalid("id", "%q is not an open corrective action (open: %s)", in.ID, strings.Join(open, ", "))
		}
		return nil
	},
	func(c *complaintRun, in *complaint.CompleteCorrectiveActionInput, s step) {
		for i := range c.v.CorrectiveActions {
			if a := &c.v.CorrectiveActions[i]; a.ID == in.ID {
				a.CompletedAt, a.Note = &s.now, in.Note
			}
		}
		c.cps.done(s.now, in.ID)
	})

var closeComplaint = def(complaint.ActClose, inStep(complaint.StepCorrection),
	func(c *complaintRun, in *complaint.CloseInput, s step) error {
		reason := strings.TrimSpace(in.NoProcessChangeReason)
		switch {
		case len(c.v.CorrectiveActions) > 0 && reason != "":
			return invalid("no_process_change_reason", "corrective actions were taken; close without this reason")
		case len(c.v.CorrectiveActions) > 0:
			if open := c.openActions(); len(open) > 0 {
				return notAllowed("corrective actions are still open: %s", strings.Join(open, ", "))
			}
		case reason == "":
			return invalid("no_process_change_reason", "is required: add a corrective action, or a manager explains why no process change is needed")
		case s.role != deal.RoleManager && s.role != deal.RoleAdmin:
			return notAllowed("only a manager can decide that no process change is needed")
		}
		return nil
	},
	func(c *complaintRun, in *complaint.CloseInput, s step) {
		c.cps.done(s.now, pointCorrect)
		c.v.Status, c.v.ClosedAt, c.v.ClosedBy = complaint.StatusClosed, &s.now, s.actor
		c.v.NoProcessChangeReason = strings.TrimSpace(in.NoProcessChangeReason)
		c.v.OnTime = c.onTime()
		c.cps.cancelAll(s.now)
		c.enter(s.now, complaint.StepClosed)
	})
