package api

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/jwtauth"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

const (
	idpIssuer   = "https://idp.example.com/realms/staff"
	idpAudience = "salesflow-api"
)

// idp is an identity provider signing ES256 tokens with a key of its own.
type idp struct {
	t   *testing.T
	key *ecdsa.PrivateKey
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &idp{t: t, key: k}
}

// verifier accepts the provider's tokens through its static PEM public key;
// roleClaim "" reads no role.
func (p *idp) verifier(roleClaim string) *jwtauth.Verifier {
	p.t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
	if err != nil {
		p.t.Fatal(err)
	}
	v, err := jwtauth.New(jwtauth.Config{
		PublicKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		Issuer:       idpIssuer, Audience: idpAudience, RoleClaim: roleClaim,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// claims are those of a valid token for staff member sub; change reworks them.
func (p *idp) claims(sub string, change ...func(jwt.MapClaims)) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"iss": idpIssuer, "aud": idpAudience, "sub": sub, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for _, ch := range change {
		ch(c)
	}
	return c
}

// sign signs claims with the provider's key.
func (p *idp) sign(c jwt.MapClaims) string {
	p.t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodES256, c).SignedString(p.key)
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

// expectUnauthorized fails unless rec is a 401 with a Bearer challenge.
func expectUnauthorized(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	expectError(t, rec, http.StatusUnauthorized, casework.CodeUnauthorized)
	if !strings.HasPrefix(rec.Header().Get(echo.HeaderWWWAuthenticate), "Bearer") {
		t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", rec.Header().Get(echo.HeaderWWWAuthenticate))
	}
}

// setActive (de)activates a staff member in the read model.
func (a *testAPI) setActive(id string, active bool) {
	a.t.Helper()
	if _, err := models.UpdateStaff(context.Background(), a.db, id, models.StaffChange{Active: &active}, time.Now()); err != nil {
		a.t.Fatal(err)
	}
}

func TestJWTSignIn(t *testing.T) {
	p := newIDP(t)
	a := newTestAPI(t, nil, func(d *Deps) { d.JWT = p.verifier("") })
	a.seedDeal("deal-a", "alice", "cl-1")
	a.seedDeal("deal-b", "bob", "cl-1")

	good := p.sign(p.claims("alice"))
	var l dealList
	expect(t, a.do(http.MethodGet, "/api/v1/deals", good, nil), http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].ID != "deal-a" {
		t.Errorf("alice's deals by JWT = %+v", l.Items)
	}
	// The actor of a JWT request is the staff member it names.
	var c models.ClientCard
	expect(t, a.do(http.MethodPost, "/api/v1/clients", good, map[string]any{"name": "Romashka"}), http.StatusCreated, &c)
	if c.CreatedBy != "alice" {
		t.Errorf("created by %q", c.CreatedBy)
	}

	other := newIDP(t)
	a.setActive("bob", false)
	refused := map[string]string{
		"expired": p.sign(p.claims("alice", func(c jwt.MapClaims) {
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
		})),
		"not yet valid":     p.sign(p.claims("alice", func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() })),
		"no expiry":         p.sign(p.claims("alice", func(c jwt.MapClaims) { delete(c, "exp") })),
		"wrong audience":    p.sign(p.claims("alice", func(c jwt.MapClaims) { c["aud"] = "another-api" })),
		"wrong issuer":      p.sign(p.claims("alice", func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" })),
		"bad signature":     other.sign(p.claims("alice")),
		"tampered":          good[:strings.LastIndex(good, ".")] + "." + strings.Repeat("A", len(good)-strings.LastIndex(good, ".")-1),
		"unknown staff":     p.sign(p.claims("zed")),
		"deactivated staff": p.sign(p.claims("bob")),
		"HMAC":              hmacToken(t, p.claims("alice")),
	}
	for name, token := range refused {
		t.Run(name, func(t *testing.T) {
			expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/deals", token, nil))
		})
	}
	for _, token := range refused {
		if strings.Contains(a.logs.String(), token) {
			t.Error("a refused token was logged")
		}
	}
	// Opaque tokens keep working alongside JWTs.
	expect(t, a.do(http.MethodGet, "/api/v1/deals", "dev-alice", nil), http.StatusOK, nil)
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/deals", "dev-bob", nil)) // deactivated
	testdb.Nowhere(t, a.db, good, "the JWT")
	if strings.Contains(a.logs.String(), good) {
		t.Error("the JWT was logged")
	}
}

// hmacToken is an HS256 token, which the verifier must refuse whatever its
// secret.
func hmacToken(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("any secret"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// With a role claim configured the identity provider decides the role.
func TestJWTRoleClaim(t *testing.T) {
	p := newIDP(t)
	a := newTestAPI(t, nil, func(d *Deps) { d.JWT = p.verifier("role") })
	withRole := func(role string) string {
		return p.sign(p.claims("alice", func(c jwt.MapClaims) { c["role"] = role }))
	}
	// As admin alice gets past the role check: the empty body is refused
	// as a document (422), not the caller (403).
	expectError(t, a.do(http.MethodPut, "/api/v1/policy", withRole(models.RoleAdmin), ""), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	expectError(t, a.do(http.MethodPut, "/api/v1/policy", withRole(models.RoleSales), ""), http.StatusForbidden, casework.CodeForbidden)
	// Her stored role (sales) does not leak into the JWT's.
	expect(t, a.do(http.MethodGet, "/api/v1/staff", withRole(models.RoleManager), nil), http.StatusOK, nil)
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/policy", withRole("root"), nil))
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/policy", p.sign(p.claims("alice")), nil)) // no role claim
	expect(t, a.do(http.MethodGet, "/api/v1/policy", "dev-alice", nil), http.StatusOK, nil)
	expectError(t, a.do(http.MethodPut, "/api/v1/policy", "dev-alice", ""), http.StatusForbidden, casework.CodeForbidden)
}

// issued is the answer of POST /staff/{id}/tokens.
type issued struct {
	ID        string     `json:"id"`
	StaffID   string     `json:"staff_id"`
	Name      string     `json:"name"`
	CreatedBy string     `json:"created_by"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	Token     string     `json:"token"`
}

// issue has admin issue a token for staff member id.
func (a *testAPI) issue(id string, body any) issued {
	a.t.Helper()
	var tok issued
	expect(a.t, a.do(http.MethodPost, "/api/v1/staff/"+id+"/tokens", "dev-admin", body), http.StatusCreated, &tok)
	return tok
}

func TestOpaqueTokens(t *testing.T) {
	a := newTestAPI(t, nil)
	a.seedDeal("deal-a", "alice", "cl-1")
	a.seedDeal("deal-b", "bob", "cl-1")
	tok := a.issue("alice", map[string]any{"name": "laptop"})
	if !strings.HasPrefix(tok.Token, models.TokenPrefix) || len(tok.Token) < 40 || !strings.HasPrefix(tok.ID, "tok_") ||
		tok.StaffID != "alice" || tok.Name != "laptop" || tok.CreatedBy != "admin" || tok.RevokedAt != nil {
		t.Fatalf("issued %+v", tok)
	}
	if tok.ExpiresAt == nil || tok.ExpiresAt.Sub(time.Now()) < 89*24*time.Hour || tok.ExpiresAt.Sub(time.Now()) > 91*24*time.Hour {
		t.Errorf("default expiry %v, want about 90 days ahead", tok.ExpiresAt)
	}
	testdb.Nowhere(t, a.db, tok.Token, "the token's secret")
	if strings.Contains(a.logs.String(), tok.Token) {
		t.Error("the token's secret was logged")
	}

	// It authenticates as alice.
	var l dealList
	expect(t, a.do(http.MethodGet, "/api/v1/deals", tok.Token, nil), http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].ID != "deal-a" {
		t.Errorf("deals with the new token = %+v", l.Items)
	}
	// Listing shows it, without its secret.
	rec := a.do(http.MethodGet, "/api/v1/staff/alice/tokens", "dev-admin", nil)
	var list struct{ Items []issued }
	expect(t, rec, http.StatusOK, &list)
	if strings.Contains(rec.Body.String(), tok.Token) || strings.Contains(rec.Body.String(), `"token"`) {
		t.Errorf("token list shows a secret: %s", rec.Body)
	}
	found := false
	for _, it := range list.Items {
		found = found || it.ID == tok.ID
	}
	if !found || len(list.Items) != 2 { // the demo token and this one
		t.Errorf("token list = %+v", list.Items)
	}

	// Revoked, it stops working at once; the other tokens work on.
	var revoked issued
	expect(t, a.do(http.MethodDelete, "/api/v1/staff/alice/tokens/"+tok.ID, "dev-admin", nil), http.StatusOK, &revoked)
	if revoked.RevokedAt == nil || revoked.Token != "" {
		t.Errorf("revoked = %+v", revoked)
	}
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/deals", tok.Token, nil))
	expect(t, a.do(http.MethodGet, "/api/v1/deals", "dev-alice", nil), http.StatusOK, nil)
	// Only the member's own token can be revoked under their path.
	expectError(t, a.do(http.MethodDelete, "/api/v1/staff/bob/tokens/"+tok.ID, "dev-admin", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodDelete, "/api/v1/staff/alice/tokens/tok_none", "dev-admin", nil), http.StatusNotFound, casework.CodeNotFound)

	// An expiry must lie ahead, and at most 2 years.
	for _, exp := range []time.Time{time.Now().Add(-time.Minute), time.Now().Add(3 * 365 * 24 * time.Hour)} {
		e := expectError(t, a.do(http.MethodPost, "/api/v1/staff/alice/tokens", "dev-admin", map[string]any{"expires_at": exp.Format(time.RFC3339)}),
			http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields["expires_at"] == "" {
			t.Errorf("expires_at %s not named: %+v", exp, e.Error.Details)
		}
	}
	// A token past its expiry no longer authenticates.
	short := a.issue("alice", map[string]any{"expires_at": time.Now().Add(time.Hour).Format(time.RFC3339)})
	expect(t, a.do(http.MethodGet, "/api/v1/deals", short.Token, nil), http.StatusOK, nil)
	if err := a.db.Model(&models.Token{}).Where("id = ?", short.ID).Update("expires_at", time.Now().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/deals", short.Token, nil))

	// Tokens of unknown or deactivated members are not issued.
	expectError(t, a.do(http.MethodPost, "/api/v1/staff/zed/tokens", "dev-admin", map[string]any{}), http.StatusNotFound, casework.CodeNotFound)
	a.setActive("bob", false)
	expectError(t, a.do(http.MethodPost, "/api/v1/staff/bob/tokens", "dev-admin", map[string]any{}), http.StatusConflict, casework.CodeConflict)
}

// Deactivating a member kills every token of theirs at once; reactivating
// does not bring them back.
func TestDeactivationRevokesTokens(t *testing.T) {
	a := newTestAPI(t, nil)
	t1, t2 := a.issue("alice", map[string]any{"name": "laptop"}), a.issue("alice", map[string]any{"name": "phone"})
	bobs := a.issue("bob", map[string]any{})
	for _, token := range []string{t1.Token, t2.Token, "dev-alice"} {
		expect(t, a.do(http.MethodGet, "/api/v1/policy", token, nil), http.StatusOK, nil)
	}
	var st models.StaffItem
	expect(t, a.do(http.MethodPatch, "/api/v1/staff/alice", "dev-admin", map[string]any{"active": false}), http.StatusOK, &st)
	if st.Active || st.DeactivatedAt == nil {
		t.Errorf("after deactivation: %+v", st)
	}
	for _, token := range []string{t1.Token, t2.Token, "dev-alice"} {
		expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/policy", token, nil))
	}
	var list struct{ Items []issued }
	expect(t, a.do(http.MethodGet, "/api/v1/staff/alice/tokens", "dev-admin", nil), http.StatusOK, &list)
	for _, it := range list.Items {
		if it.RevokedAt == nil {
			t.Errorf("token %s of a deactivated member not revoked", it.ID)
		}
	}
	for _, token := range []string{bobs.Token, "dev-bob"} {
		expect(t, a.do(http.MethodGet, "/api/v1/policy", token, nil), http.StatusOK, nil)
	}
	var back models.StaffItem
	expect(t, a.do(http.MethodPatch, "/api/v1/staff/alice", "dev-admin", map[string]any{"active": true}), http.StatusOK, &back)
	if !back.Active || back.DeactivatedAt != nil {
		t.Errorf("after reactivation: %+v", back)
	}
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/policy", t1.Token, nil))
	// An admin cannot lock themself out.
	e := expectError(t, a.do(http.MethodPatch, "/api/v1/staff/admin", "dev-admin", map[string]any{"active": false}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["active"] == "" {
		t.Errorf("self-deactivation: %+v", e.Error.Details)
	}
}

func TestStaffValidation(t *testing.T) {
	a := newTestAPI(t, nil)
	var st models.StaffItem
	expect(t, a.do(http.MethodPost, "/api/v1/staff", "dev-admin",
		map[string]any{"id": "carol", "name": " Carol ", "role": "sales", "manager_id": "maria", "email": "carol@example.com"}), http.StatusCreated, &st)
	if st.ID != "carol" || st.Name != "Carol" || !st.Active || st.Language != models.DefaultLanguage || st.ManagerID != "maria" {
		t.Errorf("created %+v", st)
	}
	// Carol is in maria's team now.
	var l staffList
	expect(t, a.do(http.MethodGet, "/api/v1/staff", "dev-maria", nil), http.StatusOK, &l)
	if got := strings.Join(staffIDs(l), ","); got != "alice,bob,carol,maria" {
		t.Errorf("maria's team = %s", got)
	}

	for _, c := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"bad values", map[string]any{"id": "Bad ID!", "name": " ", "role": "boss", "email": "nope", "language": "de"},
			[]string{"id", "name", "role", "email", "language"}},
		{"empty id", map[string]any{"id": "", "name": "X", "role": "sales"}, []string{"id"}},
		{"id too long", map[string]any{"id": strings.Repeat("x", 65), "name": "X", "role": "sales"}, []string{"id"}},
		{"unknown field", map[string]any{"id": "x", "name": "X", "role": "sales", "password": "p"}, []string{"password"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := expectError(t, a.do(http.MethodPost, "/api/v1/staff", "dev-admin", c.body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
			for _, f := range c.fields {
				if e.Error.Details.Fields[f] == "" {
					t.Errorf("%s not named in %v", f, e.Error.Details.Fields)
				}
			}
		})
	}
	for name, body := range map[string]map[string]any{
		"duplicate id":              {"id": "alice", "name": "Alice 2", "role": "sales"},
		"manager who is no manager": {"id": "dave", "name": "Dave", "role": "sales", "manager_id": "alice"},
		"unknown manager":           {"id": "dave", "name": "Dave", "role": "sales", "manager_id": "nobody"},
	} {
		t.Run(name, func(t *testing.T) {
			expectError(t, a.do(http.MethodPost, "/api/v1/staff", "dev-admin", body), http.StatusConflict, casework.CodeConflict)
		})
	}

	e := expectError(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"role": "boss", "name": ""}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	if e.Error.Details.Fields["role"] == "" || e.Error.Details.Fields["name"] == "" {
		t.Errorf("patch refusals: %+v", e.Error.Details)
	}
	expectError(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"manager_id": "alice"}), http.StatusConflict, casework.CodeConflict)
	expectError(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"manager_id": "bob"}), http.StatusConflict, casework.CodeConflict)
	// A manager with a team cannot be made a sales rep.
	expectError(t, a.do(http.MethodPatch, "/api/v1/staff/maria", "dev-admin", map[string]any{"role": "sales"}), http.StatusConflict, casework.CodeConflict)
	expectError(t, a.do(http.MethodPatch, "/api/v1/staff/nobody", "dev-admin", map[string]any{"name": "N"}), http.StatusNotFound, casework.CodeNotFound)
	st = models.StaffItem{}
	expect(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"manager_id": "admin", "name": "Bobby"}), http.StatusOK, &st)
	if st.ManagerID != "admin" || st.Name != "Bobby" || st.Role != models.RoleSales {
		t.Errorf("patched %+v", st)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/staff", "dev-maria", nil), http.StatusOK, &l)
	if got := strings.Join(staffIDs(l), ","); got != "alice,carol,maria" {
		t.Errorf("maria's team after bob moved = %s", got)
	}
}
