package calendar

import "time"

// IsWorkingDay reports whether the date of t in the calendar's zone is a
// working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	r := c.rules()
	return r.works(r.dayOfTime(t))
}

// AddBusinessDays moves t forward by n working days, keeping its wall-clock
// time in the calendar's zone. If t's date is not a working day, counting
// starts from the start of business on the next working day (so n = 0 gives
// that instant). A negative n means SubBusinessDays(t, -n). The result is in
// the calendar's location.
func (c Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	if n < 0 {
		return c.move(t, uint(-n), false)
	}
	return c.move(t, uint(n), true)
}

// SubBusinessDays moves t back by n working days, keeping its wall-clock
// time in the calendar's zone. If t's date is not a working day, counting
// starts from the start of business on the previous working day (so n = 0
// gives the instant PreviousWorkingStart(t)). A negative n means
// AddBusinessDays(t, -n). The result is in the calendar's location.
func (c Calendar) SubBusinessDays(t time.Time, n int) time.Time {
	if n < 0 {
		return c.move(t, uint(-n), true)
	}
	return c.move(t, uint(n), false)
}

// PreviousWorkingStart returns t unchanged if its date in the calendar's zone
// is a working day, and otherwise the start of business on the previous
// working day: where a reminder due on a non-working day is delivered.
func (c Calendar) PreviousWorkingStart(t time.Time) time.Time {
	r := c.rules()
	d := r.dayOfTime(t)
	if r.works(d) {
		return t
	}
	return r.at(r.prev(d), r.start)
}

// move steps t by n working days in the given direction. A t on a
// non-working day first moves to the business start of the nearest working
// day in that direction.
func (c Calendar) move(t time.Time, n uint, forward bool) time.Time {
	r := c.rules()
	step := r.prev
	if forward {
		step = r.next
	}
	lt := t.In(r.loc)
	d, wall := r.dayOfTime(lt), clockOf(lt)
	switch {
	case !r.works(d):
		d, wall = step(d), r.start
	case n == 0:
		return lt
	}
	for ; n > 0; n-- {
		d = step(d)
	}
	return r.at(d, wall)
}

// StartOfDay is midnight at the start of t's date in the calendar's zone.
func (c Calendar) StartOfDay(t time.Time) time.Time {
	r := c.rules()
	return r.at(r.dayOfTime(t), clock{})
}

// EndOfWorkingDays is the end (the next midnight) of the n-th working day
// after t's date in the calendar's zone; for n = 0, the end of t's date,
// working or not. So with Saturday and Sunday off, one working day after a
// Friday or a Saturday ends at midnight between Monday and Tuesday.
func (c Calendar) EndOfWorkingDays(t time.Time, n int) time.Time {
	r := c.rules()
	d := r.dayOfTime(t)
	for ; n > 0; n-- {
		d = r.next(d)
	}
	return r.at(d+1, clock{})
}
