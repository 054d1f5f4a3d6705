// Package envconf reads a program's configuration from environment
// variables through a table of settings: each variable's name, default and
// meaning (for the README), and how its value sets the configuration.
// internal/config (the salesflow processes) and internal/temporalcluster
// (the Temporal cluster) read theirs with it.
package envconf

import (
	"fmt"
	"os"
)

// Var describes one environment variable.
type Var struct {
	// Name is the variable's name, e.g. TEMPORAL_ADDRESS.
	Name string
	// Default is the value used when the variable is unset or empty.
	Default string
	// Doc says what the variable sets.
	Doc string
	// Template marks a variable that a configuration template of the
	// processes the program starts reads too, so the program passes it on
	// (internal/temporalcluster).
	Template bool
}

// Setting is one environment variable and how its value sets a
// configuration C.
type Setting[C any] struct {
	Var
	// Set parses the value into its field of c, or says why it cannot.
	Set func(c *C, v string) error
	// Get gives the value back from c, as the variable would set it: what
	// a Template variable passes on. Nil where nothing passes it on.
	Get func(c C) string
}

// Vars lists the variables of settings, in their order.
func Vars[C any](settings []Setting[C]) []Var {
	vars := make([]Var, len(settings))
	for i, s := range settings {
		vars[i] = s.Var
	}
	return vars
}

// Load reads a C from the environment through settings, in their order: an
// unset or empty variable takes its default, and one whose default is empty
// too leaves its field as it is. The error names the variable and its value.
func Load[C any](settings []Setting[C]) (C, error) {
	var c C
	for _, s := range settings {
		v := os.Getenv(s.Name)
		if v == "" {
			v = s.Default
		}
		if v == "" {
			continue
		}
		if err := s.Set(&c, v); err != nil {
			var zero C
			return zero, fmt.Errorf("%s=%q: %w", s.Name, v, err)
		}
	}
	return c, nil
}
