package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/models"
)

// Keys of the signed-in request's values in the echo context.
const (
	sessionKey = "web.session"
	staffKey   = "web.staff"
	secretKey  = "web.secret"
)

// staffOf is the signed-in member of the request, nil before sign-in.
func staffOf(c echo.Context) *models.Staff {
	s, _ := c.Get(staffKey).(*models.Staff)
	return s
}

// sessionOf is the request's live session, nil before sign-in.
func sessionOf(c echo.Context) *models.WebSession {
	s, _ := c.Get(sessionKey).(*models.WebSession)
	return s
}

// secureCookies is false only for a request to this machine by name or
// loopback address (plain-HTTP development); anywhere else the cookies
// are Secure, sent over HTTPS only.
func secureCookies(c echo.Context) bool {
	host := c.Request().Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return host != "localhost" && host != "127.0.0.1" && host != "::1"
}

// requestLanguage is the language of a page before sign-in: English when
// the browser prefers it, else Russian.
func requestLanguage(c echo.Context) string {
	if strings.HasPrefix(strings.ToLower(c.Request().Header.Get("Accept-Language")), "en") {
		return models.LangEnglish
	}
	return models.LangRussian
}

// requireSession admits a request with a live session (api.Session: not
// idle or too old, member active, token valid), else ends it and sends
// the browser to the sign-in page.
func (a *app) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(api.SessionCookie)
		if err != nil || ck.Value == "" {
			return a.toLogin(c)
		}
		sess, staff, err := api.Session(c, a.API, ck.Value)
		if status, _, _, _ := api.Problem(err); err != nil && status == http.StatusUnauthorized {
			return a.toLogin(c)
		} else if err != nil {
			return err
		}
		c.Set(sessionKey, sess)
		c.Set(staffKey, staff)
		c.Set(secretKey, ck.Value)
		return next(c)
	}
}

// toLogin clears the session cookie and redirects to the sign-in page,
// which comes back to the page asked for (GET only).
func (a *app) toLogin(c echo.Context) error {
	c.SetCookie(a.sessionCookie(c, "", -1))
	target := "/login"
	if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/" {
		target += "?next=" + c.Request().URL.EscapedPath()
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// checkCSRF refuses, with the 403 page, a POST whose form field csrf is
// not the session's CSRF token.
func (a *app) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodPost && !api.SameToken(c.FormValue("csrf"), sessionOf(c).CSRF) {
			a.errorPage(c, http.StatusForbidden, translate(requestLanguage(c), "error.csrf"))
			return nil
		}
		return next(c)
	}
}

// sessionCookie is the session cookie with value secret (maxAge seconds;
// -1 deletes it, 0 makes it last as long as the browser session).
func (a *app) sessionCookie(c echo.Context, secret string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: api.SessionCookie, Value: secret, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureCookies(c),
	}
}

// loginData is the data of login.html. Check is the sign-in form's CSRF
// token (see loginCheck).
type loginData struct {
	Next  string
	Error string
	Check string
}

// loginCookie carries the sign-in form's CSRF token: the form sends it
// back in the field login_check. SameSite=Strict keeps the cookie off a
// cross-site POST, so another site cannot sign a browser into a session of
// its choosing (login CSRF).
const loginCookie = "salesflow_login"

// loginForm answers GET /login: the sign-in form, with its CSRF token in
// its field and in loginCookie.
func (a *app) loginForm(c echo.Context) error {
	data := loginData{Next: localPath(c.QueryParam("next"))}
	return a.renderLogin(c, http.StatusOK, data)
}

// renderLogin shows the sign-in form with its CSRF token: the browser's
// own, when its loginCookie has one (several tabs, a reload), else a fresh
// one, (re)set for an hour.
func (a *app) renderLogin(c echo.Context, status int, data loginData) error {
	data.Check = randomKey()
	if ck, err := c.Cookie(loginCookie); err == nil && len(ck.Value) == len(data.Check) {
		data.Check = ck.Value
	}
	c.SetCookie(&http.Cookie{
		Name: loginCookie, Value: data.Check, Path: "/login", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureCookies(c),
	})
	return a.render(c, status, "login.html", data)
}

// loginChecked reports whether the sign-in form came back with the CSRF
// token of its own cookie.
func loginChecked(c echo.Context) bool {
	ck, err := c.Cookie(loginCookie)
	field := c.FormValue("login_check")
	return err == nil && ck.Value != "" && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(field)) == 1
}

// login answers POST /login: the form's token (an opaque API token or a
// JWT) checked as the API checks bearer tokens starts a session (audited
// as session.create); a refused token shows the form again with the
// reason. Attempts are rate-limited per client address.
func (a *app) login(c echo.Context) error {
	lang := requestLanguage(c)
	data := loginData{Next: localPath(c.FormValue("next"))}
	if d := a.signIns.Wait(c.RealIP(), time.Now()); d > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())+1))
		data.Error = translate(lang, "login.slow")
		return a.renderLogin(c, http.StatusTooManyRequests, data)
	}
	if !loginChecked(c) {
		data.Error = translate(lang, "login.expired")
		return a.renderLogin(c, http.StatusForbidden, data)
	}
	token := strings.TrimSpace(c.FormValue("token"))
	sess, secret, err := api.SignIn(c, a.API, token)
	if err != nil {
		status, _, message, unexpected := api.Problem(err)
		if unexpected {
			return err
		}
		a.auditSession(c, "session.create", "", "", status)
		data.Error = translate(lang, "login.refused") + " (" + message + ")"
		return a.renderLogin(c, status, data)
	}
	a.auditSession(c, "session.create", sess.StaffID, sess.Role, http.StatusSeeOther)
	c.SetCookie(a.sessionCookie(c, secret, 0))
	return c.Redirect(http.StatusSeeOther, data.Next)
}

// logout answers POST /logout: the session is deleted (audited as
// session.delete) and the browser sent to the sign-in page.
func (a *app) logout(c echo.Context) error {
	if err := models.DeleteWebSession(c.Request().Context(), a.API.DB, sessionOf(c).ID); err != nil {
		return err
	}
	a.auditSession(c, "session.delete", staffOf(c).ID, staffOf(c).Role, http.StatusSeeOther)
	c.SetCookie(a.sessionCookie(c, "", -1))
	return c.Redirect(http.StatusSeeOther, "/login")
}

// auditSession records a sign-in or sign-out (action) of staff member
// actor with role ("" for a refused sign-in) and the status answered.
func (a *app) auditSession(c echo.Context, action, actor, role string, status int) {
	input, _ := json.Marshal(map[string]string{"remote_ip": c.RealIP()})
	e := &models.AuditEntry{
		At: time.Now().UTC().Truncate(time.Microsecond), RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		RequestKey: randomKey() + randomKey(), Actor: actor, Role: role, Action: action,
		ObjectType: "staff", ObjectID: actor, Owner: actor, Status: status, Input: string(input),
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Second)
	defer cancel()
	if err := models.AppendAudit(ctx, a.API.DB, e); err != nil {
		a.Logger.Error("audit sign-in", "action", action, "error", err)
	}
}
