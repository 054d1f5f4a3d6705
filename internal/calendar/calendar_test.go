package calendar

import (
	"strings"
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	c := Default()
	if c.TimeZone != "UTC" || c.BusinessStart != "09:00" || len(c.Holidays) != 0 || len(c.WorkingDays) != 0 {
		t.Fatalf("Default() = %+v", c)
	}
	if strings.Join(c.Weekend, ",") != "saturday,sunday" {
		t.Fatalf("weekend = %v", c.Weekend)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Location() != time.UTC {
		t.Fatalf("location = %v", c.Location())
	}
	// Monday 2027-03-01 to Sunday 2027-03-07.
	want := []bool{true, true, true, true, true, false, false}
	for i, w := range want {
		d := time.Date(2027, 3, 1+i, 12, 0, 0, 0, time.UTC)
		if got := c.IsWorkingDay(d); got != w {
			t.Errorf("%s (%s): working = %v, want %v", d.Format(time.DateOnly), d.Weekday(), got, w)
		}
	}
}

func TestZeroValueBehavesAsDefault(t *testing.T) {
	var zero Calendar
	if err := zero.Validate(); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 3, 5, 17, 0, 0, 0, time.UTC) // a Friday
	sameInstant(t, "zero +1", zero.AddBusinessDays(start, 1), Default().AddBusinessDays(start, 1))
	sameInstant(t, "zero +1", zero.AddBusinessDays(start, 1), time.Date(2027, 3, 8, 17, 0, 0, 0, time.UTC))
}

func TestWorkingDaysOfTheExample(t *testing.T) {
	c := loadExample(t)
	msk := mustLoc(t, "Europe/Moscow")
	cases := []struct {
		date    string
		working bool
		why     string
	}{
		{"2026-12-31", true, "Thursday, no 2026 holidays in the example"},
		{"2027-01-01", false, "New Year holiday"},
		{"2027-01-06", false, "New Year holiday on a Wednesday"},
		{"2027-01-07", false, "Christmas"},
		{"2027-01-08", false, "last New Year holiday"},
		{"2027-01-09", false, "Saturday"},
		{"2027-01-11", true, "first working Monday"},
		{"2027-02-19", true, "Friday"},
		{"2027-02-20", true, "Saturday transferred working day"},
		{"2027-02-21", false, "Sunday"},
		{"2027-02-22", false, "Monday off, transferred from Saturday"},
		{"2027-02-23", false, "Defender of the Fatherland Day"},
		{"2027-02-24", true, "Wednesday"},
		{"2027-03-06", false, "Saturday"},
		{"2027-03-08", false, "Women's Day"},
		{"2027-05-01", false, "May Day on a Saturday"},
		{"2027-05-03", false, "May Day moved to Monday"},
		{"2027-05-04", true, "Tuesday"},
		{"2027-05-10", false, "Victory Day moved to Monday"},
		{"2027-06-14", false, "Russia Day moved to Monday"},
		{"2027-11-04", false, "Unity Day"},
		{"2027-11-05", false, "Friday off, transferred from 3 January"},
		{"2027-12-30", true, "Thursday"},
		{"2027-12-31", false, "Friday off, transferred from 2 January"},
	}
	for _, tc := range cases {
		d := at(t, msk, tc.date+" 12:00")
		if got := c.IsWorkingDay(d); got != tc.working {
			t.Errorf("%s (%s): working = %v, want %v", tc.date, tc.why, got, tc.working)
		}
	}
}

func TestCustomWeekendAndBusinessStart(t *testing.T) {
	c, err := Parse([]byte(`{"time_zone":"Asia/Dubai","business_start":"08:30","weekend":["SATURDAY","Friday"],
		"holidays":[],"working_days":[]}`), "json")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Weekend, ",") != "friday,saturday" {
		t.Fatalf("weekend = %v, want it normalized to friday,saturday", c.Weekend)
	}
	dubai := mustLoc(t, "Asia/Dubai")
	if c.IsWorkingDay(at(t, dubai, "2027-03-05 10:00")) { // Friday
		t.Error("Friday is a weekend day")
	}
	if !c.IsWorkingDay(at(t, dubai, "2027-03-07 10:00")) { // Sunday
		t.Error("Sunday is a working day")
	}
	got := c.PreviousWorkingStart(at(t, dubai, "2027-03-06 16:00")) // Saturday
	sameInstant(t, "PreviousWorkingStart", got, at(t, dubai, "2027-03-04 08:30"))

	none := Default()
	none.Weekend = []string{}
	if !none.IsWorkingDay(time.Date(2027, 3, 7, 12, 0, 0, 0, time.UTC)) {
		t.Error("an explicit empty weekend list means every day is worked")
	}
}

