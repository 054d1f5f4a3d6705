package casework

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/money"
)

// Action is one entry of a case type's action catalogue: the action's name
// (the HTTP action and the workflow update), a zero value of its input type,
// what it does, who may take it and when. Everything else about an action —
// the workflow's update handler, the HTTP decoder, the field lists of
// GET …/actions, the OpenAPI request schema and the fuzz targets — is
// derived from this entry.
//
// Input field tags are the HTTP contract: a JSON field without omitempty is
// required; maxlen bounds a string (2000 characters without it);
// validate:"positive" asks a money amount greater than 0; enum:"a|b" lists
// the values a string field accepts.
type Action struct {
	Name  string
	Input any
	// Summary says in one line what the action records.
	Summary string
	// When is the action's precondition in words: the stage or step it is
	// offered in and what must have happened.
	When string
	// Roles may take the action; empty means every role.
	Roles []string
}

// Permits reports whether a member of role may take the action.
func (a Action) Permits(role string) bool { return len(a.Roles) == 0 || slices.Contains(a.Roles, role) }

// Catalog lists the actions of one case type, in the order they are shown
// to users.
type Catalog []Action

// Lookup returns the named action.
func (c Catalog) Lookup(name string) (Action, bool) {
	for _, a := range c {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Names lists the action names in catalogue order.
func (c Catalog) Names() []string {
	names := make([]string, len(c))
	for i, a := range c {
		names[i] = a.Name
	}
	return names
}

// InputType returns the input type of the named action, or nil when the
// catalog has no such action.
func (c Catalog) InputType(name string) reflect.Type {
	if a, ok := c.Lookup(name); ok {
		return reflect.TypeOf(a.Input)
	}
	return nil
}

// Fields describes the input fields of the named action, or nil when the
// catalog has no such action.
func (c Catalog) Fields(name string) []Field {
	if t := c.InputType(name); t != nil {
		return Describe(t)
	}
	return nil
}

// Field describes one input field of an action for API clients and forms.
type Field struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
	// Enum lists the accepted values of a string field, when fixed.
	Enum []string `json:"enum,omitempty"`
}

// Describe lists the JSON fields of an input struct type.
func Describe(t reflect.Type) []Field {
	fields := []Field{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		field := Field{Name: name, Type: TypeName(f.Type), Required: !strings.Contains(opts, "omitempty")}
		if enum := f.Tag.Get("enum"); enum != "" {
			field.Enum = strings.Split(enum, "|")
		}
		fields = append(fields, field)
	}
	return fields
}

var (
	timeType   = reflect.TypeOf(time.Time{})
	amountType = reflect.TypeOf(money.Amount(0))
)

// TypeName is the field type as API clients see it: datetime, decimal,
// integer, string, bool, object, array<…> and object<…>.
func TypeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "datetime"
	case t == amountType:
		return "decimal"
	case t.Kind() == reflect.Slice:
		return "array<" + TypeName(t.Elem()) + ">"
	case t.Kind() == reflect.Map:
		return "object<" + TypeName(t.Elem()) + ">"
	case t.Kind() == reflect.Struct:
		return "object"
	case t.Kind() == reflect.Int:
		return "integer"
	}
	return t.Kind().String()
}

// EnumOf returns the values the enum tag of an input type's JSON field
// lists, so that a package's list of values and its input contract are one
// declaration. It panics when the field has no enum tag.
func EnumOf(input any, field string) []string {
	for _, f := range Describe(reflect.TypeOf(input)) {
		if f.Name == field && f.Enum != nil {
			return f.Enum
		}
	}
	panic("casework: no enum tag on field " + field + " of " + reflect.TypeOf(input).String())
}
