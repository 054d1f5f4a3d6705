package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// SessionCookie names the web app's session cookie: its value is the
// secret of a models.WebSession.
const SessionCookie = "salesflow_session"

// HeaderCSRF carries the session's CSRF token on every unsafe request
// authenticated by the session cookie.
const HeaderCSRF = "X-CSRF-Token"

// Web session lifetimes when Deps leaves them zero (the defaults of
// WEB_SESSION_IDLE and WEB_SESSION_MAX).
const (
	DefaultSessionIdle = 12 * time.Hour
	DefaultSessionMax  = 7 * 24 * time.Hour
)

// sessionIdle is the idle expiry of web sessions.
func (d Deps) sessionIdle() time.Duration {
	if d.SessionIdle > 0 {
		return d.SessionIdle
	}
	return DefaultSessionIdle
}

// sessionMax is the absolute expiry of web sessions.
func (d Deps) sessionMax() time.Duration {
	if d.SessionMax > 0 {
		return d.SessionMax
	}
	return DefaultSessionMax
}

// sessionAuth authenticates a request by the web app's session cookie
// (secret): a live session (models.WebSessionStaff) makes its member, with
// the role of the sign-in, the actor; an unsafe method must carry the
// session's CSRF token in HeaderCSRF, else 403.
func (s *server) sessionAuth(c echo.Context, secret string, next echo.HandlerFunc) error {
	sess, staff, err := Session(c, s.Deps, secret)
	if err != nil {
		return err
	}
	if !safeMethod(c.Request().Method) && !SameToken(c.Request().Header.Get(HeaderCSRF), sess.CSRF) {
		return fail(http.StatusForbidden, casework.CodeForbidden, "the CSRF token is missing or wrong; reload the page")
	}
	c.Set(staffKey, staff)
	c.Set(tokenKey, sess.ID)
	return next(c)
}

// checkedKey is the context key of a session the web app checked for
// the request it serves (WithCheckedSession).
type checkedKey struct{}

// checkedSession is a session checked earlier in the same request.
type checkedSession struct {
	sess  *models.WebSession
	staff *models.Staff
}

// WithCheckedSession returns ctx carrying the session sess of member
// staff, which the caller (the web app, serving a page) has just checked:
// an in-process API request with that context and that session's cookie
// is not checked again. Only code in this process can set it.
func WithCheckedSession(ctx context.Context, sess *models.WebSession, staff *models.Staff) context.Context {
	return context.WithValue(ctx, checkedKey{}, checkedSession{sess, staff})
}

// Session returns the live web session of the cookie secret and its member
// (see models.WebSessionStaff), or the API's 401 when it has ended.
func Session(c echo.Context, d Deps, secret string) (*models.WebSession, *models.Staff, error) {
	if ck, ok := c.Request().Context().Value(checkedKey{}).(checkedSession); ok && ck.sess.ID == models.HashToken(secret) {
		staff := *ck.staff
		return ck.sess, &staff, nil
	}
	sess, staff, err := models.WebSessionStaff(c.Request().Context(), d.DB, secret, time.Now(), d.sessionIdle())
	if errors.Is(err, models.ErrSessionEnded) {
		return nil, nil, fail(http.StatusUnauthorized, casework.CodeUnauthorized, "the session has ended; sign in again")
	}
	return sess, staff, err
}

// SignIn checks token exactly as the API authenticates a bearer token
// (opaque API token or, when d.JWT is set, a JWT) and, when it is
// accepted, starts a web session of its member ending after
// Deps.SessionMax. It returns the session and the secret for its cookie;
// a refused token gives the API's 401 error (see Problem).
func SignIn(c echo.Context, d Deps, token string) (*models.WebSession, string, error) {
	s := &server{Deps: d}
	staff, jwtExp, err := s.identify(c, token)
	if err != nil {
		return nil, "", err
	}
	sess := &models.WebSession{StaffID: staff.ID, Role: staff.Role, JWTExpiresAt: jwtExp}
	if jwtExp == nil {
		sess.TokenHash = models.HashToken(token)
	}
	secret, err := models.CreateWebSession(c.Request().Context(), d.DB, sess, time.Now(), d.sessionIdle(), d.sessionMax())
	if err != nil {
		return nil, "", err
	}
	return sess, secret, nil
}

// SameToken compares a presented token with the expected one in constant
// time; an empty token never matches.
func SameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// safeMethod is true for the methods that change nothing.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// Problem returns what the API answers an error with: its status, code
// and message; unexpected is true for an internal error the user must not
// see the cause of (log err).
func Problem(err error) (status int, code, message string, unexpected bool) {
	ae, unexpected := asAPIError(err)
	return ae.Status, ae.Code, ae.Message, unexpected
}
