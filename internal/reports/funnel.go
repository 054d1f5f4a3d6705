package reports

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// stageColumns are the deals columns holding when a deal entered each stage,
// in deal.Stages order.
var stageColumns = []string{"presentation_at", "offer_at", "contract_at", "payment_at", "event_at", "close_at"}

// Period is the span [From, To) a report covers: From counts, To does not.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// FunnelReport is the funnel of the deals created in [From, To).
type FunnelReport struct {
	Period
	// Deals is the size of the cohort; Open, Won, Lost and Cancelled split
	// it by the deals' current status.
	Deals     int `json:"deals"`
	Open      int `json:"open"`
	Won       int `json:"won"`
	Lost      int `json:"lost"`
	Cancelled int `json:"cancelled"`
	// Stages has one entry per stage, in process order.
	Stages []FunnelStage `json:"stages"`
}

// FunnelStage is one stage of the funnel.
type FunnelStage struct {
	Stage string `json:"stage"`
	// Entered counts the deals that reached the stage; InNow those open in
	// it; Passed those that reached a later stage or were won; Lost those
	// lost in it.
	Entered int `json:"entered"`
	InNow   int `json:"in_now"`
	Passed  int `json:"passed"`
	Lost    int `json:"lost"`
	// ConversionToNextPercent is the share of Entered that entered the next
	// stage (for the last stage: that were won); ConversionFromFirstPercent
	// is Entered as a share of the first stage's Entered. Both in percent
	// with one decimal, nil when the base is 0.
	ConversionToNextPercent    *float64 `json:"conversion_to_next_percent"`
	ConversionFromFirstPercent *float64 `json:"conversion_from_first_percent"`
	// MedianSeconds is the nearest-rank median time in the stage, in whole
	// seconds, over the Timed deals that left it forward (entered the next
	// stage; for the last stage: were won); nil when there are none.
	Timed         int    `json:"timed"`
	MedianSeconds *int64 `json:"median_seconds"`
}

// Funnel computes the funnel of the deals created in [f.From, f.To) that
// match the filter. One query groups the cohort by status, stage, loss
// stage and which stage times are set (a few dozen groups at most); every
// count is summed from those groups here. Another finds the medians: on
// PostgreSQL percentile_disc(0.5), which is the nearest-rank median; on
// SQLite ROW_NUMBER over the durations. Either way six medians come back,
// never the durations. The two run as readParts says.
func Funnel(ctx context.Context, db *gorm.DB, f Filter) (*FunnelReport, error) {
	from, to, err := f.period()
	if err != nil {
		return nil, err
	}
	cohort := func(tx *gorm.DB) *gorm.DB {
		return f.deals(tx, true).Where("d.created_at >= ? AND d.created_at < ?", from, to)
	}
	var groups []funnelGroup
	var medians []*int64
	err = readParts(ctx, db, true,
		func(tx *gorm.DB) error {
			var err error
			groups, err = funnelGroups(cohort(tx))
			return err
		},
		func(tx *gorm.DB) error {
			var err error
			medians, err = funnelMedians(tx, cohort)
			return err
		})
	if err != nil {
		return nil, err
	}
	return funnelReport(from, to, groups, medians), nil
}

// duration returns, for stage i, the SQL expression of a deal's time in the
// stage in whole seconds, NULL when the deal did not leave it forward: the
// next stage's entry minus this one's; for the last stage, closed_at of a
// won deal minus close_at.
func duration(db *gorm.DB, i int) string {
	this := "d." + stageColumns[i]
	if i+1 < len(stageColumns) {
		next := "d." + stageColumns[i+1]
		return "CASE WHEN " + this + " IS NOT NULL AND " + next + " IS NOT NULL THEN " + seconds(db, this, next) + " END"
	}
	return "CASE WHEN " + this + " IS NOT NULL AND d.closed_at IS NOT NULL AND d.status = 'won' THEN " +
		seconds(db, this, "d.closed_at") + " END"
}

// funnelGroup is one group of the cohort: deals alike in status, stage,
// loss stage and which stage times (and closed_at) are set.
type funnelGroup struct {
	Status, Stage, LostStage string
	// Set[i] is 1 when the stage time i is set; Set[6] for closed_at.
	Set [7]int
	N   int
}

