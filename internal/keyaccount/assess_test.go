package keyaccount

import (
	"testing"
)

// twoSides is a small policy: client side a (weight 3) and b (weight 1),
// our side c (weight 1) and d (weight 4), threshold 50.
func twoSides() Policy {
	p := DefaultPolicy()
	p.Criteria = []Criterion{
		{ID: "a", Text: "A", Side: SideClient, Weight: 3}, {ID: "b", Text: "B", Side: SideClient, Weight: 1},
		{ID: "c", Text: "C", Side: SideOurs, Weight: 1}, {ID: "d", Text: "D", Side: SideOurs, Weight: 4},
	}
	return p
}

// TestAssessWeightedAveragesAndQuadrants checks hand-worked figures:
// client = (3a + b) / 4, ours = (c + 4d) / 5, strong from 50 inclusive.
func TestAssessWeightedAveragesAndQuadrants(t *testing.T) {
	for _, tc := range []struct {
		name       string
		a, b, c, d int
		client     float64
		ours       float64
		want       Quadrant
	}{
		// (3·80 + 20)/4 = 65; (10 + 4·90)/5 = 74.
		{"key", 80, 20, 10, 90, 65, 74, QuadrantKey},
		// (3·40 + 80)/4 = 50 exactly: strong; (100 + 4·30)/5 = 44.
		{"target at threshold", 40, 80, 100, 30, 50, 44, QuadrantTarget},
		// (3·33 + 100)/4 = 49.75 → 49.8; (50 + 4·50)/5 = 50.
		{"target on our side", 33, 100, 50, 50, 49.8, 50, QuadrantTarget},
		// (0 + 0)/4 = 0; (49 + 4·49)/5 = 49.
		{"lower", 0, 0, 49, 49, 0, 49, QuadrantLower},
		// (3·100 + 100)/4 = 100; (100 + 400)/5 = 100.
		{"top", 100, 100, 100, 100, 100, 100, QuadrantKey},
	} {
		r := Assess(twoSides(), map[string]int{"a": tc.a, "b": tc.b, "c": tc.c, "d": tc.d})
		if r.ClientScore != tc.client || r.OurScore != tc.ours || r.Quadrant != tc.want {
			t.Errorf("%s: got %+v, want client %v ours %v %s", tc.name, r, tc.client, tc.ours, tc.want)
		}
	}
}

// TestAssessDefaultsIsPlainMean: with the default weights of 1 each side is
// the arithmetic mean the source asks for.
func TestAssessDefaultsIsPlainMean(t *testing.T) {
	p := DefaultPolicy()
	scores := map[string]int{}
	for i, c := range p.Criteria {
		scores[c.ID] = 10 * (i % 8) // client: 0,10,…,60 → 210/7 = 30; ours: 70,0,10,…,60 → 280/8 = 35
	}
	r := Assess(p, scores)
	if r.ClientScore != 30 || r.OurScore != 35 || r.Quadrant != QuadrantLower {
		t.Fatalf("got %+v", r)
	}
}

func TestQuadrantOfAtThreshold(t *testing.T) {
	for _, tc := range []struct {
		c, o float64
		want Quadrant
	}{{60, 60, QuadrantKey}, {60, 59.9, QuadrantTarget}, {59.9, 60, QuadrantTarget}, {59.9, 59.9, QuadrantLower}} {
		if got := QuadrantOf(tc.c, tc.o, 60); got != tc.want {
			t.Errorf("QuadrantOf(%v, %v, 60) = %s, want %s", tc.c, tc.o, got, tc.want)
		}
	}
}

func TestCheckNamesEveryProblem(t *testing.T) {
	got := Check(twoSides(), map[string]int{"a": 101, "b": -1, "c": 5, "zz": 3})
	want := map[string]string{"scores.a": "must be 0..100", "scores.b": "must be 0..100", "scores.d": "is required", "scores.zz": "unknown field"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	p := twoSides()
	p.Criteria[1].ID = "a"
	p.Criteria[2].Side = "theirs"
	p.StrongThreshold = 0
	if err := p.Validate(); err == nil {
		t.Fatal("an invalid policy passed")
	}
	c := DefaultPolicy()
	d := c.Clone()
	d.Criteria[0].Weight = 7
	if c.Criteria[0].Weight != 1 {
		t.Fatal("Clone shares the criteria")
	}
}
