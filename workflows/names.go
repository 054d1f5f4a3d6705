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

// SignalFollowUpDone tells a won deal that its follow-up contact took
// place; its argument is the ID of the deal that followed (may be empty).
// A deal's and a complaint's query and updates are named by the engine
// (engine.QueryView, engine.UpdateOpen, one update per catalogue action).
const SignalFollowUpDone = "follow_up_done"
