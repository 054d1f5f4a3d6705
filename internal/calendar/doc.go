// Package calendar is the company business calendar: which dates are working
// days, when business hours start, and the business-day arithmetic used for
// deadlines and reminders.
//
// # Determinism
//
// A Calendar is a plain value — strings and string slices with JSON tags — so
// it can be passed into a Temporal workflow as an argument. The calendar a
// workflow runs with is then recorded in its history, and replay uses that
// recorded value even if the calendar file on disk has changed since. Every
// method is a pure function of the value and its arguments: no clock, no
// randomness, no goroutines, no IO apart from resolving the IANA zone name,
// and no dependence on map iteration order. Zones are resolved with
// time.LoadLocation and memoized in a concurrency-safe cache; the package
// embeds time/tzdata so a zone resolves even on hosts without a zoneinfo
// database.
//
// # Rules
//
// A date (in the calendar's zone) is a working day unless it is a holiday, or
// it falls on a weekend day and is not listed as a transferred working day.
// A date listed both as a holiday and as a working day is a holiday (Validate
// rejects such a calendar).
//
// AddBusinessDays(t, n) reads t's date and wall-clock time in the calendar's
// zone. If that date is a working day, the result is the n-th working day
// after it at the same wall-clock time (n = 0 gives t itself). If it is not a
// working day, t is first moved to the start of business on the next working
// day, and the result is the n-th working day after that one at the start of
// business (n = 0 gives that next working day's start). SubBusinessDays is the
// mirror image: from a non-working day it first moves to the start of
// business on the previous working day, which is what PreviousWorkingStart
// does — the rule that a reminder due on a non-working day is delivered on
// the previous working day at the start of business hours.
//
// Wall-clock times are kept as they are, before or after business start: the
// calendar knows when business starts, not when it ends. A wall-clock time
// that does not exist on the target date (a daylight-saving gap) is moved
// forward by the gap, as time.Date does, or back by the gap if forward would
// leave the date. Results are in the calendar's location. Each call parses
// the value afresh, so it costs time proportional to the number of listed
// dates plus the days stepped over.
//
// # File formats
//
// Load reads a calendar from a .json or .ics file; Parse does the same from
// bytes. The JSON form is the Calendar value itself:
//
//	{
//	  "name": "optional description, not used in calculations",
//	  "time_zone": "Europe/Moscow",
//	  "business_start": "09:00",
//	  "weekend": ["saturday", "sunday"],
//	  "holidays": ["2027-01-01", "2027-02-23"],
//	  "working_days": ["2027-02-20"]
//	}
//
// Unknown fields are rejected. An omitted time_zone is UTC, an omitted
// business_start is 09:00, and an omitted (or null) weekend is Saturday and
// Sunday; an explicit empty weekend list means no weekend days.
//
// The iCalendar (RFC 5545) form is one VCALENDAR whose all-day VEVENTs are
// the special dates. DTSTART;VALUE=DATE is the first date; DTEND;VALUE=DATE
// (exclusive) or DURATION:PnD / PnW gives a multi-day event, and without
// either the event is one day. An event whose CATEGORIES list contains
// WORKING-DAY (case-insensitive) lists transferred working days; every other
// event lists holidays. Events with STATUS:CANCELLED are skipped; recurring
// events (RRULE, RDATE) and events with a date-time DTSTART are rejected.
// Calendar properties: X-WR-TIMEZONE (zone, default UTC),
// X-SALESFLOW-BUSINESS-START (HH:MM, default 09:00), X-SALESFLOW-WEEKEND
// (comma-separated day names, default SATURDAY,SUNDAY) and X-WR-CALNAME (the
// name). Folded lines (a line starting with a space or tab continues the
// previous one) are unfolded; other components (VTIMEZONE, VALARM) and
// properties are ignored.
package calendar
