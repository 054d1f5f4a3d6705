// Package money holds the decimal amount type used for every sum of money in
// salesflow. Amounts are kept as an integer number of minor units (kopecks,
// cents), so arithmetic is exact and nothing is ever a float.
package money

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Amount is a sum of money in minor units (hundredths of the currency unit).
// It marshals to JSON as a string with two decimals ("1500.00") and unmarshals
// from either a JSON number or a decimal string.
type Amount int64

// ErrInvalid reports text that is not a decimal amount with at most two
// decimals.
var ErrInvalid = errors.New("not a decimal amount with at most 2 decimals")

// maxUnits bounds an amount so that sums of many amounts cannot overflow.
const maxUnits = math.MaxInt64 / 1000

// Parse reads a decimal such as "1500", "1500.5" or "-20.05". It refuses more
// than two decimals, exponents, and values too large to add up safely.
func Parse(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(body, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%q: %w", s, ErrInvalid)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	units, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || units > maxUnits {
		return 0, fmt.Errorf("%q: amount too large", s)
	}
	if neg {
		units = -units
	}
	return Amount(units), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String formats the amount with exactly two decimals.
func (a Amount) String() string {
	sign := ""
	u := int64(a)
	if u < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// MarshalJSON writes the amount as a decimal string.
func (a Amount) MarshalJSON() ([]byte, error) {
	return json.Marshal(a.String())
}

// UnmarshalJSON accepts a JSON number (150.25) or a decimal string ("150.25").
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Percent returns p percent of a, rounded half up to a minor unit.
func (a Amount) Percent(p int) Amount {
	return Amount((int64(a)*int64(p) + 50) / 100)
}
