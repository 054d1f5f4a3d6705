// Package seed writes a realistic synthetic sales history straight into the
// read model, for benchmarks and demos: staff (managers with teams of reps),
// clients in segments, deals that follow the process of docs/process.md §1–§2
// (declined presentations, revised offers, contract corrections, payments in
// parts, refunds, losses at every stage with the policy's reasons), their
// control points, payments and complaints.
//
// The history is a function of the configuration alone: every client draws
// from its own PCG source seeded from Config.Seed and its index, and no
// timestamp depends on the clock (the history ends at Config.End).
package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// DefaultEnd is the default end of the generated history.
var DefaultEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Config says what to generate.
type Config struct {
	// Clients is the number of clients (at least 1).
	Clients int
	// Years is the length of the history, ending at End (at least 1).
	Years int
	// Deals is the total number of deals; 0 means Clients × Years.
	Deals int
	// Seed selects the history; the same configuration always writes the
	// same rows.
	Seed uint64
	// End is the end of the history ("now" for the data); zero means
	// DefaultEnd.
	End time.Time
	// Force empties the seeded tables of a database that has data instead
	// of refusing it.
	Force bool
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Totals counts what Run wrote.
type Totals struct {
	Staff         int
	Clients       int
	Deals         int
	Payments      int
	ControlPoints int
	Complaints    int
	Elapsed       time.Duration
}

// ErrNotEmpty is returned by Run for a database that already has staff,
// clients or deals, unless Config.Force is set.
var ErrNotEmpty = errors.New("seed: the database already has data (use force to replace it)")

// Models lists the tables Run writes or, with Force, empties: the seeded
// ones and those that would refer to replaced rows.
var Models = []any{
	&models.Staff{}, &models.Token{}, &models.Client{}, &models.Deal{}, &models.DealEvent{}, &models.Payment{},
	&models.ControlPoint{}, &models.Document{}, &models.Notification{}, &models.Delivery{}, &models.Digest{},
	&models.Complaint{}, &models.ComplaintEvent{}, &models.ComplaintNumber{}, &models.ClientClass{},
	&models.ClientClassChange{},
}

// tableName returns the table of model m in db.
func tableName(db *gorm.DB, m any) (string, error) {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(m); err != nil {
		return "", err
	}
	return stmt.Schema.Table, nil
}

// Ratios of the staff: one rep per RepClients clients, one manager per
// TeamSize reps.
const (
	RepClients = 2000
	TeamSize   = 8
)

// chunkClients is the number of clients generated and handed over at once.
const chunkClients = 1000

// Run writes the history into db, a migrated read model (models.Open).
func Run(ctx context.Context, db *gorm.DB, cfg Config) (Totals, error) {
	began := time.Now()
	if cfg.Clients < 1 || cfg.Years < 1 || cfg.Deals < 0 {
		return Totals{}, fmt.Errorf("seed: need at least one client and one year, and no negative deal count")
	}
	if cfg.Deals == 0 {
		cfg.Deals = cfg.Clients * cfg.Years
	}
	if cfg.End.IsZero() {
		cfg.End = DefaultEnd
	}
	cfg.End = cfg.End.UTC().Truncate(time.Second)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := prepare(ctx, db, cfg.Force); err != nil {
		return Totals{}, err
	}
	start := cfg.End.AddDate(-cfg.Years, 0, 0)

	staff, reps := makeStaff(cfg, start)
	err := db.WithContext(ctx).CreateInBatches(staff, batchSize).Error
	if err != nil {
		return Totals{}, fmt.Errorf("seed: staff: %w", err)
	}
	tot := Totals{Staff: len(staff)}
	plans := planClients(cfg, start, len(reps))
	log.Info("seed: plan ready", "clients", cfg.Clients, "deals", cfg.Deals, "reps", len(reps),
		"managers", len(staff)-len(reps)-1, "from", start.Format(time.DateOnly), "to", cfg.End.Format(time.DateOnly))

	var ix *pgIndexes
	if db.Dialector.Name() == "postgres" {
		if ix, err = dropIndexes(ctx, db); err != nil {
			return tot, err
		}
	}
	err = load(ctx, db, cfg, plans, newGenerator(cfg, start, reps), &tot, log, began)
	if ix != nil {
		if rerr := ix.restore(context.WithoutCancel(ctx), db, err == nil, log); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if err != nil {
		return tot, err
	}
	if err := finishLoad(ctx, db, log); err != nil {
		return tot, err
	}
	tot.Elapsed = time.Since(began)
	return tot, nil
}

// load generates the clients chunk by chunk and writes them, then the
// complaints.
func load(ctx context.Context, db *gorm.DB, cfg Config, plans []clientPlan, g *generator, tot *Totals, log *slog.Logger, began time.Time) error {
	out, err := newSink(ctx, db)
	if err != nil {
		return err
	}
	lastLog := time.Now()
	for from := 0; from < len(plans); from += chunkClients {
		var c chunk
		for i := from; i < min(from+chunkClients, len(plans)); i++ {
			g.client(i, &plans[i], &c)
		}
		if err := out.write(ctx, c.clients, c.deals, c.payments, c.points); err != nil {
			return errors.Join(fmt.Errorf("seed: write: %w", err), out.close())
		}
		tot.Clients += len(c.clients)
		tot.Deals += len(c.deals)
		tot.Payments += len(c.payments)
		tot.ControlPoints += len(c.points)
		if time.Since(lastLog) > 5*time.Second {
			lastLog = time.Now()
			log.Info("seed: progress", "clients", tot.Clients, "deals", tot.Deals,
				"percent", math.Round(float64(tot.Clients)*1000/float64(cfg.Clients))/10, "elapsed", time.Since(began).Round(time.Second))
		}
	}
	nums := g.numberComplaints()
	tot.Complaints = len(g.complaints)
	if err := out.write(ctx, g.complaints, nums); err != nil {
		return errors.Join(fmt.Errorf("seed: write complaints: %w", err), out.close())
	}
	if err := out.close(); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	log.Info("seed: rows written", "elapsed", time.Since(began).Round(time.Millisecond))
	return nil
}

// prepare refuses a database with data, or empties it when forced.
func prepare(ctx context.Context, db *gorm.DB, force bool) error {
	db = db.WithContext(ctx)
	var found int64
	for _, m := range []any{&models.Staff{}, &models.Client{}, &models.Deal{}} {
		var n int64
		if err := db.Model(m).Limit(1).Count(&n).Error; err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		found += n
	}
	if found == 0 {
		return nil
	}
	if !force {
		return ErrNotEmpty
	}
	var tables []string
	for _, m := range Models {
		t, err := tableName(db, m)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		tables = append(tables, t)
	}
	if db.Dialector.Name() == "postgres" {
		return db.Exec("TRUNCATE " + strings.Join(tables, ", ") + " RESTART IDENTITY").Error
	}
	for _, t := range tables {
		if err := db.Exec("DELETE FROM " + t).Error; err != nil {
			return fmt.Errorf("seed: empty %s: %w", t, err)
		}
	}
	return nil
}

// finishLoad moves the complaint number counter past the numbers handed
// out and, on PostgreSQL, vacuums and analyzes the loaded tables so plans
// and index-only scans see the data as a long-running database would.
func finishLoad(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	if db.Dialector.Name() != "postgres" {
		return nil
	}
	db = db.WithContext(ctx)
	err := db.Exec(`SELECT setval(pg_get_serial_sequence('complaint_numbers', 'id'), GREATEST((SELECT max(id) FROM complaint_numbers), 1), (SELECT count(*) > 0 FROM complaint_numbers))`).Error
	if err != nil {
		return fmt.Errorf("seed: complaint number sequence: %w", err)
	}
	began := time.Now()
	for _, m := range []any{&models.Staff{}, &models.Client{}, &models.Deal{}, &models.Payment{}, &models.ControlPoint{}, &models.Complaint{}, &models.ComplaintNumber{}} {
		t, err := tableName(db, m)
		if err != nil {
			return err
		}
		if err := db.Exec("VACUUM (ANALYZE) " + t).Error; err != nil {
			return fmt.Errorf("seed: vacuum %s: %w", t, err)
		}
	}
	log.Info("seed: vacuumed and analyzed", "elapsed", time.Since(began).Round(time.Millisecond))
	return nil
}

// makeStaff returns the staff rows (an admin, the managers, the reps) and
// the reps' IDs.
func makeStaff(cfg Config, start time.Time) ([]models.Staff, []string) {
	nReps := max(2, (cfg.Clients+RepClients-1)/RepClients)
	nMgrs := (nReps + TeamSize - 1) / TeamSize
	hired := start.AddDate(0, -1, 0)
	staff := []models.Staff{{ID: "admin", Name: "Administrator", Role: models.RoleAdmin, Email: "admin@salesflow.example", Language: models.LangEnglish, CreatedAt: hired}}
	for m := range nMgrs {
		id := managerID(m)
		staff = append(staff, models.Staff{ID: id, Name: personName(m * 7), Role: models.RoleManager,
			Email: id + "@salesflow.example", Language: models.DefaultLanguage, CreatedAt: hired})
	}
	reps := make([]string, nReps)
	for i := range reps {
		reps[i] = repID(i)
		staff = append(staff, models.Staff{ID: reps[i], Name: personName(i*3 + 1), Role: models.RoleSales,
			ManagerID: managerID(i / TeamSize), Email: reps[i] + "@salesflow.example", Language: models.DefaultLanguage, CreatedAt: hired})
	}
	return staff, reps
}

var (
	firstNames = []string{"Anna", "Boris", "Vera", "Gleb", "Daria", "Egor", "Zoya", "Ilya", "Kira", "Lev", "Maria", "Nikita", "Olga", "Pavel", "Rita"}
	lastNames  = []string{"Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Lebedeva", "Kozlov", "Novikova", "Morozov", "Volkova"}
)

// personName returns the i-th generated staff name.
func personName(i int) string {
	return firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames)+i)%len(lastNames)]
}
