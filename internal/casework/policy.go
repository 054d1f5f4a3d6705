package casework

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Policy is what every case type's policy offers: a deep copy, and a
// validation naming each problem.
type Policy[P any] interface {
	Clone() P
	Validate() error
}

// MergeJSON decodes a JSON override — any subset of the fields, unknown
// fields refused — over a deep copy of p and validates the result. Every
// case type's policy merges this way.
func MergeJSON[P Policy[P]](p P, override json.RawMessage) (P, error) {
	c := p.Clone()
	if len(override) == 0 || string(override) == "null" {
		return c, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(override)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return p, fmt.Errorf("policy: %w", err)
	}
	return c, c.Validate()
}

// ClonePoints deep-copies a control point policy map.
func ClonePoints(points map[PointKind]PointPolicy) map[PointKind]PointPolicy {
	c := make(map[PointKind]PointPolicy, len(points))
	for k, v := range points {
		v.Reminders = slices.Clone(v.Reminders)
		c[k] = v
	}
	return c
}

// LegacyPoints rewrites, in place, every reminder and grace of points to
// what it meant before durations carried units (Duration.Legacy).
func LegacyPoints(points map[PointKind]PointPolicy) {
	for k, pp := range points {
		rem := make([]Duration, len(pp.Reminders))
		for i, r := range pp.Reminders {
			rem[i] = r.Legacy()
		}
		points[k] = PointPolicy{Reminders: rem, Grace: pp.Grace.Legacy()}
	}
}

// CheckPoints reports every kind missing from points and every negative
// duration, naming the field as control_points.<kind>.
func CheckPoints(points map[PointKind]PointPolicy, kinds []PointKind) error {
	var errs []error
	for _, k := range kinds {
		pp, ok := points[k]
		if !ok {
			errs = append(errs, fmt.Errorf("control_points.%s is missing", k))
			continue
		}
		if pp.Negative() {
			errs = append(errs, fmt.Errorf("control_points.%s: durations must not be negative", k))
		}
	}
	return errors.Join(errs...)
}

// Negative reports whether any reminder offset or the grace of p is
// negative, which no point policy may be.
func (p PointPolicy) Negative() bool {
	return p.Grace.Negative() || slices.ContainsFunc(p.Reminders, Duration.Negative)
}

// CloneMap deep-copies a map of slices, nil staying nil.
func CloneMap[K comparable, V any](m map[K][]V) map[K][]V {
	if m == nil {
		return nil
	}
	c := maps.Clone(m)
	for k, v := range c {
		c[k] = slices.Clone(v)
	}
	return c
}
