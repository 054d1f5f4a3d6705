package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/models"
)

// docList is the body of GET /deals/{id}/documents.
type docList struct {
	Items []documents.Meta `json:"items"`
}

func (s *stack) documents(token, dealID string) []documents.Meta {
	s.t.Helper()
	var l docList
	s.call("GET", "/api/v1/deals/"+dealID+"/documents", token, nil).decode(s.t, 200, &l)
	return l.Items
}

// pdfText downloads a document and extracts its text with pdftotext, its
// words joined by single spaces.
func (s *stack) pdfText(token, dealID string, m documents.Meta) string {
	s.t.Helper()
	r := s.call("GET", "/api/v1/deals/"+dealID+"/documents/"+m.ID, token, nil)
	if r.status != 200 || !bytes.HasPrefix(r.body, []byte("%PDF-")) || len(r.body) != m.Size {
		s.t.Fatalf("download %s: status %d, %d bytes (want %d)", m.ID, r.status, len(r.body), m.Size)
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(r.body)
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("pdftotext %s: %v", m.ID, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// find returns the document of type t and version v, failing if there is
// not exactly one.
func find(t *testing.T, docs []documents.Meta, typ documents.Type, v int) documents.Meta {
	t.Helper()
	var found []documents.Meta
	for _, m := range docs {
		if m.Type == typ && m.Version == v {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d documents %s v%d in %+v, want 1", len(found), typ, v, docs)
	}
	return found[0]
}

// A deal driven to its invoice has its protocol, both offer versions, the
// contract and the invoice as PDFs with the client's name, the amounts
// (in figures and in words) and the offer's version; another team's
// caller gets 404s; a repeated action or activity adds no document; an
// admin's new template version renders the next documents; a regenerated
// offer is a second edition; the closing documents are the act and the
// VAT invoice.
func TestDocumentsGeneratedAsPDF(t *testing.T) {
	s := newStack(t)
	var cl struct{ ID string }
	s.call("POST", "/api/v1/clients", alice, map[string]any{"name": "ООО «Ромашка-Документ»", "segment": "corporate"}).decode(t, 201, &cl)
	var d deal.View
	s.call("POST", "/api/v1/deals", alice, map[string]any{"client_id": cl.ID, "title": "Корпоратив", "product": "events", "currency": "RUB"}).decode(t, 201, &d)
	recordHistory(t, d.ID)
	s.act(alice, d.ID, "hold_presentation", map[string]any{"notes": "Программа понравилась"})
	s.act(alice, d.ID, "send_protocol", map[string]any{})
	s.act(alice, d.ID, "issue_offer", map[string]any{"amount": "130000.00", "valid_until": future(10 * 24 * time.Hour)})
	s.act(alice, d.ID, "request_offer_changes", map[string]any{"comment": "дешевле"})

	// The admin saves a new offer template; a broken one is refused naming its line.
	var bad apiError
	s.call("PUT", "/api/v1/document-templates/offer", admin, map[string]any{"body": "# КП\n\n{{.Client.Nme}}\n"}).decode(t, 422, &bad)
	if !strings.Contains(bad.Error.Message, "line 3") {
		t.Fatalf("a broken template: %+v", bad.Error)
	}
	s.call("PUT", "/api/v1/document-templates/offer", alice, map[string]any{"body": "# КП"}).decode(t, 403, nil)
	newOffer := documents.Default(documents.Offer) + "\nШаблон компании, редакция 2\n"
	var tpl documents.Template
	s.call("PUT", "/api/v1/document-templates/offer", admin, map[string]any{"body": newOffer}).decode(t, 200, &tpl)
	if tpl.Version != 2 {
		t.Fatalf("saved template version %d, want 2", tpl.Version)
	}

	offer2 := map[string]any{"amount": "123456.78", "valid_until": future(10 * 24 * time.Hour)}
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/issue_offer", alice, offer2, idemKey, "offer-2-"+d.ID).decode(t, 200, nil)
	// The same request again (a client's retry) is applied once.
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/issue_offer", alice, offer2, idemKey, "offer-2-"+d.ID).decode(t, 200, nil)
	s.act(alice, d.ID, "accept_offer", map[string]any{})
	s.act(alice, d.ID, "prepare_contract", map[string]any{"approvers": []map[string]string{{"role": "director", "name": "Ирина Волкова"}}})
	v := s.act(alice, d.ID, "approve_contract", map[string]any{"approver": "Ирина Волкова"})
	if v.Stage != deal.StagePayment || len(v.Invoices) != 1 {
		t.Fatalf("after signing: %s, invoices %+v", v.Stage, v.Invoices)
	}

	docs := s.documents(alice, d.ID)
	if len(docs) != 5 {
		t.Fatalf("%d documents, want protocol, offer v1 and v2, contract, invoice: %+v", len(docs), docs)
	}
	words := "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек"
	checks := []struct {
		typ  documents.Type
		ver  int
		tpl  int
		want []string
	}{
		{documents.Protocol, 1, 1, []string{"ПРОТОКОЛ ВСТРЕЧИ", "ООО «Ромашка-Документ»", "Программа понравилась"}},
		{documents.Offer, 1, 1, []string{"ООО «Ромашка-Документ»", "версия 1", "130 000,00", "Сто тридцать тысяч рублей 00 копеек"}},
		{documents.Offer, 2, 2, []string{"ООО «Ромашка-Документ»", "версия 2", "123 456,78", words, "Шаблон компании, редакция 2"}},
		{documents.Contract, 1, 1, []string{"ДОГОВОР", "ООО «Ромашка-Документ»", "версии 2", "123 456,78", words, "Ирина Волкова"}},
		{documents.Invoice, 1, 1, []string{"СЧЁТ НА ОПЛАТУ", "ООО «Ромашка-Документ»", "версии 2", "123 456,78", words}},
	}
	for _, c := range checks {
		m := find(t, docs, c.typ, c.ver)
		if m.TemplateVersion != c.tpl || len(m.SHA256) != 64 || m.Edition != 1 {
			t.Errorf("%s v%d: %+v, want template version %d", c.typ, c.ver, m, c.tpl)
		}
		text := s.pdfText(alice, d.ID, m)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s v%d lacks %q:\n%s", c.typ, c.ver, w, text)
			}
		}
	}

	// The activity run again for the offer (a retry) stores nothing new.
	acts := &activities.Activities{DB: s.appDB}
	entry := documents.Entry{DealID: d.ID, Type: deal.DocOffer, Version: 2, Ref: "offer-v2", At: time.Now(), View: s.view(alice, d.ID)}
	again, err := acts.GenerateDocument(context.Background(), entry)
	offer := find(t, docs, documents.Offer, 2)
	if err != nil || len(again) != 1 || again[0] != offer {
		t.Fatalf("a retried generation: %+v, %v; want %+v", again, err, offer)
	}
	if n := len(s.documents(alice, d.ID)); n != 5 {
		t.Fatalf("%d documents after retries, want 5", n)
	}

	// Regenerated on request: a new edition with the current template,
	// once however often the request is repeated; the first stays.
	regen := map[string]any{"document": "offer", "document_version": 1, "reason": "новые реквизиты"}
	for range 2 {
		s.call("POST", "/api/v1/deals/"+d.ID+"/actions/regenerate_document", alice, regen, idemKey, "regen-"+d.ID).decode(t, 200, nil)
	}
	docs = s.documents(alice, d.ID)
	if len(docs) != 6 {
		t.Fatalf("%d documents after a regeneration, want 6: %+v", len(docs), docs)
	}
	e2 := docs[5]
	if e2.ID != d.ID+"-offer-v1-e2" || e2.Edition != 2 || e2.TemplateVersion != 2 || e2.Reason != "новые реквизиты" {
		t.Fatalf("the second edition: %+v", e2)
	}
	if text := s.pdfText(alice, d.ID, e2); !strings.Contains(text, "130 000,00") || !strings.Contains(text, "Шаблон компании, редакция 2") {
		t.Fatalf("the second edition's text: %s", text)
	}
	var refused apiError
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/regenerate_document", alice, map[string]any{"document": "act", "reason": "x"}).decode(t, 422, &refused)

	// The closing documents: the act and the VAT invoice.
	s.act(alice, d.ID, "record_payment", map[string]any{"amount": "123456.78"})
	s.act(alice, d.ID, "plan_event", map[string]any{"date": eventToday(), "items": []string{"меню"}})
	s.act(alice, d.ID, "approve_event_item", map[string]any{"item": "меню"})
	s.act(alice, d.ID, "hold_event", map[string]any{})
	s.act(alice, d.ID, "sign_closing_documents", map[string]any{})
	docs = s.documents(alice, d.ID)
	for typ, want := range map[documents.Type][]string{
		documents.Act:        {"АКТ", "ООО «Ромашка-Документ»", "123 456,78", words, "версии 2"},
		documents.VATInvoice: {"СЧЁТ-ФАКТУРА", "ООО «Ромашка-Документ»", "22 262,70", "101 194,08", words},
	} {
		text := s.pdfText(alice, d.ID, find(t, docs, typ, 1))
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", typ, w, text)
			}
		}
	}

	// Outside the deal's scope a document is a 404, and so is another
	// deal's document under this deal, or a document that does not exist.
	s.call("POST", "/api/v1/staff", admin, map[string]any{"id": "zed", "name": "Zed", "role": "manager"}).decode(t, 201, nil)
	zed := s.issueToken("zed", nil)
	path := fmt.Sprintf("/api/v1/deals/%s/documents/%s", d.ID, offer.ID)
	for _, who := range []string{zed, bob} {
		s.call("GET", path, who, nil).decode(t, 404, nil)
		s.call("GET", "/api/v1/deals/"+d.ID+"/documents", who, nil).decode(t, 404, nil)
	}
	s.call("GET", path, maria, nil).decode(t, 200, nil)
	var other deal.View
	s.call("POST", "/api/v1/deals", alice, map[string]any{"client_id": cl.ID, "title": "Другая сделка", "currency": "RUB"}).decode(t, 201, &other)
	s.call("GET", fmt.Sprintf("/api/v1/deals/%s/documents/%s", other.ID, offer.ID), alice, nil).decode(t, 404, nil)
	s.call("GET", path+"x", alice, nil).decode(t, 404, nil)

	// The deal page lists them, each a download link the session opens.
	b := s.newBrowser(t)
	b.signIn(alice)
	b.open("/deals/" + d.ID)
	b.waitFor("#generated-documents")
	if n := b.count("#generated-documents a[download]"); n != 8 {
		t.Fatalf("the deal page links %d documents, want 8", n)
	}
	b.waitFor(`.process-map[data-state="ready"]`)
	b.screenshot("deal")
	if status, _ := s.withCookie("GET", path, b.sessionCookie()); status != 200 {
		t.Fatalf("download with the session: %d", status)
	}
}

