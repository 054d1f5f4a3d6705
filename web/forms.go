package web

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
)

// Action forms are generated from GET /api/v1/{deals,complaints}/{id}/actions
// (each action allowed now with its fields: name, type, required, enum),
// for any case type alike:
//
//   - an enum is a select; a bool a checkbox; an integer a number input;
//   - a datetime is a datetime-local input, read as the wall clock of the
//     company calendar's time zone (the policy's calendar.time_zone, UTC
//     when empty) and sent as RFC 3339;
//   - a decimal (money) is a text input with inputmode=decimal, sent as the
//     typed string for the API's decoder;
//   - array<string> is a textarea, one value a line;
//   - array<object> (approvers, payment plan) is a few repeated fieldset
//     rows, an object (an interview's complaint) one such row, whose sub-fields come from the same catalogue the API serves
//     (casework.Describe of the element type);
//   - object<integer> (survey scores) is one number input per key the page
//     names (the survey questions of the deal's policy).
//
// Values the browser sends are converted by type only; what they mean is
// the API's to check, so a refusal (its message, its field errors) shows
// beside the form with what the user typed kept.

// rowsShown is how many fieldset rows an array of objects gets.
const rowsShown = 3

// apiAction is an action of GET …/actions with its input fields.
type apiAction struct {
	Name   string           `json:"name"`
	Fields []casework.Field `json:"fields"`
}

// actionForm is one generated action form.
type actionForm struct {
	// Action is the action's name, Title its label in the page's
	// language, Post the form's action URL.
	Action, Title, Post string
	Fields              []formField
	// Error is the API's refusal of the last submission of this form.
	Error string
	// Stale marks the refusal of an action no longer allowed (a stale
	// page): shown as its message only, above the forms of now.
	Stale bool
}

// formField is one labelled input (or group of inputs) of a form.
type formField struct {
	casework.Field
	// Kind picks the input: select, checkbox, integer, datetime, decimal,
	// lines, rows, scores or text.
	Kind string
	// ID is the element's id, Input its form name, Label its label in
	// the page's language.
	ID, Input, Label string
	Value            string
	// Options are a select's values with their labels.
	Options []option
	// Zone names the time zone a datetime is read in.
	Zone    string
	Checked bool
	Error   string
	// Rows are the fieldset rows of an array of objects, Keys the inputs
	// of a map (one per key).
	Rows [][]formField
	Keys []formField
}

// option is one value of a select with its label.
type option struct{ Value, Label string }

// formContext is what building a case's forms needs.
type formContext struct {
	// base is the case's page path, e.g. /deals/deal-1.
	base string
	// scope is the case type's path ("deals"), which scopes its action
	// labels (see actionLabel).
	scope string
	// catalog gives the sub-fields of arrays of objects.
	catalog casework.Catalog
	// keys names the inputs of object<…> fields (survey questions).
	keys map[string][]string
	// failed is the refused submission, kept in its form.
	failed *formFailure
	// zone is the time zone datetime inputs are read in.
	zone string
	// lang is the page's language, of the labels.
	lang string
}

// formFailure is a refused submission: which action, the API's error, and
// what the user typed.
type formFailure struct {
	Action string
	Err    *APIError
	Values url.Values
}

// buildForms generates the forms of the allowed actions.
func buildForms(fc formContext, actions []apiAction) []actionForm {
	out := make([]actionForm, 0, len(actions)+1)
	if f := fc.failed; f != nil && !slices.ContainsFunc(actions, func(a apiAction) bool { return a.Name == f.Action }) {
		out = append(out, actionForm{Action: f.Action, Title: actionLabel(fc.lang, fc.scope, f.Action), Error: f.Err.Message, Stale: true})
	}
	for _, a := range actions {
		f := actionForm{Action: a.Name, Title: actionLabel(fc.lang, fc.scope, a.Name), Post: fc.base + "/actions/" + url.PathEscape(a.Name)}
		var values url.Values
		var errs map[string]string
		if fc.failed != nil && fc.failed.Action == a.Name {
			f.Error, values, errs = fc.failed.Err.Message, fc.failed.Values, fc.failed.Err.Fields
		}
		elem := elementTypes(fc.catalog, a.Name)
		for _, fd := range a.Fields {
			f.Fields = append(f.Fields, newField(a.Name, fd, "", values, errs, elem[fd.Name], fc.keys[fd.Name]))
		}
		dress(f.Fields, fc.zone, fc.lang, "field.")
		out = append(out, f)
	}
	return out
}

// firstRow is an object's one row ({} when a required one was left
// empty; an optional one left empty is no row at all).
func firstRow(rows []map[string]any) map[string]any {
	if len(rows) == 0 {
		return map[string]any{}
	}
	return rows[0]
}

// rowsOf is how many fieldset rows a field gets: one for an object (a
// pointer to a struct, such as an interview's complaint).
func rowsOf(fd casework.Field) int {
	if fd.Type == "object" {
		return 1
	}
	return rowsShown
}

// elementTypes maps the action's array-of-object fields to their element
// types.
func elementTypes(cat casework.Catalog, action string) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	t := cat.InputType(action)
	if t == nil {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if (f.Type.Kind() == reflect.Slice || f.Type.Kind() == reflect.Pointer) && f.Type.Elem().Kind() == reflect.Struct {
			out[name] = f.Type.Elem()
		}
	}
	return out
}

