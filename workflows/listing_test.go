package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// workflowMetadataQuery is the SDK's built-in query of a workflow's
// metadata, current details included (the Web UI asks it).
const workflowMetadataQuery = "__temporal_workflow_metadata"

// listed is one upsert of a case's search attributes, as the workflow made
// it.
type listed struct {
	stage, status, owner, client string
	amount                       float64
	hasAmount                    bool
}

// TestDealKeepsItsSearchAttributesCurrent follows a deal's search
// attributes: set when it opens, upserted when its stage, amount or status
// change and not otherwise (a logged contact or an offer issued changes
// none of them; the accepted offer sets the amount), and
// its current details read as lost once it is lost.
func TestDealKeepsItsSearchAttributesCurrent(t *testing.T) {
	h := newHarness(t)
	var upserts []listed
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		var l listed
		l.stage, _ = sa.GetKeyword(engine.SearchStage)
		l.status, _ = sa.GetKeyword(engine.SearchStatus)
		l.owner, _ = sa.GetKeyword(engine.SearchOwner)
		l.client, _ = sa.GetKeyword(engine.SearchClient)
		l.amount, l.hasAmount = sa.GetFloat64(engine.SearchAmount)
		upserts = append(upserts, l)
	})
	h.toOffer()
	h.act("contact", day(0.25), deal.ActLogContact, map[string]any{"channel": "phone"})
	h.act("offer", day(0.3), deal.ActIssueOffer, map[string]any{"amount": "120000.50"})
	h.act("accept", day(0.35), deal.ActAcceptOffer, deal.AcceptOfferInput{})
	h.act("lose", day(0.4), deal.ActLose, deal.LoseInput{Reason: "price", Comment: "too dear"})
	h.run(`{}`)
	h.mustApplyAll()

	want := []listed{
		{"presentation", "open", "alice", "cl-1", 100000, true},
		{"offer", "open", "alice", "cl-1", 100000, true},
		{"contract", "open", "alice", "cl-1", 120000.50, true},
		{"contract", "lost", "alice", "cl-1", 120000.50, true},
	}
	if len(upserts) != len(want) {
		t.Fatalf("upserts %+v, want %+v", upserts, want)
	}
	for i := range want {
		if upserts[i] != want[i] {
			t.Errorf("upsert %d: %+v, want %+v", i, upserts[i], want[i])
		}
	}
	res, err := h.env.QueryWorkflow(workflowMetadataQuery)
	if err != nil {
		t.Fatal(err)
	}
	var meta sdkpb.WorkflowMetadata
	if err := res.Get(&meta); err != nil {
		t.Fatal(err)
	}
	if got, want := meta.GetCurrentDetails(), "**Lost** at contract: price — too dear · 120000.50 RUB · owner alice · client cl-1"; got != want {
		t.Fatalf("current details %q, want %q", got, want)
	}
}
