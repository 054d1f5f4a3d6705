package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// adminRoutes registers the admin pages on g, the signed-in pages' group:
// staff and their tokens, the policy document, the audit trail. Only
// admins see them; anyone else gets the 403 page.
func (a *app) adminRoutes(g *echo.Group) {
	ad := g.Group("/admin", requireAdmin(a))
	ad.GET("", a.adminStaff)
	ad.POST("/staff", a.createStaff)
	ad.GET("/staff/:id", a.adminMember)
	ad.POST("/staff/:id", a.updateStaff)
	ad.POST("/staff/:id/tokens", a.issueToken)
	ad.POST("/staff/:id/tokens/:token/revoke", a.revokeToken)
	ad.GET("/policy", formPage(a, "admin_policy.html", a.policyForm)) // the current policy as a form
	ad.POST("/policy", a.savePolicy)
	ad.GET("/audit", a.adminAudit)
	a.documentRoutes(ad)
}

// requireAdmin answers the 403 page to a member who is not an admin.
func requireAdmin(a *app) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if me := staffOf(c); me == nil || me.Role != models.RoleAdmin {
				a.errorPage(c, http.StatusForbidden, "")
				return nil
			}
			return next(c)
		}
	}
}

// staffForm is the create or update form of a member as typed.
type staffForm struct {
	ID, Name, Role, ManagerID, Email, Language string
	Active                                     bool
}

// adminStaffData is the data of admin.html.
type adminStaffData struct {
	Staff []models.StaffItem
	// Form is the create form as typed; Error and Fields the API's refusal.
	Form   staffForm
	Error  string
	Fields map[string]string
	Roles  []string
}

// roles are the staff roles, as the selects offer them.
var roles = []string{models.RoleSales, models.RoleManager, models.RoleAdmin}

// adminStaff answers GET /admin: the staff list and the create form.
func (a *app) adminStaff(c echo.Context) error {
	return a.staffPage(c, http.StatusOK, adminStaffData{Form: staffForm{Role: models.RoleSales, Language: models.LangRussian}})
}

// staffPage renders admin.html with d and the staff list.
func (a *app) staffPage(c echo.Context, status int, d adminStaffData) error {
	var staff models.Page[models.StaffItem]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/staff?limit=200", nil, &staff); e != nil {
		return a.apiFailed(c, e)
	}
	d.Staff, d.Roles = staff.Items, roles
	return a.render(c, status, "admin.html", d)
}

// createStaff answers POST /admin/staff: creates the member through the
// API; a refusal shows beside the form with what was typed.
func (a *app) createStaff(c echo.Context) error {
	f := staffForm{ID: c.FormValue("id"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		ManagerID: c.FormValue("manager_id"), Email: c.FormValue("email"), Language: c.FormValue("language")}
	body := map[string]any{"id": f.ID, "name": f.Name, "role": f.Role, "manager_id": f.ManagerID, "email": f.Email, "language": f.Language}
	if _, e := a.apiCall(c, http.MethodPost, "/api/v1/staff", body, nil); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		return a.staffPage(c, e.Status, adminStaffData{Form: f, Error: e.Message, Fields: e.Fields})
	}
	return a.redirect(c, "/admin/staff/"+url.PathEscape(f.ID), "admin.flash.created")
}

// formPage answers the GET of an admin form page: the data read reads,
// rendered with the template page, or the error page when the API refused
// the read.
func formPage[D any](a *app, page string, read func(echo.Context) (D, *APIError)) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, e := read(c)
		if e != nil {
			return a.apiFailed(c, e)
		}
		return a.render(c, http.StatusOK, page, d)
	}
}

// refusal is true for an API answer a form shows in place: the input
// refused (400, 422) or in conflict with the state (409).
func refusal(e *APIError) bool {
	return e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity || e.Status == http.StatusConflict
}

// memberData is the data of admin_member.html.
type memberData struct {
	Member models.StaffItem
	Staff  []models.StaffItem
	Roles  []string
	Tokens []models.TokenItem
	// Form is the update form as typed, TokenName the token form's.
	Form      staffForm
	TokenName string
	// Secret is a token just issued, shown this once.
	Secret string
	Error  string
	Fields map[string]string
	// TokenError is the API's refusal of the token form.
	TokenError string
}

// adminMember answers GET /admin/staff/{id}: the member's form and tokens.
func (a *app) adminMember(c echo.Context) error {
	return a.memberPage(c, http.StatusOK, memberData{})
}

