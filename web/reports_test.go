package web

import (
	"strings"
	"testing"
)

// TestBarChart: the chart is an SVG image named by its title, a bar per
// figure drawn to scale, every text escaped.
func TestBarChart(t *testing.T) {
	svg := string(barChart("c", "Deals <by> stage", []Bar{{Label: "a&b", Value: 4, Text: "4"}, {Label: "c", Value: 2, Text: "2"}, {Label: "d", Text: "0"}}))
	for _, want := range []string{`role="img"`, `aria-labelledby="c-title"`, `<title id="c-title">Deals &lt;by&gt; stage</title>`,
		`<title>a&amp;b: 4</title>`, `width="250.0"`, `width="125.0"`, `width="0.0"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "<by>") || strings.Contains(svg, "a&b") {
		t.Errorf("unescaped text in\n%s", svg)
	}
}

// TestFilterQuery: the form's dates become the API's period, the "to" day
// included; anything else goes to the API as typed.
func TestFilterQuery(t *testing.T) {
	q := reportFilter{From: "2026-01-01", To: "2026-01-31", Owner: "alice", Segment: "smb"}.query()
	if q.Get("from") != "2026-01-01T00:00:00Z" || q.Get("to") != "2026-02-01T00:00:00Z" || q.Get("owner") != "alice" ||
		q.Get("segment") != "smb" || q.Has("team") || q.Has("product") {
		t.Errorf("query = %v", q)
	}
	if q := (reportFilter{From: "yesterday"}).query(); q.Get("from") != "yesterday" {
		t.Errorf("a bad date is not passed as typed: %v", q)
	}
}

// TestPolicyForm: fields take the kind of their JSON value, send what was
// typed as that kind (or as a string for the API to refuse), and the API's
// problems land under the field, the part or the others.
func TestPolicyForm(t *testing.T) {
	for raw, kind := range map[string]string{`"3d"`: kindText, `3`: kindNumber, `true`: kindBool, `["a"]`: kindJSON, `{"x":1}`: kindJSON} {
		if f := fieldOf("deal.x", []byte(raw)); f.Kind != kind {
			t.Errorf("%s: kind %s, want %s", raw, f.Kind, kind)
		}
	}
	for _, c := range []struct {
		f    policyField
		want string
	}{
		{policyField{Kind: kindText, Value: "3d"}, `"3d"`}, {policyField{Kind: kindNumber, Value: "7"}, `7`},
		{policyField{Kind: kindNumber, Value: "seven"}, `"seven"`}, {policyField{Kind: kindJSON, Value: "[1, 2]"}, `[1, 2]`},
		{policyField{Kind: kindJSON, Value: "[1,"}, `"[1,"`}, {policyField{Kind: kindBool, Checked: true}, `true`},
	} {
		if got := string(c.f.json()); got != c.want {
			t.Errorf("%+v sends %s, want %s", c.f, got, c.want)
		}
	}
	d := policyData{Sections: []policySection{{Name: "deal", Fields: []policyField{{Name: "deal.invoice_due"}, {Name: "deal.loss_reasons"}}}}}
	d.place(map[string]string{"deal.invoice_due": "bad", "deal.loss_reasons[1]": "empty", "deal.nope": "unknown", "other": "x"})
	f := d.Sections[0].Fields
	if f[0].Error != "bad" || f[1].Error != "empty" || len(d.Sections[0].Errors) != 1 || len(d.Others) != 1 {
		t.Errorf("placed: %+v others %v", d.Sections, d.Others)
	}
	if got := orderedFields([]byte(`{"b":1,"a":[2],"c":{"d":3}}`)); len(got) != 3 || got[0].key != "b" || got[1].key != "a" || string(got[2].value) != `{"d":3}` {
		t.Errorf("orderedFields = %+v", got)
	}
}
