// Package classify computes the client categories (potential, new,
// permanent, lost, restored) and the ABC and XYZ classes of docs/process.md §5
// from the recorded settlements (models.Payment: payments positive, refunds
// negative), stores them in the read model (models.ClientClass, with the
// history of changes in models.ClientClassChange), and reports the stored
// result. The rules are pure functions (Category, ABC, XYZ); Run applies
// them to every client in a few set-based queries; Report and History only
// read what Run stored.
package classify

import (
	"cmp"
	"fmt"
	"math"
	"time"
)

// Defaults of Params.
const (
	// DefaultWindowMonths is the length of the category window.
	DefaultWindowMonths = 3
	// DefaultXYZMonths is the number of whole calendar months of the XYZ
	// variation, and the length of the ABC turnover period.
	DefaultXYZMonths = 6
	// DefaultABCA is the cumulative turnover share below which a client is
	// class A.
	DefaultABCA = 0.50
	// DefaultABCB is the cumulative turnover share below which a client not
	// in A is class B.
	DefaultABCB = 0.80
	// DefaultXYZX is the largest coefficient of variation of class X.
	DefaultXYZX = 0.10
	// DefaultXYZY is the largest coefficient of variation of class Y.
	DefaultXYZY = 0.25
)

// Bounds of the month counts of Params.
const (
	// MaxMonths bounds WindowMonths and XYZMonths (the XYZ months become
	// columns of one query).
	MaxMonths = 60
	// MinXYZMonths is the fewest months a coefficient of variation is
	// computed over.
	MinXYZMonths = 2
)

// Params are the tunables of the classification. A zero field takes its
// default (see WithDefaults), so Params{} is the process's defaults.
type Params struct {
	// WindowMonths is the category window in calendar months: the window
	// of a run as of T is [T − WindowMonths, T), the window before it
	// [T − 2·WindowMonths, T − WindowMonths).
	WindowMonths int
	// XYZMonths is the number of whole calendar months before T's month
	// the XYZ coefficient of variation is computed over; the ABC turnover
	// is the net settlements of [T − XYZMonths months, T).
	XYZMonths int
	// ABCA and ABCB are the cumulative turnover shares (fractions, 0.5 for
	// 50%) of the ABC classes: a client whose cumulative share before it is
	// below ABCA is A, below ABCB B, else C.
	ABCA, ABCB float64
	// XYZX and XYZY are the coefficients of variation (fractions, 0.1 for
	// 10%) of the XYZ classes: up to XYZX is X, up to XYZY Y, above Z.
	XYZX, XYZY float64
}

// DefaultParams returns the process's defaults: 3-month category window, 6
// months for XYZ and ABC, ABC at 50% / 80%, XYZ at 10% / 25%.
func DefaultParams() Params {
	return Params{
		WindowMonths: DefaultWindowMonths, XYZMonths: DefaultXYZMonths,
		ABCA: DefaultABCA, ABCB: DefaultABCB, XYZX: DefaultXYZX, XYZY: DefaultXYZY,
	}
}

// WithDefaults returns p with every zero field set to its default.
func (p Params) WithDefaults() Params {
	d := DefaultParams()
	return Params{
		WindowMonths: cmp.Or(p.WindowMonths, d.WindowMonths),
		XYZMonths:    cmp.Or(p.XYZMonths, d.XYZMonths),
		ABCA:         cmp.Or(p.ABCA, d.ABCA),
		ABCB:         cmp.Or(p.ABCB, d.ABCB),
		XYZX:         cmp.Or(p.XYZX, d.XYZX),
		XYZY:         cmp.Or(p.XYZY, d.XYZY),
	}
}

// Validate checks p after WithDefaults: month counts in range,
// 0 < ABCA ≤ ABCB ≤ 1, 0 < XYZX ≤ XYZY.
func (p Params) Validate() error {
	switch {
	case p.WindowMonths < 1 || p.WindowMonths > MaxMonths:
		return fmt.Errorf("classify: window of %d months: want 1 to %d", p.WindowMonths, MaxMonths)
	case p.XYZMonths < MinXYZMonths || p.XYZMonths > MaxMonths:
		return fmt.Errorf("classify: XYZ period of %d months: want %d to %d", p.XYZMonths, MinXYZMonths, MaxMonths)
	case !(p.ABCA > 0 && p.ABCA <= p.ABCB && p.ABCB <= 1):
		return fmt.Errorf("classify: ABC thresholds %v / %v: want 0 < A ≤ B ≤ 1", p.ABCA, p.ABCB)
	case !(p.XYZX > 0 && p.XYZX <= p.XYZY && !math.IsInf(p.XYZY, 0)):
		return fmt.Errorf("classify: XYZ thresholds %v / %v: want 0 < X ≤ Y", p.XYZX, p.XYZY)
	}
	return nil
}

// thresholdDen is the denominator thresholds are rounded to, so that 0.8
// means exactly 4/5 and a share or variation exactly at a threshold
// compares as equal to it.
const thresholdDen = 1_000_000

// ratio returns f as num/thresholdDen, rounded to the nearest millionth.
func ratio(f float64) uint64 { return uint64(math.Round(f * thresholdDen)) }

// Periods are the period bounds of a run as of T.
type Periods struct {
	// AsOf is T: every period ends at or before it; settlements at T or
	// later do not count.
	AsOf time.Time
	// WindowStart is T − WindowMonths: the window is [WindowStart, AsOf).
	WindowStart time.Time
	// PreviousStart is T − 2·WindowMonths: the window before is
	// [PreviousStart, WindowStart); earlier settlements are those before
	// PreviousStart.
	PreviousStart time.Time
	// ABCStart is T − XYZMonths: the ABC turnover is the net settlements
	// of [ABCStart, AsOf).
	ABCStart time.Time
	// Months are the starts of the XYZ months, oldest first, followed by
	// the start of T's own month (the end of the last one): month i is
	// [Months[i], Months[i+1]).
	Months []time.Time
}

// PeriodsOf returns the periods of a run as of asOf (in UTC) under p
// (after WithDefaults). Months are subtracted on the calendar, clamping
// the day to the target month's length (31 May − 3 months = 28/29 Feb).
func PeriodsOf(asOf time.Time, p Params) Periods {
	t := asOf.UTC()
	y, m, _ := t.Date()
	monthStart := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	months := make([]time.Time, p.XYZMonths+1)
	for i := range months {
		months[i] = monthStart.AddDate(0, i-p.XYZMonths, 0)
	}
	return Periods{
		AsOf:          t,
		WindowStart:   monthsBefore(t, p.WindowMonths),
		PreviousStart: monthsBefore(t, 2*p.WindowMonths),
		ABCStart:      monthsBefore(t, p.XYZMonths),
		Months:        months,
	}
}

// monthsBefore returns t moved n calendar months back, the day clamped to
// the length of the target month, the time of day kept.
func monthsBefore(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()).AddDate(0, -n, 0)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Day returns the start (00:00 UTC) of t's day in UTC: the AsOf of a
// scheduled run.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
