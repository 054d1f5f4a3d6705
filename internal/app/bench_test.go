package app

// Benchmarks of the web app's busiest pages and the API lists behind them
// on the large seeded read model (make bench-web: 1,000,000 deals of
// 200,000 clients on PostgreSQL), served by the real API + web handler
// (API, as Serve builds it) in process, next to a baseline SELECT count(*)
// FROM deals measured in the same run. They need BENCH_DATABASE_URL and
// fail without it; plain `go test` never runs them. None of the measured
// pages calls Temporal, so the handler has no Temporal client.

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/seed/benchdb"
	"github.com/salesflow/salesflow/models"
)

// commonPrefix is a client name prefix the seed gives one client in
// twenty (internal/seed: nameFirst).
const commonPrefix = "Alfa"

func BenchmarkBaselineCountDeals(b *testing.B) {
	db := benchdb.Open(b)
	ctx := context.Background()
	for b.Loop() {
		var n int64
		if err := db.WithContext(ctx).Raw("SELECT count(*) FROM deals").Scan(&n).Error; err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPages measures one GET per sub-benchmark, signed in by a web
// session cookie as the seed's admin or its first manager.
func BenchmarkPages(b *testing.B) {
	h, db := benchHandler(b)
	manager, _ := benchdb.Manager(b, db)
	admin := benchSession(b, db, "admin", models.RoleAdmin)
	team := benchSession(b, db, manager, models.RoleManager)
	var rep models.Staff
	if err := db.Where("role = ?", models.RoleSales).Order("id").Take(&rep).Error; err != nil {
		b.Fatalf("benchmark database: no sales rep: %v", err)
	}
	from, to := benchdb.Period()
	pages := []struct {
		name, cookie, path string
	}{
		{"Board", admin, "/pipeline"},
		{"BoardTeam", team, "/pipeline"},
		{"BoardProduct", admin, "/pipeline?product=events"},
		{"DealsAPI", admin, "/api/v1/deals?limit=50"},
		{"DealsAPIStage", admin, "/api/v1/deals?limit=50&stage=offer&status=open"},
		{"DealsAPIOwner", admin, "/api/v1/deals?limit=50&owner=" + rep.ID},
		{"DealsAPITeam", team, "/api/v1/deals?limit=50"},
		{"ClientSearch", admin, "/clients?q=" + commonPrefix},
		{"ClientSearchAPI", admin, "/api/v1/clients?limit=50&q=" + commonPrefix},
		{"ClientSearchTeam", team, "/clients?q=" + commonPrefix},
		{"Dashboard", admin, "/reports"},
		{"DashboardTeam", team, "/reports"},
		// The default period is the 30 days up to now, past the seeded
		// history's end; the last 12 months of it are the heavy case.
		{"DashboardYear", admin, "/reports?from=" + from.Format(time.DateOnly) + "&to=" + to.AddDate(0, 0, -1).Format(time.DateOnly)},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			get(b, h, p.cookie, p.path) // warm the cache, check it answers
			for b.Loop() {
				get(b, h, p.cookie, p.path)
			}
		})
	}
}

// BenchmarkDashboardYearSections measures, one sub-benchmark each, the
// API calls the dashboard makes over the history's last 12 months (as
// admin; the page reads them concurrently, see web.readReports): where a
// year's dashboard spends its time.
func BenchmarkDashboardYearSections(b *testing.B) {
	h, db := benchHandler(b)
	admin := benchSession(b, db, "admin", models.RoleAdmin)
	from, to := benchdb.Period()
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
	page := url.Values{"from": q["from"], "to": q["to"], "limit": {"25"}}
	for _, s := range []struct{ name, path string }{
		{"Funnel", "/api/v1/reports/funnel?" + q.Encode()},
		{"Losses", "/api/v1/reports/losses?" + q.Encode()},
		{"KPI", "/api/v1/reports/kpi?" + q.Encode()},
		{"Stuck", "/api/v1/reports/stuck?" + q.Encode()},
		{"Roadmap", "/api/v1/reports/roadmap?" + page.Encode()},
		{"Clients", "/api/v1/reports/clients?" + page.Encode()},
		{"Complaints", "/api/v1/reports/complaints?" + q.Encode()},
		{"Overdue", "/api/v1/control-points?status=overdue&limit=200"},
	} {
		b.Run(s.name, func(b *testing.B) {
			get(b, h, admin, s.path)
			for b.Loop() {
				get(b, h, admin, s.path)
			}
		})
	}
}

// benchHandler is the real API + web handler on the benchmark database.
func benchHandler(b *testing.B) (http.Handler, *gorm.DB) {
	b.Helper()
	db := benchdb.Open(b)
	cfg, err := config.Load()
	if err != nil {
		b.Fatal(err)
	}
	// The benchmark measures serving, not throttling.
	cfg.RateLimit = 0
	h, err := API(Env{Config: cfg, DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return h, db
}

// benchSession signs staff in as role by a web session (as a JWT sign-in
// would leave it) and returns its cookie's secret.
func benchSession(b *testing.B, db *gorm.DB, staff, role string) string {
	b.Helper()
	until := time.Now().Add(24 * time.Hour)
	s := &models.WebSession{StaffID: staff, Role: role, JWTExpiresAt: &until}
	secret, err := models.CreateWebSession(context.Background(), db, s, time.Now(), time.Hour, 24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = models.DeleteWebSession(context.Background(), db, s.ID) })
	return secret
}

// get serves GET path with the session cookie and fails b unless it
// answers 200.
func get(b *testing.B, h http.Handler, cookie, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: cookie})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
	}
}
