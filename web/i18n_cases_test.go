package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// TestCaseTextsComplete: every action of both catalogues, every input
// field (the rows' sub-fields included) and enum value, every API error
// code and every control point kind has a text in Russian and in English
// — so a new action, field, code or point cannot ship untranslated — and
// the texts are words for people, not identifiers.
func TestCaseTextsComplete(t *testing.T) {
	keys := append(catalogKeys(deal.Inputs), catalogKeys(complaint.Inputs)...)
	for _, code := range constants(t, "../internal/casework", func(name, _ string) bool { return strings.HasPrefix(name, "Code") }) {
		keys = append(keys, "apierr."+code)
	}
	keys = append(keys, "apierr."+api.CodeQualificationRefused)
	isPoint := func(_, typ string) bool { return typ == "casework.PointKind" || typ == "PointKind" }
	for _, dir := range []string{"../internal/deal", "../internal/complaint"} {
		for _, kind := range constants(t, dir, isPoint) {
			keys = append(keys, "point."+kind)
		}
	}
	if len(keys) < 100 {
		t.Fatalf("only %d keys found: the catalogues or the constants were not read", len(keys))
	}
	checkInWords(t, keys, true)
}

// catalogKeys are the text keys of a catalogue: each action's, and each
// input field's (the rows' sub-fields included) with its enum values'.
func catalogKeys(cat casework.Catalog) []string {
	var keys []string
	for _, a := range cat {
		keys = append(keys, "action."+a.Name)
		elem := elementTypes(cat, a.Name)
		for _, f := range cat.Fields(a.Name) {
			keys = append(keys, fieldKeys(f)...)
			if e := elem[f.Name]; e != nil {
				for _, sub := range describe(e) {
					keys = append(keys, fieldKeys(sub)...)
				}
			}
		}
	}
	return keys
}

// checkInWords fails for each key without a Russian and an English text,
// or whose text is an identifier rather than words: it holds "_" or, with
// bare set, is the key's own last part.
func checkInWords(t *testing.T, keys []string, bare bool) {
	t.Helper()
	for _, k := range keys {
		for _, lang := range []string{models.LangRussian, models.LangEnglish} {
			text, ok := catalogues[lang][k]
			switch {
			case !ok:
				t.Errorf("%s has no %s text", k, lang)
			case strings.Contains(text, "_") || bare && text == k[strings.LastIndex(k, ".")+1:]:
				t.Errorf("%s text of %s is an identifier, not words: %q", lang, k, text)
			}
		}
	}
}

// fieldKeys are the text keys of an input field: its label and its enum
// values' labels.
func fieldKeys(f casework.Field) []string {
	keys := []string{"field." + f.Name}
	for _, v := range f.Enum {
		keys = append(keys, "enum."+f.Name+"."+v)
	}
	return keys
}

// constants are the string values of the constants declared in the Go
// package in dir (tests left out) for which keep(name, type) holds; the
// type is as written ("" when the declaration names none).
func constants(t *testing.T, dir string, keep func(name, typ string) bool) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var out []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				out = append(out, specValues(spec.(*ast.ValueSpec), keep)...)
			}
		}
	}
	return out
}

// specValues are the string values of one constant spec that keep keeps.
func specValues(v *ast.ValueSpec, keep func(name, typ string) bool) []string {
	typ := ""
	switch x := v.Type.(type) {
	case *ast.Ident:
		typ = x.Name
	case *ast.SelectorExpr:
		typ = x.X.(*ast.Ident).Name + "." + x.Sel.Name
	}
	var out []string
	for i, name := range v.Names {
		if i >= len(v.Values) || !keep(name.Name, typ) {
			continue
		}
		if lit, ok := v.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			out = append(out, s)
		}
	}
	return out
}

// TestLocalize: a refusal shows in the page's language — the code's text
// with the API's reason on an English page, translated on a Russian one,
// where the case stands when the reason is not known; field errors
// translated, an unknown one kept; an unknown code keeps the API's
// message.
func TestLocalize(t *testing.T) {
	refusal := func() *APIError {
		e := &APIError{Code: "action_not_allowed", Message: "the deal is in stage offer, not presentation"}
		e.Details.Stage = "offer"
		return e
	}
	for _, c := range []struct {
		lang string
		in   *APIError
		want string
	}{
		{models.LangEnglish, refusal(), "Not allowed now: the deal is in stage offer, not presentation"},
		{models.LangRussian, refusal(), "Сейчас это сделать нельзя: сделка на этапе «Предложение», а не «Презентация»"},
		{models.LangRussian, func() *APIError { e := refusal(); e.Message = "something new"; return e }(),
			"Сейчас это сделать нельзя: сделка на этапе «Предложение»"},
		{models.LangRussian, &APIError{Code: "teapot", Message: "I am a teapot"}, "I am a teapot"},
		{models.LangRussian, &APIError{Code: "not_found", Message: "deal not found"}, "Не найдено"},
	} {
		if localize(c.lang, c.in); c.in.Message != c.want {
			t.Errorf("%s: %q, want %q", c.lang, c.in.Message, c.want)
		}
	}
	e := &APIError{Code: "invalid_input", Message: "the input is not valid", Fields: map[string]string{
		"reason": "must be one of price, timing", "at": "is required", "odd": "a sentence nobody translated"}}
	localize(models.LangRussian, e)
	want := map[string]string{"reason": "допустимые значения: price, timing", "at": "обязательное поле", "odd": "a sentence nobody translated"}
	if e.Message != "Проверьте отмеченные поля" || len(e.Fields) != 3 {
		t.Errorf("invalid input: %+v", e)
	}
	for k, v := range want {
		if e.Fields[k] != v {
			t.Errorf("field %s: %q, want %q", k, e.Fields[k], v)
		}
	}
}

// TestInLang: control point subjects and enum errors read in Russian on a
// Russian page, as written on an English one.
func TestInLang(t *testing.T) {
	for in, want := range map[string]string{
		"Invoice INV-1 (5000.00 RUB) due":                       "Срок оплаты счёта INV-1 (5000.00 RUB)",
		"Corrective action: buy a second van":                   "Корректирующее действие: buy a second van",
		"Offer v2 validity ends":                                "Истекает срок предложения v2",
		`"1.234": not a decimal amount with at most 2 decimals`: "«1.234» — не сумма: нужно число, не больше двух знаков после точки",
		"something else":                                        "something else",
	} {
		if got := inLang(models.LangRussian, in); got != want {
			t.Errorf("inLang(ru, %q) = %q, want %q", in, got, want)
		}
		if got := inLang(models.LangEnglish, in); got != in {
			t.Errorf("inLang(en, %q) = %q", in, got)
		}
	}
	e := &APIError{Code: "invalid_input", Fields: map[string]string{"process_step": "must be one of offer, other"}}
	localize(models.LangRussian, e)
	if got := e.Fields["process_step"]; got != "допустимые значения: Предложение, Другое" {
		t.Errorf("enum error %q", got)
	}
}
