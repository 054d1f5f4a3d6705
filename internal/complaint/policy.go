package complaint

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

// Control point kinds of the complaint procedure: one per step, and one per
// corrective action.
const (
	PointAcknowledge      deal.PointKind = "complaint_acknowledge"
	PointInvestigate      deal.PointKind = "complaint_investigate"
	PointResolve          deal.PointKind = "complaint_resolve"
	PointConfirm          deal.PointKind = "complaint_confirm"
	PointCorrect          deal.PointKind = "complaint_correct"
	PointCorrectiveAction deal.PointKind = "corrective_action"
)

// PointKinds lists the complaint control point kinds.
var PointKinds = []deal.PointKind{PointAcknowledge, PointInvestigate, PointResolve, PointConfirm, PointCorrect, PointCorrectiveAction}

// Deadlines are how long each step may take, counted from the step's start.
type Deadlines struct {
	Acknowledge deal.Duration `json:"acknowledge"`
	Investigate deal.Duration `json:"investigate"`
	Resolve     deal.Duration `json:"resolve"`
	Confirm     deal.Duration `json:"confirm"`
	Correct     deal.Duration `json:"correct"`
}

// Policy holds the complaint catalogue and deadlines. Defaults follow the
// spec; a deployment may replace them and a complaint may override any
// field at registration.
type Policy struct {
	Categories       []string                            `json:"categories"`
	Deadlines        map[Severity]Deadlines              `json:"deadlines"`
	Points           map[deal.PointKind]deal.PointPolicy `json:"control_points"`
	RecurrenceWindow deal.Duration                       `json:"recurrence_window"`
}

const (
	hour = deal.Duration(time.Hour)
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
		Points: map[deal.PointKind]deal.PointPolicy{
			PointAcknowledge:      {Reminders: []deal.Duration{2 * hour}},
			PointInvestigate:      {Reminders: []deal.Duration{day}},
			PointResolve:          {Reminders: []deal.Duration{day}},
			PointConfirm:          {Reminders: []deal.Duration{day}},
			PointCorrect:          {Reminders: []deal.Duration{2 * day}},
			PointCorrectiveAction: {Reminders: []deal.Duration{day}},
		},
		RecurrenceWindow: 90 * day,
	}
}

// Clone returns a deep copy, so a merge never changes the original.
func (p Policy) Clone() Policy {
	c := p
	c.Categories = slices.Clone(p.Categories)
	c.Deadlines = make(map[Severity]Deadlines, len(p.Deadlines))
	for k, v := range p.Deadlines {
		c.Deadlines[k] = v
	}
	c.Points = make(map[deal.PointKind]deal.PointPolicy, len(p.Points))
	for k, v := range p.Points {
		v.Reminders = slices.Clone(v.Reminders)
		c.Points[k] = v
	}
	return c
}

// Merge applies a JSON override (any subset of the fields; a severity or a
// control point kind given replaces its settings) on a copy of p.
func (p Policy) Merge(override json.RawMessage) (Policy, error) { return deal.MergeJSON(p, override) }

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
	for _, k := range PointKinds {
		pp, ok := p.Points[k]
		if !ok {
			errs = append(errs, fmt.Errorf("control_points.%s is missing", k))
			continue
		}
		if pp.Grace < 0 || slices.ContainsFunc(pp.Reminders, func(d deal.Duration) bool { return d < 0 }) {
			errs = append(errs, fmt.Errorf("control_points.%s: durations must not be negative", k))
		}
	}
	if p.RecurrenceWindow < 0 {
		errs = append(errs, errors.New("recurrence_window must not be negative"))
	}
	return errors.Join(errs...)
}

// Point returns the settings of one control point kind.
func (p Policy) Point(k deal.PointKind) deal.PointPolicy { return p.Points[k] }

// Check validates a registration form against the policy, naming each
// failing field.
func (p Policy) Check(f Form) map[string]string {
	bad := map[string]string{}
	if strings.TrimSpace(f.ClientID) == "" {
		bad["client_id"] = "is required"
	}
	if !slices.Contains(Channels, f.Channel) {
		bad["channel"] = "must be one of " + strings.Join(Channels, ", ")
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
