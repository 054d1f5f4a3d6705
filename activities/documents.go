package activities

import (
	"context"
	"fmt"

	"github.com/salesflow/salesflow/internal/documents"
)

// GenerateDocument renders the documents of one entry of a deal's
// register from the company's current templates and stores them in the
// document store (a.Documents; nil: the read model's table). It is
// idempotent: a document's ID is deterministic and the store keeps the
// first one stored, so a retry or a replay adds nothing.
func (a *Activities) GenerateDocument(ctx context.Context, e documents.Entry) ([]documents.Meta, error) {
	store := a.Documents
	if store == nil {
		store = documents.DBStore{DB: a.DB}
	}
	metas, err := documents.Generate(ctx, a.DB, store, e)
	if err != nil {
		return nil, fmt.Errorf("generate %s documents of %s: %w", e.Type, e.DealID, err)
	}
	for _, m := range metas {
		logger(ctx).Info("document generated", "deal_id", m.DealID, "document_id", m.ID, "template_version", m.TemplateVersion, "size", m.Size)
	}
	return metas, nil
}
