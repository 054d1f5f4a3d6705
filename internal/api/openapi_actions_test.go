package api

import (
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The request schema of every action accepts a body exactly when the
// decoder does, for a valid body of every field and, field by field, each
// way the decoder refuses one: left out, of the wrong JSON type, a string
// too long or not of its enumeration, a wrong or out-of-bounds amount —
// and for an unknown field. (Two refusals JSON Schema 3.0 cannot state are
// left out: a map key over maxlen, and an integer written with an
// exponent.)
func TestActionSchemasAgreeWithDecoder(t *testing.T) {
	doc := loadDoc(t)
	for _, set := range actionSets {
		for _, a := range set.Catalog {
			schema := doc.Components.Schemas[set.SchemaName(a)].Value
			typ := reflect.TypeOf(a.Input)
			for what, body := range bodyVariants(typ) {
				raw, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				var v any
				if err := json.Unmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				decoded := decodeJSON(raw, reflect.New(typ).Interface()) == nil
				if valid := schema.VisitJSON(v, openapi3.MultiErrors()) == nil; valid != decoded {
					t.Errorf("%s, %s: the decoder accepts it: %v, the schema: %v (body %.200s)", a.Name, what, decoded, valid, raw)
				}
			}
		}
	}
}

// bodyVariants are bodies for input type t by what they show: a valid one
// and, for each field, ways to get it wrong.
func bodyVariants(t reflect.Type) map[string]map[string]any {
	out := map[string]map[string]any{"valid": sampleObject(t), "unknown field": sampleObject(t)}
	out["unknown field"]["zz_unknown"] = 1
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		without := sampleObject(t)
		delete(without, name)
		out[name+" left out"] = without
		for what, value := range wrongValues(f.Type, boundsOf(f)) {
			body := sampleObject(t)
			body[name] = value
			out[name+" "+what] = body
		}
	}
	return out
}

// sampleObject is a JSON object of struct type t that the decoder accepts,
// with every field.
func sampleObject(t reflect.Type) map[string]any {
	out := map[string]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = sampleValue(f.Type, boundsOf(f))
	}
	return out
}

// sampleValue is a JSON value of type t within bounds b.
func sampleValue(t reflect.Type, b bounds) any {
	switch {
	case t == timeType:
		return "2030-01-31T15:00:00+03:00"
	case t == amountGoType:
		return "0.01"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return sampleValue(t.Elem(), b)
	case reflect.String:
		if b.enum != nil {
			return b.enum[len(b.enum)-1]
		}
		return strings.Repeat("é", b.maxLen)
	case reflect.Bool:
		return false
	case reflect.Slice:
		return []any{sampleValue(t.Elem(), b)}
	case reflect.Map:
		return map[string]any{"k": sampleValue(t.Elem(), b)}
	case reflect.Struct:
		return sampleObject(t)
	}
	return 3 // a number
}

// wrongValues are values of type t within bounds b the decoder refuses, by
// what is wrong with them, and a few near the bounds it accepts.
func wrongValues(t reflect.Type, b bounds) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"not a time": "tomorrow", "a number": 1}
	case t == amountGoType:
		return map[string]any{"zero": "0.00", "zero number": 0, "negative": "-1", "three decimals": "1.005",
			"not a number": "ten", "a bool": true, "number": 0.5, "integer string": "7"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return wrongValues(t.Elem(), b)
	case reflect.String:
		out := map[string]any{"too long": strings.Repeat("é", b.maxLen+1), "a number": 1}
		if b.enum != nil {
			out["not in the enum"] = "zz"
		}
		return out
	case reflect.Bool:
		return map[string]any{"a string": "true"}
	case reflect.Slice, reflect.Map:
		out := map[string]any{"a string": "x"}
		for what, v := range wrongValues(t.Elem(), b) {
			if t.Kind() == reflect.Slice {
				out["item "+what] = []any{v}
			} else {
				out["value "+what] = map[string]any{"k": v}
			}
		}
		return out
	case reflect.Struct:
		out := map[string]any{"a string": "x"}
		maps.Copy(out, bodyVariantsOf(t))
		return out
	}
	return map[string]any{"a string": "3", "a fraction": 1.5}
}

// bodyVariantsOf are the variants of a nested struct, as values.
func bodyVariantsOf(t reflect.Type) map[string]any {
	out := map[string]any{}
	for what, body := range bodyVariants(t) {
		out["nested "+what] = body
	}
	return out
}
