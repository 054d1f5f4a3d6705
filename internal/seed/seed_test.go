package seed_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/seed"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// fresh returns another empty read model of the same kind as db.
func fresh(t *testing.T, db *gorm.DB) *gorm.DB {
	if db.Dialector.Name() == "postgres" {
		return testdb.Postgres(t)
	}
	return testdb.SQLite(t)
}

func run(t *testing.T, db *gorm.DB, cfg seed.Config) seed.Totals {
	t.Helper()
	tot, err := seed.Run(context.Background(), db, cfg)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return tot
}

// checksums hashes every seeded table, rows in key order, times as UTC
// microseconds, so stores that print times differently compare equal.
func checksums(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, q := range map[string]struct {
		rows  any
		order string
	}{
		"staff":          {&[]models.Staff{}, "id"},
		"clients":        {&[]models.Client{}, "id"},
		"deals":          {&[]models.Deal{}, "id"},
		"payments":       {&[]models.Payment{}, "deal_id, n"},
		"control_points": {&[]models.ControlPoint{}, "subject_type, subject_id, id"},
		"complaints":     {&[]models.Complaint{}, "id"},
		"numbers":        {&[]models.ComplaintNumber{}, "id"},
	} {
		if err := db.Order(q.order).Find(q.rows).Error; err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		v := reflect.ValueOf(q.rows).Elem()
		for i := range v.Len() {
			row := v.Index(i)
			for j := range row.NumField() {
				fmt.Fprintf(h, "%s|", normal(row.Field(j).Interface()))
			}
			h.Write([]byte{'\n'})
		}
		out[name] = fmt.Sprintf("%d:%s", v.Len(), hex.EncodeToString(h.Sum(nil))[:16])
	}
	return out
}

func normal(x any) string {
	switch v := x.(type) {
	case time.Time:
		return fmt.Sprint(v.UTC().UnixMicro())
	case *time.Time:
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(v.UTC().UnixMicro())
	case *float64:
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprint(x)
}

func TestSameSeedSameRowsOtherSeedOtherRows(t *testing.T) {
	cfg := seed.Config{Clients: 150, Years: 3, Seed: 42}
	var (
		mu      sync.Mutex
		byStore = map[string]map[string]string{}
	)
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		run(t, db, cfg)
		first := checksums(t, db)
		again := fresh(t, db)
		run(t, again, cfg)
		if second := checksums(t, again); !reflect.DeepEqual(first, second) {
			t.Fatalf("same seed, different rows:\n%v\n%v", first, second)
		}
		other := fresh(t, db)
		cfg2 := cfg
		cfg2.Seed = 43
		run(t, other, cfg2)
		diff := checksums(t, other)
		for table, sum := range first {
			if table != "staff" && diff[table] == sum {
				t.Errorf("seeds 42 and 43 wrote the same %s (%s)", table, sum)
			}
		}
		mu.Lock()
		byStore[db.Dialector.Name()] = first
		mu.Unlock()
	})
	if pg, lite := byStore["postgres"], byStore["sqlite"]; pg != nil && lite != nil && !reflect.DeepEqual(pg, lite) {
		t.Errorf("PostgreSQL and SQLite hold different rows for the same seed:\n%v\n%v", pg, lite)
	}
}

func TestRefusesDataUnlessForced(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		cfg := seed.Config{Clients: 20, Years: 1, Seed: 1}
		first := run(t, db, cfg)
		if _, err := seed.Run(context.Background(), db, cfg); !errors.Is(err, seed.ErrNotEmpty) {
			t.Fatalf("second run into a full database: %v, want ErrNotEmpty", err)
		}
		cfg.Force = true
		again := run(t, db, cfg)
		var deals int64
		db.Model(&models.Deal{}).Count(&deals)
		if again.Deals != first.Deals || int(deals) != first.Deals {
			t.Fatalf("forced run: %d deals written, %d stored, want %d", again.Deals, deals, first.Deals)
		}
	})
}

// history is everything a run wrote, loaded back.
type history struct {
	staff      map[string]models.Staff
	clients    map[string]models.Client
	deals      []models.Deal
	payments   map[string][]models.Payment
	points     map[string][]models.ControlPoint
	complaints []models.Complaint
}

