package documents

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/money"
)

// pdfText extracts the text of a PDF with pdftotext (poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Every default template passes the check it is saved with, and renders a
// PDF whose text carries the Cyrillic the sample data puts in.
func TestDefaultsRender(t *testing.T) {
	want := map[Type][]string{
		Protocol:      {"ПРОТОКОЛ ВСТРЕЧИ", "ООО «Ромашка»", "Клиенту понравилась программа"},
		Offer:         {"КОММЕРЧЕСКОЕ ПРЕДЛОЖЕНИЕ", "версия 2", "123 456,78", "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек", "НДС 22 %"},
		Contract:      {"ДОГОВОР", "ООО «Ромашка»", "Сто двадцать три тысячи", "версии 2", "61 728,39"},
		Invoice:       {"СЧЁТ НА ОПЛАТУ", "61 728,39", "Шестьдесят одна тысяча семьсот двадцать восемь рублей 39 копеек", "7700000000"},
		Act:           {"АКТ", "оказанных услуг", "123 456,78", "Сто двадцать три тысячи"},
		VATInvoice:    {"СЧЁТ-ФАКТУРА", "22 262,70", "101 194,08", "Сто двадцать три тысячи"},
		Questionnaire: {"АНКЕТА", "overall"},
	}
	for _, k := range Types {
		if err := Check(k, Default(k)); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		d := SampleData(k)
		text, err := Execute(k, Default(k), d)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := Render(text, k.Title(), d.Doc.Date)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF", k)
		}
		got := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
		for _, w := range want[k] {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the PDF's text lacks %q:\n%s", k, w, got)
			}
		}
	}
}

// A template that does not parse or execute is refused naming its line.
func TestCheckNamesTheLine(t *testing.T) {
	cases := []struct {
		body string
		line int
		msg  string
	}{
		{"# Счёт\n\n{{.Client.Name}\n", 3, "bad character"},
		{"# Счёт\n{{.Client.Nme}}\n", 2, "Nme"},
		{"# Счёт\n\n\n{{words .Client.Name}}\n", 4, "expected money.Amount"},
		{"{{if .Amount}}\nнет конца\n", 3, "unexpected EOF"},
		{"{{/* пусто */}}\n", 0, "renders nothing"},
	}
	for _, c := range cases {
		err := Check(Invoice, c.body)
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Fatalf("%q: %v, want a TemplateError", c.body, err)
		}
		if te.Line != c.line || !strings.Contains(te.Message, c.msg) {
			t.Errorf("%q: line %d %q, want line %d containing %q", c.body, te.Line, te.Message, c.line, c.msg)
		}
	}
}

func TestMoneyAndVAT(t *testing.T) {
	if got := formatMoney(12345678); got != "123 456,78" {
		t.Errorf("formatMoney = %q", got)
	}
	if got := formatMoney(-5); got != "-0,05" {
		t.Errorf("formatMoney(-5) = %q", got)
	}
	// 122.00 at 22 %: 22.00 of it is the tax.
	if got := VAT(12200, 22); got != 2200 {
		t.Errorf("VAT(122.00, 22) = %s", got)
	}
	// 100.00 at 20 %: 16.666… rounds to 16.67.
	if got := VAT(10000, 20); got != money.Amount(1667) {
		t.Errorf("VAT(100.00, 20) = %s", got)
	}
	if got := VAT(10000, 0); got != 0 {
		t.Errorf("VAT at 0 %% = %s", got)
	}
}

// The same text renders the same bytes: the PDF is dated by its entry.
func TestRenderIsStable(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, err := Render("# Заголовок\nТекст\n| a | b |\n| 1 | 2 |", "t", at)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Render("# Заголовок\nТекст\n| a | b |\n| 1 | 2 |", "t", at)
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same text differ")
	}
}