// memberPage reads the member, the staff (for the manager select) and the
// member's tokens into d and renders admin_member.html; d.Form is the
// member as stored unless it was typed (ID set).
func (a *app) memberPage(c echo.Context, status int, d memberData) error {
	id := url.PathEscape(c.Param("id"))
	var staff models.Page[models.StaffItem]
	var tokens models.Page[models.TokenItem]
	for _, call := range []struct {
		path string
		into any
	}{{"/api/v1/staff/" + id, &d.Member}, {"/api/v1/staff?limit=200", &staff}, {"/api/v1/staff/" + id + "/tokens", &tokens}} {
		if _, e := a.apiCall(c, http.MethodGet, call.path, nil, call.into); e != nil {
			return a.apiFailed(c, e)
		}
	}
	d.Staff, d.Tokens, d.Roles = staff.Items, tokens.Items, roles
	if d.Form.ID == "" {
		m := d.Member
		d.Form = staffForm{ID: m.ID, Name: m.Name, Role: m.Role, ManagerID: m.ManagerID, Email: m.Email, Active: m.Active}
	}
	return a.render(c, status, "admin_member.html", d)
}

// updateStaff answers POST /admin/staff/{id}: the member's name, e-mail,
// role, manager and active flag through PATCH /api/v1/staff/{id}.
func (a *app) updateStaff(c echo.Context) error {
	f := staffForm{ID: c.Param("id"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		ManagerID: c.FormValue("manager_id"), Email: c.FormValue("email"), Active: c.FormValue("active") == "on"}
	body := map[string]any{"name": f.Name, "role": f.Role, "manager_id": f.ManagerID, "email": f.Email, "active": f.Active}
	if _, e := a.apiCall(c, http.MethodPatch, "/api/v1/staff/"+url.PathEscape(f.ID), body, nil); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		return a.memberPage(c, e.Status, memberData{Form: f, Error: e.Message, Fields: e.Fields})
	}
	return a.redirect(c, "/admin/staff/"+url.PathEscape(f.ID), "flash.saved")
}

// issueToken answers POST /admin/staff/{id}/tokens: issues a token and
// shows its secret on the page this once (no redirect, so it is kept
// nowhere; a replayed submit gets the token without its secret).
func (a *app) issueToken(c echo.Context) error {
	name := c.FormValue("name")
	body := map[string]any{"name": name}
	if exp := c.FormValue("expires"); exp != "" {
		body["expires_at"] = exp
		if d, err := time.Parse(time.DateOnly, exp); err == nil {
			body["expires_at"] = d.UTC().Format(time.RFC3339)
		}
	}
	var issued struct {
		Token string `json:"token"`
	}
	if _, e := a.apiCall(c, http.MethodPost, "/api/v1/staff/"+url.PathEscape(c.Param("id"))+"/tokens", body, &issued); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		return a.memberPage(c, e.Status, memberData{TokenName: name, TokenError: e.Message, Fields: e.Fields})
	}
	return a.memberPage(c, http.StatusOK, memberData{Secret: issued.Token})
}

// revokeToken answers POST /admin/staff/{id}/tokens/{token}/revoke.
func (a *app) revokeToken(c echo.Context) error {
	id := url.PathEscape(c.Param("id"))
	if _, e := a.apiCall(c, http.MethodDelete, "/api/v1/staff/"+id+"/tokens/"+url.PathEscape(c.Param("token")), nil, nil); e != nil {
		return a.apiFailed(c, e)
	}
	return a.redirect(c, "/admin/staff/"+id, "admin.flash.revoked")
}

// auditData is the data of admin_audit.html.
type auditData struct {
	Actor, Object, From, To string
	Items                   []models.AuditItem
	// Next is the query of the next page, "" on the last.
	Next   string
	Error  string
	Fields map[string]string
}

// auditPage is how many entries a page of the audit trail shows.
const auditPage = 50

// adminAudit answers GET /admin/audit?actor=&object=&from=&to=&cursor=:
// the audit trail, newest first, a page at a time.
func (a *app) adminAudit(c echo.Context) error {
	q := c.QueryParams()
	d := auditData{Actor: q.Get("actor"), Object: q.Get("object"), From: q.Get("from"), To: q.Get("to")}
	f := reportFilter{From: d.From, To: d.To}
	aq := cloneWith(f.query(), "actor", d.Actor, "object", d.Object, "cursor", q.Get("cursor"), "limit", strconv.Itoa(auditPage))
	var page models.Page[models.AuditItem]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/audit?"+aq.Encode(), nil, &page); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		d.Error, d.Fields = e.Message, e.Fields
		return a.render(c, e.Status, "admin_audit.html", d)
	}
	d.Items = page.Items
	if page.NextCursor != "" {
		next := cloneWith(q, "cursor", page.NextCursor)
		d.Next = next.Encode()
	}
	return a.render(c, http.StatusOK, "admin_audit.html", d)
}
