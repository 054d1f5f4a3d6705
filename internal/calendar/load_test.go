package calendar

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestExampleFilesAgree(t *testing.T) {
	fromJSON, err := Load(exampleJSON)
	if err != nil {
		t.Fatal(err)
	}
	fromICS, err := Load(exampleICS)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromJSON, fromICS) {
		t.Fatalf("the example files differ:\njson: %+v\nics:  %+v", fromJSON, fromICS)
	}
	if !strings.HasPrefix(fromJSON.Name, "EXAMPLE ONLY, not an official calendar") {
		t.Errorf("name = %q; the example must say it is not official", fromJSON.Name)
	}
	if fromJSON.TimeZone != "Europe/Moscow" || len(fromJSON.Holidays) != 20 ||
		!slices.Equal(fromJSON.WorkingDays, []string{"2027-02-20"}) {
		t.Errorf("unexpected example calendar %+v", fromJSON)
	}
}

func TestParseJSONDefaultsAndNormalizes(t *testing.T) {
	c, err := Parse([]byte(`{"time_zone": "Europe/Moscow",
		"holidays": ["2027-03-08", "2027-01-01", "2027-03-08"]}`), ".JSON")
	if err != nil {
		t.Fatal(err)
	}
	want := Default().WithZone("Europe/Moscow")
	want.Holidays = []string{"2027-01-01", "2027-03-08"}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got  %+v\nwant %+v", c, want)
	}
}

func TestParseJSONRoundTrip(t *testing.T) {
	c := loadExample(t)
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data, FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip changed the calendar:\n%+v\n%+v", back, c)
	}
	// The same through plain encoding/json, as a Temporal payload would go.
	var plain Calendar
	if err := json.Unmarshal(data, &plain); err != nil || !reflect.DeepEqual(plain, c) {
		t.Fatalf("json.Unmarshal: %v, %+v", err, plain)
	}
}

func TestParseJSONErrors(t *testing.T) {
	cases := map[string]string{
		`{"time_zone":"UTC","holiday":["2027-01-01"]}`: "unknown field",
		`{"time_zone":"UTC"} {}`:                       "after the object",
		`[]`:                                           "must be an object",
		`null`:                                         "must be an object",
		``:                                             "must be an object",
		`{"holidays":"2027-01-01"}`:                    "cannot unmarshal",
		`{"holidays":["2027-1-1"]}`:                    `"2027-1-1"`,
		`{"time_zone":"Europe/Mosco"}`:                 "Europe/Mosco",
		`{"weekend":["sat"]}`:                          `"sat"`,
		`{"working_days":["2027-02-22"]}`:              "not a weekend day",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in), "json")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", in, err, want)
		}
	}
	if _, err := Parse([]byte(`{}`), "yaml"); err == nil || !strings.Contains(err.Error(), "unknown calendar format") {
		t.Errorf("Parse(yaml) = %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "calendar.txt")
	if err := os.WriteFile(txt, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(txt); err == nil || !strings.Contains(err.Error(), "unknown calendar format") {
		t.Errorf("Load(.txt) = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Load(missing) succeeded")
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"holidays":["2027-13-01"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load(bad) = %v, want the path in the error", err)
	}
	upper := filepath.Join(dir, "CAL.ICS")
	if err := os.WriteFile(upper, []byte("BEGIN:VCALENDAR\nEND:VCALENDAR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(upper); err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load(.ICS) = %+v, %v", c, err)
	}
}
