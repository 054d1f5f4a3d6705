package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Form is a submitted form shown again after the API refused it: what the
// user typed (Values), the API's message and its field errors in place.
// Its methods work on a nil Form (a form shown for the first time).
type Form struct {
	Values  url.Values
	Message string
	Fields  map[string]string
	// Status is the API's answer to the refused request.
	Status int
}

// V is the value the user typed into field name.
func (f *Form) V(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// E is the API's problem with field name, "" for none.
func (f *Form) E(name string) string {
	if f == nil {
		return ""
	}
	return f.Fields[name]
}

// Err is the API's message about the form, "" for none.
func (f *Form) Err() string {
	if f == nil {
		return ""
	}
	return f.Message
}

// refused is the Form of the request's POST with the API's refusal e.
func refused(c echo.Context, e *APIError) *Form {
	values, _ := c.FormParams()
	return &Form{Values: values, Message: e.Message, Fields: e.Fields, Status: e.Status}
}

// formBody is the JSON body of a form: the named fields the user filled
// in (trimmed; empty ones left out, so the API's defaults apply).
func formBody(c echo.Context, fields ...string) map[string]any {
	body := map[string]any{}
	for _, f := range fields {
		if v := strings.TrimSpace(c.FormValue(f)); v != "" {
			body[f] = v
		}
	}
	return body
}

// submitted posts a form's body through the API and decodes the answer
// into into. After success it is false, for the handler to redirect;
// otherwise it has answered the browser, with err the handler's error: the
// page again through again, with the refused Form, after a refusal the
// user can fix (400, 409, 422), else the error page.
func (a *app) submitted(c echo.Context, path string, body, into any, again func(*Form) error) (answered bool, err error) {
	_, e := a.apiCall(c, http.MethodPost, path, body, into)
	switch {
	case e == nil:
		return false, nil
	case refusal(e):
		return true, again(refused(c, e))
	}
	return true, a.apiFailed(c, e)
}

// Field is one labelled input of a form, for the templates "input" and
// "select" (layout.html): its id, name, label, input type or options,
// and the form it belongs to (for the typed value and the error).
type Field struct {
	Form            *Form
	ID, Name, Label string
	Type            string
	Options         []string
	Required        bool
	// Texts, when not "", is the text key prefix of the options' labels
	// (in Lang): "step." shows the option "closed" as step.closed's text.
	Texts, Lang string
}

// OptionLabel is what the select shows for the option value v.
func (f Field) OptionLabel(v string) string {
	if f.Texts == "" {
		return v
	}
	return textOr(f.Lang, f.Texts+v, v)
}

// Value is what the user typed into the field.
func (f Field) Value() string { return f.Form.V(f.Name) }

// Error is the API's problem with the field.
func (f Field) Error() string { return f.Form.E(f.Name) }

// inputField is the template function "input": a labelled input.
func inputField(form *Form, id, name, label, typ string, required bool) Field {
	return Field{Form: form, ID: id, Name: name, Label: label, Type: typ, Required: required}
}

// selectField is the template function "choice": a labelled select of
// options (with an empty first option unless required).
func selectField(form *Form, id, name, label string, options []string, required bool) Field {
	return Field{Form: form, ID: id, Name: name, Label: label, Options: options, Required: required}
}

// labelledSelect is the template function "choiceIn": a select (see
// selectField) whose options show their texts in lang, the keys
// texts+value.
func labelledSelect(form *Form, id, name, label string, options []string, required bool, texts, lang string) Field {
	return Field{Form: form, ID: id, Name: name, Label: label, Options: options, Required: required, Texts: texts, Lang: lang}
}
