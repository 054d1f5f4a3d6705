// Package documents renders a deal's documents — the meeting protocol,
// commercial offer, contract, invoice, act, VAT invoice and satisfaction
// questionnaire — from the company's templates to PDF, and keeps them
// behind one Store. A template is Go text/template text laid out by a tiny
// convention (see Render); the admin saves new versions of it, and of the
// company's details, in the read model (Templates); version 1 of each is
// embedded. Generate renders a deal's register entry once: the document's
// ID is deterministic and the store keeps the first one stored, so a
// retried generation never adds a second document (docs/documents.md).
package documents
