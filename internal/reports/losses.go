package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
)

// LossesReport is where and why the deals closed in [From, To) were lost,
// with the process context of the lost deals against the won ones.
type LossesReport struct {
	Period
	// Lost counts the deals lost in the period.
	Lost int `json:"lost"`
	// ByStage has one entry per stage in process order (stages without
	// losses too), then any stage the process does not know, by name.
	ByStage []LossStage `json:"by_stage"`
	// LostContext and WonContext are the process context of the deals lost
	// and of the deals won in the period.
	LostContext ProcessContext `json:"lost_context"`
	WonContext  ProcessContext `json:"won_context"`
}

// LossStage is the losses of one stage.
type LossStage struct {
	Stage string `json:"stage"`
	Lost  int    `json:"lost"`
	// Reasons lists the loss reasons given in the stage, most frequent
	// first, ties by reason.
	Reasons []LossReason `json:"reasons"`
}

// LossReason counts the deals lost for one reason.
type LossReason struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// ProcessContext sums and averages the process counters of a set of deals.
type ProcessContext struct {
	Deals                int     `json:"deals"`
	OfferVersions        Counter `json:"offer_versions"`
	PresentationDeclines Counter `json:"presentation_declines"`
	ContractChanges      Counter `json:"contract_changes"`
	OverduePoints        Counter `json:"overdue_points"`
}

// Counter is a process counter over a set of deals: its total and its
// average per deal (two decimals; nil when there are no deals).
type Counter struct {
	Total   int64    `json:"total"`
	Average *float64 `json:"average"`
}

// Losses computes the losses report over the deals matching the filter that
// were lost, or won, with closed_at in [f.From, f.To): one GROUP BY query
// over status, lost stage and reason.
func Losses(ctx context.Context, db *gorm.DB, f Filter) (*LossesReport, error) {
	from, to, err := f.period()
	if err != nil {
		return nil, err
	}
	var groups []struct {
		Status, LostStage, LostReason                                       string
		N, OfferVersions, PresentationDeclines, ContractChanges, OverduePts int64
	}
	err = read(ctx, db, func(tx *gorm.DB) error {
		return f.deals(tx, true).
			Select("d.status, d.lost_stage, d.lost_reason, COUNT(*) AS n, "+
				"SUM(d.offer_versions) AS offer_versions, SUM(d.presentation_declines) AS presentation_declines, "+
				"SUM(d.contract_changes) AS contract_changes, SUM(d.overdue_points) AS overdue_pts").
			Where("d.status IN ? AND d.closed_at >= ? AND d.closed_at < ?", []string{string(deal.StatusWon), string(deal.StatusLost)}, from, to).
			Group("d.status, d.lost_stage, d.lost_reason").
			Scan(&groups).Error
	})
	if err != nil {
		return nil, fmt.Errorf("losses: %w", err)
	}

	r := &LossesReport{Period: Period{From: from, To: to}}
	stages := map[string]*LossStage{}
	for _, s := range deal.Stages {
		r.ByStage = append(r.ByStage, LossStage{Stage: string(s), Reasons: []LossReason{}})
	}
	for i := range r.ByStage {
		stages[r.ByStage[i].Stage] = &r.ByStage[i]
	}
	var lost, won [5]int64
	var others []*LossStage
	for _, g := range groups {
		sums := &won
		if g.Status == string(deal.StatusLost) {
			sums = &lost
			r.Lost += int(g.N)
			st, ok := stages[g.LostStage]
			if !ok {
				st = &LossStage{Stage: g.LostStage, Reasons: []LossReason{}}
				others = append(others, st)
				stages[g.LostStage] = st
			}
			st.Lost += int(g.N)
			st.Reasons = append(st.Reasons, LossReason{Reason: g.LostReason, Count: int(g.N)})
		}
		sums[0] += g.N
		sums[1] += g.OfferVersions
		sums[2] += g.PresentationDeclines
		sums[3] += g.ContractChanges
		sums[4] += g.OverduePts
	}
	slices.SortFunc(others, func(a, b *LossStage) int { return cmp.Compare(a.Stage, b.Stage) })
	for _, st := range others {
		r.ByStage = append(r.ByStage, *st)
	}
	for i := range r.ByStage {
		slices.SortFunc(r.ByStage[i].Reasons, func(a, b LossReason) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
		})
	}
	r.LostContext = processContext(lost)
	r.WonContext = processContext(won)
	return r, nil
}

// processContext builds the context from the deal count and the four
// counters' totals.
func processContext(s [5]int64) ProcessContext {
	n := int(s[0])
	c := func(total int64) Counter { return Counter{Total: total, Average: average(total, n)} }
	return ProcessContext{Deals: n, OfferVersions: c(s[1]), PresentationDeclines: c(s[2]),
		ContractChanges: c(s[3]), OverduePoints: c(s[4])}
}

// Table returns one row per stage and reason with losses ("section"
// losses), then one row per process counter ("section" context) with the
// lost and the won deals' totals and averages.
func (r *LossesReport) Table() Table {
	t := Table{Header: []string{"section", "stage", "reason", "count",
		"lost_total", "lost_average", "won_total", "won_average"}}
	for _, s := range r.ByStage {
		for _, reason := range s.Reasons {
			t.Rows = append(t.Rows, []string{"losses", s.Stage, reason.Reason, cellInt(reason.Count), "", "", "", ""})
		}
	}
	t.Rows = append(t.Rows, []string{"context", "", "deals", "",
		cellInt(r.LostContext.Deals), "", cellInt(r.WonContext.Deals), ""})
	for _, c := range []struct {
		name      string
		lost, won Counter
	}{
		{"offer_versions", r.LostContext.OfferVersions, r.WonContext.OfferVersions},
		{"presentation_declines", r.LostContext.PresentationDeclines, r.WonContext.PresentationDeclines},
		{"contract_changes", r.LostContext.ContractChanges, r.WonContext.ContractChanges},
		{"overdue_points", r.LostContext.OverduePoints, r.WonContext.OverduePoints},
	} {
		t.Rows = append(t.Rows, []string{"context", "", c.name, "",
			cellInt(c.lost.Total), cellAverage(c.lost.Average), cellInt(c.won.Total), cellAverage(c.won.Average)})
	}
	return t
}
