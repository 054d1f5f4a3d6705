// Package qualification is prospect qualification: a questionnaire whose
// every question is scored 0–10 (the company's view of the prospect), the
// policy that holds the questions and the thresholds of the bands, and the
// one pure function that turns answers into a total and a band
// (docs/qualification.md).
package qualification

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxScore is the highest score of one answer; the lowest is 0.
const MaxScore = 10

// Bands, from the best down.
const (
	BandExcellent = "excellent"
	BandWorkable  = "workable"
	BandDoubtful  = "doubtful"
	BandRefuse    = "refuse"
)

// Bands lists the bands, from the best down.
var Bands = []string{BandExcellent, BandWorkable, BandDoubtful, BandRefuse}

// Question is one question of the questionnaire: its stable ID (the key
// of an answer), its English text and, when given, its Russian text.
type Question struct {
	ID     string `json:"id" maxlen:"32"`
	Text   string `json:"text" maxlen:"500"`
	TextRU string `json:"text_ru,omitempty" maxlen:"500"`
}

// Thresholds are the lowest totals of the bands: a total of at least
// Excellent is excellent, of at least Workable workable, of at least
// Doubtful doubtful, any lower total is refuse.
type Thresholds struct {
	Excellent int `json:"excellent"`
	Workable  int `json:"workable"`
	Doubtful  int `json:"doubtful"`
}

// Policy is the qualification part of the policy document.
type Policy struct {
	// Questions are asked in order; each is answered 0..MaxScore.
	Questions []Question `json:"questions"`
	// Thresholds divide the totals into bands.
	Thresholds Thresholds `json:"thresholds"`
	// RefuseNeedsApproval makes opening a deal for a client whose latest
	// qualification is refuse wait for a manager's approval.
	RefuseNeedsApproval bool `json:"refuse_needs_approval"`
}

// DefaultPolicy returns the questionnaire of the source (12 questions,
// at most 120 points: 100 and more excellent, 80 workable, below 60 better
// refused) as a fresh copy.
func DefaultPolicy() Policy {
	return Policy{
		Questions: []Question{
			{"q01", "Is the client really interested in working with us?", "Действительно ли клиент заинтересован в работе с нами?"},
			{"q02", "Does the client trust our professional skills?", "Доверяет ли клиент нашей профессиональной квалификации?"},
			{"q03", "How much is working with us worth to the client?", "Насколько ценно для клиента сотрудничество с нами?"},
			{"q04", "What does working with the client bring our company?", "Что даёт нашей компании работа с этим клиентом?"},
			{"q05", "How likely is the deal to succeed?", "Насколько вероятен успех сделки?"},
			{"q06", "Do the client's expectations match what we can do?", "Совпадают ли ожидания клиента с нашими возможностями?"},
			{"q07", "Is the client organised in talking and writing to us?", "Организован ли клиент в общении — устном и письменном?"},
			{"q08", "Do we have the resources, time included, to keep our commitments?", "Хватит ли нам ресурсов, в том числе времени, чтобы выполнить обязательства?"},
			{"q09", "Does the client know how the work should be done?", "Понимает ли клиент, как должна быть выполнена поручаемая работа?"},
			{"q10", "Do we see the goals of the joint project the same way?", "Одинаково ли мы видим цели совместного проекта?"},
			{"q11", "Is the client ready to pay what we want to charge?", "Готов ли клиент платить столько, сколько мы хотим получать?"},
			{"q12", "Can the client bring us other clients?", "Может ли клиент привести к нам других клиентов?"},
		},
		Thresholds:          Thresholds{Excellent: 100, Workable: 80, Doubtful: 60},
		RefuseNeedsApproval: true,
	}
}

// Clone returns a deep copy.
func (p Policy) Clone() Policy {
	c := p
	c.Questions = slices.Clone(p.Questions)
	return c
}

// Max is the highest total: MaxScore for each question.
func (p Policy) Max() int { return MaxScore * len(p.Questions) }

// questionID is the form of a question's ID: what a form input's name and
// a JSON path can carry as they are.
var questionID = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Validate reports every problem of the policy: no questions, a question
// whose ID is not 1–32 of a-z, 0-9 and _ or is taken by another, an empty
// text, or thresholds not in order 0 < doubtful ≤ workable ≤ excellent ≤
// Max.
func (p Policy) Validate() error {
	var errs []error
	if len(p.Questions) == 0 {
		errs = append(errs, errors.New("questions must not be empty"))
	}
	for i, q := range p.Questions {
		switch {
		case !questionID.MatchString(q.ID):
			errs = append(errs, fmt.Errorf("questions[%d].id must be 1 to 32 of a-z, 0-9 and _", i))
		case slices.IndexFunc(p.Questions, func(o Question) bool { return o.ID == q.ID }) != i:
			errs = append(errs, fmt.Errorf("questions[%d].id %q is taken by an earlier question", i, q.ID))
		}
		if strings.TrimSpace(q.Text) == "" {
			errs = append(errs, fmt.Errorf("questions[%d].text must not be empty", i))
		}
		if utf8.RuneCountInString(q.Text) > 500 || utf8.RuneCountInString(q.TextRU) > 500 {
			errs = append(errs, fmt.Errorf("questions[%d]: a text must be at most 500 characters", i))
		}
	}
	t := p.Thresholds
	if !(0 < t.Doubtful && t.Doubtful <= t.Workable && t.Workable <= t.Excellent && t.Excellent <= p.Max()) {
		errs = append(errs, fmt.Errorf("thresholds must be 0 < doubtful (%d) ≤ workable (%d) ≤ excellent (%d) ≤ %d, the most the questions give",
			t.Doubtful, t.Workable, t.Excellent, p.Max()))
	}
	return errors.Join(errs...)
}

// Check returns the problems of answers against the questions, keyed by
// the answer's JSON path ("answers.q01"): a question not answered, an
// answer to no question, a score outside 0..MaxScore. Nil when none.
func (p Policy) Check(answers map[string]int) map[string]string {
	out := map[string]string{}
	for _, q := range p.Questions {
		if _, ok := answers[q.ID]; !ok {
			out["answers."+q.ID] = "is required"
		}
	}
	for id, v := range answers {
		switch {
		case !slices.ContainsFunc(p.Questions, func(q Question) bool { return q.ID == id }):
			out["answers."+id] = "is not a question of the questionnaire"
		case v < 0 || v > MaxScore:
			out["answers."+id] = fmt.Sprintf("must be from 0 to %d", MaxScore)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Result is a scored questionnaire.
type Result struct {
	Total int
	Max   int
	Band  string
}

// Score sums the answers to the policy's questions and names the band
// of the total by the thresholds. Answers to other IDs are not counted
// (Check refuses them).
func (p Policy) Score(answers map[string]int) Result {
	total := 0
	for _, q := range p.Questions {
		total += answers[q.ID]
	}
	return Result{Total: total, Max: p.Max(), Band: p.Thresholds.Band(total)}
}

// Band names the band of total: excellent from Excellent up, workable from
// Workable, doubtful from Doubtful, refuse below.
func (t Thresholds) Band(total int) string {
	switch {
	case total >= t.Excellent:
		return BandExcellent
	case total >= t.Workable:
		return BandWorkable
	case total >= t.Doubtful:
		return BandDoubtful
	}
	return BandRefuse
}