func load(t *testing.T, db *gorm.DB) history {
	t.Helper()
	var (
		staff    []models.Staff
		clients  []models.Client
		payments []models.Payment
		points   []models.ControlPoint
		h        history
	)
	for _, q := range []struct {
		rows  any
		order string
	}{
		{&staff, "id"}, {&clients, "id"}, {&h.deals, "created_at, id"}, {&payments, "deal_id, n"},
		{&points, "subject_id, id"}, {&h.complaints, "id"},
	} {
		if err := db.Order(q.order).Find(q.rows).Error; err != nil {
			t.Fatal(err)
		}
	}
	h.staff, h.clients = map[string]models.Staff{}, map[string]models.Client{}
	h.payments, h.points = map[string][]models.Payment{}, map[string][]models.ControlPoint{}
	for _, s := range staff {
		h.staff[s.ID] = s
	}
	for _, c := range clients {
		h.clients[c.ID] = c
	}
	for _, p := range payments {
		h.payments[p.DealID] = append(h.payments[p.DealID], p)
	}
	for _, p := range points {
		h.points[p.SubjectID] = append(h.points[p.SubjectID], p)
	}
	return h
}

func stageTimes(d *models.Deal) []*time.Time {
	return []*time.Time{d.PresentationAt, d.OfferAt, d.ContractAt, d.PaymentAt, d.EventAt, d.CloseAt}
}

func TestHistoryFollowsTheProcess(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		cfg := seed.Config{Clients: 700, Years: 4, Seed: 3}
		tot := run(t, db, cfg)
		// The sale kinds and first deals the generator sets are the ones
		// the read model derives.
		before := checksums(t, db)
		if err := models.RefreshSales(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		if after := checksums(t, db); !reflect.DeepEqual(before, after) {
			t.Errorf("models.RefreshSales changed the seeded rows:\n%v\n%v", before, after)
		}
		h := load(t, db)
		end := seed.DefaultEnd
		if tot.Deals != cfg.Clients*cfg.Years || len(h.deals) != tot.Deals {
			t.Fatalf("%d deals written, %d stored, want %d", tot.Deals, len(h.deals), cfg.Clients*cfg.Years)
		}
		reasons := deal.DefaultPolicy().LossReasons
		for i := range h.deals {
			d := &h.deals[i]
			fail := func(format string, args ...any) {
				t.Helper()
				t.Errorf("deal %s (%s at %s): %s", d.ID, d.Status, d.Stage, fmt.Sprintf(format, args...))
			}
			// Stage times: every stage up to the current one entered, in
			// order, none after it.
			at := stageTimes(d)
			idx := deal.Stage(d.Stage).Index()
			if idx < 0 {
				fail("unknown stage")
				continue
			}
			var prev time.Time
			for s, tm := range at {
				switch {
				case s <= idx && tm == nil:
					fail("stage %s not entered", deal.Stages[s])
				case s > idx && tm != nil:
					fail("stage %s entered after the current one", deal.Stages[s])
				case tm != nil && tm.Before(prev):
					fail("stage %s entered at %s, before the stage before (%s)", deal.Stages[s], tm, prev)
				case tm != nil:
					prev = *tm
				}
			}
			if !d.PresentationAt.Equal(d.CreatedAt) {
				fail("presentation entered at %s, created at %s", d.PresentationAt, d.CreatedAt)
			}
			if d.CreatedAt.After(end) || d.UpdatedAt.Before(prev) {
				fail("created %s, updated %s, last stage %s", d.CreatedAt, d.UpdatedAt, prev)
			}
			// Owners are reps; no deal before its client.
			if s, ok := h.staff[d.Owner]; !ok || s.Role != models.RoleSales {
				fail("owner %q is not a rep", d.Owner)
			}
			c, ok := h.clients[d.ClientID]
			if !ok || d.CreatedAt.Before(c.CreatedAt) {
				fail("client %s missing or created after the deal (%s)", d.ClientID, c.CreatedAt)
			}
			// Settlements add up to paid − refunded.
			var sum, paid, refunded int64
			for _, p := range h.payments[d.ID] {
				sum += p.Amount
				if p.Amount > 0 {
					paid += p.Amount
				} else {
					refunded -= p.Amount
				}
				if p.ClientID != d.ClientID || p.At.Before(d.CreatedAt) || p.At.After(end) {
					fail("payment %d of client %s at %s", p.N, p.ClientID, p.At)
				}
			}
			if sum != d.PaidAmount-d.RefundedAmount || paid != d.PaidAmount || refunded != d.RefundedAmount {
				fail("payments sum %d (paid %d, refunded %d), row says paid %d refunded %d", sum, paid, refunded, d.PaidAmount, d.RefundedAmount)
			}
			switch deal.Status(d.Status) {
			case deal.StatusWon:
				if d.Stage != string(deal.StageClose) || d.PaidAmount != d.Amount || d.LostStage != "" {
					fail("won: paid %d of %d, lost stage %q", d.PaidAmount, d.Amount, d.LostStage)
				}
			case deal.StatusLost:
				if d.LostStage != d.Stage || !slices.Contains(reasons, d.LostReason) {
					fail("lost at %q for %q", d.LostStage, d.LostReason)
				}
			case deal.StatusOpen:
				if d.ClosedAt != nil || d.WaitingOn == "" || d.WaitingSince.After(end) || d.WaitingSince.Before(d.CreatedAt) {
					fail("open: closed %v, waiting on %q since %s", d.ClosedAt, d.WaitingOn, d.WaitingSince)
				}
				if !slices.ContainsFunc(h.points[d.ID], func(p models.ControlPoint) bool {
					return p.Kind == string(deal.PointContactInterval) && (p.Status == string(casework.PointOpen) || p.Status == string(casework.PointOverdue))
				}) {
					fail("open without a contact interval point")
				}
			case deal.StatusCancelled:
			default:
				fail("unknown status")
			}
			if d.Status != string(deal.StatusOpen) {
				if d.ClosedAt == nil || d.ClosedAt.Before(prev) || d.ClosedAt.After(end) || d.WaitingOn != "" {
					fail("closed at %v after last stage %s, waiting on %q", d.ClosedAt, prev, d.WaitingOn)
				}
			}
			for _, p := range h.points[d.ID] {
				active := p.Status == string(casework.PointOpen) || p.Status == string(casework.PointOverdue)
				if (p.Status == string(casework.PointDone)) != (p.DoneAt != nil) || p.Owner != d.Owner ||
					(active && d.Status != string(deal.StatusOpen) && p.Kind != string(deal.PointFollowUp)) ||
					(p.Status == string(casework.PointOverdue) && !end.After(p.OverdueAt)) {
					fail("control point %s: %s, done %v, due %s", p.ID, p.Status, p.DoneAt, p.DueAt)
				}
			}
		}
		dealsByID := map[string]*models.Deal{}
		for i := range h.deals {
			dealsByID[h.deals[i].ID] = &h.deals[i]
		}
		numbers := map[string]bool{}
		for _, c := range h.complaints {
			d := dealsByID[c.DealID]
			if d == nil || d.Status != string(deal.StatusWon) || c.ClientID != d.ClientID || c.RegisteredAt.Before(*d.CloseAt) || numbers[c.Number] {
				t.Errorf("complaint %s (%s) about deal %s", c.ID, c.Number, c.DealID)
			}
			numbers[c.Number] = true
		}
	})
}

