package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/salesflow/salesflow/internal/documents"
)

// An admin edits the company's details and a template in the browser: a
// bad INN and a broken template come back in place with their problems,
// good ones are saved as new versions.
func TestDocumentAdminPages(t *testing.T) {
	s := newStack(t)
	b := s.newBrowser(t)
	b.signIn(admin)
	b.open("/admin/documents")
	if n := b.count("#templates tbody tr"); n != len(documents.Types) {
		t.Fatalf("%d templates listed, want %d", n, len(documents.Types))
	}
	b.look("company")

	b.fill("#company-inn", "12345")
	b.submit("#company-form button[type=submit]")
	if got := b.text("#company-inn-err"); !strings.Contains(got, "digits") {
		t.Fatalf("a bad INN: %q", got)
	}
	b.fill("#company-inn", "7701234567")
	b.fill("#company-name", "ООО «Праздник»")
	b.submit("#company-form button[type=submit]")
	var co documents.CompanyVersion
	s.call("GET", "/api/v1/company", admin, nil).decode(t, 200, &co)
	if co.Version != 2 || co.INN != "7701234567" || co.Name != "ООО «Праздник»" {
		t.Fatalf("company after saving: %+v", co)
	}

	b.open("/admin/documents/invoice")
	b.do("type a broken template", chromedp.SetValue(chromedp.CSS("#template-body"), "# Счёт\n\n{{.Client.Nme}}\n"))
	b.submit("#template-form button[type=submit]")
	if got := b.text("#template-body-err"); !strings.Contains(got, "line 3") {
		t.Fatalf("a broken template: %q", got)
	}
	b.look("template-error")
	b.do("type a template", chromedp.SetValue(chromedp.CSS("#template-body"), "# Счёт № {{.Doc.Number}}\n{{.Client.Name}}: {{money .Amount}}\n"))
	b.submit("#template-form button[type=submit]")
	if got := b.text("#template-version"); !strings.Contains(got, "v2") {
		t.Fatalf("after saving: %q", got)
	}
	if n := b.count("#template-versions tbody tr"); n != 2 {
		t.Fatalf("%d versions listed, want 2", n)
	}
	b.open("/admin/documents")
	b.screenshot("after")
}
