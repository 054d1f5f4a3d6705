package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Formats understood by Parse and, as file extensions, by Load.
const (
	// FormatJSON is the JSON form of a Calendar.
	FormatJSON = "json"
	// FormatICS is an iCalendar (RFC 5545) file of all-day events.
	FormatICS = "ics"
)

// Load reads a calendar file, choosing the format by its extension (.json or
// .ics, case-insensitive). The result is normalized and valid.
func Load(path string) (Calendar, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Calendar{}, fmt.Errorf("calendar: %w", err)
	}
	c, err := Parse(data, filepath.Ext(path))
	if err != nil {
		return Calendar{}, fmt.Errorf("calendar %s: %w", path, err)
	}
	return c, nil
}

// Parse reads a calendar in the given format, FormatJSON or FormatICS (a
// leading dot and upper case are accepted, so a file extension works). The
// result is normalized — defaults filled in, day names lower-case Monday
// first, dates sorted without duplicates — and passes Validate.
func Parse(data []byte, format string) (Calendar, error) {
	var (
		c   Calendar
		err error
	)
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case FormatJSON:
		c, err = parseJSON(data)
	case FormatICS:
		c, err = parseICS(data)
	default:
		return Calendar{}, fmt.Errorf("unknown calendar format %q (want json or ics)", format)
	}
	if err != nil {
		return Calendar{}, err
	}
	c = c.normalize()
	if err := c.Validate(); err != nil {
		return Calendar{}, err
	}
	return c, nil
}

func parseJSON(data []byte) (Calendar, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Calendar{}, errors.New("calendar JSON must be an object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Calendar
	if err := dec.Decode(&c); err != nil {
		return Calendar{}, fmt.Errorf("calendar JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Calendar{}, errors.New("calendar JSON: data after the object")
	}
	return c, nil
}
