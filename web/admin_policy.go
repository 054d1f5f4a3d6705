package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// The policy editor shows the document of GET /api/v1/policy as fields:
// each scalar of the deal and complaint parts its own input (durations
// and names as text, numbers as numbers, flags as checkboxes), each list
// or object — and the calendar and the catalogues whole — a JSON text
// area. Saving sends PUT /api/v1/policy; the API's problems, keyed by the
// field's path ("deal.invoice_due"), show under the field they name.

// Field kinds of the policy form.
const (
	kindText   = "text"
	kindNumber = "number"
	kindBool   = "bool"
	kindJSON   = "json"
)

// policyField is one input of the policy form.
type policyField struct {
	// Name is the field's path in the document: "deal.invoice_due", or
	// "calendar" for a whole part.
	Name, Kind, Value string
	Checked           bool
	Error             string
}

// ID is the field's element id.
func (f policyField) ID() string {
	return "p-" + strings.NewReplacer(".", "-", "_", "-").Replace(f.Name)
}

// Label is the field's name within its part.
func (f policyField) Label() string {
	_, after, found := strings.Cut(f.Name, ".")
	if !found {
		return f.Name
	}
	return after
}

// Rows is the height of the field's text area: its lines, at most 24.
func (f policyField) Rows() int { return min(strings.Count(f.Value, "\n")+2, 24) }

// policySection is a part of the document (deal, complaint, calendar,
// catalogs) with its fields and its problems not about one field.
type policySection struct {
	Name   string
	Fields []policyField
	Errors []string
}

// policyData is the data of admin_policy.html.
type policyData struct {
	Version   int
	UpdatedBy string
	UpdatedAt *time.Time
	Sections  []policySection
	Error     string
	// Others are problems no field or part of the form names.
	Others []string
}

// policyParts are the document's parts, in the form's order; fieldwise
// ones show each of their fields, the others a text area each.
var policyParts = []struct {
	name      string
	fieldwise bool
}{{"deal", true}, {"complaint", true}, {"calendar", false}, {"catalogs", false}, {"qualification", true}, {"key_accounts", false}}

// policyForm reads the current policy into the form's data.
func (a *app) policyForm(c echo.Context) (policyData, *APIError) {
	var doc map[string]json.RawMessage
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &doc); e != nil {
		return policyData{}, e
	}
	var meta struct {
		Version   int        `json:"version"`
		UpdatedBy string     `json:"updated_by"`
		UpdatedAt *time.Time `json:"updated_at"`
	}
	raw, _ := json.Marshal(doc)
	_ = json.Unmarshal(raw, &meta)
	d := policyData{Version: meta.Version, UpdatedBy: meta.UpdatedBy, UpdatedAt: meta.UpdatedAt}
	for _, part := range policyParts {
		s := policySection{Name: part.name}
		if !part.fieldwise {
			s.Fields = []policyField{fieldOf(part.name, doc[part.name])}
		} else {
			for _, kv := range orderedFields(doc[part.name]) {
				s.Fields = append(s.Fields, fieldOf(part.name+"."+kv.key, kv.value))
			}
		}
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}

// savePolicy answers POST /admin/policy: the form becomes the body of PUT
// /api/v1/policy. On a refusal the form comes back as typed with each
// problem under its field.
func (a *app) savePolicy(c echo.Context) error {
	d, e := a.policyForm(c)
	if e != nil {
		return a.apiFailed(c, e)
	}
	body := map[string]any{}
	for si, s := range d.Sections {
		part := map[string]json.RawMessage{}
		for fi := range s.Fields {
			f := &d.Sections[si].Fields[fi]
			f.Value, f.Checked = c.FormValue(f.Name), c.FormValue(f.Name) == "on"
			part[f.Label()] = f.json()
		}
		if len(s.Fields) == 1 && s.Fields[0].Name == s.Name {
			body[s.Name] = part[s.Name]
		} else {
			body[s.Name] = part
		}
	}
	if _, e := a.apiCall(c, http.MethodPut, "/api/v1/policy", body, nil); e != nil {
		if !refusal(e) {
			return a.apiFailed(c, e)
		}
		d.Error = e.Message
		d.place(e.Fields)
		return a.render(c, e.Status, "admin_policy.html", d)
	}
	return a.redirect(c, "/admin/policy", "admin.flash.policy")
}

// json is the field's value as typed, as JSON of its kind; a value that
// is not of its kind is sent as a string, for the API to refuse in its
// own words.
func (f policyField) json() json.RawMessage {
	v := strings.TrimSpace(f.Value)
	switch f.Kind {
	case kindBool:
		if f.Checked {
			return json.RawMessage("true")
		}
		return json.RawMessage("false")
	case kindNumber, kindJSON:
		if json.Valid([]byte(v)) && v != "" {
			return json.RawMessage(v)
		}
	}
	b, _ := json.Marshal(f.Value)
	return b
}

// place puts each problem under the field it names ("deal.invoice_due",
// or a path within it such as "deal.loss_reasons[0]"), else under the
// part, else among the others.
func (d *policyData) place(problems map[string]string) {
next:
	for key, msg := range problems {
		for si := range d.Sections {
			s := &d.Sections[si]
			for fi := range s.Fields {
				f := &s.Fields[fi]
				if key == f.Name || strings.HasPrefix(key, f.Name+".") || strings.HasPrefix(key, f.Name+"[") {
					f.Error = strings.TrimSpace(f.Error + " " + msg)
					continue next
				}
			}
			if key == s.Name || strings.HasPrefix(key, s.Name+".") {
				s.Errors = append(s.Errors, key+": "+msg)
				continue next
			}
		}
		d.Others = append(d.Others, key+": "+msg)
	}
}

// fieldOf is the form field name for the JSON value raw.
func fieldOf(name string, raw json.RawMessage) policyField {
	f := policyField{Name: name, Kind: kindJSON}
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0:
		f.Value = "null"
	case t[0] == '"':
		f.Kind = kindText
		_ = json.Unmarshal(t, &f.Value)
	case t[0] == 't' || t[0] == 'f':
		f.Kind, f.Checked = kindBool, t[0] == 't'
	case t[0] == '-' || (t[0] >= '0' && t[0] <= '9'):
		f.Kind, f.Value = kindNumber, string(t)
	default:
		var b bytes.Buffer
		if json.Indent(&b, t, "", "  ") == nil {
			f.Value = b.String()
		} else {
			f.Value = string(t)
		}
	}
	return f
}

// keyValue is a member of a JSON object.
type keyValue struct {
	key   string
	value json.RawMessage
}

// orderedFields are the members of the JSON object raw in their order
// (the API's field order, which a map would lose); nothing for anything
// else.
func orderedFields(raw json.RawMessage) []keyValue {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []keyValue
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, keyValue{key: t.(string), value: v})
	}
	return out
}
