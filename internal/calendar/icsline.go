package calendar

import (
	"bytes"
	"fmt"
	"strings"
)

// line is one unfolded content line and the file line it starts on.
type line struct {
	no   int
	text string
}

// unfold splits iCalendar text into content lines, joining folded ones: a
// physical line that starts with a space or tab continues the previous line,
// without that first character (RFC 5545 section 3.1).
func unfold(data []byte) ([]line, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []line
	for i, raw := range strings.Split(string(data), "\n") {
		raw = strings.TrimSuffix(raw, "\r")
		if raw != "" && (raw[0] == ' ' || raw[0] == '\t') {
			if len(out) == 0 {
				return nil, fmt.Errorf("line %d: continuation line with nothing to continue", i+1)
			}
			out[len(out)-1].text += raw[1:]
			continue
		}
		out = append(out, line{no: i + 1, text: raw})
	}
	return out, nil
}

// property is one parsed content line: NAME;PARAM=VALUE,...:value.
type property struct {
	name   string
	params map[string][]string
	value  string
}

// param returns the first value of a parameter, upper-cased; "" if absent.
func (p property) param(name string) string {
	if v := p.params[name]; len(v) > 0 {
		return strings.ToUpper(v[0])
	}
	return ""
}

func parseProperty(s string) (property, error) {
	p := property{params: map[string][]string{}}
	i := strings.IndexAny(s, ";:")
	if i <= 0 || !isName(s[:i]) {
		return p, fmt.Errorf("%q is not a content line", s)
	}
	p.name = strings.ToUpper(s[:i])
	rest := s[i:] // starts with ';' or ':'
	for rest[0] == ';' {
		rest = rest[1:]
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 || !isName(rest[:eq]) {
			return p, fmt.Errorf("bad parameter in %s", p.name)
		}
		name := strings.ToUpper(rest[:eq])
		rest = rest[eq:] // starts with '=', later with ','
		for {
			v, r, ok := paramValue(rest[1:])
			if !ok {
				return p, fmt.Errorf("bad value of parameter %s in %s", name, p.name)
			}
			p.params[name] = append(p.params[name], v)
			if rest = r; rest[0] != ',' {
				break
			}
		}
	}
	p.value = rest[1:]
	return p, nil
}

// paramValue reads one parameter value, quoted or not, and returns the rest
// of the line, which starts with ',', ';' or ':'.
func paramValue(s string) (string, string, bool) {
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", false
		}
		rest := s[end+2:]
		if rest == "" || !strings.ContainsRune(",;:", rune(rest[0])) {
			return "", "", false
		}
		return s[1 : end+1], rest, true
	}
	end := strings.IndexAny(s, ",;:")
	if end < 0 {
		return "", "", false
	}
	return s[:end], s[end:], true
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// textList splits a TEXT value on unescaped commas and unescapes each item
// (\\, \; \, and \n). Bytes that are not UTF-8 become U+FFFD, so every
// calendar survives a JSON round trip.
func textList(v string) []string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			if v[i] == 'n' || v[i] == 'N' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(v[i])
			}
		case c == ',':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

// text unescapes a single TEXT value.
func text(v string) string {
	return strings.Join(textList(v), ",")
}
