package money

import (
	"slices"
	"testing"
)

func TestCurrencyTableIsSortedCodes(t *testing.T) {
	if !slices.IsSorted(currencies) || len(slices.Compact(slices.Clone(currencies))) != len(currencies) {
		t.Fatal("the table must be sorted without duplicates, or the binary search misses codes")
	}
	for _, c := range currencies {
		if len(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z' {
			t.Errorf("%q is not three upper-case letters", c)
		}
	}
	if len(currencies) < 170 {
		t.Errorf("only %d codes", len(currencies))
	}
}

func TestIsCurrency(t *testing.T) {
	for _, c := range []string{"RUB", "EUR", "USD", "AED", "ZWG", "XCG", "SLE", "VED", "CHF", "JPY", "KZT", "XXX"} {
		if !IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = false", c)
		}
	}
	for _, c := range []string{
		"", "rub", "Rub", "RU", "RUBL", " RUB", "RUB ", "XYZ", "AAA", "ZZZ", "RUR", "EURO",
		"ANG", "CUC", "BGN", "HRK", "SLL", "ZWL", "VEF", "BYR", "MRO", "STD", "DEM",
	} {
		if IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = true", c)
		}
	}
}
