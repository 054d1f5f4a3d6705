package calendar

import (
	"slices"
	"time"
)

// rules is a Calendar resolved for calculation. It is built afresh by every
// method call, so a Calendar stays a plain value.
type rules struct {
	loc      *time.Location
	start    clock
	weekend  [7]bool
	holidays []day // sorted
	working  []day // sorted
}

// rules resolves c leniently, so that even a calendar Validate rejects gives
// deterministic answers: an unknown zone is UTC, an unreadable business start
// is 09:00, unreadable dates and day names are ignored, and a weekend that
// would cover the whole week is the default Saturday and Sunday (so that
// every search for a working day ends).
func (c Calendar) rules() rules {
	r := rules{
		loc:      c.Location(),
		start:    clock{h: 9},
		weekend:  weekendSet(c.Weekend),
		holidays: days(c.Holidays),
		working:  days(c.WorkingDays),
	}
	if s, err := parseClock(c.BusinessStart); err == nil {
		r.start = s
	}
	return r
}

// days parses the readable dates of list into a sorted slice.
func days(list []string) []day {
	out := make([]day, 0, len(list))
	for _, s := range list {
		if d, err := parseDay(s); err == nil {
			out = append(out, d)
		}
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out
}

func weekendSet(names []string) [7]bool {
	var set [7]bool
	if names == nil {
		set[time.Saturday], set[time.Sunday] = true, true
		return set
	}
	n := 0
	for _, name := range names {
		if w, ok := parseWeekday(name); ok && !set[w] {
			set[w] = true
			n++
		}
	}
	if n == 7 {
		return weekendSet(nil)
	}
	return set
}

// works reports whether d is a working day.
func (r rules) works(d day) bool {
	if _, found := slices.BinarySearch(r.holidays, d); found {
		return false
	}
	if !r.weekend[d.weekday()] {
		return true
	}
	_, found := slices.BinarySearch(r.working, d)
	return found
}

// dayOfTime is the date of t in the calendar's zone.
func (r rules) dayOfTime(t time.Time) day {
	return dayOf(t.In(r.loc).Date())
}

// next is the first working day after d. It terminates because at least one
// weekday is not a weekend day and the holidays are finitely many.
func (r rules) next(d day) day {
	for d++; !r.works(d); d++ {
	}
	return d
}

// prev is the last working day before d.
func (r rules) prev(d day) day {
	for d--; !r.works(d); d-- {
	}
	return d
}

// at is the instant of wall clock c on date d in the calendar's zone. A wall
// clock inside a daylight-saving gap is moved forward by the gap, as
// time.Date does, unless that would put it on the next date (a gap spanning
// midnight); then it is moved back by the gap instead.
func (r rules) at(d day, c clock) time.Time {
	y, m, dd := d.date()
	t := time.Date(y, m, dd, c.h, c.m, c.s, c.ns, r.loc)
	if r.dayOfTime(t) > d {
		_, after := t.Zone()
		_, before := time.Date(y, m, dd+1, 0, 0, 0, 0, r.loc).Add(-time.Nanosecond).Zone()
		t = t.Add(-time.Duration(after-before) * time.Second)
	}
	return t
}
