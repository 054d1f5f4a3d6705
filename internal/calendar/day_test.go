package calendar

import (
	"testing"
	"time"
)

func TestDayArithmeticMatchesPackageTime(t *testing.T) {
	for tm := time.Date(1899, 12, 1, 0, 0, 0, 0, time.UTC); tm.Year() < 2201; tm = tm.AddDate(0, 0, 1) {
		s := tm.Format(time.DateOnly)
		d, err := parseDay(s)
		if err != nil {
			t.Fatalf("parseDay(%q): %v", s, err)
		}
		if want := day(tm.Unix() / secondsPerDay); d != want {
			t.Fatalf("parseDay(%q) = %d, want %d", s, d, want)
		}
		if d.weekday() != tm.Weekday() || d.String() != s {
			t.Fatalf("%s: weekday %s, string %s", s, d.weekday(), d)
		}
	}
	for _, s := range []string{"0000-01-01", "0001-03-01", "9999-12-31", "0400-02-29"} {
		want, _ := time.Parse(time.DateOnly, s)
		if d, err := parseDay(s); err != nil || d != day(want.Unix()/secondsPerDay) {
			t.Errorf("parseDay(%q) = %d, %v", s, d, err)
		}
	}
}

func TestParseDayIsStrict(t *testing.T) {
	for _, s := range []string{"", "2027-1-01", "2027-01-1", "27-01-01", "2027/01/01", "2027-00-10",
		"2027-13-01", "2027-02-29", "2100-02-29", "2027-04-31", "2027-01-00", " 2027-01-01", "2027-01-01T",
		"+027-01-01", "２０２７-01-01"} {
		_, err := parseDay(s)
		_, terr := time.Parse(time.DateOnly, s)
		if err == nil || terr == nil {
			t.Errorf("%q: parseDay error %v, time.Parse error %v; both must reject it", s, err, terr)
		}
	}
}
