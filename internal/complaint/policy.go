package complaint

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
)

// Deadlines are how long each step may take, counted from the step's start.
type Deadlines struct {
	Acknowledge casework.Duration `json:"acknowledge"`
	Investigate casework.Duration `json:"investigate"`
	Resolve     casework.Duration `json:"resolve"`
	Confirm     casework.Duration `json:"confirm"`
	Correct     casework.Duration `json:"correct"`
}

// Policy holds the complaint catalogue and deadlines. Defaults follow the
// process (docs/process.md §4); a deployment may replace them and a
// complaint may override any field at registration.
type Policy struct {
	Categories       []string                                    `json:"categories"`
	Deadlines        map[Severity]Deadlines                      `json:"deadlines"`
	Points           map[casework.PointKind]casework.PointPolicy `json:"control_points"`
	RecurrenceWindow casework.Duration                           `json:"recurrence_window"`
}

// bd is n business days; step deadlines are the staff's working time
// (docs/process.md §4).
var bd = casework.BusinessDays

// DefaultPolicy returns the defaults (a fresh copy each call): the client is
// acknowledged within a business day (4 hours when critical), every step
// deadline counts business days, and a complaint of the same client and
// category within 90 calendar days is a recurrence.
func DefaultPolicy() Policy {
	hours := func(n int) casework.Duration { return casework.Exact(time.Duration(n) * time.Hour) }
	return Policy{
		Categories: []string{"quality", "timing", "billing", "staff", "documents", "other"},
		Deadlines: map[Severity]Deadlines{
			SeverityLow:      {Acknowledge: bd(1), Investigate: bd(10), Resolve: bd(10), Confirm: bd(5), Correct: bd(30)},
			SeverityNormal:   {Acknowledge: bd(1), Investigate: bd(5), Resolve: bd(5), Confirm: bd(5), Correct: bd(30)},
			SeverityHigh:     {Acknowledge: bd(1), Investigate: bd(3), Resolve: bd(3), Confirm: bd(3), Correct: bd(14)},
			SeverityCritical: {Acknowledge: hours(4), Investigate: bd(1), Resolve: bd(2), Confirm: bd(2), Correct: bd(7)},
		},
		Points: map[casework.PointKind]casework.PointPolicy{
			PointAcknowledge:      {Reminders: []casework.Duration{hours(2)}},
			PointInvestigate:      {Reminders: []casework.Duration{bd(1)}},
			PointResolve:          {Reminders: []casework.Duration{bd(1)}},
			PointConfirm:          {Reminders: []casework.Duration{bd(1)}},
			PointCorrect:          {Reminders: []casework.Duration{bd(2)}},
			PointCorrectiveAction: {Reminders: []casework.Duration{bd(1)}},
		},
		RecurrenceWindow: casework.Days(90),
	}
}

// Legacy is the policy as it was meant before durations carried units:
// whole days of the deadlines and control points were business days
// (casework.Duration.Legacy); the recurrence window always counted
// elapsed days, so it stays as it is.
func (p Policy) Legacy() Policy {
	c := p.Clone()
	for s, d := range c.Deadlines {
		c.Deadlines[s] = Deadlines{Acknowledge: d.Acknowledge.Legacy(), Investigate: d.Investigate.Legacy(),
			Resolve: d.Resolve.Legacy(), Confirm: d.Confirm.Legacy(), Correct: d.Correct.Legacy()}
	}
	casework.LegacyPoints(c.Points)
	return c
}

// Clone returns a deep copy, so a merge never changes the original.
func (p Policy) Clone() Policy {
	c := p
	c.Categories = slices.Clone(p.Categories)
	c.Deadlines = maps.Clone(p.Deadlines)
	c.Points = casework.ClonePoints(p.Points)
	return c
}

// Validate checks that every severity has positive deadlines and every
// control point kind has settings.
func (p Policy) Validate() error {
	var errs []error
	if len(p.Categories) == 0 {
		errs = append(errs, errors.New("categories must not be empty"))
	}
	for _, s := range Severities {
		d, ok := p.Deadlines[s]
		if !ok || !d.Acknowledge.Positive() || !d.Investigate.Positive() || !d.Resolve.Positive() || !d.Confirm.Positive() || !d.Correct.Positive() {
			errs = append(errs, fmt.Errorf("deadlines.%s: every step needs a positive deadline", s))
		}
	}
	errs = append(errs, casework.CheckPoints(p.Points, PointKinds))
	if p.RecurrenceWindow.Negative() {
		errs = append(errs, errors.New("recurrence_window must not be negative"))
	}
	return errors.Join(errs...)
}

// Point returns the settings of one control point kind.
func (p Policy) Point(k casework.PointKind) casework.PointPolicy { return p.Points[k] }

// Check validates a registration form against the policy and the contact
// channels of the policy document's catalogue, naming each failing field.
func (p Policy) Check(f Form, channels []string) map[string]string {
	bad := map[string]string{}
	if strings.TrimSpace(f.ClientID) == "" {
		bad["client_id"] = "is required"
	}
	if !slices.Contains(channels, f.Channel) {
		bad["channel"] = "must be one of " + strings.Join(channels, ", ")
	}
	if !slices.Contains(p.Categories, f.Category) {
		bad["category"] = "must be one of " + strings.Join(p.Categories, ", ")
	}
	if !slices.Contains(Severities, f.Severity) {
		bad["severity"] = "must be one of low, normal, high, critical"
	}
	if strings.TrimSpace(f.Description) == "" {
		bad["description"] = "is required"
	}
	return bad
}
