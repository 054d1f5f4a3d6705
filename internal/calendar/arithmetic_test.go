package calendar

import (
	"testing"
	"time"
)

func TestAddAndSubBusinessDays(t *testing.T) {
	c := loadExample(t)
	msk := mustLoc(t, "Europe/Moscow")
	cases := []struct {
		name string
		add  bool
		from string
		n    int
		want string
	}{
		{"zero on a working day", true, "2027-02-24 07:15", 0, "2027-02-24 07:15"},
		{"into a transferred Saturday", true, "2027-02-19 10:00", 1, "2027-02-20 10:00"},
		{"over Sunday and two holidays", true, "2027-02-20 10:00", 1, "2027-02-24 10:00"},
		{"zero from Sunday: next business start", true, "2027-02-21 15:00", 0, "2027-02-24 09:00"},
		{"one from Sunday", true, "2027-02-21 15:00", 1, "2027-02-25 09:00"},
		{"over the May holidays", true, "2027-04-30 18:30", 1, "2027-05-04 18:30"},
		{"over Women's Day", true, "2027-03-05 12:00", 5, "2027-03-15 12:00"},
		{"late evening kept", true, "2027-12-30 23:59", 1, "2028-01-03 23:59"},
		{"back into a transferred Saturday", false, "2027-02-24 10:00", 1, "2027-02-20 10:00"},
		{"zero back from Sunday: the working Saturday", false, "2027-02-21 15:00", 0, "2027-02-20 09:00"},
		{"one back from Sunday", false, "2027-02-21 15:00", 1, "2027-02-19 09:00"},
		{"back over the New Year holidays", false, "2027-01-11 09:30", 1, "2026-12-31 09:30"},
		{"back from a holiday: previous start, then 2", false, "2027-11-05 20:00", 2, "2027-11-01 09:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, want := at(t, msk, tc.from), at(t, msk, tc.want)
			var got, neg time.Time
			if tc.add {
				got, neg = c.AddBusinessDays(from, tc.n), c.SubBusinessDays(from, -tc.n)
			} else {
				got, neg = c.SubBusinessDays(from, tc.n), c.AddBusinessDays(from, -tc.n)
			}
			sameInstant(t, "result", got, want)
			if tc.n != 0 {
				sameInstant(t, "with negated n", neg, want)
			}
			if got.Location().String() != "Europe/Moscow" {
				t.Errorf("result location = %s", got.Location())
			}
		})
	}
}

func TestAdditionAcrossYearEnd(t *testing.T) {
	msk := mustLoc(t, "Europe/Moscow")
	from := at(t, msk, "2026-12-30 14:00") // Wednesday
	c := yearEnd()                         // 31 Dec and 1-8 Jan off
	for n, want := range []string{"2026-12-30 14:00", "2027-01-11 14:00", "2027-01-12 14:00", "2027-01-13 14:00"} {
		sameInstant(t, "yearEnd +"+string(rune('0'+n)), c.AddBusinessDays(from, n), at(t, msk, want))
	}
	ex := loadExample(t) // 31 Dec 2026 worked
	for n, want := range []string{"2026-12-30 14:00", "2026-12-31 14:00", "2027-01-11 14:00", "2027-01-12 14:00"} {
		sameInstant(t, "example +"+string(rune('0'+n)), ex.AddBusinessDays(from, n), at(t, msk, want))
	}
	// And from the last working day of 2027 into 2028 (31 Dec 2027 is off).
	sameInstant(t, "2027 -> 2028", ex.AddBusinessDays(at(t, msk, "2027-12-30 11:00"), 2), at(t, msk, "2028-01-04 11:00"))
}

func TestPreviousWorkingStart(t *testing.T) {
	msk := mustLoc(t, "Europe/Moscow")
	ex := loadExample(t)
	cases := []struct {
		name string
		c    Calendar
		due  string
		want string
	}{
		{"long New Year holiday", yearEnd(), "2027-01-06 15:00", "2026-12-30 09:00"},
		{"first day of the holiday", yearEnd(), "2026-12-31 00:00", "2026-12-30 09:00"},
		{"last minute of the holiday", yearEnd(), "2027-01-10 23:59", "2026-12-30 09:00"},
		{"May holidays", ex, "2027-05-02 12:00", "2027-04-30 09:00"},
		{"before business on a moved holiday", ex, "2027-05-10 08:00", "2027-05-07 09:00"},
		{"two days off from Thursday", ex, "2027-11-05 20:00", "2027-11-03 09:00"},
		{"Sunday after a working Saturday", ex, "2027-02-21 18:00", "2027-02-20 09:00"},
		{"working day before business start", ex, "2027-02-24 07:00", "2027-02-24 07:00"},
		{"working day evening", ex, "2027-02-24 21:00", "2027-02-24 21:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sameInstant(t, "PreviousWorkingStart", tc.c.PreviousWorkingStart(at(t, msk, tc.due)), at(t, msk, tc.want))
		})
	}
	late := ex.WithZone("")
	late.BusinessStart = "10:30"
	sameInstant(t, "business start 10:30", late.PreviousWorkingStart(at(t, msk, "2027-03-08 12:00")), at(t, msk, "2027-03-05 10:30"))

	// A working day returns t itself, in its own location.
	due := time.Date(2027, 2, 24, 12, 0, 0, 0, time.UTC)
	if got := ex.PreviousWorkingStart(due); got != due {
		t.Errorf("PreviousWorkingStart(working) = %v, want %v unchanged", got, due)
	}
}

