package documents

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/salesflow/salesflow/internal/amountwords"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
)

// Data is what a template is executed with.
type Data struct {
	// Doc is the document itself.
	Doc DocInfo
	// Company are the company's details (the current version).
	Company Company
	// Client is the deal's client.
	Client Client
	// Deal is the deal's view when the document was generated.
	Deal deal.View
	// Amount is the document's sum: the offer's for an offer, the
	// invoice's for an invoice, the deal's otherwise; Currency its
	// currency.
	Amount   money.Amount
	Currency string
	// Offer is the offer the document is about: the offer's own version
	// for an offer, else the accepted (or latest) one; zero when none.
	Offer deal.Offer
	// Contract, Invoice and Event are the deal's, zero when none; Invoice
	// is the invoice the document bills.
	Contract deal.Contract
	Invoice  deal.Invoice
	Event    deal.Event
	// Survey is the deal's satisfaction survey, zero when none.
	Survey deal.Survey
}

// DocInfo names a document: its type and title, number (the register's
// reference), version, edition and date.
type DocInfo struct {
	Type    Type
	Title   string
	Number  string
	Version int
	Edition int
	Date    time.Time
}

// Client are the client's details a document states.
type Client struct {
	ID, Name, Segment, Email, Phone string
}

// funcs are the template functions, for a document in currency at a VAT
// rate of vat percent:
//
//	money A      "123 456,78" (A a money.Amount)
//	words A      «Сто двадцать три тысячи … рублей 78 копеек»
//	vat A        the VAT included in A, as a money.Amount
//	net A        A without the VAT included in it
//	date T       "02.01.2006" (T a time.Time or *time.Time; "" for nil)
//	add I J      I+J (numbering rows)
//	percent I A  I percent of A
func funcs(currency string, vat int) template.FuncMap {
	return template.FuncMap{
		"money": formatMoney,
		"words": func(a money.Amount) string { return amountwords.Amount(a, currency) },
		"vat":   func(a money.Amount) money.Amount { return VAT(a, vat) },
		"net":   func(a money.Amount) money.Amount { return a - VAT(a, vat) },
		"date":  formatDate,
		"add":   func(a, b int) int { return a + b },
		"percent": func(p int, a money.Amount) money.Amount {
			return money.Amount(int64(a) * int64(p) / 100)
		},
	}
}

// VAT is the tax included in amount a at rate percent, rounded half up to
// a minor unit: a·rate/(100+rate).
func VAT(a money.Amount, rate int) money.Amount {
	if rate <= 0 {
		return 0
	}
	num := int64(a) * int64(rate)
	den := int64(100 + rate)
	return money.Amount((num + den/2) / den)
}

// formatMoney writes a with its thousands grouped by spaces and a decimal
// comma, as Russian documents do.
func formatMoney(a money.Amount) string {
	s := a.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + "," + frac
}

// formatDate writes a date as DD.MM.YYYY.
func formatDate(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.Format("02.01.2006")
	case *time.Time:
		if t == nil {
			return ""
		}
		return t.Format("02.01.2006")
	}
	return fmt.Sprint(v)
}

// Execute runs template body on d and returns the laid-out text.
func Execute(kind Type, body string, d Data) (string, error) {
	t, err := template.New(string(kind)).Option("missingkey=error").
		Funcs(funcs(d.Currency, d.Company.VATRate)).Parse(body)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := t.Execute(&out, d); err != nil {
		return "", err
	}
	return out.String(), nil
}

// lineOf finds the template line a text/template error names
// ("template: offer:12:5: …").
var lineOf = regexp.MustCompile(`template: [a-z_]+:(\d+)`)

// TemplateError is a template that does not parse, execute or render; Line
// is the template's line at fault (0 when unknown).
type TemplateError struct {
	Line    int
	Message string
}

// Error says what is wrong and where.
func (e *TemplateError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// Check parses body as a template of kind, executes it on sample data and
// renders the result, returning a *TemplateError naming the line at fault.
func Check(kind Type, body string) error {
	d := SampleData(kind)
	text, err := Execute(kind, body, d)
	if err != nil {
		e := &TemplateError{Message: err.Error()}
		if m := lineOf.FindStringSubmatch(err.Error()); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
		}
		return e
	}
	if strings.TrimSpace(text) == "" {
		return &TemplateError{Message: "the template renders nothing"}
	}
	if _, err := Render(text, kind.Title(), d.Doc.Date); err != nil {
		return &TemplateError{Message: err.Error()}
	}
	return nil
}
