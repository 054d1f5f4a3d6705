package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/money"
)

// decode reads the request body strictly into v, a pointer to a struct, and
// returns the body as sent ("{}" when empty). Malformed JSON is a 400; a
// body that is not an object, an unknown field (names match exactly), a
// value of the wrong type, a missing required field (one whose json tag
// lacks omitempty) or a value out of its field's bounds (see bounds) is a
// 422 naming every failing field by its JSON path.
func decode(c echo.Context, v any) (json.RawMessage, error) {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != echo.MIMEApplicationJSON {
			return nil, fail(http.StatusUnsupportedMediaType, casework.CodeUnsupportedMedia, "the body must be application/json")
		}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, err // the body limit's 413 or a broken connection
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	return body, decodeJSON(body, v)
}

// decodeJSON is decode without the request around it.
func decodeJSON(body []byte, v any) error {
	// Only the syntax here: a number no float64 holds (1e400) is well-formed
	// JSON and the field it is in is named below.
	if err := json.Unmarshal(body, new(json.RawMessage)); err != nil {
		return fail(http.StatusBadRequest, casework.CodeInvalidInput, "malformed JSON: "+err.Error())
	}
	if !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
		return fail(http.StatusUnprocessableEntity, casework.CodeInvalidInput, "the body must be a JSON object")
	}
	p := problems{}
	p.check(reflect.TypeOf(v).Elem(), body, "")
	if err := p.err(); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fail(http.StatusUnprocessableEntity, casework.CodeInvalidInput, err.Error())
	}
	return nil
}

// problems collects what is wrong with an input, by field path.
type problems map[string]string

// add records the first problem of a field.
func (p problems) add(field, problem string) {
	if _, seen := p[field]; !seen {
		p[field] = problem
	}
}

// maxLen records a problem when value has more than n characters.
func (p problems) maxLen(field, value string, n int) {
	if utf8.RuneCountInString(value) > n {
		p.add(field, "must be at most "+strconv.Itoa(n)+" characters")
	}
}

// name trims *value and records a problem when it is then empty or longer
// than n characters: the title or name of something new.
func (p problems) name(field string, value *string, n int) {
	*value = strings.TrimSpace(*value)
	if *value == "" {
		p.add(field, "must not be empty")
	}
	p.maxLen(field, *value, n)
}

// email records a problem when value is given and is not a plain e-mail
// address (name@domain, no display name or angle brackets).
func (p problems) email(field, value string) {
	if value == "" {
		return
	}
	if a, err := mail.ParseAddress(value); err != nil || a.Address != value {
		p.add(field, "must be an email address such as name@example.com")
	}
}

// err is the 422 for the collected problems, or nil.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return invalidFields(p)
}

var (
	rawType     = reflect.TypeFor[json.RawMessage]()
	timeType    = reflect.TypeFor[time.Time]()
	unmarshaler = reflect.TypeFor[json.Unmarshaler]()
	legacy      = reflect.TypeFor[legacyShape]()
)

// legacyShape is an input struct type whose JSON once had another shape
// (deal.ApproverInput, once a plain name): its UnmarshalJSON still reads
// the old shape from recorded workflow histories, while the API decodes
// and describes it as the struct it is, refusing the old shape.
type legacyShape interface{ LegacyJSON() }

// decodesItself reports whether values of type t are read by their own
// UnmarshalJSON (times, money amounts), not field by field.
func decodesItself(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(unmarshaler) && !t.Implements(legacy)
}

// defaultMaxLen bounds every string of an input whose field has no maxlen
// tag.
const defaultMaxLen = 2000

// bounds are what a field's tags require of each value in it — the field's
// own value or, for a pointer, slice or map, each value it holds:
//
//	maxlen:"N"           strings (map keys too) have at most N characters
//	                     (defaultMaxLen without the tag);
//	validate:"positive"  money amounts are greater than 0 (without the tag
//	                     they must not be negative);
//	enum:"a|b"           strings are one of the listed values.
//
// A struct's fields have bounds of their own.
type bounds struct {
	maxLen   int
	positive bool
	enum     []string
}

