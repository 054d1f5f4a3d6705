package casework

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a policy duration that says what it counts
// (docs/process.md §3): calendar months ("2mo"), business days of the
// company calendar ("5bd"), calendar days ("14d") and elapsed time ("4h",
// "90m", "30s"), alone or combined ("1d12h"). It reads and writes JSON as
// that text, so the policy shows its units. The zero value is "0s".
type Duration struct {
	Months       int
	BusinessDays int
	Days         int
	// Clock is elapsed time: hours, minutes, seconds.
	Clock time.Duration
}

// Workdays is the business calendar a Duration's business days and
// calendar days are counted in; calendar.Calendar is one.
type Workdays interface {
	// Location is the zone calendar days and months are counted in.
	Location() *time.Location
	// AddBusinessDays moves t by n working days (back when n < 0).
	AddBusinessDays(t time.Time, n int) time.Time
}

// Months, BusinessDays, Days and Exact build a duration of one unit.
func Months(n int) Duration { return Duration{Months: n} }

// BusinessDays is n business days of the company calendar.
func BusinessDays(n int) Duration { return Duration{BusinessDays: n} }

// Days is n calendar days.
func Days(n int) Duration { return Duration{Days: n} }

// Exact is elapsed time d.
func Exact(d time.Duration) Duration { return Duration{Clock: d} }

// dayUnits are the units ParseDuration reads itself, in the order String
// writes them; any other unit is time.ParseDuration's.
var dayUnits = []string{"mo", "bd", "d"}

// ParseDuration reads "2mo", "5bd", "14d", "1d12h", "90m", "-1bd" and other
// time.ParseDuration text. Months, business days and days take whole
// numbers, each at most once; a leading sign applies to every part.
func ParseDuration(s string) (Duration, error) {
	text, neg := s, false
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" {
		return Duration{}, fmt.Errorf("duration %q: want a number and a unit (mo, bd, d, h, m, s)", text)
	}
	var d Duration
	var clock strings.Builder
	seen := map[string]bool{}
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return Duration{}, fmt.Errorf("duration %q: want a number and a unit (mo, bd, d, h, m, s)", text)
		}
		j := i + strings.IndexFunc(s[i:], func(r rune) bool { return r >= '0' && r <= '9' || r == '.' })
		if j < i {
			j = len(s)
		}
		num, unit := s[:i], s[i:j]
		s = s[j:]
		field := d.field(unit)
		if field == nil {
			clock.WriteString(num + unit)
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || seen[unit] {
			return Duration{}, fmt.Errorf("duration %q: %s takes one whole number", text, unit)
		}
		seen[unit], *field = true, n
	}
	if clock.Len() > 0 {
		c, err := time.ParseDuration(clock.String())
		if err != nil {
			return Duration{}, fmt.Errorf("duration %q: %w", text, err)
		}
		d.Clock = c
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}

// field is the part of d that unit counts, or nil for units of elapsed
// time.
func (d *Duration) field(unit string) *int {
	switch unit {
	case "mo":
		return &d.Months
	case "bd":
		return &d.BusinessDays
	case "d":
		return &d.Days
	}
	return nil
}

// Neg is the duration with every part negated: AddTo(t, cal) of it goes
// back from t.
func (d Duration) Neg() Duration {
	return Duration{Months: -d.Months, BusinessDays: -d.BusinessDays, Days: -d.Days, Clock: -d.Clock}
}

// IsZero reports whether every part is zero.
func (d Duration) IsZero() bool { return d == Duration{} }

// Negative reports whether any part is below zero.
func (d Duration) Negative() bool {
	return d.Months < 0 || d.BusinessDays < 0 || d.Days < 0 || d.Clock < 0
}

// Positive reports whether no part is below zero and one is above.
func (d Duration) Positive() bool { return !d.Negative() && !d.IsZero() }

// AddTo is t moved by d: calendar months and days on the calendar's
// wall clock in its zone (time.AddDate), then business days of cal, then
// the elapsed time. A part that is zero leaves t as it is (zero business
// days do not move t off a non-working day).
func (d Duration) AddTo(t time.Time, cal Workdays) time.Time {
	if d.Months != 0 || d.Days != 0 {
		t = t.In(cal.Location()).AddDate(0, d.Months, d.Days)
	}
	if d.BusinessDays != 0 {
		t = cal.AddBusinessDays(t, d.BusinessDays)
	}
	return t.Add(d.Clock)
}

// Span is d as elapsed time with a day, business or calendar, of 24 hours
// and a month of 30 days: how durations counted before they carried units,
// and a measure for what is not on a calendar.
func (d Duration) Span() time.Duration {
	return time.Duration(d.Months*30+d.BusinessDays+d.Days)*24*time.Hour + d.Clock
}

// Legacy is what d meant before durations carried units, when a whole
// number of days counted business days and anything else elapsed time:
// "3d" (or "72h") is 3 business days, "1d12h" is 36 hours. Policy documents
// saved before then are read through it.
func (d Duration) Legacy() Duration {
	const day = 24 * time.Hour
	span := d.Span()
	if span != 0 && span%day == 0 {
		return BusinessDays(int(span / day))
	}
	return Exact(span)
}

// String writes the parts in the order months, business days, days,
// elapsed time: "2mo", "5bd", "1d12h", "1h30m"; "0s" when zero.
func (d Duration) String() string {
	if d.IsZero() {
		return "0s"
	}
	if n := d.Neg(); !n.Negative() {
		return "-" + n.String()
	}
	var b strings.Builder
	for _, u := range dayUnits {
		if n := *d.field(u); n != 0 {
			fmt.Fprintf(&b, "%d%s", n, u)
		}
	}
	if d.Clock != 0 {
		s := d.Clock.String() // "4h0m0s" reads better as "4h"
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		b.WriteString(s)
	}
	return b.String()
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads the duration from text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`duration must be a string such as "5bd", "14d", "2mo" or "90s"`)
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
