package documents

import (
	"context"
	"errors"
	"log/slog"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// Generate renders the documents of register entry e (ForEntry) with the
// current template versions and company details and stores each unless
// its ID (DocumentID) is stored already, returning their descriptions. A
// retry therefore finds what the first attempt stored and renders
// nothing again. A saved template that fails on the deal's data (it passed
// on the sample data) is replaced by the embedded version 1, and the
// document records that version.
func Generate(ctx context.Context, db *gorm.DB, store Store, e Entry) ([]Meta, error) {
	client, err := clientOf(ctx, db, e.View.ClientID)
	if err != nil {
		return nil, err
	}
	company, err := CurrentCompany(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []Meta
	for _, t := range ForEntry(e.Type) {
		m, err := generateOne(ctx, db, store, t, e, NewData(t, e, company.Company, client))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func generateOne(ctx context.Context, db *gorm.DB, store Store, t Type, e Entry, d Data) (Meta, error) {
	id := DocumentID(e.DealID, t, e.Version, max(e.Edition, 1))
	if m, _, err := store.Get(ctx, id); err == nil {
		return m, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Meta{}, err
	}
	tpl, err := Current(ctx, db, t)
	if err != nil {
		return Meta{}, err
	}
	text, err := Execute(t, tpl.Body, d)
	if err != nil {
		slog.Warn("document template failed on the deal's data; using the default", "type", t, "template_version", tpl.Version, "deal_id", e.DealID, "err", err)
		tpl = Template{Type: t, Version: 1, Body: Default(t)}
		if text, err = Execute(t, tpl.Body, d); err != nil {
			return Meta{}, err
		}
	}
	pdf, err := Render(text, t.Title(), e.At)
	if err != nil {
		return Meta{}, err
	}
	return store.Put(ctx, Meta{
		ID: id, DealID: e.DealID, Type: t, Version: e.Version, Edition: max(e.Edition, 1), Ref: e.Ref,
		TemplateVersion: tpl.Version, Reason: e.Reason, CreatedAt: e.At,
	}, pdf)
}

// clientOf reads the client's details; a client missing from the read
// model is named by its ID.
func clientOf(ctx context.Context, db *gorm.DB, id string) (Client, error) {
	c, err := models.GetClient(ctx, db, id)
	if errors.Is(err, models.ErrNotFound) {
		return Client{ID: id, Name: id}, nil
	}
	if err != nil {
		return Client{}, err
	}
	return Client{ID: c.ID, Name: c.Name, Segment: c.Segment, Email: c.Email, Phone: c.Phone}, nil
}
