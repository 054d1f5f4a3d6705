package calendar

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// These tests check the arithmetic against a brute-force count of working
// dates (IsWorkingDay at noon of each date) on many seeded random starts.

func TestPropertiesOfTheExampleCalendar(t *testing.T) {
	ex := loadExample(t)
	for i, zone := range []string{"Europe/Moscow", "Asia/Vladivostok", "UTC", "America/New_York", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			checkProperties(t, ex.WithZone(zone), rand.New(rand.NewPCG(1, uint64(i))), 1500)
		})
	}
}

func TestPropertiesOfRandomCalendars(t *testing.T) {
	rng := rand.New(rand.NewPCG(2027, 4))
	for i := range 60 {
		c := randomCalendar(rng)
		if err := c.Validate(); err != nil {
			t.Fatalf("calendar %d: %v", i, err)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkProperties(t, c, rng, 150) })
	}
}

// randomCalendar has a random zone without daylight saving, business start,
// weekend (never the whole week), holidays (scattered and in runs) and
// transferred working days.
func randomCalendar(rng *rand.Rand) Calendar {
	zones := []string{"Europe/Moscow", "Asia/Vladivostok", "UTC", "Asia/Kolkata", "America/Bogota"}
	c := Calendar{
		TimeZone:      zones[rng.IntN(len(zones))],
		BusinessStart: fmt.Sprintf("%02d:%02d", rng.IntN(24), rng.IntN(60)),
		Weekend:       []string{},
	}
	weekend := map[time.Weekday]bool{}
	for _, w := range weekOrder[:] {
		if rng.IntN(7) < 2 && len(weekend) < 5 {
			weekend[w] = true
			c.Weekend = append(c.Weekend, w.String())
		}
	}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	holiday := map[string]bool{}
	for range 60 {
		d := first.AddDate(0, 0, rng.IntN(3*365))
		for k := range 1 + rng.IntN(3)*rng.IntN(6) {
			holiday[d.AddDate(0, 0, k).Format(time.DateOnly)] = true
		}
	}
	for s := range holiday {
		c.Holidays = append(c.Holidays, s)
	}
	for range 20 {
		d := first.AddDate(0, 0, rng.IntN(3*365))
		if s := d.Format(time.DateOnly); weekend[d.Weekday()] && !holiday[s] {
			c.WorkingDays = append(c.WorkingDays, s)
		}
	}
	return c.normalize()
}

func randomTime(rng *rand.Rand, loc *time.Location) time.Time {
	d := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(940))
	t := time.Date(d.Year(), d.Month(), d.Day(), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, loc)
	if rng.IntN(2) == 0 {
		return t.UTC() // the input's own location must not matter
	}
	return t
}

func checkProperties(t *testing.T, c Calendar, rng *rand.Rand, samples int) {
	t.Helper()
	loc := c.Location()
	start, err := parseClock(c.BusinessStart)
	if err != nil {
		t.Fatal(err)
	}
	for range samples {
		from := randomTime(rng, loc)
		n := rng.IntN(25)
		working := c.IsWorkingDay(from)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("from %s (working %v), n %d: %s", from.In(loc), working, n, fmt.Sprintf(format, args...))
		}
		a0, a1 := c.AddBusinessDays(from, n), c.AddBusinessDays(from, n+1)
		s0, s1 := c.SubBusinessDays(from, n), c.SubBusinessDays(from, n+1)
		for _, r := range []time.Time{a0, a1, s0, s1} {
			if !c.IsWorkingDay(r) {
				fail("result %s is not a working day", r)
			}
		}
		if !a1.After(a0) || a0.Before(from) {
			fail("AddBusinessDays not monotonic: %s, %s", a0, a1)
		}
		if !s1.Before(s0) || s0.After(from) {
			fail("SubBusinessDays not monotonic: %s, %s", s0, s1)
		}
		wantCount, wantClock := n, clockOf(from.In(loc))
		if !working {
			wantCount, wantClock = n+1, start
		}
		if got := countWorking(c, from, a0, false, true); got != wantCount {
			fail("AddBusinessDays = %s crosses %d working days, want %d", a0, got, wantCount)
		}
		if got := countWorking(c, s0, from, true, false); got != wantCount {
			fail("SubBusinessDays = %s crosses %d working days, want %d", s0, got, wantCount)
		}
		for _, r := range []time.Time{a0, s0} {
			if n > 0 || !working {
				if got := clockOf(r.In(loc)); got != wantClock {
					fail("result %s has wall clock %v, want %v", r, got, wantClock)
				}
			}
		}
		if working {
			if back := c.SubBusinessDays(a0, n); !back.Equal(from) {
				fail("SubBusinessDays(AddBusinessDays) = %s", back)
			}
			if fwd := c.AddBusinessDays(s0, n); !fwd.Equal(from) {
				fail("AddBusinessDays(SubBusinessDays) = %s", fwd)
			}
		}
		if neg := c.AddBusinessDays(from, -(n + 1)); !neg.Equal(s1) {
			fail("AddBusinessDays(-n-1) = %s, SubBusinessDays(n+1) = %s", neg, s1)
		}
		if neg := c.SubBusinessDays(from, -(n + 1)); !neg.Equal(a1) {
			fail("SubBusinessDays(-n-1) = %s, AddBusinessDays(n+1) = %s", neg, a1)
		}
		p := c.PreviousWorkingStart(from)
		switch {
		case working && p != from:
			fail("PreviousWorkingStart of a working day = %s", p)
		case !working && (clockOf(p.In(loc)) != start || countWorking(c, p, from, true, true) != 1):
			fail("PreviousWorkingStart = %s", p)
		case !working && !p.Equal(s0) && n == 0:
			fail("PreviousWorkingStart = %s, SubBusinessDays(0) = %s", p, s0)
		}
	}
}

// countWorking counts the working dates from a's date to b's date (a before
// b) in the calendar's zone, each end included or not.
func countWorking(c Calendar, a, b time.Time, withA, withB bool) int {
	loc := c.Location()
	a, b = a.In(loc), b.In(loc)
	day := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, loc)
	last := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, loc)
	n := 0
	for i := 0; !day.After(last); i++ {
		first, end := i == 0, day.Equal(last)
		if (!first || withA) && (!end || withB) && c.IsWorkingDay(day) {
			n++
		}
		day = time.Date(a.Year(), a.Month(), a.Day()+i+1, 12, 0, 0, 0, loc)
	}
	return n
}
