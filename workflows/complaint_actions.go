package workflows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/engine"
)

func (c *complaintRun) isOpen() error {
	if c.v.Status != complaint.StatusOpen {
		return engine.NotAllowed("the complaint is closed")
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
			return engine.NotAllowed("the complaint is in step %s, not %s", c.v.Step, s)
		}
		return nil
	}
}

var acknowledge = engine.Handle(complaint.ActAcknowledge, inStep(complaint.StepAcknowledgement),
	func(_ *complaintRun, in *complaint.AcknowledgeInput, _ engine.Step) error {
		return engine.Required("message", strings.TrimSpace(in.Message))
	},
	func(c *complaintRun, in *complaint.AcknowledgeInput, s engine.Step) {
		c.v.Acknowledgement = &complaint.Acknowledgement{Message: in.Message, By: s.Actor, At: s.Now}
		c.cps.Done(s.Now, pointAcknowledge)
		c.startInvestigation(s)
	})

func (c *complaintRun) startInvestigation(s engine.Step) {
	c.enter(s.Now, complaint.StepInvestigation)
	c.armStep(s.Now, pointInvestigate, complaint.PointInvestigate, c.deadlines().Investigate, "Investigate the root cause of the complaint")
}

var assign = engine.Handle(complaint.ActAssign, (*complaintRun).isOpen,
	func(c *complaintRun, in *complaint.AssignInput, _ engine.Step) error {
		return engine.NewOwner("assignee", in.Assignee, c.v.Assignee, "is already assigned")
	},
	func(c *complaintRun, in *complaint.AssignInput, _ engine.Step) {
		c.v.Assignee = in.Assignee
		c.cps.Handover(in.Assignee, func(cp *casework.ControlPoint) bool { return cp.Kind == complaint.PointCorrectiveAction })
	})

var recordInvestigation = engine.Handle(complaint.ActRecordInvestigation, inStep(complaint.StepInvestigation),
	func(_ *complaintRun, in *complaint.RecordInvestigationInput, _ engine.Step) error {
		if err := engine.Required("root_cause", strings.TrimSpace(in.RootCause)); err != nil {
			return err
		}
		if !slices.Contains(complaint.ProcessSteps, in.ProcessStep) {
			return engine.Invalid("process_step", "must be one of %s", strings.Join(complaint.ProcessSteps, ", "))
		}
		return nil
	},
	func(c *complaintRun, in *complaint.RecordInvestigationInput, s engine.Step) {
		c.v.Investigations = append(c.v.Investigations, complaint.Investigation{
			RootCause: in.RootCause, ProcessStep: in.ProcessStep, Department: in.Department, By: s.Actor, At: s.Now,
		})
		c.cps.Done(s.Now, pointInvestigate)
		c.enter(s.Now, complaint.StepResolution)
		c.armStep(s.Now, pointResolve, complaint.PointResolve, c.deadlines().Resolve, "Eliminate the cause of the complaint for the client")
	})

var resolveForClient = engine.Handle(complaint.ActResolveForClient, inStep(complaint.StepResolution),
	func(_ *complaintRun, in *complaint.ResolveForClientInput, _ engine.Step) error {
		if !slices.Contains(complaint.Remedies, in.Remedy) {
			return engine.Invalid("remedy", "must be one of %s", strings.Join(complaint.Remedies, ", "))
		}
		switch {
		case in.Amount != nil && *in.Amount <= 0:
			return engine.Invalid("amount", "must be positive")
		case in.Amount == nil && (in.Remedy == "discount" || in.Remedy == "refund"):
			return engine.Invalid("amount", "is required for a %s", in.Remedy)
		}
		return nil
	},
	func(c *complaintRun, in *complaint.ResolveForClientInput, s engine.Step) {
		c.v.Resolutions = append(c.v.Resolutions, complaint.Resolution{Remedy: in.Remedy, Amount: in.Amount, By: s.Actor, At: s.Now})
		c.cps.Done(s.Now, pointResolve)
		c.enter(s.Now, complaint.StepConfirmation)
		c.armStep(s.Now, pointConfirm, complaint.PointConfirm, c.deadlines().Confirm, "Get the client's confirmation of the remedy")
	})