// funnelGroups groups the cohort.
func funnelGroups(cohort *gorm.DB) ([]funnelGroup, error) {
	sel := []string{"d.status", "d.stage", "d.lost_stage"}
	for _, c := range append(slices.Clone(stageColumns), "closed_at") {
		sel = append(sel, "CASE WHEN d."+c+" IS NULL THEN 0 ELSE 1 END")
	}
	group := strings.Join(sel, ", ")
	rows, err := cohort.Select(group + ", COUNT(*)").Group(group).Rows()
	if err != nil {
		return nil, fmt.Errorf("funnel: count: %w", err)
	}
	defer rows.Close()
	var groups []funnelGroup
	for rows.Next() {
		var g funnelGroup
		dst := []any{&g.Status, &g.Stage, &g.LostStage}
		for i := range g.Set {
			dst = append(dst, &g.Set[i])
		}
		if err := rows.Scan(append(dst, &g.N)...); err != nil {
			return nil, fmt.Errorf("funnel: count: %w", err)
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("funnel: count: %w", err)
	}
	return groups, nil
}

// mediansWorkMem is the work_mem of the funnel's medians query on
// PostgreSQL: each of its six sorts may use that much memory before it
// spills to disk (16 MB holds about 650,000 durations).
const mediansWorkMem = "16MB"

// funnelMedians returns the median time in each stage, nil where no deal
// left the stage forward.
func funnelMedians(db *gorm.DB, cohort func(*gorm.DB) *gorm.DB) ([]*int64, error) {
	n := len(deal.Stages)
	v := make([]*int64, n)
	if postgres(db) {
		// Six sorts of up to a few hundred thousand durations: with the
		// default work_mem (4 MB) each spills to a temporary file from
		// about 170,000 durations (a year's cohort at a million deals).
		if err := db.Exec("SET LOCAL work_mem = '" + mediansWorkMem + "'").Error; err != nil {
			return nil, fmt.Errorf("funnel: medians: %w", err)
		}
		var sel []string
		for i := range n {
			sel = append(sel, "CAST(percentile_disc(0.5) WITHIN GROUP (ORDER BY "+duration(db, i)+") AS BIGINT)")
		}
		if err := scanOne(cohort(db).Select(strings.Join(sel, ", ")), v); err != nil {
			return nil, fmt.Errorf("funnel: medians: %w", err)
		}
		return v, nil
	}
	// SQLite: the durations ranked per stage, keeping the ceil(n/2)-th.
	var branches []string
	for i := range n {
		branches = append(branches, "SELECT "+strconv.Itoa(i)+" AS i, "+duration(db, i)+" AS s FROM c AS d")
	}
	sql := "WITH c AS (?), dur AS (SELECT i, s FROM (" + strings.Join(branches, " UNION ALL ") + ") AS u WHERE s IS NOT NULL) " +
		"SELECT i, s FROM (SELECT i, s, ROW_NUMBER() OVER (PARTITION BY i ORDER BY s) AS rn, " +
		"COUNT(*) OVER (PARTITION BY i) AS n FROM dur) AS r WHERE rn = (n + 1) / 2"
	var medians []struct{ I, S int64 }
	cols := "d." + strings.Join(stageColumns, ", d.") + ", d.closed_at, d.status"
	if err := db.Raw(sql, cohort(db).Select(cols)).Scan(&medians).Error; err != nil {
		return nil, fmt.Errorf("funnel: medians: %w", err)
	}
	for _, m := range medians {
		if m.I >= 0 && int(m.I) < n {
			v[m.I] = ptr(m.S)
		}
	}
	return v, nil
}

// funnelReport sums the groups into the report.
func funnelReport(from, to time.Time, groups []funnelGroup, medians []*int64) *FunnelReport {
	n := len(deal.Stages)
	r := &FunnelReport{Period: Period{From: from, To: to}}
	for i, s := range deal.Stages {
		r.Stages = append(r.Stages, FunnelStage{Stage: string(s), MedianSeconds: medians[i]})
	}
	for _, g := range groups {
		r.Deals += g.N
		switch deal.Status(g.Status) {
		case deal.StatusOpen:
			r.Open += g.N
		case deal.StatusWon:
			r.Won += g.N
		case deal.StatusLost:
			r.Lost += g.N
		case deal.StatusCancelled:
			r.Cancelled += g.N
		}
		won := g.Status == string(deal.StatusWon)
		for i := range r.Stages {
			st := &r.Stages[i]
			if g.Set[i] == 0 {
				continue
			}
			st.Entered += g.N
			if g.Status == string(deal.StatusOpen) && g.Stage == st.Stage {
				st.InNow += g.N
			}
			if g.Status == string(deal.StatusLost) && g.LostStage == st.Stage {
				st.Lost += g.N
			}
			if i+1 < n {
				if g.Set[i+1] == 1 || won {
					st.Passed += g.N
				}
				if g.Set[i+1] == 1 {
					st.Timed += g.N
				}
			} else if won {
				st.Passed += g.N
				if g.Set[n] == 1 {
					st.Timed += g.N
				}
			}
		}
	}
	for i := range r.Stages {
		st := &r.Stages[i]
		next := r.Won
		if i+1 < n {
			next = r.Stages[i+1].Entered
		}
		st.ConversionToNextPercent = models.Percent(next, st.Entered)
		st.ConversionFromFirstPercent = models.Percent(st.Entered, r.Stages[0].Entered)
	}
	return r
}

// scanOne runs q, which selects one row, into dst (pointers to nullable
// integers; a NULL leaves nil).
func scanOne(q *gorm.DB, dst []*int64) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	ptrs := make([]any, len(dst))
	for i := range dst {
		ptrs[i] = &dst[i]
	}
	if rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Table returns the funnel with one row per stage and a last row "total"
// with the cohort's size in entered, its open deals in in_now, its won
// deals in passed and its lost deals in lost (the cancelled ones are the
// difference).
func (r *FunnelReport) Table() Table {
	t := Table{Header: []string{"stage", "entered", "in_now", "passed", "lost",
		"conversion_to_next_percent", "conversion_from_first_percent", "timed", "median_seconds"}}
	for _, s := range r.Stages {
		t.Rows = append(t.Rows, []string{s.Stage, cellInt(s.Entered), cellInt(s.InNow), cellInt(s.Passed), cellInt(s.Lost),
			cellPercent(s.ConversionToNextPercent), cellPercent(s.ConversionFromFirstPercent),
			cellInt(s.Timed), cellSeconds(s.MedianSeconds)})
	}
	t.Rows = append(t.Rows, []string{"total", cellInt(r.Deals), cellInt(r.Open), cellInt(r.Won), cellInt(r.Lost), "", "", "", ""})
	return t
}
