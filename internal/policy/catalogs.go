package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

// Catalogs are the lists input must come from (docs/process.md §1): the
// client segments, the products deals sell and the channels a contact or a
// complaint comes by. An admin edits them with the rest of the document.
type Catalogs struct {
	Segments        []string `json:"segments"`
	Products        []string `json:"products"`
	ContactChannels []string `json:"contact_channels"`
}

// DefaultCatalogs returns the catalogues of a new deployment (a fresh copy
// each call): the segments and products of the demo data, and the channels
// complaints have always taken.
func DefaultCatalogs() Catalogs {
	return Catalogs{
		Segments:        []string{"corporate", "smb", "government", "agency"},
		Products:        []string{"events", "training", "consulting", "catering", "travel"},
		ContactChannels: slices.Clone(complaint.Channels),
	}
}

// Clone returns a deep copy.
func (c Catalogs) Clone() Catalogs {
	return Catalogs{Segments: slices.Clone(c.Segments), Products: slices.Clone(c.Products), ContactChannels: slices.Clone(c.ContactChannels)}
}

// Validate checks that every catalogue lists unique, non-empty values and
// that the contact channels hold survey, the channel of complaints a
// survey opens.
func (c Catalogs) Validate() error {
	var errs []error
	for _, f := range []struct {
		name   string
		values []string
	}{{"segments", c.Segments}, {"products", c.Products}, {"contact_channels", c.ContactChannels}} {
		if len(f.values) == 0 {
			errs = append(errs, fmt.Errorf("%s must not be empty", f.name))
		}
		for i, v := range f.values {
			if strings.TrimSpace(v) == "" || slices.Index(f.values, v) != i {
				errs = append(errs, fmt.Errorf("%s must be unique and non-empty", f.name))
				break
			}
		}
	}
	if !slices.Contains(c.ContactChannels, complaint.ChannelSurvey) {
		errs = append(errs, fmt.Errorf("contact_channels must contain %q", complaint.ChannelSurvey))
	}
	return errors.Join(errs...)
}

// CheckDeal reports what a deal policy names that the rest of the document
// does not know: a survey question's complaint category that is not a
// complaint category, and survey questions of a product that is not in the
// catalogue.
func CheckDeal(p deal.Policy, cats Catalogs, c complaint.Policy) error {
	var errs []error
	for _, q := range sortedKeys(p.SurveyComplaintCategories) {
		if cat := p.SurveyComplaintCategories[q]; !slices.Contains(c.Categories, cat) {
			errs = append(errs, fmt.Errorf("survey_complaint_categories.%s: %q is not a complaint category (%s)", q, cat, strings.Join(c.Categories, ", ")))
		}
	}
	for _, product := range sortedKeys(p.SurveyQuestionsByProduct) {
		if !slices.Contains(cats.Products, product) {
			errs = append(errs, fmt.Errorf("survey_questions_by_product.%s: not a product of the catalogue (%s)", product, strings.Join(cats.Products, ", ")))
		}
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
