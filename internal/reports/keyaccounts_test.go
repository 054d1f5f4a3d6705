package reports

import (
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/models"
)

// TestKeyAccountFigures works a period by hand: [2026-02-15, 2026-08-01)
// overlaps Q1 (from Feb 15), Q2 and Q3 (to Aug 1).
//
//	a: lower Jan 10, target Mar 1, key May 5  → Q1 lower→target, Q2 target→key
//	b: target Feb 20, lower Jun 30            → Q1 ""→target, Q2 target→lower
//	c: key Jul 15                             → Q3 ""→key
//	d: key Aug 2 (after the period)           → nowhere
func TestKeyAccountFigures(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	row := func(client string, q keyaccount.Quadrant, at time.Time) models.KeyAccountAssessment {
		return models.KeyAccountAssessment{ClientID: client, ClientName: client, Quadrant: string(q), At: at}
	}
	rows := []models.KeyAccountAssessment{
		row("a", keyaccount.QuadrantLower, day(1, 10)), row("a", keyaccount.QuadrantTarget, day(3, 1)), row("a", keyaccount.QuadrantKey, day(5, 5)),
		row("b", keyaccount.QuadrantTarget, day(2, 20)), row("b", keyaccount.QuadrantLower, day(6, 30)),
		row("c", keyaccount.QuadrantKey, day(7, 15)),
	}
	from, to := time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	r := keyAccountFigures(rows, from, to)
	if r.Counts[keyaccount.QuadrantKey] != 2 || r.Counts[keyaccount.QuadrantLower] != 1 || r.Counts[keyaccount.QuadrantTarget] != 0 || len(r.Clients) != 3 {
		t.Fatalf("now: %+v, %+v", r.Counts, r.Clients)
	}
	type want struct {
		quarter          string
		start            time.Time
		key, target, low int
		moves            []KeyAccountMove
	}
	wants := []want{
		{"2026-Q1", from, 0, 2, 0, []KeyAccountMove{{"", keyaccount.QuadrantTarget, 1}, {keyaccount.QuadrantLower, keyaccount.QuadrantTarget, 1}}},
		{"2026-Q2", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), 1, 0, 1, []KeyAccountMove{{keyaccount.QuadrantTarget, keyaccount.QuadrantKey, 1}, {keyaccount.QuadrantTarget, keyaccount.QuadrantLower, 1}}},
		{"2026-Q3", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), 2, 0, 1, []KeyAccountMove{{"", keyaccount.QuadrantKey, 1}}},
	}
	if len(r.Quarters) != len(wants) {
		t.Fatalf("quarters %+v", r.Quarters)
	}
	for i, w := range wants {
		q := r.Quarters[i]
		c := q.Counts
		if q.Quarter != w.quarter || !q.Start.Equal(w.start) || c[keyaccount.QuadrantKey] != w.key || c[keyaccount.QuadrantTarget] != w.target ||
			c[keyaccount.QuadrantLower] != w.low || len(q.Moves) != len(w.moves) {
			t.Fatalf("%s: %+v", w.quarter, q)
		}
		for j := range w.moves {
			if q.Moves[j] != w.moves[j] {
				t.Errorf("%s move %d: %+v, want %+v", w.quarter, j, q.Moves[j], w.moves[j])
			}
		}
	}
	if !r.Quarters[2].End.Equal(to) {
		t.Errorf("the last quarter ends at %v, want the period's end", r.Quarters[2].End)
	}
}
