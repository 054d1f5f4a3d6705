package amountwords

import (
	"testing"

	"github.com/salesflow/salesflow/internal/money"
)

// The figures below are worked by hand, as a Russian invoice writes them.
func TestAmountInRoubles(t *testing.T) {
	cases := []struct {
		units int64
		want  string
	}{
		{0, "Ноль рублей 00 копеек"},
		{100, "Один рубль 00 копеек"},
		{200, "Два рубля 00 копеек"},
		{500, "Пять рублей 00 копеек"},
		{1100, "Одиннадцать рублей 00 копеек"},
		{2100, "Двадцать один рубль 00 копеек"},
		{100000, "Одна тысяча рублей 00 копеек"},
		{200100, "Две тысячи один рубль 00 копеек"},
		{100000000, "Один миллион рублей 00 копеек"},
		{2100000000, "Двадцать один миллион рублей 00 копеек"},
		{12345678, "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек"},
		{1, "Ноль рублей 01 копейка"},
		{2, "Ноль рублей 02 копейки"},
		{11, "Ноль рублей 11 копеек"},
		{21, "Ноль рублей 21 копейка"},
		{1400, "Четырнадцать рублей 00 копеек"},
		{11200000, "Сто двенадцать тысяч рублей 00 копеек"},
		{500000000, "Пять миллионов рублей 00 копеек"},
		{300000000000, "Три миллиарда рублей 00 копеек"},
		{99999999, "Девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек"},
		{-1550, "Минус пятнадцать рублей 50 копеек"},
	}
	for _, c := range cases {
		if got := Amount(money.Amount(c.units), "RUB"); got != c.want {
			t.Errorf("Amount(%d) = %q, want %q", c.units, got, c.want)
		}
	}
}

func TestNumberGender(t *testing.T) {
	cases := []struct {
		n        int64
		feminine bool
		want     string
	}{
		{1, false, "один"},
		{1, true, "одна"},
		{2, true, "две"},
		{2001, true, "две тысячи одна"},
		{1002000, false, "один миллион две тысячи"},
		{21000000, false, "двадцать один миллион"},
		{40, false, "сорок"},
		{115, false, "сто пятнадцать"},
	}
	for _, c := range cases {
		if got := Number(c.n, c.feminine); got != c.want {
			t.Errorf("Number(%d, %v) = %q, want %q", c.n, c.feminine, got, c.want)
		}
	}
}

func TestOtherCurrencies(t *testing.T) {
	cases := map[string]string{
		"USD": "Три доллара США 05 центов",
		"EUR": "Три евро 05 центов",
		"CNY": "Три CNY 05 /100",
	}
	for cur, want := range cases {
		if got := Amount(305, cur); got != want {
			t.Errorf("Amount(305, %s) = %q, want %q", cur, got, want)
		}
	}
}
