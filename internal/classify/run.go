package classify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/salesflow/salesflow/models"
)

// ErrOutdated is returned by Run for an AsOf older than the stored
// classification: a run never overwrites newer results.
var ErrOutdated = errors.New("classify: a newer classification is stored")

// batchSize is the number of rows per INSERT of Run.
const batchSize = 1000

// Result is what a Run wrote.
type Result struct {
	// AsOf is the run's T, in UTC.
	AsOf time.Time `json:"as_of"`
	// Clients is the number of clients whose class row was written (0 for
	// a repeated run).
	Clients int `json:"clients"`
	// Changes is the number of history rows appended.
	Changes int `json:"changes"`
}

// Run classifies every client in the clients table as of asOf (normally
// the start of the run's day, see Day) and stores the result: one
// models.ClientClass row per client, replaced by each newer run, and a
// models.ClientClassChange row for each client whose category, ABC or XYZ
// class differs from its stored one (every client on its first run).
// Settlements at or after asOf do not count.
//
// Owner is the owner of the client's latest deal (by created_at, then ID),
// or the client's creator for a client without deals; Segment is the
// client's.
//
// Run is idempotent: a client whose stored row is already as of asOf is
// left alone, so a repeated run writes nothing and appends nothing (bar
// clients created since). For an asOf before the stored classification it
// refuses with ErrOutdated and writes nothing. Everything is read and
// written in one transaction, so readers see the old or the new
// classification, never a mix.
func Run(ctx context.Context, db *gorm.DB, asOf time.Time, p Params) (Result, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	if asOf.IsZero() {
		return Result{}, errors.New("classify: run without an as-of time")
	}
	per := PeriodsOf(asOf, p)
	res := Result{AsOf: per.AsOf}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if latest, ok, err := LatestAsOf(ctx, tx); err != nil {
			return err
		} else if ok && latest.After(per.AsOf) {
			return fmt.Errorf("%w: stored as of %s, run as of %s", ErrOutdated,
				latest.UTC().Format(time.RFC3339), per.AsOf.Format(time.RFC3339))
		}
		if pending, err := unclassified(tx, per.AsOf); err != nil || pending == 0 {
			return err // a repeated run: every client is classified as of asOf
		}
		clients, err := loadClients(tx)
		if err != nil {
			return err
		}
		stored, err := loadStored(tx)
		if err != nil {
			return err
		}
		sums, err := settlements(tx, per)
		if err != nil {
			return err
		}
		classes, changes := classifyAll(clients, stored, sums, per, p)
		res.Clients = len(classes)
		if res.Changes, err = write(tx, classes, changes); err != nil {
			return err
		}
		return models.FillPreviousCategories(ctx, tx, &per.AsOf)
	})
	if err != nil {
		return Result{AsOf: per.AsOf}, err
	}
	return res, nil
}

// LatestAsOf returns the AsOf of the stored classification (the newest
// stored row's), and false when nothing is stored.
func LatestAsOf(ctx context.Context, db *gorm.DB) (time.Time, bool, error) {
	var at []time.Time
	err := db.WithContext(ctx).Model(&models.ClientClass{}).Order("as_of DESC").Limit(1).Pluck("as_of", &at).Error
	if err != nil {
		return time.Time{}, false, fmt.Errorf("classify: latest as-of: %w", err)
	}
	if len(at) == 0 {
		return time.Time{}, false, nil
	}
	return at[0].UTC(), true, nil
}

// unclassified counts the clients without a stored class as of asOf or
// later.
func unclassified(tx *gorm.DB, asOf time.Time) (int64, error) {
	var n int64
	err := tx.Model(&models.Client{}).
		Where("NOT EXISTS (SELECT 1 FROM client_classes cc WHERE cc.client_id = clients.id AND cc.as_of >= ?)", asOf).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("classify: count unclassified clients: %w", err)
	}
	return n, nil
}

// client is what Run needs of a client: its segment and owner.
type client struct {
	ID, Segment, Owner string
}

// loadClients reads every client with the owner of its latest deal (or
// its creator when it has none), ordered by ID.
func loadClients(tx *gorm.DB) ([]client, error) {
	var out []client
	err := tx.Raw(`SELECT c.id, c.segment, COALESCE(d.owner, c.created_by, '') AS owner
FROM clients c
LEFT JOIN (
  SELECT client_id, owner,
    ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY created_at DESC, id DESC) AS rn
  FROM deals
) d ON d.client_id = c.id AND d.rn = 1
ORDER BY c.id`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("classify: load clients: %w", err)
	}
	return out, nil
}

// loadStored reads the stored class of every client.
func loadStored(tx *gorm.DB) (map[string]models.ClientClass, error) {
	var rows []models.ClientClass
	err := tx.Select("client_id", "as_of", "category", "abc", "xyz").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("classify: load stored classes: %w", err)
	}
	out := make(map[string]models.ClientClass, len(rows))
	for _, r := range rows {
		r.AsOf = r.AsOf.UTC()
		out[r.ClientID] = r
	}
	return out, nil
}

