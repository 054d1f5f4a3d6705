package reports

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/models"
)

// KeyAccountReport is the key-account report (docs/key-accounts.md): the
// clients by quadrant as of To, and per calendar quarter (UTC) overlapping
// [From, To) the counts by quadrant at the quarter's end and the moves
// between quadrants within it.
type KeyAccountReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Counts are the clients per quadrant (every quadrant listed) by their
	// latest assessment before To; Clients are those clients.
	Counts  map[keyaccount.Quadrant]int `json:"counts"`
	Clients []KeyAccountClient          `json:"clients"`
	// Quarters are the quarters overlapping the period, oldest first.
	Quarters []KeyAccountQuarter `json:"quarters"`
}

// KeyAccountClient is one client's latest assessment: the client and the
// summary its page shows.
type KeyAccountClient struct {
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	keyaccount.Summary
}

// KeyAccountQuarter is one quarter: Start and End bound its part within
// the period; Counts are the clients per quadrant by their latest
// assessment before End; Moves are the clients whose quadrant at End
// differs from the one at Start (From "" for a client first assessed in
// the quarter), counted per pair.
type KeyAccountQuarter struct {
	Quarter string                      `json:"quarter"`
	Start   time.Time                   `json:"start"`
	End     time.Time                   `json:"end"`
	Counts  map[keyaccount.Quadrant]int `json:"counts"`
	Moves   []KeyAccountMove            `json:"moves"`
}

// KeyAccountMove counts the clients that moved from one quadrant to
// another in a quarter.
type KeyAccountMove struct {
	From  keyaccount.Quadrant `json:"from"`
	To    keyaccount.Quadrant `json:"to"`
	Count int                 `json:"count"`
}

// KeyAccounts builds the report for the clients scope sees over
// [from, to).
func KeyAccounts(ctx context.Context, db *gorm.DB, scope models.Scope, from, to time.Time) (KeyAccountReport, error) {
	rows, err := models.AssessmentsInScope(ctx, db, scope, to)
	if err != nil {
		return KeyAccountReport{}, err
	}
	return keyAccountFigures(rows, from.UTC(), to.UTC()), nil
}

// keyAccountFigures computes the report from the assessments before to,
// ordered by client and time (as AssessmentsInScope returns them).
func keyAccountFigures(rows []models.KeyAccountAssessment, from, to time.Time) KeyAccountReport {
	r := KeyAccountReport{From: from, To: to, Counts: quadrantCounts(), Clients: []KeyAccountClient{}, Quarters: []KeyAccountQuarter{}}
	for i, a := range rows {
		if i+1 < len(rows) && rows[i+1].ClientID == a.ClientID {
			continue // not the client's latest
		}
		sum := a.Summary()
		r.Counts[sum.Quadrant]++
		r.Clients = append(r.Clients, KeyAccountClient{ClientID: a.ClientID, ClientName: a.ClientName, Summary: sum})
	}
	for start := quarterStart(from); start.Before(to); start = start.AddDate(0, 3, 0) {
		qs, qe := maxTime(start, from), minTime(start.AddDate(0, 3, 0), to)
		r.Quarters = append(r.Quarters, quarterFigures(rows, start, qs, qe))
	}
	return r
}

// quarterFigures are the counts at end and the moves over [start, end) of
// the quarter beginning at quarter.
func quarterFigures(rows []models.KeyAccountAssessment, quarter, start, end time.Time) KeyAccountQuarter {
	q := KeyAccountQuarter{
		Quarter: quarter.Format("2006") + "-Q" + string(rune('1'+(int(quarter.Month())-1)/3)),
		Start:   start, End: end, Counts: quadrantCounts(), Moves: []KeyAccountMove{},
	}
	before, after := quadrantsAt(rows, start), quadrantsAt(rows, end)
	moves := map[[2]keyaccount.Quadrant]int{}
	for client, now := range after {
		q.Counts[now]++
		if was := before[client]; was != now {
			moves[[2]keyaccount.Quadrant{was, now}]++
		}
	}
	for _, from := range append([]keyaccount.Quadrant{""}, keyaccount.Quadrants...) {
		for _, to := range keyaccount.Quadrants {
			if n := moves[[2]keyaccount.Quadrant{from, to}]; n > 0 {
				q.Moves = append(q.Moves, KeyAccountMove{From: from, To: to, Count: n})
			}
		}
	}
	return q
}

// quadrantsAt is each client's quadrant by its latest assessment before t.
func quadrantsAt(rows []models.KeyAccountAssessment, t time.Time) map[string]keyaccount.Quadrant {
	out := map[string]keyaccount.Quadrant{}
	for _, a := range rows {
		if a.At.Before(t) {
			out[a.ClientID] = keyaccount.Quadrant(a.Quadrant)
		}
	}
	return out
}

func quadrantCounts() map[keyaccount.Quadrant]int {
	m := map[keyaccount.Quadrant]int{}
	for _, q := range keyaccount.Quadrants {
		m[q] = 0
	}
	return m
}

// quarterStart is the start of t's calendar quarter in UTC.
func quarterStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month()-(t.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
