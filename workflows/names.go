// Package workflows holds the durable Temporal workflows of salesflow: one
// Deal workflow per deal (workflow ID = deal ID) that walks the six stages of
// the sale, keeps its control points on durable timers and takes every human
// decision as a validated update.
package workflows

// TaskQueue is the default task queue of deal workflows and their activities.
const TaskQueue = "salesflow"

// Names a client uses to talk to a running deal. Every action of
// deal.Inputs is also an update of the same name taking a casework.Request and
// returning the new deal.View.
const (
	// QueryView returns the deal.View.
	QueryView = "view"
	// UpdateOpen takes no argument and returns the deal.View once the new
	// deal is in the read model; POST /deals sends it with update-with-start.
	UpdateOpen = "open"
	// SignalFollowUpDone tells a won deal that its follow-up contact took
	// place; its argument is the ID of the deal that followed (may be empty).
	SignalFollowUpDone = "follow_up_done"
)
