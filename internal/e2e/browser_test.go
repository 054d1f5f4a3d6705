package e2e

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium is Debian's Chromium, which .ci/run installs.
const chromium = "/usr/bin/chromium"

// browserTimeout bounds each browser step.
const browserTimeout = 30 * time.Second

// browser is a headless Chromium, with a profile of its own, driven
// against one stack's web app.
type browser struct {
	t   *testing.T
	s   *stack
	ctx context.Context
}

// newBrowser starts a fresh headless Chromium for the test; it is closed
// when the test ends.
func (s *stack) newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("browser tests need Debian's chromium at %s (apt-get install chromium; .ci/run does): %v", chromium, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser, which lives as long as the context
	// of that run: it must not be a context with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, s: s, ctx: ctx}
}

// do runs browser actions, failing the test (with a screenshot) on an
// error or after browserTimeout.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.look("failed")
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// get runs one browser action that returns a value.
func get[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.look("failed")
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// open loads path of the web app and waits for its body.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.s.url+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// fill types value into the input selected by the CSS selector sel,
// replacing its value.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	b.do("fill "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// click clicks the element selected by the CSS selector sel; the caller
// waits for what the click brings (waitPath, waitFor).
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// submit clicks the element selected by sel (a form's button or a link)
// and waits until the page it loads is ready.
func (b *browser) submit(sel string) {
	b.t.Helper()
	get(b, "mark the page", chromedp.Evaluate[bool]("window.__before = true"))
	b.click(sel)
	eventually(b.t, browserTimeout, "the page after clicking "+sel, func() bool {
		ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
		defer cancel()
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.__before === undefined && document.readyState === 'complete'"))
		return err == nil && loaded
	})
}

// waitFor waits until the element selected by sel is visible.
func (b *browser) waitFor(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// text returns the text of the element selected by the CSS selector sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	b.waitFor(sel)
	return get(b, "read "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
}

// count returns how many elements the CSS selector sel matches now.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return get(b, "count "+sel, chromedp.Evaluate[int]("document.querySelectorAll("+strconv.Quote(sel)+").length"))
}

// path returns the path (with query) of the page shown.
func (b *browser) path() string {
	b.t.Helper()
	return strings.TrimPrefix(get(b, "location", chromedp.Location()), b.s.url)
}

// waitPath waits until the page shown is at path.
func (b *browser) waitPath(path string) {
	b.t.Helper()
	eventually(b.t, browserTimeout, "the browser at "+path, func() bool { return b.path() == path })
	b.waitFor("body")
}

// signIn signs in with token through the sign-in form and waits for My
// work.
func (b *browser) signIn(token string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#token", token)
	b.submit("#login-form button[type=submit]")
	b.waitFor("#points")
}

// sessionCookie returns the value of the browser's session cookie, "" when
// it has none.
func (b *browser) sessionCookie() string {
	b.t.Helper()
	res := get(b, "read cookies", func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{b.s.url}})
	})
	for _, c := range res.Cookies {
		if c.Name == "salesflow_session" {
			return c.Value
		}
	}
	return ""
}

// look saves a screenshot of the page shown (see screenshot) and checks
// its accessibility (see checkAccessible).
func (b *browser) look(name string) {
	b.t.Helper()
	b.screenshot(name)
	b.checkAccessible()
}

