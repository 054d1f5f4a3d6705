package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is a run's result: every phase, the API/bare pairs, the goals
// and the conditions it ran in.
type report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Stack    string    `json:"stack"`
	CPUs     int       `json:"cpus"`
	Clients  int       `json:"clients"`
	// Spread is the rate the spread reminder phase's deals fall due at.
	Spread    float64    `json:"spread_per_sec"`
	LoadStart [3]float64 `json:"load_average_start"`
	LoadEnd   [3]float64 `json:"load_average_end"`
	Phases    []*phase   `json:"phases"`
	Pairs     []pair     `json:"pairs"`
	Goals     []goal     `json:"goals"`
	// Interrupted tells that the run was stopped before its end: the
	// phases are those run until then, the last one cut short.
	Interrupted bool `json:"interrupted,omitempty"`
}

// phase is one phase's figures.
type phase struct {
	Name       string  `json:"name"`
	What       string  `json:"what"`
	Ops        int     `json:"ops"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	Seconds    float64 `json:"seconds"`
	OpsPerSec  float64 `json:"ops_per_sec"`
	// Latency is of the operations, in a whole-deal phase of its
	// requests.
	Latency stats `json:"latency"`
	// Parts are latencies of parts of an operation: a whole deal's
	// creation, the time until an action is visible in the read model.
	Parts map[string]stats `json:"parts,omitempty"`
	// CPU is the CPU milliseconds per operation of each process known
	// (temporal, worker, server, harness).
	CPU    map[string]float64 `json:"cpu_ms_per_op,omitempty"`
	Memory *memory            `json:"worker_memory,omitempty"`
	Extra  map[string]float64 `json:"extra,omitempty"`
}

// pair compares an API phase with the bare phase run next to it.
type pair struct {
	API   string  `json:"api"`
	Bare  string  `json:"bare"`
	Ratio float64 `json:"throughput_ratio"`
	// P50Delta is the API's median latency minus the bare one's, in ms.
	P50Delta float64 `json:"p50_delta_ms"`
}

// goal is one of the goals and whether the run met it.
type goal struct {
	Goal     string  `json:"goal"`
	Measured float64 `json:"measured"`
	Target   string  `json:"target"`
	Met      bool    `json:"met"`
}

// newReport starts the report of a run of cfg.
func newReport(cfg config) *report {
	l, _ := loadAverage()
	return &report{Started: time.Now().UTC(), CPUs: runtime.NumCPU(), Clients: cfg.clients, Spread: cfg.spread, LoadStart: l}
}

// newPhase is the phase name with the figures of out.
func newPhase(name, what string, out outcome) *phase {
	p := &phase{
		Name: name, What: what, Ops: out.ops, Errors: out.errors, FirstError: out.firstError,
		Seconds: out.elapsed.Seconds(), Latency: summarize(out.latencies),
		Parts: map[string]stats{}, Extra: map[string]float64{},
	}
	if out.elapsed > 0 {
		p.OpsPerSec = float64(out.ops) / out.elapsed.Seconds()
	}
	if out.parts == nil {
		return p
	}
	if c := out.parts.get("create"); len(c) > 0 {
		p.Parts["create"] = summarize(c)
	}
	if v := out.parts.get("visible"); len(v) > 0 {
		p.Parts["visible"] = summarize(v)
		p.Extra["stale_reads"] = float64(len(out.parts.get("stale")))
	}
	if req := out.parts.get("request"); len(req) > 0 && out.elapsed > 0 {
		// Deals run back to back on every client, so every request
		// belongs to one: the steady rate of deals is the request rate
		// over the requests of a deal, however many deals the phase's end
		// cut short. Its latencies are the requests', whole deals' apart.
		p.Extra["requests_per_sec"] = float64(len(req)) / out.elapsed.Seconds()
		p.Extra["unfinished"] = float64(out.cut)
		p.OpsPerSec = p.Extra["requests_per_sec"] / float64(requestsPerDeal)
		p.Latency = summarize(req)
		if out.ops > 0 {
			p.Parts["deal"] = summarize(out.latencies)
		}
	}
	return p
}

// add appends a phase.
func (r *report) add(p *phase) { r.Phases = append(r.Phases, p) }

// phase is the phase named name, or an empty one.
func (r *report) phase(name string) *phase {
	if i := slices.IndexFunc(r.Phases, func(p *phase) bool { return p.Name == name }); i >= 0 {
		return r.Phases[i]
	}
	return &phase{Name: name}
}

// finish records the end of the run, the pairs and the goals of the
// phases run.
func (r *report) finish() {
	r.Finished = time.Now().UTC()
	r.LoadEnd, _ = loadAverage()
	for _, pr := range [][2]string{{phCreate, phBareUWS}, {phCreate, phBareStart}, {phAction, phBareUpd}, {phDeal, phBareDeal}} {
		if !r.ran(pr[0], pr[1]) {
			continue
		}
		api, bare := r.phase(pr[0]), r.phase(pr[1])
		p := pair{API: api.Name, Bare: bare.Name, P50Delta: api.Latency.P50 - bare.Latency.P50}
		if bare.OpsPerSec > 0 {
			p.Ratio = api.OpsPerSec / bare.OpsPerSec
		}
		r.Pairs = append(r.Pairs, p)
	}
	r.Goals = r.goals()
}

// ran reports whether every phase named ran.
func (r *report) ran(names ...string) bool {
	for _, n := range names {
		if !slices.ContainsFunc(r.Phases, func(p *phase) bool { return p.Name == n }) {
			return false
		}
	}
	return true
}

// pair returns the pair of API phase api and bare phase bare.
func (r *report) pair(api, bare string) pair {
	if i := slices.IndexFunc(r.Pairs, func(p pair) bool { return p.API == api && p.Bare == bare }); i >= 0 {
		return r.Pairs[i]
	}
	return pair{}
}

// goals are the goals as this run measured them, those of the
// phases run.
func (r *report) goals() []goal {
	action, create, deal := r.pair(phAction, phBareUpd), r.pair(phCreate, phBareUWS), r.phase(phDeal)
	fresh, open, lag, spread := r.phase(phFresh), r.phase(phOpen), r.phase(phReminder), r.phase(phSpread)
	creation := deal.Parts["create"]
	all := []struct {
		phase string
		goal
	}{
		{phAction, goal{"API action throughput / bare UpdateWorkflow", action.Ratio, "≥ 0.9", action.Ratio >= 0.9}},
		{phAction, goal{"API action p50 − bare UpdateWorkflow p50 (ms)", action.P50Delta, "≤ 5", action.P50Delta <= 5}},
		{phCreate, goal{"API create throughput / bare update-with-start", create.Ratio, "≥ 0.9", create.Ratio >= 0.9}},
		{phFresh, goal{"reads that missed an action's event after it returned", fresh.Extra["stale_reads"], "0 (read-your-writes)", fresh.Ops > 0 && fresh.Extra["stale_reads"] == 0}},
		{phDeal, goal{"complete deals/s", deal.OpsPerSec, "≥ 5", deal.OpsPerSec >= 5}},
		{phDeal, goal{"creation p99 / p50 under the whole-deal load", ratio(creation.P99, creation.P50), "≤ 3", creation.P50 > 0 && creation.P99 <= 3*creation.P50}},
		{phReminder, goal{"reminder lag p99, burst: all due within seconds (ms)", lag.Latency.P99, "≤ 1000", lag.Ops > 0 && lag.Latency.P99 <= 1000}},
		{phSpread, goal{fmt.Sprintf("reminder lag p99, spread: due at %g/s (ms)", r.Spread), spread.Latency.P99, "≤ 1000", spread.Ops > 0 && spread.Latency.P99 <= 1000}},
	}
	var gs []goal
	for _, g := range all {
		if r.ran(g.phase) {
			gs = append(gs, g.goal)
		}
	}
	if open.Memory != nil {
		gs = append(gs, goal{fmt.Sprintf("worker RSS with %d open deals (MiB)", open.Ops), open.Memory.RSS, "≤ 1024", open.Memory.RSS <= 1024})
	}
	return gs
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// writeJSON writes the report to path.
func (r *report) writeJSON(path string) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// printTable writes the report for people: phases, pairs, goals and the
// load average.
func (r *report) printTable(out io.Writer) {
	fmt.Fprintf(out, "salesflow load test, %s, %d CPUs, %d clients: %s\n", r.Started.Format(time.RFC3339), r.CPUs, r.Clients, r.Stack)
	if r.Interrupted {
		fmt.Fprintln(out, "INTERRUPTED: the phases run until then, the last one cut short")
	}
	fmt.Fprintf(out, "load average at start %.2f %.2f %.2f, at end %.2f %.2f %.2f\n\n",
		r.LoadStart[0], r.LoadStart[1], r.LoadStart[2], r.LoadEnd[0], r.LoadEnd[1], r.LoadEnd[2])
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "phase\tops\tops/s\tp50 ms\tp99 ms\terrors\tCPU ms/op temporal/worker/server/harness/postgres\t")
	for _, p := range r.Phases {
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%.1f\t%.1f\t%d\t%s\t\n", p.Name, p.Ops, p.OpsPerSec, p.Latency.P50, p.Latency.P99, p.Errors, p.cpuColumn())
	}
	_ = w.Flush()
	r.printNotes(out)
	fmt.Fprintln(out, "\nAPI / bare, adjacent phases:")
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, p := range r.Pairs {
		fmt.Fprintf(w, "  %s / %s\tthroughput %.2f×\tp50 %+.1f ms\n", p.API, p.Bare, p.Ratio, p.P50Delta)
	}
	_ = w.Flush()
	fmt.Fprintln(out, "\ngoals (docs/performance.md):")
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, g := range r.Goals {
		fmt.Fprintf(w, "  %s\t%.2f\t%s\t%s\n", g.Goal, g.Measured, g.Target, map[bool]string{true: "met", false: "NOT met"}[g.Met])
	}
	_ = w.Flush()
}

// cpuColumn is the phase's CPU per operation of each process, "–" for a
// process not known.
func (p *phase) cpuColumn() string {
	var parts []string
	for _, role := range []string{"temporal", "worker", "server", "harness", "postgres"} {
		if v, ok := p.CPU[role]; ok {
			parts = append(parts, fmt.Sprintf("%.1f", v))
		} else {
			parts = append(parts, "–")
		}
	}
	return strings.Join(parts, " / ")
}

// printNotes writes what the phase table has no column for: parts of
// operations, memory, stale reads and each phase's first error.
func (r *report) printNotes(out io.Writer) {
	for _, p := range r.Phases {
		for _, name := range slices.Sorted(maps.Keys(p.Parts)) {
			s := p.Parts[name]
			fmt.Fprintf(out, "  %s: %s p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", p.Name, name, s.P50, s.P99, s.Max)
		}
		if v, ok := p.Extra["requests_per_sec"]; ok {
			fmt.Fprintf(out, "  %s: %.1f requests/s = %.2f deals/s; %d deals complete, %.0f cut short by the phase's end\n",
				p.Name, v, p.OpsPerSec, p.Ops, p.Extra["unfinished"])
		}
		if v, ok := p.Extra["stale_reads"]; ok {
			fmt.Fprintf(out, "  %s: %.0f reads missed the action's event\n", p.Name, v)
		}
		if v, ok := p.Extra["undelivered"]; ok {
			fmt.Fprintf(out, "  %s: %.0f deals not opened (errors), %.0f notices not delivered in time\n", p.Name, p.Extra["not_opened"], v)
		}
		if p.Memory != nil {
			fmt.Fprintf(out, "  %s: worker RSS %.0f MiB (peak %.0f MiB, %.0f MiB before the phase)\n",
				p.Name, p.Memory.RSS, p.Memory.Peak, p.Extra["rss_before_mib"])
		}
		if p.FirstError != "" {
			fmt.Fprintf(out, "  %s: first error: %s\n", p.Name, p.FirstError)
		}
	}
}
