package main

import (
	"testing"
	"time"
)

// TestReportOfSomePhases: a run of some phases (-phases) reports the
// pairs and goals of those phases only.
func TestReportOfSomePhases(t *testing.T) {
	r := newReport(config{clients: 2, spread: 20})
	r.add(&phase{Name: phBareUpd, Ops: 10, OpsPerSec: 10, Latency: stats{P50: 10}})
	r.add(&phase{Name: phAction, Ops: 9, OpsPerSec: 9, Latency: stats{P50: 12}})
	r.add(&phase{Name: phSpread, Ops: 5, Latency: stats{P99: 800}})
	r.finish()
	if len(r.Pairs) != 1 || r.Pairs[0].API != phAction || r.Pairs[0].Ratio != 0.9 || r.Pairs[0].P50Delta != 2 {
		t.Errorf("pairs %+v, want the action's alone", r.Pairs)
	}
	want := []string{"API action throughput / bare UpdateWorkflow", "API action p50 − bare UpdateWorkflow p50 (ms)", "reminder lag p99, spread: due at 20/s (ms)"}
	if len(r.Goals) != len(want) {
		t.Fatalf("goals %+v, want %v", r.Goals, want)
	}
	for i, g := range r.Goals {
		if g.Goal != want[i] || !g.Met {
			t.Errorf("goal %d: %+v, want %q met", i, g, want[i])
		}
	}
}

// TestLeadUntilFallsDueInTheSecondAfter: deals opened at any moment
// before the burst's instant get whole-second leads that make them fall
// due within the second after it.
func TestLeadUntilFallsDueInTheSecondAfter(t *testing.T) {
	at := time.Now().Add(5 * time.Second)
	lead := leadUntil(at)
	for range 3 {
		now := time.Now()
		d := lead()
		if d%time.Second != 0 {
			t.Errorf("lead %s is not whole seconds", d)
		}
		if due := now.Add(d); due.Before(at) || due.After(at.Add(time.Second+10*time.Millisecond)) {
			t.Errorf("opened at %s with lead %s: due %s, want within the second after %s", now, d, due, at)
		}
		time.Sleep(700 * time.Millisecond)
	}
}
