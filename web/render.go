package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// templates are the pages by file name, each parsed with layout.html.
type templates map[string]*template.Template

// funcs are the template functions every page may use.
var funcs = template.FuncMap{
	// idemKey is a fresh idempotency key for a form (see {{template "idem"}}).
	"idemKey": randomKey,
	"date":    func(t time.Time) string { return t.Local().Format("2006-01-02") },
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"pathEscape": url.PathEscape,
	// dur is whole seconds for a person (see duration).
	"dur": func(s *int64) string { return duration(*s) },
	// pct and fixed1 show a figure of one decimal (a percentage with its
	// sign), "—" for none.
	"pct":    func(f *float64) string { return fixed1(f, "%") },
	"fixed1": func(f *float64) string { return fixed1(f, "") },
	"money":  money,
	"field":  inputField,
	// tr translates a key in a language, for fragments whose data is not
	// the Page (process_map).
	"tr":       translate,
	"choice":   selectField,
	"choiceIn": labelledSelect,
}

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }

// fragments are template files of shared fragments, parsed with every
// page rather than pages of their own.
var fragments = []string{"templates/process_map.html", "templates/case_forms.html", "templates/qualification.html"}

// parseTemplates parses every page of templates/ with the layout and the
// fragments; it panics on a broken template, which the package tests rule
// out.
func parseTemplates() templates {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := templates{}
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		if name == "layout.html" || slices.Contains(fragments, n) {
			continue
		}
		files := append([]string{"templates/layout.html", n}, fragments...)
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, files...))
	}
	return out
}

// Page is the data of every template: the layout's (member, language,
// CSRF token, flash message, navigation) and the page's own Data.
type Page struct {
	Me    *models.Staff
	Lang  string
	CSRF  string
	Flash string
	// Path is the request's path, to mark the current navigation entry
	// and to come back to after switching language.
	Path string
	Nav  []NavItem
	Data any
}

// NavItem is one entry of the header's navigation.
type NavItem struct {
	Href, Key string
	Current   bool
}

// T translates key into the page's language (see i18n.go).
func (p Page) T(key string) string { return translate(p.Lang, key) }

// nav is the header's navigation for member me at path.
func nav(me *models.Staff, path string) []NavItem {
	items := []NavItem{
		{Href: "/", Key: "nav.mywork"}, {Href: "/pipeline", Key: "nav.pipeline"}, {Href: "/clients", Key: "nav.clients"},
		{Href: "/complaints", Key: "nav.complaints"}, {Href: "/reports", Key: "nav.reports"}, {Href: "/process", Key: "nav.process"},
		{Href: "/programmes", Key: "nav.programmes"},
		{Href: "/surveys", Key: "nav.surveys"},
	}
	if me != nil && me.Role == models.RoleAdmin {
		items = append(items, NavItem{Href: "/admin", Key: "nav.admin"})
	}
	for i := range items {
		h := items[i].Href
		items[i].Current = path == h || (h != "/" && strings.HasPrefix(path, h+"/"))
	}
	return items
}

// page builds the layout data of the request with the page's data.
func (a *app) page(c echo.Context, data any) Page {
	p := Page{Path: c.Request().URL.Path, Data: data, Lang: pageLang(c)}
	if me := staffOf(c); me != nil {
		p.Me, p.CSRF = me, sessionOf(c).CSRF
		p.Nav = nav(me, p.Path)
	}
	p.Flash = takeFlash(c)
	return p
}

// pageLang is the language of the request's page: the signed-in member's
// preference, else the browser's (see requestLanguage); Russian unless
// English.
func pageLang(c echo.Context) string {
	lang := requestLanguage(c)
	if me := staffOf(c); me != nil {
		lang = me.Language
	}
	if lang != models.LangEnglish {
		return models.LangRussian
	}
	return models.LangEnglish
}

// render writes template name inside the layout with status.
func (a *app) render(c echo.Context, status int, name string, data any) error {
	return a.renderPage(c, status, name, a.page(c, data))
}

// renderPage writes template name with the page data p.
func (a *app) renderPage(c echo.Context, status int, name string, p Page) error {
	t, ok := a.pages[name]
	if !ok {
		return echo.NewHTTPError(http.StatusInternalServerError, "no template "+name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// errorData is the data of error.html.
type errorData struct {
	Status  int
	Message string
}

// errorPage renders the error page for status (404, 403, anything else)
// with message, the API's, when there is one to show.
func (a *app) errorPage(c echo.Context, status int, message string) {
	if err := a.render(c, status, "error.html", errorData{Status: status, Message: message}); err != nil {
		a.Logger.Error("render error page", "error", err)
		_ = c.String(status, http.StatusText(status))
	}
}

// flashCookie carries a message to the page after a redirect.
const flashCookie = "salesflow_flash"

// redirect answers 303 See Other to path (POST-redirect-GET), carrying
// the message key flash ("" for none) to the next page.
func (a *app) redirect(c echo.Context, path, flash string) error {
	if flash != "" {
		c.SetCookie(&http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: secureCookies(c), MaxAge: 60})
	}
	return c.Redirect(http.StatusSeeOther, path)
}

// takeFlash returns the flash message key of the request and clears it.
func takeFlash(c echo.Context) string {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureCookies(c)})
	v, _ := url.QueryUnescape(ck.Value)
	return v
}

// randomKey is 128 random bits in hex: idempotency keys of forms.
func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// localPath returns p when it is a path of this site ("/..." but not
// "//..."), else "/": where a form may send the browser back to.
func localPath(p string) string {
	if strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") {
		return p
	}
	return "/"
}

// human writes an identifier as words, capitalised: "valid_until" →
// "Valid until".
func human(id string) string {
	s := strings.ReplaceAll(id, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// money shows a decimal amount ("150000.00") with its thousands apart
// ("150 000.00", thin no-break spaces).
func money(amount string) string {
	whole, frac, dot := strings.Cut(amount, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if dot {
		out += "." + frac
	}
	return out
}
