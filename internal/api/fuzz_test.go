package api

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

// The seed corpus of these targets is in testdata/fuzz at the repository
// root (testdata/fuzz here links to it): one valid body per action, named by
// the action, and bodies that try the decoder's edges.

func FuzzDealActionBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, action uint8, body []byte) { fuzzActionBody(t, deal.Inputs, action, body) })
}

func FuzzComplaintActionBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, action uint8, body []byte) { fuzzActionBody(t, complaint.Inputs, action, body) })
}

// fuzzActionBody decodes body as the input of the catalog's action number
// action (modulo the catalog's length). The decoder must refuse with a 4xx
// API error naming a code and a message, or accept a value whose JSON form
// decodes again.
func fuzzActionBody(t *testing.T, catalog casework.Catalog, action uint8, body []byte) {
	a := catalog[int(action)%len(catalog)]
	typ := reflect.TypeOf(a.Input)
	v := reflect.New(typ)
	if err := decodeJSON(body, v.Interface()); err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %q: error %T %v is not an API error (a 500)", a.Name, body, err, err)
		}
		if ae.Status < 400 || ae.Status >= 500 || ae.Code == "" || ae.Message == "" {
			t.Fatalf("%s: %q: refused with %d %q %q", a.Name, body, ae.Status, ae.Code, ae.Message)
		}
		return
	}
	out, err := json.Marshal(v.Interface())
	if err != nil {
		t.Fatalf("%s: %q: the decoded %+v does not marshal: %v", a.Name, body, v.Elem(), err)
	}
	if err := decodeJSON(out, reflect.New(typ).Interface()); err != nil {
		t.Fatalf("%s: %q decoded, but its JSON form %s does not: %v", a.Name, body, out, err)
	}
}