func TestTimeZones(t *testing.T) {
	ex := loadExample(t)
	msk, vl := mustLoc(t, "Europe/Moscow"), mustLoc(t, "Asia/Vladivostok")
	utc := ex.WithZone("UTC")

	// 22:00 UTC on Friday 5 March is already 01:00 on Saturday in Moscow.
	late := time.Date(2027, 3, 5, 22, 0, 0, 0, time.UTC)
	if ex.IsWorkingDay(late) {
		t.Error("Friday 22:00 UTC is Saturday in Moscow")
	}
	if !utc.IsWorkingDay(late) {
		t.Error("Friday 22:00 UTC is a working day in UTC")
	}
	sameInstant(t, "Moscow PreviousWorkingStart", ex.PreviousWorkingStart(late), time.Date(2027, 3, 5, 6, 0, 0, 0, time.UTC))
	// Saturday in Moscow, Monday 8 March off: next start Tuesday, +1 Wednesday.
	sameInstant(t, "Moscow +1", ex.AddBusinessDays(late, 1), at(t, msk, "2027-03-10 09:00"))
	sameInstant(t, "UTC +1", utc.AddBusinessDays(late, 1), time.Date(2027, 3, 9, 22, 0, 0, 0, time.UTC))

	// A client in Vladivostok (UTC+10) under the same holidays.
	client := ex.WithZone("Asia/Vladivostok")
	sunUTC := time.Date(2027, 3, 7, 15, 0, 0, 0, time.UTC) // Monday 8 March 01:00 in Vladivostok
	if client.IsWorkingDay(sunUTC) || ex.IsWorkingDay(sunUTC) {
		t.Error("Sunday 15:00 UTC is Sunday in Moscow and a holiday in Vladivostok")
	}
	tueVL := time.Date(2027, 3, 8, 14, 30, 0, 0, time.UTC) // Tuesday 00:30 in Vladivostok, Monday 17:30 in Moscow
	if !client.IsWorkingDay(tueVL) {
		t.Error("Tuesday 00:30 in Vladivostok is a working day there")
	}
	if ex.IsWorkingDay(tueVL) {
		t.Error("Monday 8 March 17:30 in Moscow is a holiday")
	}
	holidayNoon := time.Date(2027, 3, 8, 2, 0, 0, 0, time.UTC) // 12:00 on 8 March in Vladivostok
	got := client.PreviousWorkingStart(holidayNoon)
	sameInstant(t, "Vladivostok PreviousWorkingStart", got, at(t, vl, "2027-03-05 09:00"))
	sameInstant(t, "... which is Thursday in UTC", got, time.Date(2027, 3, 4, 23, 0, 0, 0, time.UTC))
	res := client.AddBusinessDays(at(t, vl, "2027-03-05 18:00"), 1)
	sameInstant(t, "Vladivostok +1", res, at(t, vl, "2027-03-09 18:00"))
	if res.Location().String() != "Asia/Vladivostok" {
		t.Errorf("result location = %s", res.Location())
	}
}

func TestWallClockKeptAcrossDaylightSaving(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	c := Default().WithZone("Europe/Berlin")
	from := at(t, berlin, "2027-03-26 10:00") // Friday; clocks go forward on Sunday 28 March
	got := c.AddBusinessDays(from, 1)
	sameInstant(t, "Berlin +1", got, at(t, berlin, "2027-03-29 10:00"))
	if d := got.Sub(from); d != 71*time.Hour {
		t.Errorf("elapsed = %v, want 71h (a 23-hour Sunday)", d)
	}
	sameInstant(t, "Berlin -1", c.SubBusinessDays(got, 1), from)
}

func TestGapAcrossMidnightStaysOnTheDate(t *testing.T) {
	// Bangladesh moved its clocks from 23:00 on Friday 19 June 2009 straight
	// to 00:00 on Saturday: 23:30 did not exist that Friday.
	dhaka := mustLoc(t, "Asia/Dhaka")
	c := Default().WithZone("Asia/Dhaka")
	want := time.Date(2009, 6, 19, 16, 30, 0, 0, time.UTC) // 22:30 +06, an hour early
	got := c.AddBusinessDays(time.Date(2009, 6, 18, 23, 30, 0, 0, dhaka), 1)
	sameInstant(t, "AddBusinessDays into the gap", got, want)
	if !c.IsWorkingDay(got) {
		t.Errorf("%s is not a working day", got)
	}
	sameInstant(t, "SubBusinessDays into the gap", c.SubBusinessDays(time.Date(2009, 6, 22, 23, 30, 0, 0, dhaka), 1), want)
}

func TestStartOfDayAndEndOfWorkingDays(t *testing.T) {
	c := loadExample(t)
	msk := mustLoc(t, "Europe/Moscow")
	cases := []struct {
		name, from string
		n          int
		want       string
	}{
		{"end of the day itself", "2027-02-24 10:00", 0, "2027-02-25 00:00"},
		{"end of a Sunday itself", "2027-02-21 15:00", 0, "2027-02-22 00:00"},
		{"one after a Wednesday", "2027-03-03 19:00", 1, "2027-03-05 00:00"},
		{"one after a Friday: Monday", "2027-03-12 19:00", 1, "2027-03-16 00:00"},
		{"one after a Saturday: Monday", "2027-03-13 19:00", 1, "2027-03-16 00:00"},
		{"one over two holidays", "2027-02-20 10:00", 1, "2027-02-25 00:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sameInstant(t, "end", c.EndOfWorkingDays(at(t, msk, tc.from), tc.n), at(t, msk, tc.want))
		})
	}
	sameInstant(t, "start", c.StartOfDay(at(t, msk, "2027-02-24 00:30")), at(t, msk, "2027-02-24 00:00"))
}
