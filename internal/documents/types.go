package documents

import (
	"fmt"
	"slices"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

// Type is a kind of generated document, and the kind of its template.
type Type string

// The document types with a template.
const (
	Protocol      Type = "protocol"
	Offer         Type = "offer"
	Contract      Type = "contract"
	Invoice       Type = "invoice"
	Act           Type = "act"
	VATInvoice    Type = "vat_invoice"
	Questionnaire Type = "questionnaire"
)

// Types lists every document type, in the order of the process.
var Types = []Type{Protocol, Offer, Contract, Invoice, Act, VATInvoice, Questionnaire}

// Known reports whether t is a document type.
func Known(t string) bool { return slices.Contains(Types, Type(t)) }

// titles are the documents' Russian names, the PDF's title.
var titles = map[Type]string{
	Protocol: "Протокол встречи", Offer: "Коммерческое предложение", Contract: "Договор",
	Invoice: "Счёт на оплату", Act: "Акт оказанных услуг", VATInvoice: "Счёт-фактура",
	Questionnaire: "Анкета удовлетворённости клиента",
}

// Title is the Russian name of a document type.
func (t Type) Title() string { return titles[t] }

// ForEntry lists the documents one entry of the deal's register is
// rendered as: the signed closing documents are the act and the VAT
// invoice; every other entry is the document of its own type.
func ForEntry(t deal.DocType) []Type {
	if t == deal.DocAct {
		return []Type{Act, VATInvoice}
	}
	return []Type{Type(t)}
}

// Meta describes one generated document.
type Meta struct {
	// ID is deterministic: the deal, the type, the register version and
	// the edition (DocumentID).
	ID     string `json:"id"`
	DealID string `json:"deal_id"`
	Type   Type   `json:"type"`
	// Version is the register entry's version: the offer's version, the
	// contract's revision, the invoice's installment, 1 for the others.
	Version int `json:"version"`
	// Edition counts the renderings of the same entry: 1, and one more for
	// each regeneration.
	Edition int    `json:"edition"`
	Ref     string `json:"ref"`
	// TemplateVersion is the version of the template it was rendered with.
	TemplateVersion int `json:"template_version"`
	// Reason is why it was regenerated ("" for a first edition).
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Size      int       `json:"size"`
	// SHA256 is the hex SHA-256 of the PDF.
	SHA256 string `json:"sha256"`
}

// FileName is the name a download offers: "<type>-v<version>[-e<edition>]-<deal>.pdf".
func (m Meta) FileName() string {
	return m.ID + ".pdf"
}

// DocumentID is the ID of a deal's document of type t for register
// version version, edition edition: "<deal>-<type>-v<version>", with
// "-e<edition>" after the first edition.
func DocumentID(dealID string, t Type, version, edition int) string {
	id := fmt.Sprintf("%s-%s-v%d", dealID, t, version)
	if edition > 1 {
		id += fmt.Sprintf("-e%d", edition)
	}
	return id
}
