package calendar

import (
	"fmt"
	"strings"
	"time"
)

// day is a civil date, counted in days since 1970-01-01; it has no zone.
type day int64

const secondsPerDay = 24 * 60 * 60

// dayOf is the day of a valid proleptic Gregorian date. It counts years from
// 1 March, so that the leap day is the last day of a counted year, in 400-year
// cycles of 146097 days.
func dayOf(y int, m time.Month, d int) day {
	if m <= time.February {
		y--
		m += 12
	}
	cycle := y / 400
	if y < 0 && y%400 != 0 {
		cycle--
	}
	yoc := y - cycle*400                    // year of the cycle, 0-399
	doy := (153*(int(m)-3)+2)/5 + d - 1     // day of the March-based year
	doc := yoc*365 + yoc/4 - yoc/100 + doy  // day of the cycle
	return day(cycle*146097 + doc - 719468) // 719468: 0000-03-01 to 1970-01-01
}

func (d day) date() (int, time.Month, int) {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC().Date()
}

func (d day) weekday() time.Weekday {
	return time.Weekday(((int64(d) % 7) + 7 + int64(time.Thursday)) % 7) // 1970-01-01 was a Thursday
}

// String writes the date as YYYY-MM-DD.
func (d day) String() string {
	y, m, dd := d.date()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}

// parseDay reads a "YYYY-MM-DD" date. It is the strict equivalent of
// time.Parse(time.DateOnly, s), written out because every method call parses
// the calendar's dates.
func parseDay(s string) (day, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return 0, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	y := atoi(s[:4])
	m, d := time.Month(atoi(s[5:7])), atoi(s[8:])
	if m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("date %q does not exist", s)
	}
	return dayOf(y, m, d), nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// daysIn is the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// clock is a wall-clock time of day.
type clock struct{ h, m, s, ns int }

func clockOf(t time.Time) clock {
	return clock{t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}
}

// parseClock reads an "HH:MM" time of day.
func parseClock(s string) (clock, error) {
	bad := fmt.Errorf("business start %q is not HH:MM (00:00-23:59)", s)
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return clock{}, bad
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return clock{}, bad
	}
	return clock{h: h, m: m}, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// weekOrder is the order weekend days are written in, Monday first.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// parseWeekday reads an English day name, case-insensitively.
func parseWeekday(name string) (time.Weekday, bool) {
	for _, w := range weekOrder {
		if strings.EqualFold(name, w.String()) {
			return w, true
		}
	}
	return 0, false
}
