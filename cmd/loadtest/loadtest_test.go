package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/testdb"
)

// The smoke of make load: the harness, at a tiny size, starts its own
// stack (the pinned dev server, a fresh database, the worker and API
// server built from this tree), runs every phase and reports each with
// sane figures. It asserts no performance.
func TestLoadHarnessSmoke(t *testing.T) {
	cli := os.Getenv("TEMPORAL_CLI")
	if cli == "" {
		t.Fatal("TEMPORAL_CLI must name the pinned temporal CLI; run the tests with `make test`")
	}
	src, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{
		cli: cli, postgres: testdb.URL(), src: src, token: "dev-admin",
		clients: 2, phase: time.Second, dealPhase: 5 * time.Second, settle: 100 * time.Millisecond,
		open: 6, reminders: 3, lead: 2 * time.Second, spread: 3, phases: "all",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkPhases(t, rep)
	checkPairsAndGoals(t, rep)
	checkOutputs(t, rep)
}

// With -cluster the harness runs the same phases on a real Temporal
// cluster of its own (four server processes on new databases, dropped
// afterwards) and counts the four processes' CPU as Temporal's.
func TestLoadHarnessOnCluster(t *testing.T) {
	for _, v := range []string{"TEMPORAL_CLI", "TEMPORAL_SERVER", "TEMPORAL_SQL_TOOL"} {
		if os.Getenv(v) == "" {
			t.Fatalf("%s must name the pinned Temporal binary; run the tests with `make test`", v)
		}
	}
	src, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{
		cli: os.Getenv("TEMPORAL_CLI"), postgres: testdb.URL(), src: src, token: "dev-admin", cluster: true,
		clients: 2, phase: time.Second, settle: 100 * time.Millisecond, phases: "action",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.Stack, "Temporal cluster") {
		t.Errorf("stack %q, want a Temporal cluster", rep.Stack)
	}
	if len(rep.Phases) != 2 {
		t.Fatalf("%d phases, want the bare update and the action: %+v", len(rep.Phases), rep.Phases)
	}
	for _, p := range rep.Phases {
		checkPhase(t, p)
		if c := p.CPU["temporal"]; c <= 0 {
			t.Errorf("%s: the cluster's CPU per operation is %v", p.Name, c)
		}
	}
}

// checkPhases fails unless every phase ran without errors and has sane
// figures.
func checkPhases(t *testing.T, rep *report) {
	t.Helper()
	names := []string{phBareStart, phBareUWS, phCreate, phBareUpd, phAction, phBareDeal, phDeal, phFresh, phOpen, phReminder, phSpread}
	if len(rep.Phases) != len(names) {
		t.Fatalf("%d phases, want %d: %+v", len(rep.Phases), len(names), rep.Phases)
	}
	for i, p := range rep.Phases {
		if p.Name != names[i] {
			t.Errorf("phase %d is %q, want %q", i, p.Name, names[i])
		}
		checkPhase(t, p)
	}
	if rep.phase(phOpen).Ops != 6 || rep.phase(phReminder).Ops != 3 || rep.phase(phSpread).Ops != 3 {
		t.Errorf("open deals %d (want 6), reminders %d and %d (want 3)", rep.phase(phOpen).Ops, rep.phase(phReminder).Ops, rep.phase(phSpread).Ops)
	}
	if c := rep.phase(phCreate).CPU["postgres"]; c <= 0 {
		t.Errorf("PostgreSQL's CPU per creation is %v", c)
	}
	if c := rep.phase(phDeal).Parts["create"]; c.P50 <= 0 || c.P50 > c.P99 {
		t.Errorf("creation under the whole-deal load: %+v", c)
	}
	if v := rep.phase(phFresh).Parts["visible"]; v.P50 < 0 || v.P50 > v.P99 {
		t.Errorf("read-model visibility: %+v", v)
	}
	if m := rep.phase(phOpen).Memory; m == nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("worker memory: %+v", m)
	}
}

// checkPhase fails unless a phase ran without errors and has sane
// figures. A whole deal (several requests) may be cut short by the end of
// its phase: its phase must have done requests, and its deals that did
// finish sane latencies.
func checkPhase(t *testing.T, p *phase) {
	t.Helper()
	done := float64(p.Ops)
	if _, whole := p.Extra["requests_per_sec"]; whole {
		done += p.Extra["unfinished"]
	}
	if done <= 0 || p.OpsPerSec <= 0 || p.Errors != 0 {
		t.Errorf("%s: %d ops (%.1f/s, %+v), %d errors (%s)", p.Name, p.Ops, p.OpsPerSec, p.Extra, p.Errors, p.FirstError)
	}
	if p.Latency.P50 > p.Latency.P99 || p.Latency.P99 > p.Latency.Max || (p.Ops > 0 && p.Latency.Max <= 0) {
		t.Errorf("%s: latency %+v", p.Name, p.Latency)
	}
	if p.CPU["temporal"] <= 0 && p.Name != phReminder && p.Name != phSpread {
		t.Errorf("%s: the dev server's CPU per operation is %v", p.Name, p.CPU)
	}
}

// checkPairsAndGoals fails unless every API/bare ratio and every goal is
// computed.
func checkPairsAndGoals(t *testing.T, rep *report) {
	t.Helper()
	if len(rep.Pairs) != 4 {
		t.Fatalf("pairs: %+v", rep.Pairs)
	}
	for _, p := range rep.Pairs {
		if p.Ratio <= 0 {
			t.Errorf("%s / %s: ratio %v", p.API, p.Bare, p.Ratio)
		}
	}
	if len(rep.Goals) != 9 {
		t.Errorf("goals: %+v", rep.Goals)
	}
	if rep.LoadStart[0] < 0 || rep.LoadEnd[0] <= 0 {
		t.Errorf("load average %v → %v", rep.LoadStart, rep.LoadEnd)
	}
}

// checkOutputs fails unless the table names every phase and the JSON
// report reads back the same.
func checkOutputs(t *testing.T, rep *report) {
	t.Helper()
	var table bytes.Buffer
	rep.printTable(&table)
	for _, p := range rep.Phases {
		if !strings.Contains(table.String(), p.Name) {
			t.Errorf("table has no %q:\n%s", p.Name, table.String())
		}
	}
	path := filepath.Join(t.TempDir(), "load.json")
	if err := rep.writeJSON(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Phases) != len(rep.Phases) || back.Phases[2].OpsPerSec != rep.Phases[2].OpsPerSec || len(back.Goals) != len(rep.Goals) {
		t.Errorf("JSON report reads back differently: %s", raw)
	}
	t.Logf("\n%s", table.String())
}