var confirmByClient = engine.Handle(complaint.ActConfirmByClient, inStep(complaint.StepConfirmation),
	func(_ *complaintRun, in *complaint.ConfirmByClientInput, _ engine.Step) error {
		if in.Satisfied == nil {
			return engine.Invalid("satisfied", "is required (true or false)")
		}
		return nil
	},
	func(c *complaintRun, in *complaint.ConfirmByClientInput, s engine.Step) {
		res := &c.v.Resolutions[len(c.v.Resolutions)-1]
		res.Confirmation = &complaint.Confirmation{Satisfied: *in.Satisfied, Comment: in.Comment, At: s.Now}
		c.cps.Done(s.Now, pointConfirm)
		if *in.Satisfied {
			c.enter(s.Now, complaint.StepCorrection)
			c.armStep(s.Now, pointCorrect, complaint.PointCorrect, c.deadlines().Correct, "Eliminate the process flaw behind the complaint")
			return
		}
		// Not satisfied: back to investigation, and the manager hears of it.
		c.startInvestigation(s)
		c.cps.Escalate(s.Ctx, c.cps.Get(pointInvestigate), s.Now,
			fmt.Sprintf("The client is not satisfied with the remedy %q for complaint %s (%s); it is back in investigation.", res.Remedy, c.v.Number, in.Comment))
	})

var addCorrectiveAction = engine.Handle(complaint.ActAddCorrectiveAction, inStep(complaint.StepCorrection),
	func(_ *complaintRun, in *complaint.AddCorrectiveActionInput, s engine.Step) error {
		if err := engine.Required("description", strings.TrimSpace(in.Description)); err != nil {
			return err
		}
		if err := engine.Required("owner", strings.TrimSpace(in.Owner)); err != nil {
			return err
		}
		return engine.Future("due", in.Due, s.Now)
	},
	func(c *complaintRun, in *complaint.AddCorrectiveActionInput, s engine.Step) {
		a := complaint.CorrectiveAction{ID: fmt.Sprintf("ca-%d", len(c.v.CorrectiveActions)+1), Description: in.Description, Owner: in.Owner, Due: in.Due}
		c.v.CorrectiveActions = append(c.v.CorrectiveActions, a)
		c.cps.Arm(s.Now, a.ID, complaint.PointCorrectiveAction, "", a.Owner, a.Due, "Corrective action: "+a.Description)
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

var completeCorrectiveAction = engine.Handle(complaint.ActCompleteCorrectiveAction,
	engine.Unless(inStep(complaint.StepCorrection), func(c *complaintRun) bool { return len(c.openActions()) == 0 }, "no corrective action is open"),
	func(c *complaintRun, in *complaint.CompleteCorrectiveActionInput, _ engine.Step) error {
		return engine.OneOf("id", in.ID, c.openActions(), "an open corrective action", "open")
	},
	func(c *complaintRun, in *complaint.CompleteCorrectiveActionInput, s engine.Step) {
		for i := range c.v.CorrectiveActions {
			if a := &c.v.CorrectiveActions[i]; a.ID == in.ID {
				a.CompletedAt, a.Note = &s.Now, in.Note
			}
		}
		c.cps.Done(s.Now, in.ID)
	})

var closeComplaint = engine.Handle(complaint.ActClose, inStep(complaint.StepCorrection),
	func(c *complaintRun, in *complaint.CloseInput, s engine.Step) error {
		reason := strings.TrimSpace(in.NoProcessChangeReason)
		switch {
		case len(c.v.CorrectiveActions) > 0 && reason != "":
			return engine.Invalid("no_process_change_reason", "corrective actions were taken; close without this reason")
		case len(c.v.CorrectiveActions) > 0:
			if open := c.openActions(); len(open) > 0 {
				return engine.NotAllowed("corrective actions are still open: %s", strings.Join(open, ", "))
			}
		case reason == "":
			return engine.Invalid("no_process_change_reason", "is required: add a corrective action, or a manager explains why no process change is needed")
		case s.Role != casework.RoleManager && s.Role != casework.RoleAdmin:
			return engine.NotAllowed("only a manager can decide that no process change is needed")
		}
		return nil
	},
	func(c *complaintRun, in *complaint.CloseInput, s engine.Step) {
		c.cps.Done(s.Now, pointCorrect)
		c.v.Status, c.v.ClosedAt, c.v.ClosedBy = complaint.StatusClosed, &s.Now, s.Actor
		c.v.NoProcessChangeReason = strings.TrimSpace(in.NoProcessChangeReason)
		c.v.OnTime = c.onTime()
		c.cps.CancelAll(s.Now)
		c.enter(s.Now, complaint.StepClosed)
	})
