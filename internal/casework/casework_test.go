package casework

import (
	"reflect"
	"testing"
	"time"
)

func TestDurationText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Duration
		out  string
	}{
		{"3d", Days(3), "3d"},
		{"5bd", BusinessDays(5), "5bd"},
		{"2mo", Months(2), "2mo"},
		{"1d12h", Duration{Days: 1, Clock: 12 * time.Hour}, "1d12h"},
		{"1mo2bd3d4h", Duration{Months: 1, BusinessDays: 2, Days: 3, Clock: 4 * time.Hour}, "1mo2bd3d4h"},
		{"36h", Exact(36 * time.Hour), "36h"},
		{"4h", Exact(4 * time.Hour), "4h"},
		{"90m", Exact(90 * time.Minute), "1h30m"},
		{"1h30m", Exact(90 * time.Minute), "1h30m"},
		{"90s", Exact(90 * time.Second), "1m30s"},
		{"1.5h", Exact(90 * time.Minute), "1h30m"},
		{"-1bd", BusinessDays(-1), "-1bd"},
		{"0s", Duration{}, "0s"},
	} {
		d, err := ParseDuration(c.in)
		if err != nil || d != c.want || d.String() != c.out {
			t.Errorf("%q → %+v (%v) → %q, want %+v → %q", c.in, d, err, d.String(), c.want, c.out)
		}
	}
	for _, bad := range []string{"3x", "3", "d", "1.5d", "1d2d", "2mo1mo", "", "bd5"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// utcWeek is a calendar in UTC whose weekend is Saturday and Sunday.
type utcWeek struct{}

func (utcWeek) Location() *time.Location { return time.UTC }

func (utcWeek) AddBusinessDays(t time.Time, n int) time.Time {
	for ; n > 0; n-- {
		t = t.AddDate(0, 0, 1)
		for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			t = t.AddDate(0, 0, 1)
		}
	}
	return t
}

func TestDurationAddToCountsEachUnit(t *testing.T) {
	fri := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC) // a Friday
	for _, c := range []struct {
		d    Duration
		want time.Time
	}{
		{Days(14), time.Date(2026, 12, 18, 15, 0, 0, 0, time.UTC)},
		{BusinessDays(5), time.Date(2026, 12, 11, 15, 0, 0, 0, time.UTC)},
		{BusinessDays(1), time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)},
		{Months(2), time.Date(2027, 2, 4, 15, 0, 0, 0, time.UTC)},
		{Exact(4 * time.Hour), time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)},
		{Duration{Days: 1, Clock: 12 * time.Hour}, time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)},
	} {
		if got := c.d.AddTo(fri, utcWeek{}); !got.Equal(c.want) {
			t.Errorf("%s after %s: %s, want %s", c.d, fri, got, c.want)
		}
	}
}

func TestDurationLegacyCountsWholeDaysAsBusinessDays(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{{"3d", "3bd"}, {"72h", "3bd"}, {"1d12h", "36h"}, {"4h", "4h"}, {"0s", "0s"}} {
		d, err := ParseDuration(c.in)
		if err != nil || d.Legacy().String() != c.want {
			t.Errorf("legacy %q: %s (%v), want %s", c.in, d.Legacy(), err, c.want)
		}
	}
}

func TestEnumOfReadsTheTag(t *testing.T) {
	type in struct {
		Kind string `json:"kind" enum:"a|b"`
	}
	if got := EnumOf(in{}, "kind"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("enum %v", got)
	}
	f := Describe(reflect.TypeOf(in{}))
	if len(f) != 1 || f[0].Name != "kind" || !f[0].Required || len(f[0].Enum) != 2 {
		t.Fatalf("fields %+v", f)
	}
}

func TestPermits(t *testing.T) {
	open, managers := Action{Name: "note"}, Action{Name: "reassign", Roles: []string{RoleManager, RoleAdmin}}
	if !open.Permits(RoleSales) || managers.Permits(RoleSales) || !managers.Permits(RoleAdmin) {
		t.Fatal("roles")
	}
}