func TestHistoryHasARealisticShape(t *testing.T) {
	db := testdb.Postgres(t)
	run(t, db, seed.Config{Clients: 2000, Years: 5, Seed: 11})
	h := load(t, db)
	end := seed.DefaultEnd

	lostAt, openAt := map[string]int{}, map[string]int{}
	status := map[string]int{}
	reasons := map[string]bool{}
	var declines, revisions, changes, overdue, parts, refunds int
	for i := range h.deals {
		d := &h.deals[i]
		status[d.Status]++
		switch d.Status {
		case string(deal.StatusLost):
			lostAt[d.LostStage]++
			reasons[d.LostReason] = true
		case string(deal.StatusOpen):
			openAt[d.Stage]++
		}
		if d.PresentationDeclines > 0 {
			declines++
		}
		if d.OfferVersions > 1 {
			revisions++
		}
		if d.ContractChanges > 0 {
			changes++
		}
		if d.OverduePoints > 0 {
			overdue++
		}
		if d.Status == string(deal.StatusWon) && len(h.payments[d.ID]) > 1 {
			parts++
		}
		if d.RefundedAmount > 0 {
			refunds++
		}
	}
	for _, s := range deal.Stages {
		if lostAt[string(s)] == 0 {
			t.Errorf("no deal lost at %s: %v", s, lostAt)
		}
		if openAt[string(s)] == 0 {
			t.Errorf("no open deal at %s: %v", s, openAt)
		}
	}
	if len(reasons) < len(deal.DefaultPolicy().LossReasons) {
		t.Errorf("loss reasons used: %v", reasons)
	}
	n := len(h.deals)
	won := float64(status[string(deal.StatusWon)]) / float64(n)
	if won < 0.3 || won > 0.6 || status[string(deal.StatusOpen)] == 0 {
		t.Errorf("statuses %v: won share %.2f", status, won)
	}
	for name, c := range map[string]int{"declined presentations": declines, "revised offers": revisions,
		"contract changes": changes, "overdue points": overdue, "payments in parts": parts, "refunds": refunds} {
		if c < n/100 {
			t.Errorf("only %d deals with %s of %d", c, name, n)
		}
	}
	complaints := float64(len(h.complaints)) / float64(status[string(deal.StatusWon)])
	if complaints < 0.03 || complaints > 0.08 {
		t.Errorf("complaints for %.3f of won deals", complaints)
	}

	// Clients: repeat sales, other product lines, lost and restored
	// clients (by 3-month settlement windows), potential ones.
	type client struct {
		won      int
		products map[string]bool
		pays     []time.Time
	}
	clients := map[string]*client{}
	for id := range h.clients {
		clients[id] = &client{products: map[string]bool{}}
	}
	for i := range h.deals {
		d := &h.deals[i]
		if d.Status == string(deal.StatusWon) {
			clients[d.ClientID].won++
			clients[d.ClientID].products[d.Product] = true
		}
		for _, p := range h.payments[d.ID] {
			if p.Amount > 0 {
				clients[d.ClientID].pays = append(clients[d.ClientID].pays, p.At)
			}
		}
	}
	window := end.AddDate(0, -3, 0)
	var repeat, lines, lost, restored, potential, monthly int
	for _, c := range clients {
		months := map[time.Month]bool{}
		for _, at := range c.pays {
			if !at.Before(end.AddDate(0, -6, 0)) {
				months[at.Month()] = true
			}
		}
		if len(months) == 6 {
			monthly++
		}
		slices.SortFunc(c.pays, func(a, b time.Time) int { return a.Compare(b) })
		if c.won > 1 {
			repeat++
		}
		if len(c.products) > 1 {
			lines++
		}
		switch {
		case len(c.pays) == 0:
			potential++
		case c.pays[len(c.pays)-1].Before(window):
			lost++
		}
		for k := 1; k < len(c.pays); k++ {
			if c.pays[k].Sub(c.pays[k-1]) > 180*24*time.Hour {
				restored++
				break
			}
		}
	}
	for name, c := range map[string]int{"repeat buyers": repeat, "buyers of several product lines": lines,
		"lost clients": lost, "restored clients": restored, "potential clients": potential} {
		if c < len(clients)/50 {
			t.Errorf("only %d %s of %d clients", c, name, len(clients))
		}
	}
	if monthly == 0 {
		t.Error("no client paid in each of the last 6 months (no X or Y class possible)")
	}
	t.Logf("monthly buyers %d; deals %d %v, lost at %v, open at %v; clients %d: repeat %d, lines %d, lost %d, restored %d, potential %d; complaints %d",
		monthly, n, status, lostAt, openAt, len(clients), repeat, lines, lost, restored, potential, len(h.complaints))
}

// A PostgreSQL load takes the indexes and keys off the big tables and puts
// them back: the schema after a seed is the schema before it.
func TestPostgresLoadKeepsIndexesAndKeys(t *testing.T) {
	db := testdb.Postgres(t)
	schema := func() []string {
		var defs []string
		err := db.Raw(`SELECT tablename || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1`).Scan(&defs).Error
		if err != nil {
			t.Fatal(err)
		}
		return defs
	}
	before := schema()
	run(t, db, seed.Config{Clients: 30, Years: 2, Seed: 5})
	if after := schema(); !slices.Equal(before, after) {
		t.Fatalf("indexes before the seed:\n%v\nafter:\n%v", before, after)
	}
	var n int64
	db.Raw("SELECT count(*) FROM pg_indexes WHERE tablename = 'deals'").Scan(&n)
	if n < 5 {
		t.Fatalf("deals has %d indexes", n)
	}
	if err := db.Create(&models.Client{ID: "x", Name: "x"}).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&models.Client{ID: "x", Name: "y"}).Error; err == nil {
		t.Fatal("the clients' primary key is gone: a duplicate ID was stored")
	}
}
