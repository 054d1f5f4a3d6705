package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// Token lifetimes: the default when the request names no expiry, and the
// longest an admin may choose.
const (
	defaultTokenLifetime = 90 * 24 * time.Hour
	maxTokenLifetime     = 2 * 365 * 24 * time.Hour
)

// issuedTokenJSON is the answer of POST /staff/{id}/tokens: the token's
// secret, shown this once.
type issuedTokenJSON struct {
	models.TokenItem
	Token string `json:"token"`
}

// tokenList is the answer of GET /staff/{id}/tokens.
type tokenList = list[models.TokenItem]

// issueTokenInput is the body of POST /staff/{id}/tokens.
type issueTokenInput struct {
	Name      string     `json:"name,omitempty" maxlen:"100"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

func toTokenJSON(t *models.Token) models.TokenItem {
	return models.TokenItem{
		ID: t.ID, StaffID: t.StaffID, Name: t.Name, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt.UTC(),
		ExpiresAt: utc(t.ExpiresAt), RevokedAt: utc(t.RevokedAt),
	}
}

func (s *server) issueToken(c echo.Context) error {
	var in issueTokenInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	now := time.Now().UTC()
	exp := now.Add(defaultTokenLifetime).Truncate(time.Second)
	if in.ExpiresAt != nil {
		exp = in.ExpiresAt.UTC()
	}
	switch {
	case !exp.After(now):
		return invalidFields(map[string]string{"expires_at": "must be in the future"})
	case exp.Sub(now) > maxTokenLifetime:
		return invalidFields(map[string]string{"expires_at": "must be at most 2 years ahead"})
	}
	st, err := models.GetStaff(c.Request().Context(), s.DB, c.Param("id"))
	if err != nil {
		return notFoundOr(err, objStaff)
	}
	if !st.Active {
		return fail(http.StatusConflict, casework.CodeConflict, "the staff member is deactivated")
	}
	tok, secret, err := models.IssueToken(c.Request().Context(), s.DB, st.ID, in.Name, staffOf(c).ID, &exp)
	if err != nil {
		return err
	}
	auditObject(c, objToken, tok.ID, st.ID)
	logger(c).Info("token issued", "token", tok.ID, "staff", st.ID)
	return c.JSON(http.StatusCreated, issuedTokenJSON{TokenItem: toTokenJSON(tok), Token: secret})
}

// withoutSecret is the replay of a token issue (see idempotent): the
// secret is stored nowhere, so a repeat of the request answers 409 naming
// the token it issued, to be revoked if its secret was lost.
func withoutSecret(_ int, body []byte) (int, []byte) {
	var tok issuedTokenJSON
	_ = json.Unmarshal(body, &tok) // the handler wrote it
	out, _ := json.Marshal(errorBody{Error: fail(http.StatusConflict, casework.CodeConflict,
		"this request already issued token "+tok.ID+"; its secret is shown only once: if it was lost, revoke the token and issue a new one")})
	return http.StatusConflict, out
}

func (s *server) listTokens(c echo.Context) error {
	rows, err := models.Tokens(c.Request().Context(), s.DB, c.Param("id"))
	return answerList(c, rows, err, toTokenJSON)
}

func (s *server) revokeToken(c echo.Context) error {
	auditObject(c, objToken, c.Param("token"), c.Param("id"))
	tok, err := models.RevokeToken(c.Request().Context(), s.DB, c.Param("id"), c.Param("token"), time.Now())
	s.tokens.forget()
	if err != nil {
		return notFoundOr(err, objToken)
	}
	logger(c).Info("token revoked", "token", tok.ID, "staff", tok.StaffID)
	return c.JSON(http.StatusOK, toTokenJSON(tok))
}
