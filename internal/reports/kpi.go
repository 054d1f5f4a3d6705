package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/models"
)

// KPIReport is the indicators of each rep over [From, To).
type KPIReport struct {
	Period
	// Reps has one row per rep with any figure in the period, and one per
	// rep named in the filter's Owners (within scope), by staff ID.
	Reps []KPIRow `json:"reps"`
}

// KPIRow is one rep's indicators; see the package documentation for the
// exact rules.
type KPIRow struct {
	Owner string `json:"owner"`
	Name  string `json:"name"`
	// ClientsInInitialStage counts the distinct clients with a deal of the
	// rep that was open in the presentation stage at To.
	ClientsInInitialStage int `json:"clients_in_initial_stage"`
	// FirstSales are the won deals closed in the period that are their
	// client's first won deal ever; RepeatSales the other won deals closed
	// in the period; OtherProductSales those repeat sales whose client had
	// never won a deal of the same product before.
	FirstSales        Sales `json:"first_sales"`
	RepeatSales       Sales `json:"repeat_sales"`
	OtherProductSales Sales `json:"other_product_sales"`
	// Prospects counts the clients whose first deal ever was created in the
	// period (by this rep); Converted those of them with a won deal closed
	// before To; ConversionPercent is their share, nil when no prospects.
	Prospects                   int      `json:"prospects"`
	ProspectsConverted          int      `json:"prospects_converted"`
	ProspectConversionPercent   *float64 `json:"prospect_conversion_percent"`
	LostClients                 int      `json:"lost_clients"`
	RestoredClients             int      `json:"restored_clients"`
	ControlPointsDone           int      `json:"control_points_done"`
	ControlPointsOnTime         int      `json:"control_points_on_time"`
	ControlPointsOnTimePercent  *float64 `json:"control_points_on_time_percent"`
	Complaints                  int      `json:"complaints"`
	WonDeals                    int      `json:"won_deals"`
	ComplaintsPer100ClosedDeals *float64 `json:"complaints_per_100_closed"`
}

// Sales is a number of won deals and their net sum: payments minus refunds
// recorded on the deals.
type Sales struct {
	Count int          `json:"count"`
	Sum   money.Amount `json:"sum"`
}

// kpiPart is a query of some of the indicators, one row per rep: its owner
// column and some of the columns of kpiFigures; name names it in errors.
type kpiPart struct {
	name  string
	query func(db *gorm.DB, f Filter, from, to time.Time) *gorm.DB
}

// kpiParts are the KPI report's queries, independent of each other, the
// longest first (readParts starts them in this order, two at a time): at a
// million deals the control points take about as long as the others
// together.
var kpiParts = []kpiPart{
	{"control points", kpiControlPoints}, {"prospects", kpiProspects}, {"sales", kpiSales},
	{"client changes", kpiClientChanges}, {"initial stage", kpiInitialStage}, {"complaints", kpiComplaints},
}

// kpiFigures is a row of a KPI part: a rep and the figures the part counts
// (the others stay zero).
type kpiFigures struct {
	Owner                       string
	Initial                     int
	Won, FirstN, RepeatN, NewN  int
	FirstNet, RepeatNet, NewNet int64
	Prospects, Bought           int
	Lost, Restored              int
	Done, OnTime                int
	Complaints                  int
}

// addTo adds the figures to the rep's row r. Each part counts other
// figures, and a rep has one row per part, so adding them all sets each.
func (g kpiFigures) addTo(r *KPIRow) {
	r.ClientsInInitialStage += g.Initial
	r.WonDeals += g.Won
	r.FirstSales.add(g.FirstN, g.FirstNet)
	r.RepeatSales.add(g.RepeatN, g.RepeatNet)
	r.OtherProductSales.add(g.NewN, g.NewNet)
	r.Prospects += g.Prospects
	r.ProspectsConverted += g.Bought
	r.LostClients += g.Lost
	r.RestoredClients += g.Restored
	r.ControlPointsDone += g.Done
	r.ControlPointsOnTime += g.OnTime
	r.Complaints += g.Complaints
}

// add adds n deals of net sum net (in kopecks).
func (s *Sales) add(n int, net int64) {
	s.Count += n
	s.Sum += money.Amount(net)
}