func TestWithZone(t *testing.T) {
	c := loadExample(t)
	vl := c.WithZone("Asia/Vladivostok")
	if vl.TimeZone != "Asia/Vladivostok" || c.TimeZone != "Europe/Moscow" {
		t.Fatalf("WithZone changed the wrong calendar: %q, %q", vl.TimeZone, c.TimeZone)
	}
	vl.Holidays[0] = "2000-01-01"
	if c.Holidays[0] != "2027-01-01" {
		t.Fatal("WithZone shares the holiday list with the original")
	}
	if got := c.WithZone(""); got.TimeZone != "Europe/Moscow" {
		t.Fatalf("WithZone(\"\") zone = %q", got.TimeZone)
	}
	if got := c.WithZone("Asia/Vladivostok").Location().String(); got != "Asia/Vladivostok" {
		t.Fatalf("location = %q", got)
	}
}

func TestLocationFallsBackToUTC(t *testing.T) {
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons"} {
		if got := (Calendar{TimeZone: name}).Location(); got != time.UTC {
			t.Errorf("Location(%q) = %v, want UTC", name, got)
		}
	}
}

func TestValidate(t *testing.T) {
	base := loadExample(t)
	cases := []struct {
		name   string
		change func(*Calendar)
		want   string
	}{
		{"unknown zone", func(c *Calendar) { c.TimeZone = "Mars/Olympus_Mons" }, "time_zone"},
		{"host zone", func(c *Calendar) { c.TimeZone = "Local" }, "depends on the host"},
		{"one-digit hour", func(c *Calendar) { c.BusinessStart = "9:00" }, "HH:MM"},
		{"hour 24", func(c *Calendar) { c.BusinessStart = "24:00" }, "HH:MM"},
		{"minute 60", func(c *Calendar) { c.BusinessStart = "09:60" }, "HH:MM"},
		{"no colon", func(c *Calendar) { c.BusinessStart = "0900" }, "HH:MM"},
		{"unknown day", func(c *Calendar) { c.Weekend = []string{"funday"} }, `"funday"`},
		{"whole week", func(c *Calendar) {
			c.Weekend = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
		}, "every day of the week"},
		{"impossible date", func(c *Calendar) { c.Holidays = append(c.Holidays, "2027-02-30") }, `"2027-02-30"`},
		{"short year", func(c *Calendar) { c.Holidays = append(c.Holidays, "27-01-01") }, `"27-01-01"`},
		{"bad working day", func(c *Calendar) { c.WorkingDays = []string{"20.02.2027"} }, "working_days"},
		{"both lists", func(c *Calendar) { c.Holidays = append(c.Holidays, "2027-02-20") }, "both a holiday and a working day"},
		{"working weekday", func(c *Calendar) { c.WorkingDays = []string{"2027-02-24"} }, "Wednesday, not a weekend day"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base.WithZone("")
			tc.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := base.Validate(); err != nil {
		t.Fatalf("example: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Calendar{TimeZone: "Nowhere/City", BusinessStart: "late", Holidays: []string{"tomorrow"}}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Nowhere/City", "late", "tomorrow"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestInvalidCalendarStillAnswers(t *testing.T) {
	// Every day a weekend and an unknown zone: the methods fall back to the
	// defaults (UTC, Saturday and Sunday) instead of searching forever.
	c := Calendar{TimeZone: "Nowhere/City", BusinessStart: "soon",
		Weekend: []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}}
	sat := time.Date(2027, 3, 6, 15, 0, 0, 0, time.UTC)
	var add, prev time.Time
	done := make(chan struct{})
	go func() { // a search that never ends must fail the test, not hang it
		add, prev = c.AddBusinessDays(sat, 1), c.PreviousWorkingStart(sat)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("no working day found within 5s")
	}
	sameInstant(t, "AddBusinessDays", add, time.Date(2027, 3, 9, 9, 0, 0, 0, time.UTC))
	sameInstant(t, "PreviousWorkingStart", prev, time.Date(2027, 3, 5, 9, 0, 0, 0, time.UTC))
}
