package casework

import (
	"reflect"
	"testing"
	"time"
)

func TestDurationText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		out  string
	}{
		{"3d", 72 * time.Hour, "3d"},
		{"1d12h", 36 * time.Hour, "36h"},
		{"4h", 4 * time.Hour, "4h"},
		{"90m", 90 * time.Minute, "1h30m"},
		{"90s", 90 * time.Second, "1m30s"},
		{"0s", 0, "0s"},
	} {
		d, err := ParseDuration(c.in)
		if err != nil || d.D() != c.want || d.String() != c.out {
			t.Errorf("%q → %v (%v) → %q, want %v → %q", c.in, d.D(), err, d.String(), c.want, c.out)
		}
	}
	if _, err := ParseDuration("3x"); err == nil {
		t.Error("3x accepted")
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
