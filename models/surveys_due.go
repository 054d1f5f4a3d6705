package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SurveyPair is a client's product: what one yearly survey asks about.
type SurveyPair struct {
	ClientID string
	Product  string
}

// DuePair is a client's product due a yearly survey, with the owner of the
// client's latest paid deal of the product (the survey's owner).
type DuePair struct {
	SurveyPair
	Owner string
}

// SurveyWindow is what makes a client's product due a survey as of AsOf: a
// payment in [PaidSince, AsOf) and no survey since SurveyedSince (a yearly
// survey opened then or still open, or a deal's end-of-deal survey).
type SurveyWindow struct {
	AsOf, PaidSince, SurveyedSince time.Time
}

// DueSurveys returns the client products due a survey among the next
// limit clients (by ID) after the client after that paid in the window,
// and the cursor of the next page ("" after the last). Each page is three
// indexed queries, so any number of clients is swept a page at a time.
func DueSurveys(ctx context.Context, db *gorm.DB, w SurveyWindow, after string, limit int) ([]DuePair, string, error) {
	db = db.WithContext(ctx)
	var clients []string
	err := db.Model(&Payment{}).Distinct("client_id").
		Where("amount > 0 AND at >= ? AND at < ? AND client_id > ?", w.PaidSince.UTC(), w.AsOf.UTC(), after).
		Order("client_id").Limit(limit).Pluck("client_id", &clients).Error
	if err != nil || len(clients) == 0 {
		return nil, "", wrapDue("paying clients", err)
	}
	next := ""
	if len(clients) == limit {
		next = clients[len(clients)-1]
	}
	paid, err := paidPairs(db, clients, w.PaidSince, w.AsOf, nil)
	if err != nil {
		return nil, "", err
	}
	surveyed, err := surveyedPairs(db, clients, w.SurveyedSince, w.AsOf, true)
	if err != nil {
		return nil, "", err
	}
	var due []DuePair
	for _, p := range paid {
		if !surveyed[p.SurveyPair] {
			due = append(due, p)
		}
	}
	return due, next, nil
}

func wrapDue(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("due surveys: %s: %w", what, err)
}

// paidPairs returns the client products with a payment in [since, to) of
// the clients (nil: every client) within scope (nil: any owner), each
// with the owner of its latest payment's deal, in client and product
// order.
func paidPairs(db *gorm.DB, clients []string, since, to time.Time, scope *Scope) ([]DuePair, error) {
	q := db.Table("payments AS p").Joins("JOIN deals d ON d.id = p.deal_id").
		Select("d.client_id, d.product, d.owner").
		Where("p.amount > 0 AND p.at >= ? AND p.at < ? AND d.product <> ''", since.UTC(), to.UTC())
	if clients != nil {
		q = q.Where("p.client_id IN ?", clients)
	}
	if scope != nil {
		q = scope.restrict(q, "d.owner")
	}
	var rows []DuePair
	if err := q.Order("d.client_id, d.product, p.at, p.deal_id").Scan(&rows).Error; err != nil {
		return nil, wrapDue("paid products", err)
	}
	var out []DuePair
	for _, r := range rows { // the latest payment's owner wins
		if n := len(out); n > 0 && out[n-1].SurveyPair == r.SurveyPair {
			out[n-1].Owner = r.Owner
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// surveyedPairs returns the client products of the clients (nil: any)
// surveyed in [since, to): a yearly survey recorded then (with open, also
// one opened then or still open, and one declined then), or a deal's
// end-of-deal survey submitted then.
func surveyedPairs(db *gorm.DB, clients []string, since, to time.Time, open bool) (map[SurveyPair]bool, error) {
	yearly := db.Model(&Survey{}).Select("client_id, product")
	if open {
		yearly = yearly.Where("((opened_at >= ? AND opened_at < ?) OR status = 'open')", since.UTC(), to.UTC())
	} else {
		yearly = yearly.Where("status = 'recorded' AND recorded_at >= ? AND recorded_at < ?", since.UTC(), to.UTC())
	}
	deals := db.Table("deal_events AS e").Joins("JOIN deals d ON d.id = e.deal_id").
		Select("d.client_id, d.product").Where("e.type = 'submit_survey' AND e.at >= ? AND e.at < ?", since.UTC(), to.UTC())
	if clients != nil {
		yearly, deals = yearly.Where("client_id IN ?", clients), deals.Where("d.client_id IN ?", clients)
	}
	out := map[SurveyPair]bool{}
	for _, q := range []*gorm.DB{yearly, deals} {
		var rows []SurveyPair
		if err := q.Scan(&rows).Error; err != nil {
			return nil, wrapDue("surveyed products", err)
		}
		for _, r := range rows {
			out[r] = true
		}
	}
	return out, nil
}

// ProductScore is one answer of a survey: the product asked about, the
// question and its score 1..5.
type ProductScore struct {
	Product  string
	Question string
	Score    int
}

// SatisfactionFacts are the read model's facts behind the satisfaction
// report of a window: the client products paid in it within scope (by the
// deal's owner), those of them surveyed in it (a recorded yearly survey or
// an end-of-deal survey), and every score given in it within scope.
type SatisfactionFacts struct {
	Paid     []DuePair
	Surveyed map[SurveyPair]bool
	Scores   []ProductScore
}

// Satisfaction reads the facts of the satisfaction report of [since, to)
// within scope.
func Satisfaction(ctx context.Context, db *gorm.DB, scope Scope, since, to time.Time) (SatisfactionFacts, error) {
	db = db.WithContext(ctx)
	var f SatisfactionFacts
	var err error
	if f.Paid, err = paidPairs(db, nil, since, to, &scope); err != nil {
		return f, err
	}
	if f.Surveyed, err = surveyedPairs(db, nil, since, to, false); err != nil {
		return f, err
	}
	yearly := scope.restrict(db.Table("survey_scores AS sc").Joins("JOIN surveys s ON s.id = sc.survey_id").
		Select("sc.product, sc.question, sc.score").
		Where("sc.recorded_at >= ? AND sc.recorded_at < ?", since.UTC(), to.UTC()), "s.owner")
	if err := yearly.Order("sc.product, sc.question").Scan(&f.Scores).Error; err != nil {
		return f, wrapDue("yearly scores", err)
	}
	deals, err := dealSurveyScores(db, scope, since, to)
	f.Scores = append(f.Scores, deals...)
	return f, err
}

// dealSurveyScores are the scores of the end-of-deal surveys submitted in
// [since, to) on deals within scope, read from their submit_survey events.
func dealSurveyScores(db *gorm.DB, scope Scope, since, to time.Time) ([]ProductScore, error) {
	var rows []struct{ Product, Data string }
	q := scope.restrict(db.Table("deal_events AS e").Joins("JOIN deals d ON d.id = e.deal_id").
		Select("d.product, e.data").Where("e.type = 'submit_survey' AND e.at >= ? AND e.at < ?", since.UTC(), to.UTC()), "d.owner")
	if err := q.Scan(&rows).Error; err != nil {
		return nil, wrapDue("deal survey scores", err)
	}
	var out []ProductScore
	for _, r := range rows {
		var in struct {
			Scores map[string]int `json:"scores"`
		}
		if json.Unmarshal([]byte(r.Data), &in) != nil {
			continue // not a survey's input: nothing to count
		}
		for q, s := range in.Scores {
			out = append(out, ProductScore{Product: r.Product, Question: q, Score: s})
		}
	}
	return out, nil
}
