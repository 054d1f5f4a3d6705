package calendar

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func parseICSString(t *testing.T, s string) (Calendar, error) {
	t.Helper()
	return Parse([]byte(s), FormatICS)
}

func TestICSWeekend(t *testing.T) {
	c, err := parseICSString(t, "BEGIN:VCALENDAR\nX-SALESFLOW-WEEKEND:\nEND:VCALENDAR\n")
	if err != nil || c.Weekend == nil || len(c.Weekend) != 0 {
		t.Fatalf("an empty X-SALESFLOW-WEEKEND means no weekend days: %+v, %v", c, err)
	}
	_, err = parseICSString(t, "BEGIN:VCALENDAR\nX-SALESFLOW-WEEKEND:Friday\\, Saturday\nEND:VCALENDAR\n")
	if err == nil || !strings.Contains(err.Error(), `"Friday, Saturday"`) {
		t.Fatalf("an escaped comma joins one (unknown) day name: %v", err)
	}
}

func TestICSParsesEventsAndCalendarProperties(t *testing.T) {
	c, err := parseICSString(t, strings.Join([]string{
		"BEGIN:VCALENDAR",
		"x-wr-timezone:Asia/Vladivostok",
		"X-SALESFLOW-BUSINESS-START:08:00",
		"X-SALESFLOW-WEEKEND:SUNDAY,Monday",
		"X-WR-CALNAME:Client\\, Far East\\; test",
		"begin:vevent",
		"dtstart;value=date:20270104",
		"DURATION:P1W",
		"end:vevent",
		"BEGIN:VEVENT",
		`DTSTART;VALUE=DATE;X-NOTE="a:b;c,d":20270228`,
		"DTEND;VALUE=DATE:20270302",
		"CATEGORIES:HOLIDAY",
		"CATEGORIES:TRANSFER,working-day",
		"BEGIN:VALARM",
		"DTSTART:20270101T000000",
		"TRIGGER:-P1D",
		"END:VALARM",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"DTSTART:20270111",
		"SUMMARY:no VALUE parameter\\, one day",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"DTSTART;VALUE=DATE:20270601",
		"STATUS:CANCELLED",
		"END:VEVENT",
		"END:VCALENDAR",
	}, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Calendar{
		Name:          "Client, Far East; test",
		TimeZone:      "Asia/Vladivostok",
		BusinessStart: "08:00",
		Weekend:       []string{"monday", "sunday"},
		Holidays: []string{"2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08",
			"2027-01-09", "2027-01-10", "2027-01-11"},
		WorkingDays: []string{"2027-02-28", "2027-03-01"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got  %+v\nwant %+v", c, want)
	}
}

func TestICSUnfoldsContinuationLines(t *testing.T) {
	c, err := parseICSString(t, "BEGIN:VCALENDAR\r\nX-WR-CALNAME:long\r\n  name\r\n\tcontinued\r\n"+
		"X-WR-TIME\r\n ZONE:Europe/Mos\r\n cow\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DA\r\n TE:2027\r\n 0223\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "long namecontinued" || c.TimeZone != "Europe/Moscow" || !slices.Equal(c.Holidays, []string{"2027-02-23"}) {
		t.Fatalf("unfolded wrongly: %+v", c)
	}
}

func TestICSErrors(t *testing.T) {
	event := func(lines ...string) string {
		return "BEGIN:VCALENDAR\nBEGIN:VEVENT\n" + strings.Join(lines, "\n") + "\nEND:VEVENT\nEND:VCALENDAR\n"
	}
	cases := map[string]struct{ in, want string }{
		"date-time start":    {event("DTSTART:20270101T090000"), "not an all-day date"},
		"DATE-TIME value":    {event("DTSTART;VALUE=DATE-TIME:20270101"), "not an all-day date"},
		"impossible date":    {event("DTSTART;VALUE=DATE:20270230"), "not a date"},
		"no start":           {event("SUMMARY:x"), "no DTSTART"},
		"two starts":         {event("DTSTART;VALUE=DATE:20270101", "DTSTART;VALUE=DATE:20270102"), "twice"},
		"end before start":   {event("DTSTART;VALUE=DATE:20270105", "DTEND;VALUE=DATE:20270105"), "span 1 to 366"},
		"too long":           {event("DTSTART;VALUE=DATE:20270101", "DTEND;VALUE=DATE:20290101"), "span 1 to 366"},
		"end and duration":   {event("DTSTART;VALUE=DATE:20270101", "DTEND;VALUE=DATE:20270102", "DURATION:P1D"), "both DTEND and DURATION"},
		"hour duration":      {event("DTSTART;VALUE=DATE:20270101", "DURATION:PT24H"), "DURATION"},
		"recurring":          {event("DTSTART;VALUE=DATE:20270223", "RRULE:FREQ=YEARLY"), "recurring"},
		"bad working day":    {event("DTSTART;VALUE=DATE:20270222", "CATEGORIES:WORKING-DAY"), "not a weekend day"},
		"no calendar":        {"", "no VCALENDAR"},
		"outside calendar":   {"VERSION:2.0\nBEGIN:VCALENDAR\nEND:VCALENDAR", "outside VCALENDAR"},
		"event outside":      {"BEGIN:VEVENT\nEND:VEVENT", "outside VCALENDAR"},
		"unclosed":           {"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20270101\n", "never closed"},
		"mismatched end":     {"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n", "closes no open"},
		"nested event":       {event("BEGIN:VEVENT", "END:VEVENT"), "nested"},
		"two calendars":      {"BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\n", "more than one"},
		"leading fold":       {" BEGIN:VCALENDAR\nEND:VCALENDAR", "continuation"},
		"not a content line": {"BEGIN:VCALENDAR\nhello world\nEND:VCALENDAR", "not a content line"},
		"unterminated quote": {event(`DTSTART;X="abc:20270101`), "parameter"},
		"bad zone":           {"BEGIN:VCALENDAR\nX-WR-TIMEZONE:Moscow\nEND:VCALENDAR", "Moscow"},
		"two zones":          {"BEGIN:VCALENDAR\nX-WR-TIMEZONE:UTC\nX-WR-TIMEZONE:UTC\nEND:VCALENDAR", "twice"},
		"bad start":          {"BEGIN:VCALENDAR\nX-SALESFLOW-BUSINESS-START:9am\nEND:VCALENDAR", "HH:MM"},
		"other scale":        {"BEGIN:VCALENDAR\nCALSCALE:JULIAN\nEND:VCALENDAR", "CALSCALE"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parseICSString(t, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
