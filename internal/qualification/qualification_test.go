package qualification

import (
	"reflect"
	"strings"
	"testing"
)

// answersOf spreads scores over the default questions q01..q12 in order.
func answersOf(scores ...int) map[string]int {
	out := map[string]int{}
	for i, q := range DefaultPolicy().Questions {
		out[q.ID] = scores[i]
	}
	return out
}

// Totals worked by hand on the default questionnaire (12 questions, at
// most 120; thresholds 100, 80, 60), at each edge of each band.
func TestScoreDefaultBands(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		scores []int
		total  int
		band   string
	}{
		{[]int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4}, 59, BandRefuse},             // 11×5 + 4
		{[]int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, 60, BandDoubtful},           // 12×5
		{[]int{7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6}, 79, BandDoubtful},           // 7×7 + 5×6 = 49 + 30
		{[]int{7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6}, 80, BandWorkable},           // 8×7 + 4×6 = 56 + 24
		{[]int{9, 9, 9, 9, 9, 9, 9, 9, 9, 6, 6, 6}, 99, BandWorkable},           // 9×9 + 3×6 = 81 + 18
		{[]int{10, 10, 10, 10, 10, 10, 10, 10, 5, 5, 5, 5}, 100, BandExcellent}, // 8×10 + 4×5
		{[]int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 120, BandExcellent},
		{[]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, BandRefuse},
	} {
		a := answersOf(tc.scores...)
		if probs := p.Check(a); probs != nil {
			t.Fatalf("%v: %v", tc.scores, probs)
		}
		got := p.Score(a)
		if want := (Result{Total: tc.total, Max: 120, Band: tc.band}); got != want {
			t.Errorf("%v: %+v, want %+v", tc.scores, got, want)
		}
	}
}

// Custom thresholds move the edges: with 90/70/50 a total of 59 is
// doubtful, 89 workable, 90 excellent, 49 refuse; with three questions
// (at most 30) and 25/20/15 the same sums band by those.
func TestScoreCustomThresholds(t *testing.T) {
	th := Thresholds{Excellent: 90, Workable: 70, Doubtful: 50}
	for total, band := range map[int]string{49: BandRefuse, 50: BandDoubtful, 59: BandDoubtful, 69: BandDoubtful,
		70: BandWorkable, 89: BandWorkable, 90: BandExcellent, 120: BandExcellent} {
		if got := th.Band(total); got != band {
			t.Errorf("90/70/50: %d is %s, want %s", total, got, band)
		}
	}
	p := Policy{Questions: []Question{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}, {ID: "c", Text: "C"}},
		Thresholds: Thresholds{Excellent: 25, Workable: 20, Doubtful: 15}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a    map[string]int
		want Result
	}{
		{map[string]int{"a": 5, "b": 5, "c": 4}, Result{14, 30, BandRefuse}},
		{map[string]int{"a": 5, "b": 5, "c": 5}, Result{15, 30, BandDoubtful}},
		{map[string]int{"a": 10, "b": 5, "c": 5}, Result{20, 30, BandWorkable}},
		{map[string]int{"a": 10, "b": 10, "c": 5}, Result{25, 30, BandExcellent}},
	} {
		if got := p.Score(tc.a); got != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.a, got, tc.want)
		}
	}
}

// Check names each missing, unknown and out-of-range answer by its path.
func TestCheckAnswers(t *testing.T) {
	p := DefaultPolicy()
	a := answersOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0)
	delete(a, "q12")
	a["q03"], a["q04"], a["zz"] = 11, -1, 5
	want := map[string]string{"answers.q12": "is required", "answers.q03": "must be from 0 to 10",
		"answers.q04": "must be from 0 to 10", "answers.zz": "is not a question of the questionnaire"}
	if got := p.Check(a); !reflect.DeepEqual(got, want) {
		t.Errorf("Check = %v, want %v", got, want)
	}
}

func TestDefaultPolicyValidAndCloneDeep(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil || len(p.Questions) != 12 || p.Max() != 120 || !p.RefuseNeedsApproval {
		t.Fatalf("default: %v %+v", err, p)
	}
	for _, q := range p.Questions {
		if q.Text == "" || q.TextRU == "" {
			t.Errorf("question %s lacks a text", q.ID)
		}
	}
	c := p.Clone()
	c.Questions[0].Text = "changed"
	if p.Questions[0].Text == "changed" {
		t.Error("the clone shares its questions")
	}
}

func TestValidateRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*Policy)
		want   string
	}{
		"no questions":  {func(p *Policy) { p.Questions = nil }, "questions must not be empty"},
		"bad id":        {func(p *Policy) { p.Questions[1].ID = "Q 2" }, "questions[1].id must be"},
		"duplicate id":  {func(p *Policy) { p.Questions[2].ID = "q01" }, `questions[2].id "q01" is taken`},
		"empty text":    {func(p *Policy) { p.Questions[3].Text = " " }, "questions[3].text must not be empty"},
		"disorder":      {func(p *Policy) { p.Thresholds.Workable = 101 }, "thresholds must be"},
		"above the max": {func(p *Policy) { p.Thresholds.Excellent = 121 }, "≤ 120"},
		"zero doubtful": {func(p *Policy) { p.Thresholds.Doubtful = 0 }, "thresholds must be"},
		"text too long": {func(p *Policy) { p.Questions[0].TextRU = strings.Repeat("я", 501) }, "at most 500"},
	} {
		p := DefaultPolicy()
		tc.change(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate = %v, want %q", name, err, tc.want)
		}
	}
}
