package documents

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/salesflow/salesflow/models"
)

// DBStore keeps documents in the read model's generated_documents table
// (PostgreSQL bytea or SQLite blob), the default store.
type DBStore struct {
	DB *gorm.DB
}

// Put inserts the document unless its ID is stored (ON CONFLICT DO
// NOTHING) and returns the stored row's description.
func (s DBStore) Put(ctx context.Context, m Meta, pdf []byte) (Meta, error) {
	m = sealed(m, pdf)
	row := models.GeneratedDocument{
		ID: m.ID, DealID: m.DealID, Type: string(m.Type), Version: m.Version, Edition: m.Edition, Ref: m.Ref,
		TemplateVersion: m.TemplateVersion, Reason: m.Reason, CreatedAt: m.CreatedAt, Size: m.Size, SHA256: m.SHA256, Content: pdf,
	}
	db := s.DB.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoNothing: true}).Create(&row).Error; err != nil {
		return Meta{}, err
	}
	stored, _, err := s.get(db.Omit("content"), m.ID)
	return stored, err
}

// Get returns the document with the given ID, or ErrNotFound.
func (s DBStore) Get(ctx context.Context, id string) (Meta, []byte, error) {
	return s.get(s.DB.WithContext(ctx), id)
}

func (s DBStore) get(db *gorm.DB, id string) (Meta, []byte, error) {
	var row models.GeneratedDocument
	err := db.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Meta{}, nil, ErrNotFound
	}
	if err != nil {
		return Meta{}, nil, err
	}
	return metaOf(row), row.Content, nil
}

// List describes a deal's documents, oldest first.
func (s DBStore) List(ctx context.Context, dealID string) ([]Meta, error) {
	var rows []models.GeneratedDocument
	err := s.DB.WithContext(ctx).Omit("content").Where("deal_id = ?", dealID).Order("created_at, id").Find(&rows).Error
	out := make([]Meta, len(rows))
	for i, r := range rows {
		out[i] = metaOf(r)
	}
	return out, err
}

func metaOf(r models.GeneratedDocument) Meta {
	return Meta{
		ID: r.ID, DealID: r.DealID, Type: Type(r.Type), Version: r.Version, Edition: r.Edition, Ref: r.Ref,
		TemplateVersion: r.TemplateVersion, Reason: r.Reason, CreatedAt: r.CreatedAt.UTC(), Size: r.Size, SHA256: r.SHA256,
	}
}
