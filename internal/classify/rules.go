package classify

import (
	"cmp"
	"math"
	"math/big"
	"math/bits"
	"slices"

	"github.com/salesflow/salesflow/models"
)

// Settlements are a client's net settlements (payments minus refunds, in
// minor units) in the three periods the category looks at. A period "has
// settlements" when its net is above zero: a refund that cancels a
// period's payments leaves a period without settlements.
type Settlements struct {
	// Window is the net of the window [T − W, T).
	Window int64
	// Previous is the net of the window before [T − 2W, T − W).
	Previous int64
	// Earlier is the net of everything before T − 2W.
	Earlier int64
}

// Category returns the client category of docs/process.md §5 for s:
//
//   - potential: no settlements in any period;
//   - new: settlements in the window only (none before it);
//   - permanent: settlements in the window and in the window before;
//   - restored: settlements in the window, none in the window before,
//     some earlier (back after a gap of at least one window);
//   - lost: settlements before the window, none in it.
func Category(s Settlements) string {
	window, previous, earlier := s.Window > 0, s.Previous > 0, s.Earlier > 0
	switch {
	case window && previous:
		return models.CategoryPermanent
	case window && earlier:
		return models.CategoryRestored
	case window:
		return models.CategoryNew
	case previous || earlier:
		return models.CategoryLost
	}
	return models.CategoryPotential
}

// ABC classes, the values of models.ClientClass.ABC ("" for a client
// without turnover).
const (
	ClassA = "A"
	ClassB = "B"
	ClassC = "C"
)

// XYZ classes, the values of models.ClientClass.XYZ ("" for a client
// with too little history or no mean turnover).
const (
	ClassX = "X"
	ClassY = "Y"
	ClassZ = "Z"
)

// Turnover is a client's net settlements over the ABC period.
type Turnover struct {
	ClientID string
	Amount   int64
}

// ABC returns the ABC class of every client with a turnover above zero
// (clients at or below zero are left out: their class is ""). Clients are
// taken by turnover descending, ties by client ID ascending; a client
// whose cumulative share of the total BEFORE it is below p.ABCA is A,
// below p.ABCB B, otherwise C. So the client that crosses 50% is still A,
// and a client starting exactly at 50% is B. Shares are compared exactly
// (thresholds rounded to millionths). turnovers is sorted in place.
func ABC(turnovers []Turnover, p Params) map[string]string {
	p = p.WithDefaults()
	pos := slices.DeleteFunc(turnovers, func(t Turnover) bool { return t.Amount <= 0 })
	slices.SortFunc(pos, func(a, b Turnover) int {
		if c := cmp.Compare(b.Amount, a.Amount); c != 0 {
			return c
		}
		return cmp.Compare(a.ClientID, b.ClientID)
	})
	var total uint64
	for _, t := range pos {
		total += uint64(t.Amount)
	}
	a, b := ratio(p.ABCA), ratio(p.ABCB)
	out := make(map[string]string, len(pos))
	var before uint64
	for _, t := range pos {
		switch {
		case shareBelow(before, total, a):
			out[t.ClientID] = ClassA
		case shareBelow(before, total, b):
			out[t.ClientID] = ClassB
		default:
			out[t.ClientID] = ClassC
		}
		before += uint64(t.Amount)
	}
	return out
}

// shareBelow reports whether part/total < num/thresholdDen, exactly.
func shareBelow(part, total, num uint64) bool {
	lh, ll := bits.Mul64(part, thresholdDen)
	rh, rl := bits.Mul64(num, total)
	return lh < rh || (lh == rh && ll < rl)
}

// XYZ returns the XYZ class and the coefficient of variation (population
// standard deviation over mean) of a client's monthly net turnover. months
// holds every month of the XYZ period, months without settlements as 0;
// pass nil for a client with too little history. The class is "" and the
// variation nil for nil months or a mean at or below zero; otherwise X when
// the variation is at most p.XYZX, Y when at most p.XYZY, Z above. The
// class is decided exactly (on integers, thresholds rounded to millionths);
// the variation returned is rounded to millionths.
func XYZ(months []int64, p Params) (string, *float64) {
	if len(months) == 0 {
		return "", nil
	}
	p = p.WithDefaults()
	n := big.NewInt(int64(len(months)))
	sum, sumSq := new(big.Int), new(big.Int)
	for _, m := range months {
		v := big.NewInt(m)
		sum.Add(sum, v)
		sumSq.Add(sumSq, new(big.Int).Mul(v, v))
	}
	if sum.Sign() <= 0 {
		return "", nil
	}
	// cv² = (n·Σm² − S²) / S², so cv ≤ r ⟺ den²·(n·Σm² − S²) ≤ num²·S².
	spread := new(big.Int).Sub(new(big.Int).Mul(n, sumSq), new(big.Int).Mul(sum, sum))
	s2 := new(big.Int).Mul(sum, sum)
	atMost := func(r float64) bool {
		num := new(big.Int).SetUint64(ratio(r))
		den := big.NewInt(thresholdDen)
		l := new(big.Int).Mul(new(big.Int).Mul(den, den), spread)
		return l.Cmp(new(big.Int).Mul(new(big.Int).Mul(num, num), s2)) <= 0
	}
	sf, _ := new(big.Float).SetInt(spread).Float64()
	sumF, _ := new(big.Float).SetInt(sum).Float64()
	cv := math.Round(math.Sqrt(sf)/sumF*thresholdDen) / thresholdDen
	switch {
	case atMost(p.XYZX):
		return ClassX, &cv
	case atMost(p.XYZY):
		return ClassY, &cv
	}
	return ClassZ, &cv
}
