// Package workflows holds the durable Temporal workflows of salesflow, each
// a case type on the engine (internal/engine) or a scheduled job: one Deal
// workflow per deal (workflow ID = deal ID) that walks the six stages of the
// sale, one Complaint workflow per complaint through its four steps, the
// daily Digest and the nightly Classification. Deals and complaints keep
// their control points on durable timers and take every human decision as a
// validated update.
package workflows

// TaskQueue is the default task queue of the workflows and their activities.
const TaskQueue = "salesflow"

// Names a client uses to talk to a running case (a deal, a complaint). Every
// action of the case type's catalogue (deal.Inputs, complaint.Inputs) is
// also an update of the same name taking a casework.Request and returning
// the new view.
const (
	// QueryView returns the case's view (deal.View, complaint.View).
	QueryView = "view"
	// UpdateOpen takes no argument and returns the view once the new case
	// is in the read model; POST /deals and /complaints send it with
	// update-with-start.
	UpdateOpen = "open"
	// SignalFollowUpDone tells a won deal that its follow-up contact took
	// place; its argument is the ID of the deal that followed (may be empty).
	SignalFollowUpDone = "follow_up_done"
)
