package deal

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
)

// Policy holds every deadline and catalogue a deal runs with. Defaults come
// from docs/process.md; a deployment may replace them and a deal may
// override any field at creation.
type Policy struct {
	PresentationMaxAttempts int                                         `json:"presentation_max_attempts"`
	ProtocolDelay           casework.Duration                           `json:"protocol_delay"`
	OfferValidity           casework.Duration                           `json:"offer_validity"`
	CorrectionsDelay        casework.Duration                           `json:"corrections_delay"`
	InvoiceDue              casework.Duration                           `json:"invoice_due"`
	EventItemsLead          casework.Duration                           `json:"event_items_lead"`
	SurveyDelay             casework.Duration                           `json:"survey_delay"`
	ContactInterval         casework.Duration                           `json:"contact_interval"`
	FollowUpDelay           casework.Duration                           `json:"follow_up_delay"`
	Points                  map[casework.PointKind]casework.PointPolicy `json:"control_points"`
	LossReasons             []string                                    `json:"loss_reasons"`
	SurveyQuestions         []string                                    `json:"survey_questions"`
	// SurveyQuestionsByProduct replaces SurveyQuestions for deals of the
	// named products.
	SurveyQuestionsByProduct map[string][]string `json:"survey_questions_by_product,omitempty"`
	// SurveyComplaintCategories maps a survey question to the complaint
	// category of the complaint its low score opens (docs/process.md §2.6);
	// a question not listed opens one of category quality.
	SurveyComplaintCategories map[string]string `json:"survey_complaint_categories,omitempty"`
}

// The units of the defaults (docs/process.md §3): what the process states
// in business days (the rep's working time: protocol, invoice, survey) is in
// business days; what it states as calendar time (the contact interval, the
// follow-up two months after close) or promises the client as a date (the
// offer's validity) is in calendar days or months. Reminders and graces are
// business days, so a rep always gets a working day to act.
var (
	bd    = casework.BusinessDays
	days  = casework.Days
	hours = func(n int) casework.Duration { return casework.Exact(time.Duration(n) * time.Hour) }
)

// DefaultPolicy returns the process's defaults (docs/process.md §3) (a fresh copy each call).
func DefaultPolicy() Policy {
	return Policy{
		PresentationMaxAttempts: 3,
		ProtocolDelay:           bd(1),
		OfferValidity:           days(10),
		CorrectionsDelay:        bd(2),
		InvoiceDue:              bd(5),
		EventItemsLead:          bd(3),
		SurveyDelay:             bd(3),
		ContactInterval:         days(14),
		FollowUpDelay:           casework.Months(2),
		Points: map[casework.PointKind]casework.PointPolicy{
			PointProtocol:          {Reminders: []casework.Duration{hours(4)}},
			PointPresentationRetry: {Reminders: []casework.Duration{{}}, Grace: bd(1)},
			PointOfferValidity:     {Reminders: []casework.Duration{bd(3), bd(1)}},
			PointCorrections:       {Reminders: []casework.Duration{bd(1)}},
			PointPaymentDue:        {Reminders: []casework.Duration{bd(2)}},
			PointEventItems:        {Reminders: []casework.Duration{bd(1)}},
			PointEventDate:         {Reminders: []casework.Duration{bd(1)}, Grace: bd(1)},
			PointSurvey:            {Reminders: []casework.Duration{bd(1)}},
			PointContactInterval:   {Reminders: []casework.Duration{bd(2)}},
			PointFollowUp:          {Reminders: []casework.Duration{{}}, Grace: bd(3)},
		},
		LossReasons:     []string{"price", "competitor", "no_budget", "no_response", "timing", "other"},
		SurveyQuestions: []string{"quality", "speed", "payment_convenience"},
		SurveyComplaintCategories: map[string]string{
			"quality": "quality", "speed": "timing", "payment_convenience": "billing",
		},
	}
}

// Legacy is the policy as it was meant before durations carried units,
// when every whole number of days counted business days
// (casework.Duration.Legacy): how a policy document saved then is read.
func (p Policy) Legacy() Policy {
	c := p.Clone()
	for _, d := range []*casework.Duration{&c.ProtocolDelay, &c.OfferValidity, &c.CorrectionsDelay, &c.InvoiceDue,
		&c.EventItemsLead, &c.SurveyDelay, &c.ContactInterval, &c.FollowUpDelay} {
		*d = d.Legacy()
	}
	casework.LegacyPoints(c.Points)
	return c
}

// Clone returns a deep copy, so a merge never changes the original.
func (p Policy) Clone() Policy {
	c := p
	c.Points = casework.ClonePoints(p.Points)
	c.LossReasons = slices.Clone(p.LossReasons)
	c.SurveyQuestions = slices.Clone(p.SurveyQuestions)
	c.SurveyQuestionsByProduct = casework.CloneMap(p.SurveyQuestionsByProduct)
	c.SurveyComplaintCategories = maps.Clone(p.SurveyComplaintCategories)
	return c
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
		d    casework.Duration
	}{
		{"protocol_delay", p.ProtocolDelay}, {"offer_validity", p.OfferValidity},
		{"corrections_delay", p.CorrectionsDelay}, {"invoice_due", p.InvoiceDue},
		{"event_items_lead", p.EventItemsLead}, {"survey_delay", p.SurveyDelay},
		{"contact_interval", p.ContactInterval}, {"follow_up_delay", p.FollowUpDelay},
	} {
		if !f.d.Positive() {
			errs = append(errs, fmt.Errorf("%s must be positive", f.name))
		}
	}
	errs = append(errs, casework.CheckPoints(p.Points, PointKinds))
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
	for q := range p.SurveyComplaintCategories {
		if !p.asks(q) {
			errs = append(errs, fmt.Errorf("survey_complaint_categories.%s: not a survey question", q))
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

// asks reports whether q is a question of any questionnaire of the policy.
func (p Policy) asks(q string) bool {
	if slices.Contains(p.SurveyQuestions, q) {
		return true
	}
	for _, qs := range p.SurveyQuestionsByProduct {
		if slices.Contains(qs, q) {
			return true
		}
	}
	return false
}

// ComplaintCategory is the category of the complaint a low score of the
// question opens: the policy's mapping, else quality.
func (p Policy) ComplaintCategory(question string) string {
	if c, ok := p.SurveyComplaintCategories[question]; ok {
		return c
	}
	return "quality"
}

// Point returns the settings of one control point kind.
func (p Policy) Point(k casework.PointKind) casework.PointPolicy { return p.Points[k] }
