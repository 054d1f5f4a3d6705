package api

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/salesflow/salesflow/internal/money"
)

// The component schemas of openapi.yaml a generated request schema refers
// to for a money amount: one that must not be negative, and one that must
// be greater than 0 (validate:"positive").
const (
	moneyInputSchema    = "MoneyInput"
	positiveMoneySchema = "PositiveMoneyInput"
)

var amountGoType = reflect.TypeFor[money.Amount]()

// inputSchema is the request schema of the input struct type t: an object
// of its JSON fields, closed to others, requiring each field without
// omitempty, every value within the bounds its field's tags give it (see
// bounds in decode.go) and the enumeration of its enum tag — what decode
// accepts for t. A null, which the decoder takes as a field left out, is
// not described.
func inputSchema(doc *openapi3.T, t reflect.Type) (*openapi3.Schema, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("input type %s is not a struct", t)
	}
	s := openapi3.NewObjectSchema().WithoutAdditionalProperties()
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if f.Anonymous {
			return nil, fmt.Errorf("%s.%s: embedded fields are not supported", t, f.Name)
		}
		if name == "" {
			name = f.Name
		}
		p, err := fieldSchema(doc, f.Type, boundsOf(f))
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t, f.Name, err)
		}
		s.Properties[name] = p
		if !strings.Contains(opts, "omitempty") {
			s.Required = append(s.Required, name)
		}
	}
	return s, nil
}

// fieldSchema is the schema of a field value of type t within bounds b.
func fieldSchema(doc *openapi3.T, t reflect.Type, b bounds) (*openapi3.SchemaRef, error) {
	if b.enum != nil && !enumerable(t) {
		return nil, fmt.Errorf("an enum tag on %s, which holds no strings", t)
	}
	var s *openapi3.Schema
	switch k := t.Kind(); {
	case t == timeType:
		s = openapi3.NewDateTimeSchema()
	case t == amountGoType:
		name := moneyInputSchema
		if b.positive {
			name = positiveMoneySchema
		}
		ref := doc.Components.Schemas[name]
		if ref == nil {
			return nil, errors.New("openapi.yaml has no schema " + name)
		}
		return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: ref.Value}, nil
	case decodesItself(t):
		return nil, fmt.Errorf("no schema rule for %s, which decodes itself", t)
	case k == reflect.Pointer:
		return fieldSchema(doc, t.Elem(), b)
	case k == reflect.String:
		s = openapi3.NewStringSchema().WithMaxLength(int64(b.maxLen))
		for _, v := range b.enum {
			s.Enum = append(s.Enum, v)
		}
	case k == reflect.Bool:
		s = openapi3.NewBoolSchema()
	case k >= reflect.Int && k <= reflect.Int64:
		s = openapi3.NewIntegerSchema()
	case k >= reflect.Uint && k <= reflect.Uint64:
		s = openapi3.NewIntegerSchema().WithMin(0)
	case k == reflect.Float32 || k == reflect.Float64:
		s = openapi3.NewFloat64Schema()
	case k == reflect.Struct:
		return structSchema(doc, t)
	case k == reflect.Slice || k == reflect.Map:
		return containerSchema(doc, t, b)
	default:
		return nil, fmt.Errorf("no schema rule for %s", t)
	}
	return openapi3.NewSchemaRef("", s), nil
}

// structSchema is the schema of a nested struct of type t.
func structSchema(doc *openapi3.T, t reflect.Type) (*openapi3.SchemaRef, error) {
	s, err := inputSchema(doc, t)
	if err != nil {
		return nil, err
	}
	return openapi3.NewSchemaRef("", s), nil
}

// containerSchema is the schema of a slice or a map with string keys of
// type t; the bounds hold for each value in it, and for a map's keys.
func containerSchema(doc *openapi3.T, t reflect.Type, b bounds) (*openapi3.SchemaRef, error) {
	elem, err := fieldSchema(doc, t.Elem(), b)
	if err != nil {
		return nil, err
	}
	if t.Kind() == reflect.Slice {
		s := openapi3.NewArraySchema()
		s.Items = elem
		return openapi3.NewSchemaRef("", s), nil
	}
	if t.Key().Kind() != reflect.String {
		return nil, fmt.Errorf("no schema rule for %s: map keys must be strings", t)
	}
	s := openapi3.NewObjectSchema()
	s.AdditionalProperties = openapi3.AdditionalProperties{Schema: elem}
	s.Description = "Keys have at most " + strconv.Itoa(b.maxLen) + " characters."
	return openapi3.NewSchemaRef("", s), nil
}

// enumerable reports whether values of type t are strings, or hold them.
func enumerable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return enumerable(t.Elem())
	}
	return t.Kind() == reflect.String && !decodesItself(t)
}