// KPI computes the indicators per rep over [f.From, f.To). Each part is one
// query over ranges of the indexes EnsureIndexes creates, counted by owner.
// What depends on a client's other deals (the kind of a sale, a client's
// first deal and first win) is read from what the read model keeps
// (models.Deal.SaleKind and NewProduct, models.Client.FirstDealID,
// FirstDealAt and FirstWonAt), never searched for. The parts run as
// readParts says: on PostgreSQL two at a time, each with its own snapshot
// and without parallel workers (the two parts take the two cores).
func KPI(ctx context.Context, db *gorm.DB, f Filter) (*KPIReport, error) {
	from, to, err := f.period()
	if err != nil {
		return nil, err
	}
	figures := make([][]kpiFigures, len(kpiParts))
	fns := make([]func(tx *gorm.DB) error, len(kpiParts))
	for i, part := range kpiParts {
		fns[i] = func(tx *gorm.DB) error {
			if err := part.query(tx, f, from, to).Scan(&figures[i]).Error; err != nil {
				return fmt.Errorf("kpi: %s: %w", part.name, err)
			}
			return nil
		}
	}
	if err := readParts(ctx, db, false, fns...); err != nil {
		return nil, err
	}

	rows := map[string]*KPIRow{}
	row := func(owner string) *KPIRow {
		r, ok := rows[owner]
		if !ok {
			r = &KPIRow{Owner: owner}
			rows[owner] = r
		}
		return r
	}
	for _, o := range f.Owners {
		if f.Scope.Includes(o) {
			row(o)
		}
	}
	for _, part := range figures {
		for _, g := range part {
			g.addTo(row(g.Owner))
		}
	}

	report := &KPIReport{Period: Period{From: from, To: to}, Reps: []KPIRow{}}
	owners := make([]string, 0, len(rows))
	for o := range rows {
		owners = append(owners, o)
	}
	slices.Sort(owners)
	var names []struct{ ID, Name string }
	if len(owners) > 0 {
		err := db.WithContext(ctx).Model(&models.Staff{}).Select("id, name").Where("id IN ?", owners).Scan(&names).Error
		if err != nil {
			return nil, fmt.Errorf("kpi: staff names: %w", err)
		}
	}
	for _, n := range names {
		if r, ok := rows[n.ID]; ok {
			r.Name = n.Name
		}
	}
	for _, o := range owners {
		r := rows[o]
		r.ProspectConversionPercent = models.Percent(r.ProspectsConverted, r.Prospects)
		r.ControlPointsOnTimePercent = models.Percent(r.ControlPointsOnTime, r.ControlPointsDone)
		r.ComplaintsPer100ClosedDeals = models.Percent(r.Complaints, r.WonDeals)
		report.Reps = append(report.Reps, *r)
	}
	return report, nil
}

// kpiInitialStage counts the clients in the initial stage at To: of the
// deals that entered the presentation stage before To, those that had
// neither moved to the offer stage nor closed by To. Three disjoint
// branches, each served by an index.
func kpiInitialStage(db *gorm.DB, f Filter, _, to time.Time) *gorm.DB {
	open := f.deals(db, true).Select("d.owner, d.client_id").
		Where("d.offer_at IS NULL AND d.closed_at IS NULL AND d.presentation_at < ?", to)
	movedLater := f.deals(db, true).Select("d.owner, d.client_id").
		Where("d.offer_at >= ? AND d.presentation_at < ?", to, to)
	closedLater := f.deals(db, true).Select("d.owner, d.client_id").
		Where("d.offer_at IS NULL AND d.closed_at >= ? AND d.presentation_at < ?", to, to)
	return db.Raw("SELECT owner, COUNT(DISTINCT client_id) AS initial FROM (? UNION ALL ? UNION ALL ?) AS p GROUP BY owner",
		open, movedLater, closedLater)
}

// kpiSales sums the won deals closed in the period by the kind of sale the
// read model stored on them: first or repeat, and among repeat sales the
// new product lines. One pass over the period's won deals in the covering
// index on (status, closed_at, ...).
func kpiSales(db *gorm.DB, f Filter, from, to time.Time) *gorm.DB {
	const net = "d.paid_amount - d.refunded_amount"
	// The status and the kinds are literals, so the plan is made for them
	// even when the statement is prepared once and reused.
	return f.deals(db, true).
		Select("d.owner, COUNT(*) AS won, "+
			"SUM(CASE WHEN d.sale_kind = 'first' THEN 1 ELSE 0 END) AS first_n, "+
			"SUM(CASE WHEN d.sale_kind = 'first' THEN "+net+" ELSE 0 END) AS first_net, "+
			"SUM(CASE WHEN d.sale_kind = 'repeat' THEN 1 ELSE 0 END) AS repeat_n, "+
			"SUM(CASE WHEN d.sale_kind = 'repeat' THEN "+net+" ELSE 0 END) AS repeat_net, "+
			"SUM(CASE WHEN d.sale_kind = 'repeat' AND d.new_product THEN 1 ELSE 0 END) AS new_n, "+
			"SUM(CASE WHEN d.sale_kind = 'repeat' AND d.new_product THEN "+net+" ELSE 0 END) AS new_net").
		Where("d.status = 'won' AND d.closed_at >= ? AND d.closed_at < ?", from, to).
		Group("d.owner")
}

