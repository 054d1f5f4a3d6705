package policy

import (
	"errors"
	"slices"
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/satisfaction"
)

// Satisfaction is the policy of the yearly satisfaction survey
// (docs/satisfaction.md): how often every client with a settlement is
// surveyed per product, how early the next survey starts, when its answers
// are due and whether the daily sweep starts surveys at all. Versions saved
// before it read the defaults.
type Satisfaction struct {
	// Interval is how often a client is surveyed per product, and the
	// window of the settlements that make a client due (default 12 months).
	Interval casework.Duration `json:"interval"`
	// LeadTime is how long before the interval has passed since the last
	// survey the next one starts (default 30 days).
	LeadTime casework.Duration `json:"lead_time"`
	// SurveyDue is how long after opening a survey's answers are due
	// (default 14 days).
	SurveyDue casework.Duration `json:"survey_due"`
	// Point holds the reminders and grace of the survey's control point.
	Point casework.PointPolicy `json:"control_point"`
	// ScheduleEnabled lets the daily sweep start surveys (default true).
	ScheduleEnabled bool `json:"schedule_enabled"`
}

// DefaultSatisfaction returns the defaults (a fresh copy each call).
func DefaultSatisfaction() Satisfaction {
	return Satisfaction{
		Interval:        casework.Months(12),
		LeadTime:        casework.Days(30),
		SurveyDue:       casework.Days(14),
		Point:           casework.PointPolicy{Reminders: []casework.Duration{casework.BusinessDays(3), casework.BusinessDays(1)}},
		ScheduleEnabled: true,
	}
}

// Clone returns a deep copy.
func (s Satisfaction) Clone() Satisfaction {
	s.Point.Reminders = slices.Clone(s.Point.Reminders)
	return s
}

// Validate checks that the interval, lead time and due time are usable:
// a positive interval longer than the lead time, a positive due time and no
// negative reminder or grace.
func (s Satisfaction) Validate() error {
	var errs []error
	if !s.Interval.Positive() {
		errs = append(errs, errors.New("interval must be positive"))
	}
	if s.LeadTime.Negative() || s.LeadTime.Span() >= s.Interval.Span() {
		errs = append(errs, errors.New("lead_time must be zero or more and shorter than interval"))
	}
	if !s.SurveyDue.Positive() {
		errs = append(errs, errors.New("survey_due must be positive"))
	}
	if s.Point.Negative() {
		errs = append(errs, errors.New("control_point: durations must not be negative"))
	}
	return errors.Join(errs...)
}

// Windows are the starts of the two windows of a sweep or a report as of
// asOf on cal: settlements count from paidSince (one interval back), and a
// survey from surveyedSince (the interval less the lead time back) makes a
// new one unnecessary.
func (s Satisfaction) Windows(asOf time.Time, cal calendar.Calendar) (paidSince, surveyedSince time.Time) {
	paidSince = s.Interval.Neg().AddTo(asOf, cal)
	return paidSince, s.LeadTime.AddTo(paidSince, cal)
}

// SurveyParams are the parameters of a yearly survey of the client's
// product owned by owner under the document: the product's questionnaire
// and complaint categories of the deal policy (the end-of-deal survey's),
// the satisfaction policy's due time and control point, the complaint
// policy, the version and the calendar. The caller sets the ID and who
// opens it.
func (d Document) SurveyParams(clientID, product, owner string) satisfaction.Params {
	return satisfaction.Params{
		ClientID: clientID, Product: product, Owner: owner,
		Questions: d.Deal.Questions(product), Categories: d.Deal.SurveyComplaintCategories,
		Due: d.Satisfaction.SurveyDue, Point: d.Satisfaction.Point,
		Complaint: d.Complaint, PolicyVersion: d.Version, Calendar: d.Calendar,
	}
}