// phone makes the browser's screen phone-sized (390×844, a touch screen).
func (b *browser) phone() {
	b.t.Helper()
	b.do("phone-sized screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
}

// screenshot saves the full page as bin/screenshots/<test>[-name].png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "..", "bin", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	file := nonWord.ReplaceAllString(b.t.Name(), "-")
	if name != "" {
		file += "-" + name
	}
	if err := os.WriteFile(filepath.Join(dir, file+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// withCookie sends method on path with the session cookie secret and the
// header pairs given, no redirects followed, and returns the status and
// Location.
func (s *stack) withCookie(method, path, secret string, headers ...string) (int, string) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "salesflow_session", Value: secret})
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// TestBrowserSignInOut: alice signs in with her demo token, sees My work,
// signs out, and her old session cookie opens nothing any more (pages
// send it to sign-in, the API answers 401).
func TestBrowserSignInOut(t *testing.T) {
	s := newStack(t)
	b := s.newBrowser(t)
	b.open("/")
	b.waitPath("/login")
	b.look("login")
	// The check finds what it should: the sign-in form without its label.
	get(b, "drop the token's label", chromedp.Evaluate[bool]("document.querySelector('label[for=token]').remove(); true"))
	if v := b.axeRun().Violations; len(v) == 0 {
		t.Error("axe-core finds nothing wrong with an input without a label")
	}
	b.signIn(alice)
	if h := b.text("h1"); h != "Мои дела" && h != "My work" {
		t.Errorf("My work heading = %q", h)
	}
	if me := b.text(".me"); !strings.Contains(me, "Alice") {
		t.Errorf("header names %q, want alice", me)
	}
	b.look("mywork")
	b.do("choose English", chromedp.SetValue(chromedp.CSS("#lang-select"), "en"))
	b.submit("header form[action='/lang'] button")
	if h := b.text("h1"); h != "My work" {
		t.Errorf("after switching to English the heading is %q", h)
	}
	secret := b.sessionCookie()
	if secret == "" {
		t.Fatal("no session cookie after sign-in")
	}
	if status, _ := s.withCookie("GET", "/api/v1/me/preferences", secret); status != http.StatusOK {
		t.Errorf("API with the session cookie: %d, want 200", status)
	}
	csrf := get(b, "CSRF token", chromedp.Value(chromedp.CSS("#logout-form input[name=csrf]")))
	for _, h := range [][]string{nil, {"X-CSRF-Token", "wrong"}} {
		if status, _ := s.withCookie("POST", "/api/v1/notifications/read-all", secret, h...); status != http.StatusForbidden {
			t.Errorf("API POST with the cookie and CSRF header %v: %d, want 403", h, status)
		}
		if status, _ := s.withCookie("POST", "/notifications/read-all", secret, h...); status != http.StatusForbidden {
			t.Errorf("page POST without the form's CSRF field: %d, want 403", status)
		}
	}
	if status, _ := s.withCookie("POST", "/api/v1/notifications/read-all", secret, "X-CSRF-Token", csrf); status != http.StatusOK {
		t.Errorf("API POST with the cookie and its CSRF token: %d, want 200", status)
	}
	b.submit("#logout")
	b.waitPath("/login")
	if status, loc := s.withCookie("GET", "/", secret); status != http.StatusSeeOther || loc != "/login" {
		t.Errorf("My work after sign-out: %d to %q, want 303 to /login", status, loc)
	}
	if status, _ := s.withCookie("GET", "/api/v1/me/preferences", secret); status != http.StatusUnauthorized {
		t.Errorf("API after sign-out: %d, want 401", status)
	}
	s.checkSessionAudit("alice", "session.create", "session.delete")
}

// TestBrowserRevokedTokenEndsSession: a session started with a token the
// admin then revokes dies on the browser's next request.
func TestBrowserRevokedTokenEndsSession(t *testing.T) {
	s := newStack(t)
	token := s.issueToken("alice", nil)
	var toks struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	s.call("GET", "/api/v1/staff/alice/tokens", admin, nil).decode(t, 200, &toks)
	b := s.newBrowser(t)
	b.signIn(token)
	for _, tok := range toks.Items {
		if tok.Name == "test" {
			s.call("DELETE", "/api/v1/staff/alice/tokens/"+tok.ID, admin, nil).decode(t, 200, nil)
		}
	}
	b.open("/")
	b.waitPath("/login")
	b.look("")
}

// checkSessionAudit fails the test unless the audit trail has an entry of
// each action by actor.
func (s *stack) checkSessionAudit(actor string, actions ...string) {
	s.t.Helper()
	for _, a := range actions {
		var n int64
		if err := s.db.Table("audit_entries").Where("actor = ? AND action = ?", actor, a).Count(&n).Error; err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			s.t.Errorf("no audit entry %s by %s", a, actor)
		}
	}
}

// TestSignInAttemptsLimited: a sign-in form posted without its own CSRF
// cookie (from another site) is refused without a session; refused
// sign-ins are audited and, past the burst, answered 429 with
// Retry-After, even with a good token.
func TestSignInAttemptsLimited(t *testing.T) {
	s := newStack(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(token, cookie string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, s.url+"/login", strings.NewReader(url.Values{"token": {token}, "login_check": {"check-1"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "salesflow_login", Value: cookie})
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	signIn := func(token string) *http.Response { t.Helper(); return post(token, "check-1") }
	for _, cookie := range []string{"", "check-2"} {
		if res := post(alice, cookie); res.StatusCode != http.StatusForbidden || len(res.Cookies()) == 0 || res.Cookies()[0].Name != "salesflow_login" {
			t.Errorf("sign-in with CSRF cookie %q: %d, cookies %v; want 403 and a fresh form", cookie, res.StatusCode, res.Cookies())
		}
	}
	if res := signIn("wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong token: %d, want 401", res.StatusCode)
	}
	var refused int64
	if err := s.db.Table("audit_entries").Where("action = ? AND status = ?", "session.create", http.StatusUnauthorized).Count(&refused).Error; err != nil || refused != 1 {
		t.Errorf("refused sign-ins audited: %d (%v), want 1", refused, err)
	}
	var last *http.Response
	for range 10 {
		last = signIn(alice)
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("the 11th sign-in at once: %d, Retry-After %q; want 429 with Retry-After", last.StatusCode, last.Header.Get("Retry-After"))
	}
}
