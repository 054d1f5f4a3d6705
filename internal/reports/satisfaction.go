package reports

import (
	"context"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// SatisfactionReport is the yearly satisfaction report as of AsOf over the
// window [From, AsOf) (the policy's interval, 12 months by default): how
// many clients who paid in the window were surveyed in it, overall and per
// product, and the scores given in it (docs/satisfaction.md).
type SatisfactionReport struct {
	From time.Time `json:"from"`
	AsOf time.Time `json:"as_of"`
	Coverage
	// Products has one row per product paid in the window, by name.
	Products []ProductSatisfaction `json:"products"`
	// Questions has one row per question scored in the window, by name,
	// over every product.
	Questions []Scores `json:"questions"`
}

// Coverage is the clients with a settlement in the window (Clients), those
// of them surveyed in it (Surveyed) and their share in percent, one
// decimal (nil when no client paid).
type Coverage struct {
	Clients         int      `json:"clients"`
	Surveyed        int      `json:"surveyed"`
	CoveragePercent *float64 `json:"coverage_percent"`
}

// Scores are the answers to one question.
type Scores struct {
	Question string `json:"question,omitempty"`
	Tally
}

// Tally counts answers (to one question or every question of a product):
// how many, their mean (two decimals, nil when none) and how many were 3
// or below — the scores that open a complaint.
type Tally struct {
	Answers   int      `json:"answers"`
	Average   *float64 `json:"average"`
	LowScores int      `json:"low_scores"`
	sum       int
}

// ProductSatisfaction is one product's coverage (clients who paid for it,
// surveyed about it) and scores, in total and per question.
type ProductSatisfaction struct {
	Product string `json:"product"`
	Coverage
	Tally
	Questions []Scores `json:"questions"`
}

// Satisfaction reads the satisfaction report of [from, asOf) within scope.
func Satisfaction(ctx context.Context, db *gorm.DB, scope models.Scope, from, asOf time.Time) (*SatisfactionReport, error) {
	facts, err := models.Satisfaction(ctx, db, scope, from, asOf)
	if err != nil {
		return nil, err
	}
	r := BuildSatisfaction(facts)
	r.From, r.AsOf = from.UTC(), asOf.UTC()
	return r, nil
}

// BuildSatisfaction computes the report from its facts: a client counts
// as surveyed overall when any product it paid for was surveyed, and per
// product when that product was.
func BuildSatisfaction(f models.SatisfactionFacts) *SatisfactionReport {
	r := &SatisfactionReport{Products: []ProductSatisfaction{}, Questions: []Scores{}}
	clients := map[string]bool{} // paid → surveyed about anything
	products := map[string]*ProductSatisfaction{}
	for _, p := range f.Paid {
		ps := productRow(products, p.Product)
		ps.Clients++
		surveyed := f.Surveyed[p.SurveyPair]
		if surveyed {
			ps.Surveyed++
		}
		clients[p.ClientID] = clients[p.ClientID] || surveyed
	}
	for _, surveyed := range clients {
		r.Clients++
		if surveyed {
			r.Surveyed++
		}
	}
	r.CoveragePercent = models.Percent(r.Surveyed, r.Clients)
	questions := map[string]*Scores{}
	for _, s := range f.Scores {
		ps := productRow(products, s.Product)
		ps.add(s.Score)
		questionRow(ps, s.Question).add(s.Score)
		q := questions[s.Question]
		if q == nil {
			q = &Scores{Question: s.Question}
			questions[s.Question] = q
		}
		q.add(s.Score)
	}
	for _, name := range slices.Sorted(maps.Keys(products)) {
		ps := products[name]
		ps.CoveragePercent = models.Percent(ps.Surveyed, ps.Clients)
		ps.finish()
		for i := range ps.Questions {
			ps.Questions[i].finish()
		}
		r.Products = append(r.Products, *ps)
	}
	for _, name := range slices.Sorted(maps.Keys(questions)) {
		questions[name].finish()
		r.Questions = append(r.Questions, *questions[name])
	}
	return r
}

func productRow(m map[string]*ProductSatisfaction, product string) *ProductSatisfaction {
	ps := m[product]
	if ps == nil {
		ps = &ProductSatisfaction{Product: product, Questions: []Scores{}}
		m[product] = ps
	}
	return ps
}

// questionRow is the product's row of the question, kept in question
// order.
func questionRow(ps *ProductSatisfaction, question string) *Scores {
	i, found := slices.BinarySearchFunc(ps.Questions, question, func(s Scores, q string) int {
		return strings.Compare(s.Question, q)
	})
	if !found {
		ps.Questions = slices.Insert(ps.Questions, i, Scores{Question: question})
	}
	return &ps.Questions[i]
}

func (s *Tally) add(score int) {
	s.Answers++
	s.sum += score
	if score <= 3 {
		s.LowScores++
	}
}

// finish sets the mean, rounded to two decimals.
func (s *Tally) finish() {
	if s.Answers > 0 {
		avg := math.Round(float64(s.sum)*100/float64(s.Answers)) / 100
		s.Average = &avg
	}
}

// Table is the report as CSV rows: the total, then one row per product.
func (r *SatisfactionReport) Table() Table {
	t := Table{Header: []string{"product", "clients", "surveyed", "coverage_percent", "answers", "average", "low_scores"}}
	t.Rows = append(t.Rows, []string{"", cellInt(r.Clients), cellInt(r.Surveyed), cellPercent(r.CoveragePercent), "", "", ""})
	for _, p := range r.Products {
		t.Rows = append(t.Rows, []string{p.Product, cellInt(p.Clients), cellInt(p.Surveyed), cellPercent(p.CoveragePercent),
			cellInt(p.Answers), cellAverage(p.Average), cellInt(p.LowScores)})
	}
	return t
}
