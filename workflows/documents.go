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
		in := documents.Entry{DealID: r.v.ID, Type: d.Type, Version: d.Version, Edition: max(d.Edition, 1), Ref: d.Ref,
			At: d.SentAt, Reason: d.Reason, View: view.(deal.View)}
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

// regenerateDocument adds a new edition of a register entry, which the
// sync then renders with the current template (generateDocuments); the
// earlier editions stay. It is offered on an open deal that generates
// documents and has one.
var regenerateDocument = engine.Handle(deal.ActRegenerateDocument,
	func(r *run) error {
		if r.v.Status != deal.StatusOpen || !r.docs.on || len(r.v.Documents) == 0 {
			return engine.NotAllowed("only an open deal with generated documents has one generated again")
		}
		return nil
	},
	func(r *run, in *deal.RegenerateDocumentInput, _ engine.Step) error {
		if r.latestEntry(in.Document, in.DocumentVersion) < 0 {
			return engine.Invalid("document", "the deal has no such document")
		}
		return engine.Required("reason", in.Reason)
	},
	func(r *run, in *deal.RegenerateDocumentInput, s engine.Step) {
		e := r.v.Documents[r.latestEntry(in.Document, in.DocumentVersion)]
		edition := 1
		for _, d := range r.v.Documents {
			if d.Type == e.Type && d.Version == e.Version {
				edition = max(edition, d.Edition)
			}
		}
		e.Edition, e.Reason, e.SentAt, e.URL = edition+1, in.Reason, s.Now, ""
		r.v.Documents = append(r.v.Documents, e)
	})

// latestEntry is the index of the latest register entry of type t (and
// version v, unless 0), or -1.
func (r *run) latestEntry(t deal.DocType, v int) int {
	for i := len(r.v.Documents) - 1; i >= 0; i-- {
		if d := r.v.Documents[i]; d.Type == t && (v == 0 || d.Version == v) {
			return i
		}
	}
	return -1
}
