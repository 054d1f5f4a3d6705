package api

import (
	"context"
	"strings"

	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// kind is one kind of workflow the API drives: deals or complaints. P are
// the workflow's start parameters and V its view. Every kind answers the
// query workflows.QueryView and the update workflows.UpdateOpen with its
// view, and has one update per action of its catalog, taking a
// deal.Request and returning the new view.
type kind[P, V any] struct {
	// noun names the subject in error messages.
	noun string
	// prefix starts the ID of every workflow of the kind; an ID without it
	// names no such subject (the workflows share one namespace).
	prefix string
	// workflow is the workflow function started for a new subject.
	workflow func(workflow.Context, P) (V, error)
	// catalog lists the actions and their input types.
	catalog deal.Catalog
	// allowed returns the actions the view allows now.
	allowed func(V) []string
	// actions is the body of GET .../actions: where the subject stands and
	// the allowed actions with their fields.
	actions func(V, []actionJSON) any
	// handover names the action that hands the subject to another member
	// and its input field naming that member (see checkHandover).
	handover, handoverField string
	// rowOwner reads the owner of a subject from the read model
	// (models.ErrNotFound when it has no row); viewOwner from its view.
	rowOwner  func(ctx context.Context, db *gorm.DB, id string) (string, error)
	viewOwner func(V) string
}

// deals are driven by workflows.Deal.
var deals = &kind[deal.Params, deal.View]{
	noun:     "deal",
	prefix:   "deal-",
	workflow: workflows.Deal,
	catalog:  deal.Inputs,
	allowed:  func(v deal.View) []string { return v.AllowedActions },
	actions: func(v deal.View, acts []actionJSON) any {
		return actionsJSON{Stage: v.Stage, Status: v.Status, Actions: acts}
	},
	handover: deal.ActReassign, handoverField: "owner",
	rowOwner: func(ctx context.Context, db *gorm.DB, id string) (string, error) {
		d, err := models.GetDeal(ctx, db, id)
		if err != nil {
			return "", err
		}
		return d.Owner, nil
	},
	viewOwner: func(v deal.View) string { return v.Owner },
}

// complaints are driven by workflows.Complaint.
var complaints = &kind[complaint.Params, complaint.View]{
	noun:     "complaint",
	prefix:   "cmp-",
	workflow: workflows.Complaint,
	catalog:  complaint.Inputs,
	allowed:  func(v complaint.View) []string { return v.AllowedActions },
	actions: func(v complaint.View, acts []actionJSON) any {
		return complaintActionsJSON{Step: v.Step, Status: v.Status, Actions: acts}
	},
	handover: complaint.ActAssign, handoverField: "assignee",
	rowOwner: func(ctx context.Context, db *gorm.DB, id string) (string, error) {
		c, err := models.GetComplaint(ctx, db, id)
		if err != nil {
			return "", err
		}
		return c.Assignee, nil
	},
	viewOwner: func(v complaint.View) string { return v.Assignee },
}

// owns reports whether id can name a subject of the kind: a deal's ID
// never reaches the complaint routes' workflow calls, nor the reverse.
func (k *kind[P, V]) owns(id string) bool { return strings.HasPrefix(id, k.prefix) }
