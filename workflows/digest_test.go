package workflows

import (
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/salesflow/salesflow/activities"
)

// TestDigestWorkflowRunsTheDigest runs Digest with the real activity and
// the e-mail channel off: it completes and reports no e-mail sent, the
// channel's own tests covering what a digest contains.
func TestDigestWorkflowRunsTheDigest(t *testing.T) {
	db := demoDB(t)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(Digest)
	env.RegisterActivity(&activities.Activities{DB: db})
	env.SetStartTime(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	env.ExecuteWorkflow(Digest)
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("digest: completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	var sent int
	if err := env.GetWorkflowResult(&sent); err != nil || sent != 0 {
		t.Fatalf("sent %d (%v) with e-mail off", sent, err)
	}
}
