package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one bar of a chart: its label, its value (drawn to scale) and the
// text shown beside it (the value, formatted for a person).
type Bar struct {
	Label string
	Value float64
	Text  string
}

// Chart geometry, in SVG user units: the label column, the bars' column,
// the value column, and each row's height.
const (
	chartLabelW = 130
	chartBarW   = 250
	chartTextW  = 100
	chartRowH   = 30
	chartBarH   = 20
)

// barChart renders bars as a horizontal bar chart in server-side SVG:
// role="img" with title as its accessible name (<title>) and a <title> on
// each bar, so a screen reader and a mouse hover both give the figures;
// the page shows the same figures in a table beside it. id makes the
// title's id unique in the page.
func barChart(id, title string, bars []Bar) template.HTML {
	max := 0.0
	for _, b := range bars {
		if b.Value > max {
			max = b.Value
		}
	}
	w, h := chartLabelW+chartBarW+chartTextW, chartRowH*len(bars)+4
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" id="%s" role="img" aria-labelledby="%s-title" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`,
		esc(id), esc(id), w, h)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, esc(id), esc(title))
	for i, b := range bars {
		y := i*chartRowH + 2
		bw := 0.0
		if max > 0 {
			bw = b.Value / max * chartBarW
		}
		if b.Value > 0 && bw < 2 {
			bw = 2
		}
		fmt.Fprintf(&s, `<g class="bar"><title>%s: %s</title>`, esc(b.Label), esc(b.Text))
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, chartLabelW-8, y+chartBarH-4, esc(b.Label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="2"></rect>`, chartLabelW, y, bw, chartBarH)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" class="value">%s</text></g>`, float64(chartLabelW)+bw+6, y+chartBarH-4, esc(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) //nolint:gosec // every text above is escaped
}

// esc escapes text for SVG markup (text and attribute values).
func esc(s string) string { return html.EscapeString(s) }
