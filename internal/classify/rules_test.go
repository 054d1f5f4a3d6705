package classify

import (
	"maps"
	"testing"
	"time"

	"github.com/salesflow/salesflow/models"
)

func TestClassifyCategoryRules(t *testing.T) {
	for _, c := range []struct {
		s    Settlements
		want string
	}{
		{Settlements{}, models.CategoryPotential},
		{Settlements{Window: 100, Previous: -100, Earlier: 100}, models.CategoryRestored},
		{Settlements{Window: 0, Previous: 0, Earlier: 0}, models.CategoryPotential},
		{Settlements{Window: 100}, models.CategoryNew},
		{Settlements{Window: 100, Previous: 1}, models.CategoryPermanent},
		{Settlements{Window: 100, Previous: 1, Earlier: 5}, models.CategoryPermanent},
		{Settlements{Window: 100, Earlier: 5}, models.CategoryRestored},
		{Settlements{Previous: 5}, models.CategoryLost},
		{Settlements{Earlier: 5}, models.CategoryLost},
		// A refund that zeroes (or overturns) the window: no settlements in it.
		{Settlements{Window: 0, Previous: 5}, models.CategoryLost},
		{Settlements{Window: -50, Previous: 100}, models.CategoryLost},
		// Refunds that zero everything: never settled.
		{Settlements{Window: 0, Previous: 0, Earlier: 0}, models.CategoryPotential},
		{Settlements{Window: 100, Previous: 0, Earlier: 0}, models.CategoryNew},
	} {
		if got := Category(c.s); got != c.want {
			t.Errorf("Category(%+v) = %s, want %s", c.s, got, c.want)
		}
	}
}

