package main

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// harnessApp is the application_name of the harness's own connections to
// the read model, whose backends the PostgreSQL CPU leaves out.
const harnessApp = "salesflow-loadtest"

// pgSampleEvery is how often pgCPU looks for backends: a backend that
// ends between two looks loses its CPU since the last one.
const pgSampleEvery = 500 * time.Millisecond

// pgCPU adds up the CPU time of the PostgreSQL backends serving the read
// model's database (processes "postgres: … <database> …" in /proc), but
// not the harness's own: the CPU PostgreSQL spends for the worker and the
// API server. It works when PostgreSQL runs on this machine; otherwise it
// finds nothing and reports no figure.
type pgCPU struct {
	database string
	harness  func(context.Context) (map[int]bool, error)

	mu      sync.Mutex
	started bool
	seen    map[int]float64 // a backend's CPU seconds at the last look
	total   float64         // CPU seconds of every backend since the start
	found   bool
}

// newPGCPU follows the backends of the database in dbURL; the harness's
// backends are those db lists with application_name harnessApp.
func newPGCPU(dbURL string, db *sql.DB) *pgCPU {
	u, err := url.Parse(dbURL)
	if err != nil {
		return &pgCPU{}
	}
	return &pgCPU{database: strings.TrimPrefix(u.Path, "/"), seen: map[int]float64{}, harness: func(ctx context.Context) (map[int]bool, error) {
		rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, harnessApp)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		pids := map[int]bool{}
		for rows.Next() {
			var pid int
			if err := rows.Scan(&pid); err != nil {
				return nil, err
			}
			pids[pid] = true
		}
		return pids, rows.Err()
	}}
}

// run looks every pgSampleEvery until ctx is done.
func (p *pgCPU) run(ctx context.Context) {
	if p.database == "" {
		return
	}
	for {
		p.sample(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pgSampleEvery):
		}
	}
}

// sample adds what each backend has used since the last look (all of it
// for a backend new since) to the total; the first look only notes them.
func (p *pgCPU) sample(ctx context.Context) {
	own, err := p.harness(ctx)
	if err != nil {
		return
	}
	now := map[int]float64{}
	for _, pid := range backends(p.database) {
		if s, err := cpuSeconds(pid); err == nil && !own[pid] {
			now[pid] = s
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		for pid, s := range now {
			p.total += s - p.seen[pid]
		}
	}
	p.started, p.found, p.seen = true, p.found || len(now) > 0, now
}

// seconds is the CPU the backends used since the first look, and whether
// any was found.
func (p *pgCPU) seconds(ctx context.Context) (float64, bool) {
	if p.database == "" {
		return 0, false
	}
	p.sample(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total, p.found
}

// backends are the PIDs of PostgreSQL backends connected to database.
func backends(database string) []int {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err != nil || !strings.HasPrefix(string(raw), "postgres: ") {
			continue
		}
		// "postgres: [cluster: ]user database host(port) state"
		for _, f := range strings.Fields(string(raw))[1:] {
			if f == database {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
