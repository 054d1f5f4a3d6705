package models

import "time"

// DocumentTemplate is one saved version of a company document template
// (Kind is a document type: protocol, offer, contract, invoice, act,
// vat_invoice, questionnaire) or of the company's details (Kind
// "company", Body their JSON). Saving never changes a row: it adds the
// next version. Version 1 of each kind is the embedded default and has no
// row (package documents).
type DocumentTemplate struct {
	ID        uint      `gorm:"primaryKey"`
	Kind      string    `gorm:"size:32;not null;uniqueIndex:idx_document_templates_kind_version,priority:1"`
	Version   int       `gorm:"not null;uniqueIndex:idx_document_templates_kind_version,priority:2"`
	Body      string    `gorm:"type:text;not null"`
	UpdatedBy string    `gorm:"size:64"`
	CreatedAt time.Time `gorm:"not null"`
}

// GeneratedDocument is a PDF rendered from a template for a deal (the
// read-model store of package documents). ID is deterministic — the deal,
// the type, the register version and the edition — so a retried
// generation finds its row instead of adding one.
type GeneratedDocument struct {
	ID              string    `gorm:"primaryKey;size:200"`
	DealID          string    `gorm:"size:64;not null;index:idx_generated_documents_deal,priority:1"`
	Type            string    `gorm:"size:32;not null"`
	Version         int       `gorm:"not null"`
	Edition         int       `gorm:"not null"`
	Ref             string    `gorm:"size:200"`
	TemplateVersion int       `gorm:"not null"`
	Reason          string    `gorm:"size:500"`
	CreatedAt       time.Time `gorm:"not null;index:idx_generated_documents_deal,priority:2"`
	Size            int       `gorm:"not null"`
	SHA256          string    `gorm:"column:sha256;size:64;not null"`
	Content         []byte    `gorm:"not null"`
}
