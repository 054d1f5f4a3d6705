package keyaccount

import (
	"fmt"
	"math"
	"slices"
)

// Quadrant is where a relationship stands on the square of the two
// averages (docs/key-accounts.md).
type Quadrant string

// The quadrants, named after the source: strong on both sides is a key
// account, strong on one a target, weak on both the lower part of the
// square (a goal out of reach for now, or a client of little interest).
const (
	QuadrantKey    Quadrant = "key"
	QuadrantTarget Quadrant = "target"
	QuadrantLower  Quadrant = "lower"
)

// Quadrants lists the quadrants from the strongest.
var Quadrants = []Quadrant{QuadrantKey, QuadrantTarget, QuadrantLower}

// MaxScore is the highest score of a criterion (percent).
const MaxScore = 100

// Result is what one assessment comes to.
type Result struct {
	// ClientScore and OurScore are the weighted averages of each side,
	// rounded to one decimal.
	ClientScore float64  `json:"client_score"`
	OurScore    float64  `json:"our_score"`
	Quadrant    Quadrant `json:"quadrant"`
}

// Check names every problem of scores against the criteria: an unknown
// criterion ("unknown field"), a score outside 0..MaxScore, a criterion
// without score ("is required"), in the words of the API's decoder. The
// problems are keyed "scores.<id>" and sorted by key.
func Check(p Policy, scores map[string]int) map[string]string {
	out := map[string]string{}
	for id, s := range scores {
		switch {
		case !slices.ContainsFunc(p.Criteria, func(c Criterion) bool { return c.ID == id }):
			out["scores."+id] = "unknown field"
		case s < 0 || s > MaxScore:
			out["scores."+id] = fmt.Sprintf("must be 0..%d", MaxScore)
		}
	}
	for _, c := range p.Criteria {
		if _, ok := scores[c.ID]; !ok {
			out["scores."+c.ID] = "is required"
		}
	}
	return out
}

// Assess computes the averages and the quadrant of complete, valid scores
// (see Check): each side's average is Σ weight·score / Σ weight over its
// criteria, and a side is strong when its average is at least the
// threshold.
func Assess(p Policy, scores map[string]int) Result {
	sum := map[string][2]int{}
	for _, c := range p.Criteria {
		t := sum[c.Side]
		sum[c.Side] = [2]int{t[0] + c.Weight*scores[c.ID], t[1] + c.Weight}
	}
	avg := func(side string) float64 {
		if sum[side][1] == 0 {
			return 0
		}
		return math.Round(float64(sum[side][0])*10/float64(sum[side][1])) / 10
	}
	r := Result{ClientScore: avg(SideClient), OurScore: avg(SideOurs)}
	r.Quadrant = QuadrantOf(r.ClientScore, r.OurScore, p.StrongThreshold)
	return r
}

// QuadrantOf is the quadrant of the two averages: key when both reach the
// threshold, target when one does, lower when neither.
func QuadrantOf(client, ours, threshold float64) Quadrant {
	switch strong := btoi(client >= threshold) + btoi(ours >= threshold); strong {
	case 2:
		return QuadrantKey
	case 1:
		return QuadrantTarget
	}
	return QuadrantLower
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
