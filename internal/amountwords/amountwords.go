// Package amountwords writes a sum of money in Russian words, as Russian
// invoices, acts and contracts state it next to the figure: «Сто двадцать
// три тысячи четыреста пятьдесят шесть рублей 78 копеек». The whole units
// are words, the minor units two digits, each followed by its noun in the
// form the number asks for.
package amountwords

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salesflow/salesflow/internal/money"
)

// Noun is a counted noun: its grammatical gender (feminine nouns take
// «одна», «две») and its three forms — for 1 (рубль), for 2–4 (рубля) and
// for 5–20 and 0 (рублей).
type Noun struct {
	Feminine       bool
	One, Few, Many string
}

// Form returns the form of the noun that follows n.
func (w Noun) Form(n int64) string {
	switch n10, n100 := n%10, n%100; {
	case n100 >= 11 && n100 <= 14:
		return w.Many
	case n10 == 1:
		return w.One
	case n10 >= 2 && n10 <= 4:
		return w.Few
	}
	return w.Many
}

// Currency names a currency's major and minor units.
type Currency struct {
	Major, Minor Noun
}

// Currencies are the currencies written in words, by ISO 4217 code; any
// other code is written with the rouble's nouns replaced by the code.
var Currencies = map[string]Currency{
	"RUB": {Major: Noun{false, "рубль", "рубля", "рублей"}, Minor: Noun{true, "копейка", "копейки", "копеек"}},
	"USD": {Major: Noun{false, "доллар США", "доллара США", "долларов США"}, Minor: Noun{false, "цент", "цента", "центов"}},
	"EUR": {Major: Noun{false, "евро", "евро", "евро"}, Minor: Noun{false, "цент", "цента", "центов"}},
}

var (
	onesMasc = []string{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	teens    = []string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	tens     = []string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	hundreds = []string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}
	// scales are the groups of three digits from the thousands up.
	scales = []Noun{
		{true, "тысяча", "тысячи", "тысяч"},
		{false, "миллион", "миллиона", "миллионов"},
		{false, "миллиард", "миллиарда", "миллиардов"},
		{false, "триллион", "триллиона", "триллионов"},
		{false, "квадриллион", "квадриллиона", "квадриллионов"},
	}
)

// Number writes n in words for a noun of the given gender: 0 is «ноль»,
// 2001 «две тысячи один» (masculine) or «две тысячи одна» (feminine).
func Number(n int64, feminine bool) string {
	if n == 0 {
		return "ноль"
	}
	var words []string
	if n < 0 {
		words, n = append(words, "минус"), -n
	}
	var groups []int64
	for ; n > 0; n /= 1000 {
		groups = append(groups, n%1000)
	}
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		if i == 0 {
			words = append(words, triple(g, feminine)...)
			continue
		}
		scale := scales[i-1]
		words = append(words, triple(g, scale.Feminine)...)
		words = append(words, scale.Form(g))
	}
	return strings.Join(words, " ")
}

// triple writes 1..999 in words.
func triple(n int64, feminine bool) []string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, hundreds[h])
	}
	switch r := n % 100; {
	case r >= 10 && r < 20:
		w = append(w, teens[r-10])
	default:
		if t := r / 10; t > 0 {
			w = append(w, tens[t])
		}
		if o := r % 10; o > 0 {
			w = append(w, one(o, feminine))
		}
	}
	return w
}

func one(o int64, feminine bool) string {
	if feminine && o == 1 {
		return "одна"
	}
	if feminine && o == 2 {
		return "две"
	}
	return onesMasc[o]
}

// Amount writes a in words in currency (an ISO 4217 code): the whole units
// in words with their noun, then the minor units as two digits with
// theirs, starting with a capital letter.
func Amount(a money.Amount, currency string) string {
	units := int64(a)
	sign := ""
	if units < 0 {
		sign, units = "минус ", -units
	}
	major, minor := units/100, units%100
	cur, ok := Currencies[strings.ToUpper(currency)]
	if !ok {
		code := strings.ToUpper(currency)
		cur = Currency{Major: Noun{false, code, code, code}, Minor: Noun{false, "/100", "/100", "/100"}}
	}
	s := fmt.Sprintf("%s%s %s %02d %s", sign, Number(major, cur.Major.Feminine), cur.Major.Form(major), minor, cur.Minor.Form(minor))
	return capitalize(s)
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
