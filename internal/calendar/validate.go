package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

var errLocal = errors.New(`time zone "Local" depends on the host; name an IANA zone`)

// Validate reports every problem that makes c ambiguous or unusable: an
// unknown or host-dependent time zone, a business start that is not HH:MM,
// an unknown weekend day name or a weekend covering the whole week, a date
// that is not YYYY-MM-DD, a date that is both a holiday and a working day,
// and a working day that does not fall on a weekend day.
func (c Calendar) Validate() error {
	var errs []error
	if _, err := loadLocation(c.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("time_zone %q: %w", c.TimeZone, err))
	}
	if c.BusinessStart != "" {
		if _, err := parseClock(c.BusinessStart); err != nil {
			errs = append(errs, err)
		}
	}
	var weekend [7]bool
	for _, name := range c.Weekend {
		w, ok := parseWeekday(name)
		if !ok {
			errs = append(errs, fmt.Errorf("weekend day %q is not an English day name", name))
			continue
		}
		weekend[w] = true
	}
	if c.Weekend != nil && !slices.Contains(weekend[:], false) {
		errs = append(errs, errors.New("weekend covers every day of the week"))
	}
	if c.Weekend == nil {
		weekend = weekendSet(nil)
	}
	holidays := map[day]bool{}
	for _, s := range c.Holidays {
		if d, err := parseDay(s); err != nil {
			errs = append(errs, fmt.Errorf("holidays: %w", err))
		} else {
			holidays[d] = true
		}
	}
	for _, s := range c.WorkingDays {
		d, err := parseDay(s)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("working_days: %w", err))
		case holidays[d]:
			errs = append(errs, fmt.Errorf("%s is both a holiday and a working day", s))
		case !weekend[d.weekday()]:
			errs = append(errs, fmt.Errorf("working day %s is a %s, not a weekend day", s, d.weekday()))
		}
	}
	return errors.Join(errs...)
}

// normalize fills in the defaults and writes the lists in a canonical form:
// day names lower-case Monday first, dates sorted, no duplicates. It keeps
// entries it cannot read, for Validate to report.
func (c Calendar) normalize() Calendar {
	c = c.clone()
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	if c.BusinessStart == "" {
		c.BusinessStart = DefaultBusinessStart
	}
	if c.Weekend == nil {
		c.Weekend = []string{"saturday", "sunday"}
	}
	var named [7]bool
	var unknown []string
	for _, name := range c.Weekend {
		if w, ok := parseWeekday(name); ok {
			named[w] = true
		} else {
			unknown = append(unknown, name)
		}
	}
	week := []string{}
	for _, w := range weekOrder {
		if named[w] {
			week = append(week, strings.ToLower(w.String()))
		}
	}
	c.Weekend = append(week, unknown...)
	c.Holidays = sortedSet(c.Holidays)
	c.WorkingDays = sortedSet(c.WorkingDays)
	return c
}

func sortedSet(dates []string) []string {
	out := slices.Clone(dates)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
