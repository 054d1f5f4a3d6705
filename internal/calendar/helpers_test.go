package calendar

import (
	"testing"
	"time"
)

// exampleJSON and exampleICS are the shipped example calendar in its two
// formats.
const (
	exampleJSON = "../../deploy/calendar.example.json"
	exampleICS  = "testdata/example.ics"
)

func loadExample(t testing.TB) Calendar {
	t.Helper()
	c, err := Load(exampleJSON)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2006-01-02 15:04" as a wall-clock time in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// yearEnd is a Moscow calendar in which 31 December 2026 and 1-8 January 2027
// are holidays.
func yearEnd() Calendar {
	c := Default().WithZone("Europe/Moscow")
	c.Holidays = []string{"2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04",
		"2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"}
	return c
}

func sameInstant(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}