// kpiProspects counts the clients whose first deal ever (as the read model
// keeps it on the client) was created in the period, by that deal's owner
// when the deal matches the filter, and those of them first won before To.
// The clients are a range of the index on first_deal_at; their first deals
// the same range of the index on deals (created_at, ...): a client's
// first_deal_at is its first deal's created_at (which never changes), so
// the two ranges merge on it in one ordered pass, the ID picking the deal.
func kpiProspects(db *gorm.DB, f Filter, from, to time.Time) *gorm.DB {
	q := f.people(db.Table("clients AS c").
		Joins("JOIN deals AS d ON d.created_at = c.first_deal_at AND d.id = c.first_deal_id"), "d.owner").
		Select("d.owner, COUNT(*) AS prospects, SUM(CASE WHEN c.first_won_at < ? THEN 1 ELSE 0 END) AS bought", to).
		Where("c.first_deal_at >= ? AND c.first_deal_at < ? AND d.created_at >= ? AND d.created_at < ?", from, to, from, to)
	if f.Product != "" {
		q = q.Where("d.product = ?", f.Product)
	}
	if f.Segment != "" {
		q = q.Where("c.segment = ?", f.Segment)
	}
	return q.Group("d.owner")
}

// kpiClientChanges counts the clients that became lost or restored in the
// period, by the rep the classification's history entry names: the
// transitions, not the entries. An entry is appended whenever a client's
// category or ABC or XYZ class changes, so a client who stays lost while
// its classes move has several entries in category lost; only the entry
// whose client's previous entry (by as_of, the primary key's order) has
// another category, or that has none before it, is a transition.
//
// The previous entry's category is the one stored on the entry
// (previous_category, kept by the classification run), so the period's
// transitions are one index-only range of a partial index holding only
// transitions. Entries not filled yet (NULL: written by an earlier
// version, until the migration fills them) look it up among the client's
// entries, with the same result; a partial index finds them.
func kpiClientChanges(db *gorm.DB, f Filter, from, to time.Time) *gorm.DB {
	entries := func(transition string) *gorm.DB {
		q := f.people(db.Table("client_class_changes AS c"), "c.owner").Select("c.owner, c.category").
			// Literals (models.CategoryLost, models.CategoryRestored), so
			// the partial indexes serve.
			Where("c.category IN ('lost', 'restored') AND c.as_of >= ? AND c.as_of < ?", from, to).
			Where(transition)
		if f.Segment != "" {
			q = q.Where("c.client_id IN (SELECT id FROM clients WHERE segment = ?)", f.Segment)
		}
		return q
	}
	filled := entries("c.previous_category <> c.category")
	unfilled := entries("c.previous_category IS NULL AND COALESCE(" + models.PreviousCategorySQL + ", '') <> c.category")
	return db.Raw("SELECT t.owner, SUM(CASE WHEN t.category = 'lost' THEN 1 ELSE 0 END) AS lost, "+
		"SUM(CASE WHEN t.category = 'restored' THEN 1 ELSE 0 END) AS restored FROM (? UNION ALL ?) AS t GROUP BY t.owner",
		filled, unfilled)
}

