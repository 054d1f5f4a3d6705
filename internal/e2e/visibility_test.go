package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/salesflow/salesflow/internal/app"
)

// TestVisibilityListsDealsByStageOwnerAndClient drives a deal through the
// API and finds it in Temporal's visibility by its search attributes — by
// stage and owner while it is in the offer stage, by status and client once
// it is lost — with the client and title as its summary and current
// details that read as lost; a complaint of the client is found by its
// step and assignee. Registering the attributes again (every worker
// does at start) changes nothing.
func TestVisibilityListsDealsByStageOwnerAndClient(t *testing.T) {
	s := newStack(t)
	if err := app.EnsureSearchAttributes(context.Background(), devServer.Client(), "default"); err != nil {
		t.Fatalf("registering the search attributes again: %v", err)
	}
	d := s.newDeal(alice, nil)
	s.act(alice, d.ID, "hold_presentation", map[string]any{})
	s.act(alice, d.ID, "send_protocol", map[string]any{})
	byID := fmt.Sprintf(`WorkflowId = %q`, d.ID)
	s.listed(byID+` AND CaseStage = "offer" AND CaseOwner = "alice" AND CaseStatus = "open"`, d.ID)
	s.listed(byID+` AND CaseAmount = 150000`, d.ID)

	s.act(alice, d.ID, "lose", map[string]any{"reason": "price"})
	s.listed(fmt.Sprintf(`CaseStatus = "lost" AND CaseClient = %q`, d.ClientID), d.ID)

	cmp := s.register(alice, form(d.ClientID, nil))
	s.actComplaint(alice, cmp.ID, "acknowledge", map[string]any{"message": "We are sorry and look into it"})
	s.listed(fmt.Sprintf(`CaseClient = %q AND CaseStage = "investigation" AND CaseOwner = "alice" AND CaseStatus = "open"`, d.ClientID), cmp.ID)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	desc, err := devServer.Client().DescribeWorkflowExecution(ctx, d.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	var summary string
	if p := desc.GetExecutionConfig().GetUserMetadata().GetSummary(); p != nil {
		if err := converter.GetDefaultDataConverter().FromPayload(p, &summary); err != nil {
			t.Fatal(err)
		}
	}
	if summary != "Romashka LLC — Corporate New Year party" {
		t.Fatalf("static summary %q", summary)
	}
	res, err := devServer.Client().QueryWorkflow(ctx, d.ID, "", "__temporal_workflow_metadata")
	if err != nil {
		t.Fatal(err)
	}
	var meta sdkpb.WorkflowMetadata
	if err := res.Get(&meta); err != nil {
		t.Fatal(err)
	}
	if got := meta.GetCurrentDetails(); !strings.HasPrefix(got, "**Lost** at offer: price") {
		t.Fatalf("current details %q", got)
	}
}

// listed waits until the visibility query lists exactly the workflow id
// (visibility follows the workflow within moments).
func (s *stack) listed(query, id string) {
	s.t.Helper()
	var got []string
	eventually(s.t, 10*time.Second, "visibility to list "+id+" for "+query, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := devServer.Client().ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			s.t.Fatalf("list %s: %v", query, err)
		}
		got = got[:0]
		for _, e := range res.GetExecutions() {
			got = append(got, e.GetExecution().GetWorkflowId())
		}
		return len(got) == 1 && got[0] == id
	})
}