func TestClassifyABCTiesAndThresholds(t *testing.T) {
	p := DefaultParams()
	for _, c := range []struct {
		name string
		in   []Turnover
		want map[string]string
	}{{
		// Four equal clients of 25%: ties by ID. "c" starts exactly at 50%
		// (not below it) so is B; "d" starts at 75% < 80%, B.
		name: "quarters",
		in:   []Turnover{{"d", 25}, {"c", 25}, {"b", 25}, {"a", 25}},
		want: map[string]string{"a": "A", "b": "A", "c": "B", "d": "B"},
	}, {
		// 50 / 30 / 10 / 10: b starts at exactly 50% → B; c starts at
		// exactly 80% → C; d (tied with c, later ID) at 90% → C.
		name: "exact thresholds",
		in:   []Turnover{{"a", 50}, {"b", 30}, {"d", 10}, {"c", 10}},
		want: map[string]string{"a": "A", "b": "B", "c": "C", "d": "C"},
	}, {
		// Sorted a 49, c 28, d 21, b 2: c starts at 49% and crosses 50%,
		// still A; d starts at 77% and crosses 80%, still B; b at 98%, C.
		name: "crossing",
		in:   []Turnover{{"a", 49}, {"b", 2}, {"c", 28}, {"d", 21}},
		want: map[string]string{"a": "A", "c": "A", "d": "B", "b": "C"},
	}, {
		// Turnover at or below zero has no class; it does not add to the total.
		name: "no turnover",
		in:   []Turnover{{"a", 100}, {"z", 0}, {"n", -40}},
		want: map[string]string{"a": "A"},
	}, {
		name: "one client",
		in:   []Turnover{{"a", 1}},
		want: map[string]string{"a": "A"},
	}, {
		// Sums beyond 64 bits after scaling still compare exactly.
		name: "large",
		in:   []Turnover{{"a", 4_000_000_000_000_000}, {"b", 4_000_000_000_000_000}},
		want: map[string]string{"a": "A", "b": "B"},
	}} {
		if got := ABC(c.in, p); !maps.Equal(got, c.want) {
			t.Errorf("%s: ABC = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestClassifyXYZ(t *testing.T) {
	p := DefaultParams()
	for _, c := range []struct {
		name   string
		months []int64
		want   string
		cv     float64 // -1: nil
	}{
		{"flat", []int64{100, 100, 100, 100, 100, 100}, "X", 0},
		// mean 100, population std dev 10: exactly 10% → X.
		{"exactly 10%", []int64{90, 110, 90, 110, 90, 110}, "X", 0.1},
		{"just above 10%", []int64{89, 111, 89, 111, 89, 111}, "Y", 0.11},
		// mean 100, std dev 25: exactly 25% → Y.
		{"exactly 25%", []int64{75, 125, 75, 125, 75, 125}, "Y", 0.25},
		{"just above 25%", []int64{74, 126, 74, 126, 74, 126}, "Z", 0.26},
		{"every other month", []int64{200, 0, 200, 0, 200, 0}, "Z", 1},
		// Refunds make a month negative; the mean still counts.
		{"negative month", []int64{300, -100, 100, 100, 100, 100}, "Z", 1.1547},
		{"no mean", []int64{100, -100, 0, 0, 0, 0}, "", -1},
		{"nothing", []int64{0, 0, 0, 0, 0, 0}, "", -1},
		{"too little history", nil, "", -1},
	} {
		class, cv := XYZ(c.months, p)
		if class != c.want {
			t.Errorf("%s: class %q, want %q", c.name, class, c.want)
		}
		switch {
		case c.cv < 0 && cv != nil:
			t.Errorf("%s: variation %v, want nil", c.name, *cv)
		case c.cv >= 0 && (cv == nil || *cv-c.cv > 0.0001 || c.cv-*cv > 0.0001):
			t.Errorf("%s: variation %v, want %v", c.name, cv, c.cv)
		}
	}
}

func TestClassifyPeriods(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	per := PeriodsOf(d(2026, 5, 31), DefaultParams())
	if !per.WindowStart.Equal(d(2026, 2, 28)) || !per.PreviousStart.Equal(d(2025, 11, 30)) || !per.ABCStart.Equal(d(2025, 11, 30)) {
		t.Errorf("periods of 31 May: window %s, previous %s, ABC %s", per.WindowStart, per.PreviousStart, per.ABCStart)
	}
	if len(per.Months) != 7 || !per.Months[0].Equal(d(2025, 11, 1)) || !per.Months[6].Equal(d(2026, 5, 1)) {
		t.Errorf("XYZ months of 31 May: %v", per.Months)
	}
	per = PeriodsOf(time.Date(2026, 7, 1, 0, 0, 0, 0, time.FixedZone("MSK", 3*3600)), Params{WindowMonths: 1}.WithDefaults())
	if !per.AsOf.Equal(d(2026, 6, 30).Add(21*time.Hour)) || !per.WindowStart.Equal(d(2026, 5, 30).Add(21*time.Hour)) ||
		!per.Months[6].Equal(d(2026, 6, 1)) {
		t.Errorf("periods of 1 July MSK: %+v", per)
	}
	if got := Day(time.Date(2026, 7, 1, 23, 30, 0, 0, time.FixedZone("X", -2*3600))); !got.Equal(d(2026, 7, 2)) {
		t.Errorf("Day = %s", got)
	}
}

func TestClassifyParams(t *testing.T) {
	if p := (Params{}).WithDefaults(); p != DefaultParams() {
		t.Errorf("zero params = %+v", p)
	}
	if p := (Params{WindowMonths: 2, ABCB: 0.9}).WithDefaults(); p.WindowMonths != 2 || p.ABCB != 0.9 || p.XYZMonths != 6 {
		t.Errorf("overrides lost: %+v", p)
	}
	for _, bad := range []Params{
		{WindowMonths: -1}, {XYZMonths: 1}, {XYZMonths: MaxMonths + 1},
		{ABCA: 0.9, ABCB: 0.8}, {ABCB: 1.5}, {XYZX: 0.3, XYZY: 0.2}, {XYZX: -0.1},
	} {
		if err := bad.WithDefaults().Validate(); err == nil {
			t.Errorf("%+v passes validation", bad)
		}
	}
	if err := DefaultParams().Validate(); err != nil {
		t.Error(err)
	}
}
