package envconf

import (
	"errors"
	"strings"
	"testing"
)

type conf struct{ a, b string }

var testSettings = []Setting[conf]{
	{Var: Var{Name: "ENVCONF_TEST_A", Default: "x", Doc: "a"}, Set: func(c *conf, v string) error {
		if v == "bad" {
			return errors.New("is bad")
		}
		c.a = v
		return nil
	}},
	{Var: Var{Name: "ENVCONF_TEST_B", Doc: "b"}, Set: func(c *conf, v string) error { c.b = "set:" + v; return nil }},
}

// An unset variable takes its default, one without a default is not set,
// and a value refused names the variable.
func TestLoad(t *testing.T) {
	t.Setenv("ENVCONF_TEST_A", "")
	t.Setenv("ENVCONF_TEST_B", "")
	c, err := Load(testSettings)
	if err != nil || c != (conf{a: "x"}) {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	t.Setenv("ENVCONF_TEST_B", "y")
	if c, _ := Load(testSettings); c.b != "set:y" {
		t.Errorf("set: %+v", c)
	}
	t.Setenv("ENVCONF_TEST_A", "bad")
	if _, err := Load(testSettings); err == nil || !strings.Contains(err.Error(), `ENVCONF_TEST_A="bad": is bad`) {
		t.Errorf("refused: %v", err)
	}
	if v := Vars(testSettings); len(v) != 2 || v[1].Name != "ENVCONF_TEST_B" {
		t.Errorf("Vars: %+v", v)
	}
}