// With DOCUMENT_STORE=file:/path the worker writes the documents to the
// folder and the API serves them from it; the read model holds none.
func TestDocumentsInAFileStore(t *testing.T) {
	dir := t.TempDir()
	spec := "file:" + dir
	s := newStack(t, stackOptions{
		configure: func(c *config.Config) { c.DocumentStore = spec },
		deps:      func(d *api.Deps) { d.Documents = documents.Open(spec, nil) },
	})
	d := s.newDeal(alice, nil)
	s.act(alice, d.ID, "hold_presentation", map[string]any{})
	s.act(alice, d.ID, "send_protocol", map[string]any{})
	docs := s.documents(alice, d.ID)
	if len(docs) != 1 || docs[0].Type != documents.Protocol {
		t.Fatalf("documents: %+v", docs)
	}
	if text := s.pdfText(alice, d.ID, docs[0]); !strings.Contains(text, "Romashka LLC") {
		t.Fatalf("the protocol's text: %s", text)
	}
	if _, err := os.Stat(filepath.Join(dir, d.ID, docs[0].ID, "document.pdf")); err != nil {
		t.Fatal(err)
	}
	var rows int64
	if err := s.db.Model(&models.GeneratedDocument{}).Count(&rows).Error; err != nil || rows != 0 {
		t.Fatalf("%d documents in the read model (%v), want none", rows, err)
	}
}