// newField builds the input of field fd of action, its form name prefixed
// by prefix (a row's), filled from values with its error from errs.
func newField(action string, fd casework.Field, prefix string, values url.Values, errs map[string]string,
	elem reflect.Type, keys []string) formField {
	input := prefix + fd.Name
	f := formField{Field: fd, Kind: kindOf(fd), Input: input, ID: "act-" + action + "-" + strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(input),
		Value: values.Get(input), Error: errs[input]}
	if f.Error == "" && prefix == "" {
		f.Error = fieldError(errs, fd.Name)
	}
	f.Checked = f.Kind == "checkbox" && values.Get(input) != ""
	switch f.Kind {
	case "rows":
		if elem != nil {
			for i := range rowsOf(fd) {
				var row []formField
				for _, sub := range describe(elem) {
					row = append(row, newField(action, sub, input+"["+strconv.Itoa(i)+"].", values, errs, nil, nil))
				}
				f.Rows = append(f.Rows, row)
			}
		}
	case "scores":
		for _, k := range keys {
			f.Keys = append(f.Keys, newField(action, casework.Field{Name: k, Type: "integer", Required: true}, input+".", values, errs, nil, nil))
		}
	}
	return f
}

// dress gives every input among fields its label in lang (the text of
// prefix+name: field.<name>, or question.<key> for a survey's scores), its
// select's options labelled (enum.<field>.<value>), and the zone datetime
// inputs are read in.
func dress(fields []formField, zone, lang, prefix string) {
	for i := range fields {
		f := &fields[i]
		f.Zone, f.Label, f.Options = zone, textOr(lang, prefix+f.Name, f.Name), nil
		for _, v := range f.Enum {
			f.Options = append(f.Options, option{Value: v, Label: textOr(lang, "enum."+f.Name+"."+v, v)})
		}
		for _, row := range f.Rows {
			dress(row, zone, lang, "field.")
		}
		dress(f.Keys, zone, lang, "question.")
	}
}

// describe lists the JSON fields of a row's struct type: casework.Describe
// without unexported fields and those JSON leaves out.
func describe(t reflect.Type) []casework.Field {
	return slices.DeleteFunc(casework.Describe(t), func(f casework.Field) bool { return f.Name == "" || f.Name == "-" })
}

// fieldError is the API's error of the field name or of any of its parts
// (items[0], scores.quality).
func fieldError(errs map[string]string, name string) string {
	var parts []string
	for k, v := range errs {
		if k == name || strings.HasPrefix(k, name+".") || strings.HasPrefix(k, name+"[") {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "; ")
}

// kindOf picks the input for a field type.
func kindOf(fd casework.Field) string {
	switch {
	case len(fd.Enum) > 0:
		return "select"
	case fd.Type == "bool":
		return "checkbox"
	case fd.Type == "integer":
		return "integer"
	case fd.Type == "datetime":
		return "datetime"
	case fd.Type == "decimal":
		return "decimal"
	case fd.Type == "array<string>":
		return "lines"
	case fd.Type == "array<object>" || fd.Type == "object":
		return "rows"
	case strings.HasPrefix(fd.Type, "object<"):
		return "scores"
	}
	return "text"
}

// formJSON turns a submitted form into the action's JSON body by the
// fields' types: empty optional inputs are left out, datetimes read in
// loc. A value that does not convert is sent as typed, for the API's
// decoder to refuse with its field error.
func formJSON(fields []casework.Field, form url.Values, prefix string, elem map[string]reflect.Type, loc *time.Location) map[string]any {
	out := map[string]any{}
	for _, fd := range fields {
		name := prefix + fd.Name
		var v any
		switch kindOf(fd) {
		case "checkbox":
			if form.Get(name) != "" || fd.Required {
				v = form.Get(name) != ""
			}
		case "lines":
			v = lines(form.Get(name), fd.Required)
		case "rows":
			v = rowsJSON(form, name, elem[fd.Name], loc, fd.Required)
			if rows, ok := v.([]map[string]any); ok && fd.Type == "object" {
				v = firstRow(rows)
			}
		case "scores":
			v = scoresJSON(form, name)
		default:
			v = scalar(fd, strings.TrimSpace(form.Get(name)), loc)
		}
		if v != nil {
			out[fd.Name] = v
		}
	}
	return out
}

// scalar converts one typed value; "" is nil (left out) unless required.
func scalar(fd casework.Field, s string, loc *time.Location) any {
	if s == "" {
		if fd.Required && fd.Type != "integer" && fd.Type != "datetime" {
			return ""
		}
		return nil
	}
	switch fd.Type {
	case "integer":
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	case "datetime":
		if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return s
}

// lines is a textarea's non-empty lines.
func lines(s string, required bool) any {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 && !required {
		return nil
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// rowsJSON is the non-empty fieldset rows of an array of objects.
func rowsJSON(form url.Values, name string, elem reflect.Type, loc *time.Location, required bool) any {
	if elem == nil {
		return nil
	}
	sub := describe(elem)
	out := []map[string]any{}
	for i := 0; ; i++ {
		prefix := name + "[" + strconv.Itoa(i) + "]."
		if !hasPrefix(form, prefix) {
			break
		}
		if row := formJSON(sub, form, prefix, nil, loc); anyTyped(form, prefix) {
			out = append(out, row)
		}
	}
	if len(out) == 0 && !required {
		return nil
	}
	return out
}

// scoresJSON is a map of the number inputs name.<key>.
func scoresJSON(form url.Values, name string) any {
	out := map[string]any{}
	for k := range form {
		if key, ok := strings.CutPrefix(k, name+"."); ok {
			s := strings.TrimSpace(form.Get(k))
			if n, err := strconv.Atoi(s); err == nil {
				out[key] = n
			} else if s != "" {
				out[key] = s
			}
		}
	}
	return out
}

// hasPrefix reports whether any form input starts with prefix.
func hasPrefix(form url.Values, prefix string) bool {
	for k := range form {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// anyTyped reports whether any input starting with prefix is not empty.
func anyTyped(form url.Values, prefix string) bool {
	for k, vs := range form {
		if strings.HasPrefix(k, prefix) && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			return true
		}
	}
	return false
}
