package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/internal/engine"
)

// versionGeneratedDocuments marks the change that renders every entry of
// the deal's document register to PDF from the company's templates (the
// GenerateDocument activity) when the action adding it is synced. It is
// asked when the first entry appears, so deals that reached a document
// before it replay without generating any.
const versionGeneratedDocuments = "generated-documents"

// docGen is how far a deal's register is generated.
type docGen struct {
	// asked and on record the version's answer, once asked.
	asked, on bool
	// done counts the register entries handed to the activity.
	done int
}

// generateDocuments renders the register entries added since the last
// call, each through the idempotent GenerateDocument activity (run as the
// case's other activities run, Journal.Activity) with a copy of the view,
// records a documents_generated event for each and syncs them. Entries
// are claimed before the activity runs, so actions synced at once never
// render one twice.
func (r *run) generateDocuments(ctx workflow.Context) error {
	if len(r.v.Documents) <= r.docs.done {
		return nil
	}
	if !r.docs.asked {
		r.docs.asked = true
		r.docs.on = workflow.GetVersion(ctx, versionGeneratedDocuments, workflow.DefaultVersion, 1) == 1
	}
	entries := r.v.Documents[r.docs.done:]
	r.docs.done = len(r.v.Documents)
	if !r.docs.on {
		return nil
	}
	for _, d := range entries {
		view, err := engine.Snapshot(r.v)
		if err != nil {
			return err
		}
		in := documents.Entry{DealID: r.v.ID, Type: d.Type, Version: d.Version, Edition: 1, Ref: d.Ref, At: d.SentAt, View: view.(deal.View)}
		var metas []documents.Meta
		if err := r.Activity(ctx, acts.GenerateDocument, in, &metas); err != nil {
			return err
		}
		now := workflow.Now(ctx)
		for _, m := range metas {
			r.Record(now, engine.SystemActor, "document_generated", map[string]any{
				"document_id": m.ID, "type": m.Type, "version": m.Version, "template_version": m.TemplateVersion, "sha256": m.SHA256,
			})
		}
	}
	return r.Flush(ctx, acts.SyncDeal, r.syncInput)
}