// defaultBounds hold where no tag says otherwise.
var defaultBounds = bounds{maxLen: defaultMaxLen}

// boundsOf reads the bounds of struct field f from its tags.
func boundsOf(f reflect.StructField) bounds {
	b := defaultBounds
	if n, err := strconv.Atoi(f.Tag.Get("maxlen")); err == nil && n > 0 {
		b.maxLen = n
	}
	b.positive = f.Tag.Get("validate") == "positive"
	if enum := f.Tag.Get("enum"); enum != "" {
		b.enum = strings.Split(enum, "|")
	}
	return b
}

// check records every problem of the JSON value raw decoded as type t. A
// null is accepted anywhere (it leaves the zero value); required fields are
// checked by the struct that holds them.
func (p problems) check(t reflect.Type, raw json.RawMessage, path string) {
	p.checkIn(t, raw, path, defaultBounds)
}

// checkIn is check within bounds b.
func (p problems) checkIn(t reflect.Type, raw json.RawMessage, path string, b bounds) {
	if string(raw) == "null" || t == rawType {
		return
	}
	switch {
	case decodesItself(t):
		v := reflect.New(t)
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			msg := err.Error()
			if t == timeType {
				msg = "must be an RFC 3339 time such as 2025-01-31T15:00:00Z"
			}
			p.add(path, msg)
		} else if a, ok := v.Interface().(*money.Amount); ok {
			p.amount(path, *a, b.positive)
		}
	case t.Kind() == reflect.Pointer:
		p.checkIn(t.Elem(), raw, path, b)
	case t.Kind() == reflect.Struct:
		p.checkObject(t, raw, path)
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			p.add(path, "must be an array")
			return
		}
		for i, item := range items {
			p.checkIn(t.Elem(), item, path+"["+strconv.Itoa(i)+"]", b)
		}
	case t.Kind() == reflect.Map:
		var entries map[string]json.RawMessage
		if json.Unmarshal(raw, &entries) != nil {
			p.add(path, "must be an object")
			return
		}
		for k, item := range entries {
			if utf8.RuneCountInString(k) > b.maxLen {
				p.add(path, "keys must be at most "+strconv.Itoa(b.maxLen)+" characters")
				continue
			}
			p.checkIn(t.Elem(), item, join(path, k), b)
		}
	default:
		v := reflect.New(t).Elem()
		if json.Unmarshal(raw, v.Addr().Interface()) != nil {
			p.add(path, "must be "+jsonKind(t.Kind()))
		} else if t.Kind() == reflect.String {
			p.maxLen(path, v.String(), b.maxLen)
			p.oneOf(path, v.String(), b.enum)
		}
	}
}

// oneOf records a problem when enum lists values and value is not one.
func (p problems) oneOf(field, value string, enum []string) {
	if enum != nil && !slices.Contains(enum, value) {
		p.add(field, "must be one of "+strings.Join(enum, ", "))
	}
}

// inCatalog records a problem when value is given and is not one of the
// policy catalogue's values, naming them.
func (p problems) inCatalog(field, value string, catalogue []string) {
	if value != "" {
		p.oneOf(field, value, catalogue)
	}
}

// amount records a problem when a is negative, or not positive when it
// must be.
func (p problems) amount(field string, a money.Amount, positive bool) {
	switch {
	case positive && a <= 0:
		p.add(field, "must be greater than 0")
	case a < 0:
		p.add(field, "must not be negative")
	}
}

// checkObject checks a JSON object against the exported fields of struct t.
func (p problems) checkObject(t reflect.Type, raw json.RawMessage, path string) {
	var entries map[string]json.RawMessage
	if json.Unmarshal(raw, &entries) != nil {
		p.add(path, "must be an object")
		return
	}
	fields := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f
		if v, ok := entries[name]; (!ok || string(v) == "null") && !strings.Contains(opts, "omitempty") {
			p.add(join(path, name), "is required")
		}
	}
	for k, v := range entries {
		f, ok := fields[k]
		if !ok {
			p.add(join(path, k), "unknown field")
			continue
		}
		p.checkIn(f.Type, v, join(path, k), boundsOf(f))
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "an integer"
}