// sums are a client's aggregated settlements.
type sums struct {
	Settlements
	// ABC is the turnover of the ABC period.
	ABC int64
	// Months are the nets of the XYZ months, oldest first.
	Months []int64
	// History reports a payment before the end of the first XYZ month.
	History bool
}

// settlements aggregates the payments before per.AsOf per client in one
// pass: conditional sums over the period bounds (bound as parameters, so
// the query is the same on PostgreSQL and SQLite and needs no date
// functions).
func settlements(tx *gorm.DB, per Periods) (map[string]*sums, error) {
	var sel strings.Builder
	var args []any
	col := func(expr string, a ...any) {
		sel.WriteString(",\n  CAST(" + expr + " AS BIGINT)")
		args = append(args, a...)
	}
	col("SUM(CASE WHEN at >= ? THEN amount ELSE 0 END)", per.WindowStart)
	col("SUM(CASE WHEN at >= ? AND at < ? THEN amount ELSE 0 END)", per.PreviousStart, per.WindowStart)
	col("SUM(CASE WHEN at < ? THEN amount ELSE 0 END)", per.PreviousStart)
	col("SUM(CASE WHEN at >= ? THEN amount ELSE 0 END)", per.ABCStart)
	col("MAX(CASE WHEN amount > 0 AND at < ? THEN 1 ELSE 0 END)", per.Months[1])
	for i := 0; i+1 < len(per.Months); i++ {
		col("SUM(CASE WHEN at >= ? AND at < ? THEN amount ELSE 0 END)", per.Months[i], per.Months[i+1])
	}
	args = append(args, per.AsOf)
	q := "SELECT client_id" + sel.String() + "\nFROM payments WHERE at < ? GROUP BY client_id"
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("classify: aggregate payments: %w", err)
	}
	defer rows.Close()
	out := map[string]*sums{}
	nMonths := len(per.Months) - 1
	for rows.Next() {
		var id string
		var history int64
		s := &sums{Months: make([]int64, nMonths)}
		dest := []any{&id, &s.Window, &s.Previous, &s.Earlier, &s.ABC, &history}
		for i := range s.Months {
			dest = append(dest, &s.Months[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("classify: aggregate payments: %w", err)
		}
		s.History = history == 1
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("classify: aggregate payments: %w", err)
	}
	return out, nil
}

// classifyAll computes the class of every client and returns the rows to
// write: the classes of clients not yet classified as of per.AsOf, and the
// changes among them.
func classifyAll(clients []client, stored map[string]models.ClientClass, all map[string]*sums, per Periods, p Params) ([]models.ClientClass, []models.ClientClassChange) {
	turnovers := make([]Turnover, 0, len(all))
	for _, c := range clients {
		if s := all[c.ID]; s != nil && s.ABC > 0 {
			turnovers = append(turnovers, Turnover{ClientID: c.ID, Amount: s.ABC})
		}
	}
	abc := ABC(turnovers, p)

	var classes []models.ClientClass
	var changes []models.ClientClassChange
	for _, c := range clients {
		old, seen := stored[c.ID]
		if seen && !old.AsOf.Before(per.AsOf) {
			continue // classified by this run already
		}
		row := models.ClientClass{ClientID: c.ID, AsOf: per.AsOf, Owner: c.Owner, Segment: c.Segment,
			Category: models.CategoryPotential, ABC: abc[c.ID]}
		if s := all[c.ID]; s != nil {
			row.Category = Category(s.Settlements)
			row.Turnover = s.ABC
			if s.History {
				row.XYZ, row.Variation = XYZ(s.Months, p)
			}
		}
		classes = append(classes, row)
		if !seen || old.Category != row.Category || old.ABC != row.ABC || old.XYZ != row.XYZ {
			changes = append(changes, models.ClientClassChange{ClientID: c.ID, AsOf: per.AsOf, Owner: row.Owner,
				Category: row.Category, ABC: row.ABC, XYZ: row.XYZ})
		}
	}
	return classes, changes
}

// write appends the changes (a change already recorded for its client and
// AsOf is kept) and upserts the classes, never replacing a row as of the
// same or a later time. It returns the number of changes appended.
func write(tx *gorm.DB, classes []models.ClientClass, changes []models.ClientClassChange) (int, error) {
	appended := 0
	for start := 0; start < len(changes); start += batchSize {
		batch := changes[start:min(start+batchSize, len(changes))]
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "client_id"}, {Name: "as_of"}}, DoNothing: true}).
			Create(&batch)
		if res.Error != nil {
			return 0, fmt.Errorf("classify: append changes: %w", res.Error)
		}
		appended += int(res.RowsAffected)
	}
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "client_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"as_of", "owner", "segment", "category", "abc", "xyz", "turnover", "variation"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "client_classes.as_of < excluded.as_of"}}},
	}
	for start := 0; start < len(classes); start += batchSize {
		batch := classes[start:min(start+batchSize, len(classes))]
		if err := tx.Clauses(upsert).Create(&batch).Error; err != nil {
			return 0, fmt.Errorf("classify: store classes: %w", err)
		}
	}
	return appended, nil
}
