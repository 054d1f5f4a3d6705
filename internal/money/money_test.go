package money

import (
	"encoding/json"
	"testing"
)

func TestParseAndFormat(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"1500", "1500.00"},
		{"1500.5", "1500.50"},
		{"0.05", "0.05"},
		{"-20.05", "-20.05"},
		{" 7.10 ", "7.10"},
	}
	for _, c := range cases {
		a, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if a.String() != c.want {
			t.Errorf("Parse(%q) = %s, want %s", c.in, a, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"", "1.234", "1e3", "abc", "1.", ".5", "--1", "1,5", "99999999999999999999"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var v struct {
		A Amount `json:"a"`
		B Amount `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a": 100.1, "b": "2.50"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 10010 || v.B != 250 {
		t.Fatalf("got %d %d", v.A, v.B)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":"100.10","b":"2.50"}` {
		t.Fatalf("marshal: %s", out)
	}
	if err := json.Unmarshal([]byte(`{"a": 1.005}`), &v); err == nil {
		t.Fatal("three decimals accepted")
	}
}

func TestPercent(t *testing.T) {
	if got := Amount(100001).Percent(50); got != 50001 {
		t.Fatalf("50%% of 1000.01 = %s", got)
	}
}
