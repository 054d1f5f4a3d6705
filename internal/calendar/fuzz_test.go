package calendar

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"
)

// exercise calls every method on c and checks the invariants that hold for
// any valid calendar.
func exercise(t *testing.T, c Calendar) {
	if err := c.Validate(); err != nil {
		t.Fatalf("Parse returned an invalid calendar: %v", err)
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data, FormatJSON)
	if err != nil || !reflect.DeepEqual(back, c) {
		t.Fatalf("JSON round trip: %v\n%+v\n%+v", err, back, c)
	}
	for _, from := range []time.Time{
		time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2027, 2, 21, 22, 30, 0, 0, time.UTC),
	} {
		for _, r := range []time.Time{c.AddBusinessDays(from, 3), c.SubBusinessDays(from, 3), c.PreviousWorkingStart(from)} {
			if !c.IsWorkingDay(r) {
				t.Fatalf("%s is not a working day", r)
			}
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	example, err := os.ReadFile(exampleJSON)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example), `{}`, `{"weekend":[]}`, `{"weekend":null}`, `[]`, `null`,
		`{"time_zone":"Asia/Vladivostok","business_start":"23:59","weekend":["monday","TUESDAY"]}`,
		`{"holidays":["2027-13-01"]}`, `{"working_days":["2027-02-20"],"holidays":["2027-02-20"]}`,
		`{"time_zone":"Local"}`, `{"name":"\ud800"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, FormatJSON)
		if err != nil {
			return
		}
		exercise(t, c)
	})
}

func FuzzParseICS(f *testing.F) {
	example, err := os.ReadFile(exampleICS)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example), "BEGIN:VCALENDAR\nEND:VCALENDAR",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDURATION:P2W\nEND:VEVENT\nEND:VCALENDAR",
		"BEGIN:VCALENDAR\nX-SALESFLOW-WEEKEND:\nBEGIN:VEVENT\nDTSTART;X=\"a:b\";VALUE=DATE:20270101\nEND:VEVENT\nEND:VCALENDAR",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, FormatICS)
		if err != nil {
			return
		}
		exercise(t, c)
	})
}
