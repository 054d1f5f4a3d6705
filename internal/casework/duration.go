package casework

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes JSON as text such as
// "72h", "3d", "1d12h" or "90s" (a leading whole number of days is allowed).
type Duration time.Duration

// Day is one day, the unit of most policy durations.
const Day = Duration(24 * time.Hour)

// ParseDuration reads "3d", "1d12h", "90m" and other time.ParseDuration text.
func ParseDuration(s string) (Duration, error) {
	var days int64
	if d, rest, ok := strings.Cut(s, "d"); ok && d != "" && !strings.ContainsAny(d, ".hmsun") {
		n, err := strconv.ParseInt(d, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		days, s = n, rest
	}
	var rest time.Duration
	if s != "" {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
	}
	return Duration(time.Duration(days)*24*time.Hour + rest), nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String writes whole days as "Nd" and anything else as time.Duration does.
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", td/(24*time.Hour))
	}
	s := td.String() // "4h0m0s" reads better as "4h"
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads the duration from text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"3d\" or \"90s\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
