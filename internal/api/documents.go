package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"

	"github.com/salesflow/salesflow/internal/documents"
)

// objDeal is the deal case type's object type: the documents' routes see
// a deal's documents within the deal's scope.
const objDeal objectType = "deal"

// mountDocuments registers the routes of generated documents, their
// templates and the company's details (docs/documents.md).
func (s *server) mountDocuments(r routeFunc) {
	r("GET", "/deals/:id/documents", s.listDocuments, rule{object: objDeal})
	r("GET", "/deals/:id/documents/:doc_id", s.getDocument, rule{object: objDeal})
	r("GET", "/document-templates", s.listTemplates, rule{})
	r("GET", "/document-templates/:type", s.getTemplate, rule{})
	r("GET", "/document-templates/:type/versions", s.templateVersions, rule{})
	r("PUT", "/document-templates/:type", s.putTemplate, rule{roles: adminsOnly, audit: "document_template.update"})
	r("GET", "/company", s.company, rule{})
	r("PUT", "/company", s.putCompany, rule{roles: adminsOnly, audit: "company.update"})
}

// documentStore is the configured store, or the read model's table.
func (s *server) documentStore() documents.Store {
	if s.Documents != nil {
		return s.Documents
	}
	return documents.DBStore{DB: s.DB}
}

// documentList is the body of GET /deals/{id}/documents.
type documentList struct {
	Items []documents.Meta `json:"items"`
}

func (s *server) listDocuments(c echo.Context) error {
	items, err := s.documentStore().List(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if items == nil {
		items = []documents.Meta{}
	}
	return c.JSON(http.StatusOK, documentList{Items: items})
}

// getDocument answers the PDF; a document of another deal is a 404, as
// one that does not exist.
func (s *server) getDocument(c echo.Context) error {
	m, pdf, err := s.documentStore().Get(c.Request().Context(), c.Param("doc_id"))
	if errors.Is(err, documents.ErrNotFound) || (err == nil && m.DealID != c.Param("id")) {
		return notFound("document")
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, m.FileName()))
	h.Set("X-Content-SHA256", m.SHA256)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// templateType is the route's document type, or a 404.
func templateType(c echo.Context) (documents.Type, error) {
	t := c.Param("type")
	if !documents.Known(t) {
		return "", notFound("document template")
	}
	return documents.Type(t), nil
}

// templateList is the body of GET /document-templates.
type templateList struct {
	Items []documents.Template `json:"items"`
}

func (s *server) listTemplates(c echo.Context) error {
	out := templateList{Items: []documents.Template{}}
	for _, t := range documents.Types {
		tpl, err := documents.Current(c.Request().Context(), s.DB, t)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, tpl)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *server) getTemplate(c echo.Context) error {
	t, err := templateType(c)
	if err != nil {
		return err
	}
	tpl, err := documents.Current(c.Request().Context(), s.DB, t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tpl)
}

func (s *server) templateVersions(c echo.Context) error {
	t, err := templateType(c)
	if err != nil {
		return err
	}
	items, err := documents.Versions(c.Request().Context(), s.DB, t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, templateList{Items: items})
}

// templateInput is the body of PUT /document-templates/{type}: the new
// version's text. One that does not parse, execute on the sample data or
// render is a 422 naming its line under "body".
type templateInput struct {
	Body string `json:"body" maxlen:"100000"`
}

func (s *server) putTemplate(c echo.Context) error {
	t, err := templateType(c)
	if err != nil {
		return err
	}
	var in templateInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	tpl, err := documents.Save(c.Request().Context(), s.DB, t, in.Body, staffOf(c).ID)
	var te *documents.TemplateError
	if errors.As(err, &te) {
		e := invalidFields(map[string]string{"body": te.Error()})
		e.Message = "the template does not work: " + te.Error()
		return e
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tpl)
}

func (s *server) company(c echo.Context) error {
	v, err := documents.CurrentCompany(c.Request().Context(), s.DB)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// putCompany saves the body of PUT /company: the details, and the
// version fields of GET /company, which are ignored, so its body can be
// sent back changed.
func (s *server) putCompany(c echo.Context) error {
	var raw json.RawMessage
	body, err := decode(c, &raw)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fail(http.StatusUnprocessableEntity, casework.CodeInvalidInput, "the body must be a JSON object")
	}
	for _, k := range []string{"version", "updated_by", "updated_at"} {
		delete(fields, k)
	}
	body, _ = json.Marshal(fields)
	var co documents.Company
	if err := decodeJSON(body, &co); err != nil {
		return err
	}
	if p := co.Problems(); p != nil {
		return invalidFields(p)
	}
	v, err := documents.SaveCompany(c.Request().Context(), s.DB, co, staffOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
