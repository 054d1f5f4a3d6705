package engine

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// The search attributes every case keeps current in Temporal's visibility,
// so operators can list and filter cases in the Web UI or the CLI
// (`CaseStage = "offer" AND CaseOwner = "alice"`). They are declared here
// once; the worker registers them on its namespace at start (see
// SearchAttributes).
var (
	// SearchStage is a deal's stage or a complaint's step.
	SearchStage = temporal.NewSearchAttributeKeyKeyword("CaseStage")
	// SearchStatus is the case's status: open, won, lost, closed, cancelled.
	SearchStatus = temporal.NewSearchAttributeKeyKeyword("CaseStatus")
	// SearchOwner is the staff member the case belongs to (a deal's owner,
	// a complaint's assignee).
	SearchOwner = temporal.NewSearchAttributeKeyKeyword("CaseOwner")
	// SearchClient is the ID of the case's client.
	SearchClient = temporal.NewSearchAttributeKeyKeyword("CaseClient")
	// SearchAmount is the case's amount in currency units (a deal's);
	// unset while it has none.
	SearchAmount = temporal.NewSearchAttributeKeyFloat64("CaseAmount")
)

// SearchAttributes are the names and types of the case search attributes,
// as the operator service registers them.
func SearchAttributes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		SearchStage.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchStatus.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchOwner.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchClient.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAmount.GetName(): enumspb.INDEXED_VALUE_TYPE_DOUBLE,
	}
}

// Listing is how a case shows in Temporal's visibility: the values of its
// search attributes and its current details (Temporal markdown, shown by
// the Web UI on the workflow's page).
type Listing struct {
	Stage, Status, Owner, Client string
	// Amount is in currency units; HasAmount is false while the case has
	// none (CaseAmount stays unset).
	Amount    float64
	HasAmount bool
	Details   string
}

// Listed is a case state that shows itself in visibility: the engine keeps
// its search attributes and current details equal to its Listing after
// every change.
type Listed interface {
	Listing() Listing
}

// versionSearchAttributes marks the change that made cases keep their
// search attributes and current details; cases started before it never
// upsert them.
const versionSearchAttributes = "search-attributes"

// lister publishes a Listed case's Listing, upserting the search
// attributes only when they changed.
type lister struct {
	checked, on bool
	published   bool
	last        Listing
}

// publish brings the case's search attributes and current details up to
// date with its Listing, when st is Listed and the workflow runs with
// versionSearchAttributes. A failed upsert is logged: visibility must never
// stop a case.
func (l *lister) publish(ctx workflow.Context, st any) {
	c, ok := st.(Listed)
	if !ok {
		return
	}
	if !l.checked {
		l.checked = true
		l.on = workflow.GetVersion(ctx, versionSearchAttributes, workflow.DefaultVersion, 1) == 1
	}
	if !l.on {
		return
	}
	now := c.Listing()
	workflow.SetCurrentDetails(ctx, now.Details)
	now.Details = ""
	if l.published && now == l.last {
		return
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, now.updates()...); err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not upserted", "error", err)
		return
	}
	l.published, l.last = true, now
}

// updates are the search attribute updates that set the listing.
func (v Listing) updates() []temporal.SearchAttributeUpdate {
	u := []temporal.SearchAttributeUpdate{
		SearchStage.ValueSet(v.Stage), SearchStatus.ValueSet(v.Status),
		SearchOwner.ValueSet(v.Owner), SearchClient.ValueSet(v.Client),
	}
	if v.HasAmount {
		return append(u, SearchAmount.ValueSet(v.Amount))
	}
	return append(u, SearchAmount.ValueUnset())
}
