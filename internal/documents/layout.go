package documents

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The layout convention of a rendered template, one line at a time:
//
//	# Title            a centred bold title
//	## Heading         a bold section heading
//	| a | b | c |      a table row; consecutive rows are one table, its
//	                   first row the header (bold)
//	---                a horizontal rule
//	> text             a line aligned right
//	(blank)            a gap
//	anything else      a line of text, wrapped at the margin
//
// Lines are rendered as they are: nothing is joined.
const (
	fontFamily = "go"
	pageMargin = 18.0 // mm
	bodySize   = 10.0 // pt
	lineHeight = 5.0  // mm
)

// line kinds of the layout.
const (
	kindText = iota
	kindTitle
	kindHeading
	kindRow
	kindRule
	kindRight
	kindBlank
)

// classify returns a line's kind and its text without the marker.
func classify(line string) (int, string) {
	t := strings.TrimSpace(line)
	switch {
	case t == "":
		return kindBlank, ""
	case strings.HasPrefix(t, "## "):
		return kindHeading, strings.TrimSpace(t[3:])
	case strings.HasPrefix(t, "# "):
		return kindTitle, strings.TrimSpace(t[2:])
	case strings.HasPrefix(t, "|"):
		return kindRow, t
	case strings.Trim(t, "-") == "" && len(t) >= 3:
		return kindRule, ""
	case strings.HasPrefix(t, "> "):
		return kindRight, strings.TrimSpace(t[2:])
	}
	return kindText, strings.TrimRight(line, " \t")
}

// cells splits a table row "| a | b |" into its trimmed cells.
func cells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	parts := strings.Split(row, "|")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// Render lays text out (see the layout convention above) on A4 pages and
// returns the PDF, titled title and dated at (its creation date, so the
// same input renders the same bytes).
func Render(text, title string, at time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, pageMargin)
	pdf.SetTitle(title, true)
	pdf.SetProducer("salesflow", true)
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetCatalogSort(true)
	pdf.AddPage()
	pdf.SetFont(fontFamily, "", bodySize)
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		kind, t := classify(lines[i])
		if kind == kindRow {
			j := i
			for j < len(lines) {
				if k, _ := classify(lines[j]); k != kindRow {
					break
				}
				j++
			}
			table(pdf, lines[i:j])
			i = j - 1
			continue
		}
		block(pdf, kind, t)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// block renders one line that is not a table row.
func block(pdf *fpdf.Fpdf, kind int, t string) {
	w := contentWidth(pdf)
	switch kind {
	case kindBlank:
		pdf.Ln(lineHeight / 2)
	case kindTitle:
		pdf.SetFont(fontFamily, "B", 14)
		pdf.MultiCell(w, 7, t, "", "C", false)
		pdf.Ln(2)
		pdf.SetFont(fontFamily, "", bodySize)
	case kindHeading:
		pdf.Ln(1)
		pdf.SetFont(fontFamily, "B", 11)
		pdf.MultiCell(w, 6, t, "", "L", false)
		pdf.SetFont(fontFamily, "", bodySize)
	case kindRule:
		y := pdf.GetY() + 1
		pdf.SetLineWidth(0.3)
		pdf.Line(pageMargin, y, pageMargin+w, y)
		pdf.Ln(2)
	case kindRight:
		pdf.MultiCell(w, lineHeight, t, "", "R", false)
	default:
		pdf.MultiCell(w, lineHeight, t, "", "L", false)
	}
}

func contentWidth(pdf *fpdf.Fpdf) float64 {
	pw, _ := pdf.GetPageSize()
	return pw - 2*pageMargin
}

// table renders consecutive rows as a bordered table: each column as wide
// as its widest cell asks (scaled to the page), cells wrapped, the first
// row bold.
func table(pdf *fpdf.Fpdf, rows []string) {
	grid := make([][]string, len(rows))
	cols := 0
	for i, r := range rows {
		grid[i] = cells(r)
		cols = max(cols, len(grid[i]))
	}
	widths := columnWidths(pdf, grid, cols)
	for i, row := range grid {
		style := ""
		if i == 0 {
			style = "B"
		}
		pdf.SetFont(fontFamily, style, bodySize-1)
		tableRow(pdf, row, widths)
	}
	pdf.SetFont(fontFamily, "", bodySize)
	pdf.Ln(1)
}

// columnWidths shares the content width among cols columns in proportion
// to their widest cells, each at least 12 mm.
func columnWidths(pdf *fpdf.Fpdf, grid [][]string, cols int) []float64 {
	want := make([]float64, cols)
	total := 0.0
	for c := range cols {
		want[c] = 12
		for _, row := range grid {
			if c < len(row) {
				want[c] = max(want[c], pdf.GetStringWidth(row[c])+4)
			}
		}
		total += want[c]
	}
	w := contentWidth(pdf)
	for c := range want {
		want[c] = want[c] * w / total
	}
	return want
}

// tableRow renders one row, as tall as its tallest wrapped cell; a cell
// that looks like a number is aligned right.
func tableRow(pdf *fpdf.Fpdf, row []string, widths []float64) {
	const lh = 4.6
	height := lh
	for c, w := range widths {
		if c < len(row) {
			height = max(height, float64(len(pdf.SplitText(row[c], w-2)))*lh)
		}
	}
	_, ph := pdf.GetPageSize()
	if pdf.GetY()+height > ph-pageMargin {
		pdf.AddPage()
	}
	x, y := pdf.GetX(), pdf.GetY()
	for c, w := range widths {
		text := ""
		if c < len(row) {
			text = row[c]
		}
		pdf.Rect(x, y, w, height, "D")
		pdf.SetXY(x+1, y)
		pdf.MultiCell(w-2, lh, text, "", alignOf(text), false)
		x += w
	}
	pdf.SetXY(pageMargin, y+height)
}

// alignOf aligns figures right and everything else left.
func alignOf(s string) string {
	if s == "" || utf8.RuneCountInString(s) > 24 {
		return "L"
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789 ,.%\u00a0-", r) {
			return "L"
		}
	}
	return "R"
}
