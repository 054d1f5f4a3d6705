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

const (
	hour = casework.Duration(time.Hour)
	day  = 24 * hour
)

// DefaultPolicy returns the defaults (a fresh copy each call): the client is
// acknowledged within a day (4 hours when critical), and a complaint of the
// same client and category within 90 days is a recurrence.
func DefaultPolicy() Policy {
	return Policy{
		Categories: []string{"quality", "timing", "billing", "staff", "documents", "other"},
		Deadlines: map[Severity]Deadlines{
			SeverityLow:      {Acknowledge: day, Investigate: 10 * day, Resolve: 10 * day, Confirm: 5 * day, Correct: 30 * day},
			SeverityNormal:   {Acknowledge: day, Investigate: 5 * day, Resolve: 5 * day, Confirm: 5 * day, Correct: 30 * day},
			SeverityHigh:     {Acknowledge: day, Investigate: 3 * day, Resolve: 3 * day, Confirm: 3 * day, Correct: 14 * day},
			SeverityCritical: {Acknowledge: 4 * hour, Investigate: day, Resolve: 2 * day, Confirm: 2 * day, Correct: 7 * day},
		},
		Points: map[casework.PointKind]casework.PointPolicy{
			PointAcknowledge:      {Reminders: []casework.Duration{2 * hour}},
			PointInvestigate:      {Reminders: []casework.Duration{day}},
			PointResolve:          {Reminders: []casework.Duration{day}},
			PointConfirm:          {Reminders: []casework.Duration{day}},
			PointCorrect:          {Reminders: []casework.Duration{2 * day}},
			PointCorrectiveAction: {Reminders: []casework.Duration{day}},
		},
		RecurrenceWindow: 90 * day,
	}
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
		if !ok || d.Acknowledge <= 0 || d.Investigate <= 0 || d.Resolve <= 0 || d.Confirm <= 0 || d.Correct <= 0 {
			errs = append(errs, fmt.Errorf("deadlines.%s: every step needs a positive deadline", s))
		}
	}
	errs = append(errs, casework.CheckPoints(p.Points, PointKinds))
	if p.RecurrenceWindow < 0 {
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
