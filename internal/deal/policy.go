package deal

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes JSON as text such as
// "72h", "3d", "1d12h" or "90s" (a leading whole number of days is allowed).
type Duration time.Duration

// ParseDuration reads "3d", "1d12h", "90m" and other time.ParseDuration text.
func ParseDuration(s string) (Duration, error) {
	var days int64
	if d, rest, ok := strings.Cut(s, "d"); ok && d != "" && !strings.ContainsAny(d, ".hmsun") {
		n, err := strconv.ParseInt(d, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		days, s = n, rest
	}
	var rest time.Duration
	if s != "" {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
	}
	return Duration(time.Duration(days)*24*time.Hour + rest), nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String writes whole days as "Nd" and anything else as time.Duration does.
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", td/(24*time.Hour))
	}
	s := td.String() // "4h0m0s" reads better as "4h"
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads the duration from text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"3d\" or \"90s\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// PointPolicy says when a kind of control point reminds and escalates:
// a reminder goes to the owner at each offset before the due time (an offset
// of 0 reminds at the due time itself), and the point turns overdue, with an
// escalation to the owner's manager, Grace after the due time.
type PointPolicy struct {
	Reminders []Duration `json:"reminders"`
	Grace     Duration   `json:"grace"`
}

// Policy holds every deadline and catalogue a deal runs with. Defaults come
// from the spec; a deployment may replace them and a deal may override any
// field at creation.
type Policy struct {
	PresentationMaxAttempts int                       `json:"presentation_max_attempts"`
	ProtocolDelay           Duration                  `json:"protocol_delay"`
	OfferValidity           Duration                  `json:"offer_validity"`
	CorrectionsDelay        Duration                  `json:"corrections_delay"`
	InvoiceDue              Duration                  `json:"invoice_due"`
	EventItemsLead          Duration                  `json:"event_items_lead"`
	SurveyDelay             Duration                  `json:"survey_delay"`
	ContactInterval         Duration                  `json:"contact_interval"`
	FollowUpDelay           Duration                  `json:"follow_up_delay"`
	Points                  map[PointKind]PointPolicy `json:"control_points"`
	LossReasons             []string                  `json:"loss_reasons"`
	SurveyQuestions         []string                  `json:"survey_questions"`
	// SurveyQuestionsByProduct replaces SurveyQuestions for deals of the
	// named products.
	SurveyQuestionsByProduct map[string][]string `json:"survey_questions_by_product,omitempty"`
}

const day = Duration(24 * time.Hour)

// DefaultPolicy returns the spec's defaults (a fresh copy each call).
func DefaultPolicy() Policy {
	return Policy{
		PresentationMaxAttempts: 3,
		ProtocolDelay:           1 * day,
		OfferValidity:           10 * day,
		CorrectionsDelay:        2 * day,
		InvoiceDue:              5 * day,
		EventItemsLead:          3 * day,
		SurveyDelay:             3 * day,
		ContactInterval:         14 * day,
		FollowUpDelay:           60 * day,
		Points: map[PointKind]PointPolicy{
			PointProtocol:          {Reminders: []Duration{Duration(4 * time.Hour)}},
			PointPresentationRetry: {Reminders: []Duration{0}, Grace: 1 * day},
			PointOfferValidity:     {Reminders: []Duration{3 * day, 1 * day}},
			PointCorrections:       {Reminders: []Duration{1 * day}},
			PointPaymentDue:        {Reminders: []Duration{2 * day}},
			PointEventItems:        {Reminders: []Duration{1 * day}},
			PointEventDate:         {Reminders: []Duration{1 * day}},
			PointSurvey:            {Reminders: []Duration{1 * day}},
			PointContactInterval:   {Reminders: []Duration{2 * day}},
			PointFollowUp:          {Reminders: []Duration{0}, Grace: 3 * day},
		},
		LossReasons:     []string{"price", "competitor", "no_budget", "no_response", "timing", "other"},
		SurveyQuestions: []string{"quality", "speed", "payment_convenience"},
	}
}

// Clone returns a deep copy, so a merge never changes the original.
func (p Policy) Clone() Policy {
	c := p
	c.Points = make(map[PointKind]PointPolicy, len(p.Points))
	for k, v := range p.Points {
		v.Reminders = slices.Clone(v.Reminders)
		c.Points[k] = v
	}
	c.LossReasons = slices.Clone(p.LossReasons)
	c.SurveyQuestions = slices.Clone(p.SurveyQuestions)
	if p.SurveyQuestionsByProduct != nil {
		c.SurveyQuestionsByProduct = make(map[string][]string, len(p.SurveyQuestionsByProduct))
		for k, v := range p.SurveyQuestionsByProduct {
			c.SurveyQuestionsByProduct[k] = slices.Clone(v)
		}
	}
	return c
}

// Merge applies a JSON override (any subset of the policy's fields; a
// control point kind given replaces that kind's settings) on a copy of p.
func (p Policy) Merge(override json.RawMessage) (Policy, error) { return MergeJSON(p, override) }

// MergeJSON decodes a JSON override — any subset of the fields, unknown
// fields refused — over a deep copy of p and validates the result. Deal and
// complaint policies both merge this way.
func MergeJSON[P interface {
	Clone() P
	Validate() error
}](p P, override json.RawMessage) (P, error) {
	c := p.Clone()
	if len(override) == 0 || string(override) == "null" {
		return c, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(override)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return p, fmt.Errorf("policy: %w", err)
	}
	return c, c.Validate()
}

// Validate checks that every duration is non-negative and the catalogues are
// usable.
func (p Policy) Validate() error {
	var errs []error
	if p.PresentationMaxAttempts < 1 {
		errs = append(errs, errors.New("presentation_max_attempts must be at least 1"))
	}
	for _, f := range []struct {
		name string
		d    Duration
	}{
		{"protocol_delay", p.ProtocolDelay}, {"offer_validity", p.OfferValidity},
		{"corrections_delay", p.CorrectionsDelay}, {"invoice_due", p.InvoiceDue},
		{"event_items_lead", p.EventItemsLead}, {"survey_delay", p.SurveyDelay},
		{"contact_interval", p.ContactInterval}, {"follow_up_delay", p.FollowUpDelay},
	} {
		if f.d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive", f.name))
		}
	}
	for _, k := range PointKinds {
		pp, ok := p.Points[k]
		if !ok {
			errs = append(errs, fmt.Errorf("control_points.%s is missing", k))
			continue
		}
		if pp.Grace < 0 || slices.ContainsFunc(pp.Reminders, func(d Duration) bool { return d < 0 }) {
			errs = append(errs, fmt.Errorf("control_points.%s: durations must not be negative", k))
		}
	}
	if !slices.Contains(p.LossReasons, "other") {
		errs = append(errs, errors.New(`loss_reasons must contain "other"`))
	}
	if len(p.SurveyQuestions) == 0 {
		errs = append(errs, errors.New("survey_questions must not be empty"))
	}
	for product, q := range p.SurveyQuestionsByProduct {
		if len(q) == 0 {
			errs = append(errs, fmt.Errorf("survey_questions_by_product.%s must not be empty", product))
		}
	}
	return errors.Join(errs...)
}

// Questions returns the survey questions for a deal of the product.
func (p Policy) Questions(product string) []string {
	if q, ok := p.SurveyQuestionsByProduct[product]; ok {
		return q
	}
	return p.SurveyQuestions
}

// Point returns the settings of one control point kind.
func (p Policy) Point(k PointKind) PointPolicy { return p.Points[k] }
