package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/deal"
)

// Deal runs one deal from its opening to won, lost or cancelled.
func Deal(ctx workflow.Context, p deal.Params) (deal.View, error) {
	panic("under construction")
}
