package calendar

import (
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // zones resolve even where the host has no zoneinfo
)

// Calendar is a company business calendar. It is a plain JSON-serializable
// value; see the package documentation for the format and the rules.
type Calendar struct {
	// Name describes the calendar (its source, its year); it is not used in
	// calculations.
	Name string `json:"name,omitempty"`
	// TimeZone is the IANA zone name, e.g. "Europe/Moscow"; empty means UTC.
	TimeZone string `json:"time_zone"`
	// BusinessStart is the wall-clock start of business hours, "HH:MM";
	// empty means 09:00.
	BusinessStart string `json:"business_start"`
	// Weekend lists the weekly days off by English name ("saturday"); nil
	// means Saturday and Sunday, an empty list means none.
	Weekend []string `json:"weekend"`
	// Holidays lists non-working dates, "YYYY-MM-DD".
	Holidays []string `json:"holidays"`
	// WorkingDays lists transferred working days, "YYYY-MM-DD": dates that
	// fall on a weekend day but are worked.
	WorkingDays []string `json:"working_days"`
}

// DefaultBusinessStart is the start of business hours when none is set.
const DefaultBusinessStart = "09:00"

// Default returns the calendar used when none is configured: UTC, business
// from 09:00, Saturday and Sunday off, no holidays.
func Default() Calendar {
	return Calendar{}.normalize()
}

// WithZone returns a copy of c evaluated in the named IANA zone, e.g. for a
// client in another time zone: the same holiday dates, read as dates in that
// zone, and business start at that zone's wall clock. An empty name returns
// c unchanged. Call Validate on the result if the name is user input.
func (c Calendar) WithZone(name string) Calendar {
	out := c.clone()
	if name != "" {
		out.TimeZone = name
	}
	return out
}

// Location returns the calendar's time zone. An empty name is UTC; "Local"
// and names the zone database does not know also give UTC (Validate rejects
// them), so the result never depends on the host's local zone.
func (c Calendar) Location() *time.Location {
	loc, err := loadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

var locations sync.Map // zone name -> *time.Location, successes only

func loadLocation(name string) (*time.Location, error) {
	switch name {
	case "", "UTC":
		return time.UTC, nil
	case "Local":
		return nil, errLocal
	}
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

func (c Calendar) clone() Calendar {
	c.Weekend = slices.Clone(c.Weekend)
	c.Holidays = slices.Clone(c.Holidays)
	c.WorkingDays = slices.Clone(c.WorkingDays)
	return c
}
