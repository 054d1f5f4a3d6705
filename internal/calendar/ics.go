package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// maxEventDays bounds one event, so a mistyped DTEND cannot list millions of
// dates.
const maxEventDays = 366

// workingDayCategory in an event's CATEGORIES marks transferred working days.
const workingDayCategory = "WORKING-DAY"

func parseICS(data []byte) (Calendar, error) {
	lines, err := unfold(data)
	if err != nil {
		return Calendar{}, fmt.Errorf("ics: %w", err)
	}
	var (
		c         Calendar
		stack     []string // open components, outermost first
		ev        *event
		calendars int
		seen      = map[string]bool{}
	)
	for _, l := range lines {
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		p, err := parseProperty(l.text)
		if err == nil {
			switch p.name {
			case "BEGIN":
				comp := strings.ToUpper(p.value)
				switch {
				case len(stack) == 0 && comp != "VCALENDAR":
					err = fmt.Errorf("BEGIN:%s outside VCALENDAR", comp)
				case len(stack) == 0:
					if calendars++; calendars > 1 {
						err = errors.New("more than one VCALENDAR")
					}
				case comp == "VEVENT" && len(stack) == 1:
					ev = &event{line: l.no}
				case comp == "VEVENT":
					err = errors.New("VEVENT nested in another component")
				}
				stack = append(stack, comp)
			case "END":
				comp := strings.ToUpper(p.value)
				if len(stack) == 0 || stack[len(stack)-1] != comp {
					err = fmt.Errorf("END:%s closes no open %s", comp, comp)
					break
				}
				if stack = stack[:len(stack)-1]; comp == "VEVENT" && len(stack) == 1 {
					err = ev.addTo(&c)
					ev = nil
				}
			default:
				switch {
				case len(stack) == 0:
					err = fmt.Errorf("property %s outside VCALENDAR", p.name)
				case len(stack) == 1:
					err = calendarProperty(&c, p, seen)
				case len(stack) == 2 && ev != nil:
					err = ev.property(p)
				}
			}
		}
		if err != nil {
			return Calendar{}, fmt.Errorf("ics line %d: %w", l.no, err)
		}
	}
	switch {
	case len(stack) > 0:
		return Calendar{}, fmt.Errorf("ics: BEGIN:%s is never closed", stack[len(stack)-1])
	case calendars == 0:
		return Calendar{}, errors.New("ics: no VCALENDAR")
	}
	return c, nil
}

// calendarProperty applies a VCALENDAR-level property to c.
func calendarProperty(c *Calendar, p property, seen map[string]bool) error {
	switch p.name {
	case "X-WR-TIMEZONE", "X-WR-CALNAME", "X-SALESFLOW-BUSINESS-START", "X-SALESFLOW-WEEKEND":
		if seen[p.name] {
			return fmt.Errorf("%s given twice", p.name)
		}
		seen[p.name] = true
	case "CALSCALE":
		if !strings.EqualFold(p.value, "GREGORIAN") {
			return fmt.Errorf("CALSCALE %s is not supported", p.value)
		}
	}
	switch p.name {
	case "X-WR-TIMEZONE":
		c.TimeZone = strings.TrimSpace(text(p.value))
	case "X-WR-CALNAME":
		c.Name = text(p.value)
	case "X-SALESFLOW-BUSINESS-START":
		c.BusinessStart = strings.TrimSpace(text(p.value))
	case "X-SALESFLOW-WEEKEND":
		c.Weekend = []string{}
		for _, name := range textList(p.value) {
			if name = strings.TrimSpace(name); name != "" {
				c.Weekend = append(c.Weekend, name)
			}
		}
	}
	return nil
}

// event collects the properties of one VEVENT.
type event struct {
	line                     int
	start, end               day
	days                     int // from DURATION
	hasStart, hasEnd, hasDur bool
	working, cancelled       bool
}

func (e *event) property(p property) error {
	var err error
	switch p.name {
	case "DTSTART", "DTEND":
		var d day
		if d, err = icsDate(p); err == nil {
			if p.name == "DTSTART" {
				err = once(&e.hasStart, p.name)
				e.start = d
			} else {
				err = once(&e.hasEnd, p.name)
				e.end = d
			}
		}
	case "DURATION":
		if err = once(&e.hasDur, p.name); err == nil {
			e.days, err = icsDuration(p.value)
		}
	case "CATEGORIES":
		for _, cat := range textList(p.value) {
			e.working = e.working || strings.EqualFold(strings.TrimSpace(cat), workingDayCategory)
		}
	case "STATUS":
		e.cancelled = strings.EqualFold(strings.TrimSpace(p.value), "CANCELLED")
	case "RRULE", "RDATE":
		err = fmt.Errorf("recurring events (%s) are not supported; list every date", p.name)
	}
	return err
}

func once(seen *bool, name string) error {
	if *seen {
		return fmt.Errorf("%s given twice", name)
	}
	*seen = true
	return nil
}

// addTo lists the event's dates in c as holidays or working days.
func (e *event) addTo(c *Calendar) error {
	end := e.start + 1
	switch {
	case e.cancelled:
		return nil
	case !e.hasStart:
		return fmt.Errorf("VEVENT at line %d has no DTSTART", e.line)
	case e.hasEnd && e.hasDur:
		return fmt.Errorf("VEVENT at line %d has both DTEND and DURATION", e.line)
	case e.hasEnd:
		end = e.end
	case e.hasDur:
		end = e.start + day(e.days)
	}
	if end <= e.start || end-e.start > maxEventDays {
		return fmt.Errorf("VEVENT at line %d must span 1 to %d days", e.line, maxEventDays)
	}
	for d := e.start; d < end; d++ {
		if e.working {
			c.WorkingDays = append(c.WorkingDays, d.String())
		} else {
			c.Holidays = append(c.Holidays, d.String())
		}
	}
	return nil
}

// icsDate reads an all-day DTSTART or DTEND: VALUE=DATE (or no VALUE) and
// an 8-digit YYYYMMDD value.
func icsDate(p property) (day, error) {
	v := strings.TrimSpace(p.value)
	if vt := p.param("VALUE"); (vt != "" && vt != "DATE") || len(v) != 8 || !digits(v) {
		return 0, fmt.Errorf("%s %q is not an all-day date (VALUE=DATE:YYYYMMDD)", p.name, p.value)
	}
	t, err := time.Parse("20060102", v)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a date", p.name, p.value)
	}
	return dayOf(t.Date()), nil
}

// icsDuration reads a whole-day DURATION: PnD or PnW, optionally with '+'.
func icsDuration(v string) (int, error) {
	s := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(v)), "+")
	bad := fmt.Errorf("DURATION %q is not a whole number of days (PnD or PnW)", v)
	if len(s) < 3 || s[0] != 'P' || !digits(s[1:len(s)-1]) || len(s) > 7 {
		return 0, bad
	}
	n := 0
	for _, c := range s[1 : len(s)-1] {
		n = n*10 + int(c-'0')
	}
	switch s[len(s)-1] {
	case 'D':
		return n, nil
	case 'W':
		return 7 * n, nil
	}
	return 0, bad
}