// kpiControlPoints counts the control points of deals done in the period,
// and those done by the time they would turn overdue, by their owner.
//
// Over a year these are more than a million points, too many to hash by
// owner in time. So the owners come first, from a skip scan of the partial
// index on done points of deals by (owner, done_at, ...): each step finds
// the next owner with MIN, one index probe per owner. Each owner's points
// of the period are then one range of that index. On PostgreSQL, without a
// product or segment filter, a LATERAL subquery counts each range in index
// order, with no grouping. Otherwise (SQLite, which has no LATERAL, or a
// filter, whose deals PostgreSQL would hash again for every owner inside a
// LATERAL) the ranges are joined to the owners, kept to the filter's deals
// and grouped by owner.
func kpiControlPoints(db *gorm.DB, f Filter, from, to time.Time) *gorm.DB {
	// Literals, so the partial index on done points of deals serves.
	const donePoints = "p.subject_type = 'deal' AND p.status = 'done'"
	owners := func() *gorm.DB {
		return f.people(db.Table("control_points AS p"), "p.owner").Select("MIN(p.owner)").Where(donePoints)
	}
	const (
		skipScan = "WITH RECURSIVE o(owner) AS (? UNION ALL SELECT (?) FROM o WHERE o.owner IS NOT NULL) "
		counts   = "COUNT(*) AS done, SUM(CASE WHEN p.done_at <= p.overdue_at THEN 1 ELSE 0 END) AS on_time"
	)
	first, next := owners(), owners().Where("p.owner > o.owner")
	if postgres(db) && f.Product == "" && f.Segment == "" {
		counted := db.Table("control_points AS p").Select(counts).
			Where(donePoints+" AND p.owner = o.owner AND p.done_at >= ? AND p.done_at < ?", from, to)
		return db.Raw(skipScan+"SELECT o.owner, x.done, x.on_time FROM o CROSS JOIN LATERAL (?) AS x "+
			"WHERE o.owner IS NOT NULL AND x.done > 0", first, next, counted)
	}
	grouped := db.Table("o").Joins("JOIN control_points AS p ON p.owner = o.owner").Select("o.owner, "+counts).
		Where(donePoints+" AND p.done_at >= ? AND p.done_at < ?", from, to).Group("o.owner")
	if f.Product != "" || f.Segment != "" {
		grouped = grouped.Where("p.subject_id IN (?)", f.dealIDs(db))
	}
	return db.Raw(skipScan+"SELECT owner, done, on_time FROM (?) AS g", first, next, grouped)
}

// kpiComplaints counts the complaints registered in the period, by
// assignee.
func kpiComplaints(db *gorm.DB, f Filter, from, to time.Time) *gorm.DB {
	q := f.people(db.Table("complaints AS m"), "m.assignee").
		Select("m.assignee AS owner, COUNT(*) AS complaints").
		Where("m.registered_at >= ? AND m.registered_at < ?", from, to)
	if f.Segment != "" {
		q = q.Where("m.client_id IN (SELECT id FROM clients WHERE segment = ?)", f.Segment)
	}
	if f.Product != "" {
		q = q.Where("m.deal_id IN (SELECT id FROM deals WHERE product = ?)", f.Product)
	}
	return q.Group("m.assignee")
}

// dealIDs selects the IDs of the deals of the filter's product and segment
// (any owner: the caller restricts by its own owner column).
func (f Filter) dealIDs(db *gorm.DB) *gorm.DB {
	q := db.Table("deals AS x").Select("x.id")
	if f.Product != "" {
		q = q.Where("x.product = ?", f.Product)
	}
	if f.Segment != "" {
		q = q.Where("x.client_id IN (SELECT id FROM clients WHERE segment = ?)", f.Segment)
	}
	return q
}

// Table returns one row per rep.
func (r *KPIReport) Table() Table {
	t := Table{Header: []string{"owner", "name", "clients_in_initial_stage",
		"first_sales", "first_sales_sum", "prospects", "prospects_converted", "prospect_conversion_percent",
		"repeat_sales", "repeat_sales_sum", "other_product_sales", "other_product_sales_sum",
		"lost_clients", "restored_clients",
		"control_points_done", "control_points_on_time", "control_points_on_time_percent",
		"complaints", "won_deals", "complaints_per_100_closed"}}
	for _, k := range r.Reps {
		t.Rows = append(t.Rows, []string{k.Owner, k.Name, cellInt(k.ClientsInInitialStage),
			cellInt(k.FirstSales.Count), cellMoney(k.FirstSales.Sum),
			cellInt(k.Prospects), cellInt(k.ProspectsConverted), cellPercent(k.ProspectConversionPercent),
			cellInt(k.RepeatSales.Count), cellMoney(k.RepeatSales.Sum),
			cellInt(k.OtherProductSales.Count), cellMoney(k.OtherProductSales.Sum),
			cellInt(k.LostClients), cellInt(k.RestoredClients),
			cellInt(k.ControlPointsDone), cellInt(k.ControlPointsOnTime), cellPercent(k.ControlPointsOnTimePercent),
			cellInt(k.Complaints), cellInt(k.WonDeals), cellPercent(k.ComplaintsPer100ClosedDeals)})
	}
	return t
}
