package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/documents"
)

// documentRoutes mounts the admin pages of the document templates and
// the company's details on the admin group: GET /admin/documents, the
// templates' current versions and the company form, and GET
// /admin/documents/{type}, a template's current text in an editor and
// every version.
func (a *app) documentRoutes(ad *echo.Group) {
	ad.GET("/documents", formPage(a, "admin_documents.html", a.documentsForm))
	ad.POST("/documents/company", a.saveCompany)
	ad.GET("/documents/:type", formPage(a, "admin_template.html", a.templateForm))
	ad.POST("/documents/:type", a.saveTemplate)
}

// companyFields are the company's details in the form's order.
var companyFields = []string{"name", "inn", "kpp", "ogrn", "address", "bank", "bik", "account", "corr_account", "director", "phone", "email", "vat_rate"}

// companyField is one input of the company form.
type companyField struct {
	Name, Value, Error string
}

// documentsData is the data of admin_documents.html.
type documentsData struct {
	Templates []documents.Template
	Company   []companyField
	Version   int
	UpdatedBy string
	UpdatedAt *time.Time
	Error     string
}

// documentsForm reads the templates' current versions and the company's
// details into the data of admin_documents.html.
func (a *app) documentsForm(c echo.Context) (documentsData, *APIError) {
	var d documentsData
	var list struct{ Items []documents.Template }
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/document-templates", nil, &list); e != nil {
		return d, e
	}
	var cv documents.CompanyVersion
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/company", nil, &cv); e != nil {
		return d, e
	}
	d.Templates, d.Version, d.UpdatedBy, d.UpdatedAt = list.Items, cv.Version, cv.UpdatedBy, cv.UpdatedAt
	values := companyValues(cv.Company)
	for _, f := range companyFields {
		d.Company = append(d.Company, companyField{Name: f, Value: values[f]})
	}
	return d, nil
}

// companyValues are the details as the form's strings.
func companyValues(co documents.Company) map[string]string {
	return map[string]string{
		"name": co.Name, "inn": co.INN, "kpp": co.KPP, "ogrn": co.OGRN, "address": co.Address, "bank": co.Bank,
		"bik": co.BIK, "account": co.Account, "corr_account": co.CorrAccount, "director": co.Director,
		"phone": co.Phone, "email": co.Email, "vat_rate": strconv.Itoa(co.VATRate),
	}
}

// saveCompany answers POST /admin/documents/company: the form becomes the
// body of PUT /api/v1/company; a refusal shows the form as typed with
// each problem under its field.
func (a *app) saveCompany(c echo.Context) error {
	d, e := a.documentsForm(c)
	if e != nil {
		return a.apiFailed(c, e)
	}
	body := map[string]any{}
	for i, f := range d.Company {
		v := c.FormValue(f.Name)
		d.Company[i].Value = v
		body[f.Name] = v
		if f.Name == "vat_rate" {
			if n, err := strconv.Atoi(v); err == nil {
				body[f.Name] = n // else the string, for the API to refuse
			}
		}
	}
	if _, e := a.apiCall(c, http.MethodPut, "/api/v1/company", body, nil); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		d.Error = e.Message
		for i, f := range d.Company {
			d.Company[i].Error = e.Fields[f.Name]
		}
		return a.render(c, e.Status, "admin_documents.html", d)
	}
	return a.redirect(c, "/admin/documents", "gendoc.flash.company")
}

// templateData is the data of admin_template.html.
type templateData struct {
	Type     documents.Type
	Current  documents.Template
	Versions []documents.Template
	Body     string
	Error    string
	// BodyError is the template's problem, naming its line.
	BodyError string
}

// templateForm reads every version of the template of the path's type
// into the data of admin_template.html, the current text in the editor.
func (a *app) templateForm(c echo.Context) (templateData, *APIError) {
	d := templateData{Type: documents.Type(c.Param("type"))}
	var list struct{ Items []documents.Template }
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/document-templates/"+url.PathEscape(c.Param("type"))+"/versions", nil, &list); e != nil {
		return d, e
	}
	d.Versions = list.Items
	if len(list.Items) > 0 {
		d.Current, d.Body = list.Items[0], list.Items[0].Body
	}
	return d, nil
}

// saveTemplate answers POST /admin/documents/{type}: the text becomes the
// next version through PUT /api/v1/document-templates/{type}; a template
// that does not work comes back as typed with the API's message naming
// its line.
func (a *app) saveTemplate(c echo.Context) error {
	d, e := a.templateForm(c)
	if e != nil {
		return a.apiFailed(c, e)
	}
	d.Body = c.FormValue("body")
	path := "/api/v1/document-templates/" + url.PathEscape(string(d.Type))
	if _, e := a.apiCall(c, http.MethodPut, path, map[string]string{"body": d.Body}, nil); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		d.Error, d.BodyError = e.Message, e.Fields["body"]
		return a.render(c, e.Status, "admin_template.html", d)
	}
	return a.redirect(c, "/admin/documents/"+url.PathEscape(string(d.Type)), "gendoc.flash.template")
}
