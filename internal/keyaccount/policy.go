package keyaccount

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/salesflow/salesflow/internal/casework"
)

// Sides of the assessment: the client's position (how attractive the
// client is) and ours (how strong we are with the client).
const (
	SideClient = "client"
	SideOurs   = "ours"
)

// Sides lists the sides in the order they are shown.
var Sides = []string{SideClient, SideOurs}

// Criterion is one criterion of the assessment, scored 0..100 (percent).
type Criterion struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Side is SideClient or SideOurs.
	Side string `json:"side"`
	// Weight is the criterion's weight in its side's average (1..100).
	Weight int `json:"weight"`
}

// Policy is the key-account part of the policy document.
type Policy struct {
	Criteria []Criterion `json:"criteria"`
	// StrongThreshold is the average (percent) from which a side counts as
	// strong.
	StrongThreshold float64 `json:"strong_threshold"`
	// ReassessEvery is how long after an assessment the next one is due.
	ReassessEvery casework.Duration `json:"reassess_every"`
	// Reassessment is the reminders and grace of the re-assessment point.
	Reassessment casework.PointPolicy `json:"reassessment"`
}

// DefaultThreshold is the default StrongThreshold: the source rates each
// criterion 0–100% and reads the two averages on a square split into
// quadrants, so a side is strong from the middle of its scale.
const DefaultThreshold = 50

// DefaultPolicy returns the source's criteria, each of weight 1 (the plain
// arithmetic mean the source asks for), a threshold of 50%, a yearly
// re-assessment reminded 30 and 7 days ahead and overdue 14 days after.
func DefaultPolicy() Policy {
	c := func(id, side, text string) Criterion { return Criterion{ID: id, Text: text, Side: side, Weight: 1} }
	return Policy{
		Criteria: []Criterion{
			c("growth_rate", SideClient, "Темп роста клиента"),
			c("potential", SideClient, "Уровень развития клиента, его потенциал"),
			c("competition", SideClient, "Величина конкуренции у клиента"),
			c("profitability", SideClient, "Доходность"),
			c("need_for_us", SideClient, "Потребность в нас, как в поставщике"),
			c("strategic_importance", SideClient, "Стратегическая важность"),
			c("external_dependence", SideClient, "Зависимость от внешних факторов"),
			c("purchase_frequency", SideOurs, "Частота покупок"),
			c("client_knowledge", SideOurs, "Знание клиента"),
			c("relationship", SideOurs, "Отношения с клиентом"),
			c("contact_persons", SideOurs, "Количество контактных лиц"),
			c("prices", SideOurs, "Цены"),
			c("reputation", SideOurs, "Репутация нашей компании"),
			c("service_quality", SideOurs, "Качество дополнительных услуг"),
			c("competitive_advantages", SideOurs, "Конкурентные преимущества"),
		},
		StrongThreshold: DefaultThreshold,
		ReassessEvery:   casework.Months(12),
		Reassessment:    casework.PointPolicy{Reminders: []casework.Duration{casework.Days(30), casework.Days(7)}, Grace: casework.Days(14)},
	}
}

// Clone returns a deep copy.
func (p Policy) Clone() Policy {
	c := p
	c.Criteria = slices.Clone(p.Criteria)
	c.Reassessment.Reminders = slices.Clone(p.Reassessment.Reminders)
	return c
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Validate names every problem: criteria with unique IDs (lower-case
// letters, digits and "_"), a text, a known side and a weight of 1..100,
// at least one on each side; a threshold in (0, 100]; a positive
// re-assessment period; no negative reminder or grace.
func (p Policy) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range p.Criteria {
		switch {
		case !idPattern.MatchString(c.ID) || seen[c.ID]:
			errs = append(errs, fmt.Errorf("criteria[%d]: id must be unique, lower-case letters, digits and _", i))
		case strings.TrimSpace(c.Text) == "" || len(c.Text) > 300:
			errs = append(errs, fmt.Errorf("criteria[%d]: text must be 1..300 characters", i))
		case !slices.Contains(Sides, c.Side):
			errs = append(errs, fmt.Errorf("criteria[%d]: side must be client or ours", i))
		case c.Weight < 1 || c.Weight > 100:
			errs = append(errs, fmt.Errorf("criteria[%d]: weight must be 1..100", i))
		}
		seen[c.ID] = true
	}
	for _, side := range Sides {
		if !slices.ContainsFunc(p.Criteria, func(c Criterion) bool { return c.Side == side }) {
			errs = append(errs, fmt.Errorf("criteria: at least one criterion of side %s", side))
		}
	}
	if p.StrongThreshold <= 0 || p.StrongThreshold > 100 {
		errs = append(errs, errors.New("strong_threshold must be in (0, 100]"))
	}
	if !p.ReassessEvery.Positive() {
		errs = append(errs, errors.New("reassess_every must be positive"))
	}
	if p.Reassessment.Negative() {
		errs = append(errs, errors.New("reassessment: reminders and grace must not be negative"))
	}
	return errors.Join(errs...)
}
