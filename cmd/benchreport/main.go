// Command benchreport supports make bench-reports.
//
//	benchreport prepare -db URL   creates the reports' indexes and, when none is
//	                              stored, the client classification history (one
//	                              classification run per month of the last year
//	                              and one before it, as the schedule would have
//	                              left it)
//	benchreport table [FILE]      reads `go test -bench -json` output (or plain
//	                              benchmark output) from FILE or stdin and prints
//	                              each benchmark's median time and its ratio to
//	                              BenchmarkBaselineCountDeals of the same run,
//	                              then the machine's load average
//	                              (-max-ratio 0: no ratio goal, as for make
//	                              bench-web's pages)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/seed"
	"github.com/salesflow/salesflow/models"
)

// Goals of issue 6: every report under 300 ms at 1M deals, and no more than
// 20 times the count(*) baseline (issue 12 holds the pages to the time).
const (
	goalTime  = 300 * time.Millisecond
	goalRatio = 20.0
	baseline  = "BaselineCountDeals"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "prepare":
		err = prepare(os.Args[2:])
	case "table":
		err = table(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchreport prepare -db URL [-end YYYY-MM-DD] [-months N] | benchreport table [-md] [-max-ratio R] [FILE]")
	os.Exit(2)
}

func prepare(args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ExitOnError)
	url := fs.String("db", os.Getenv("BENCH_DATABASE_URL"), "benchmark database (default $BENCH_DATABASE_URL)")
	end := fs.String("end", seed.DefaultEnd.Format(time.DateOnly), "end of the seeded history")
	months := fs.Int("months", 12, "months of classification history to compute when none is stored")
	_ = fs.Parse(args)
	endAt, err := time.Parse(time.DateOnly, *end)
	if err != nil {
		return err
	}
	if *url == "" {
		return fmt.Errorf("prepare: -db (or BENCH_DATABASE_URL) is required")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	db, err := models.Open(*url)
	if err != nil {
		return err
	}
	ctx := context.Background()
	began := time.Now()
	if err := reports.EnsureIndexes(db); err != nil {
		return err
	}
	log.Info("benchreport: report indexes ready", "elapsed", time.Since(began).Round(time.Millisecond))
	if _, ok, err := classify.LatestAsOf(ctx, db); err != nil {
		return err
	} else if ok {
		log.Info("benchreport: classification already stored")
		return nil
	}
	// One run a month before the period the benchmarks cover records every
	// client; the monthly runs within it record the changes, as the
	// schedule would have.
	for m := *months + 1; m >= 0; m-- {
		asOf := endAt.AddDate(0, -m, 0)
		began := time.Now()
		res, err := classify.Run(ctx, db, asOf, classify.Params{})
		if err != nil {
			return err
		}
		log.Info("benchreport: classified", "as_of", asOf.Format(time.DateOnly), "clients", res.Clients,
			"changes", res.Changes, "elapsed", time.Since(began).Round(time.Millisecond))
	}
	if db.Dialector.Name() == "postgres" {
		for _, t := range []string{"client_classes", "client_class_changes"} {
			if err := db.Exec("VACUUM (ANALYZE) " + t).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// result line of a benchmark: name (without the -GOMAXPROCS suffix),
// iterations, ns/op.
var resultLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+(\d+)\s+([0-9.]+) ns/op`)

func table(args []string) error {
	fs := flag.NewFlagSet("table", flag.ExitOnError)
	md := fs.Bool("md", false, "print a Markdown table")
	maxRatio := fs.Float64("max-ratio", goalRatio, "the most each median may be in multiples of the baseline's (0: no such goal)")
	_ = fs.Parse(args)
	in := io.Reader(os.Stdin)
	if fs.NArg() > 0 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	runs, order, failed, err := parse(in)
	if err != nil {
		return err
	}
	if len(order) == 0 {
		return fmt.Errorf("no benchmark results in the input%s", failed)
	}
	base := median(runs[baseline])
	var w io.Writer = os.Stdout
	var tw *tabwriter.Writer
	row := func(cells ...string) {
		if *md {
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
			return
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if !*md {
		tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		w = tw
	}
	row("benchmark", "runs", "median", "min", "max", "× count(*)", "goal")
	if *md {
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|---|")
	}
	missed := 0
	for _, name := range order {
		ns := runs[name]
		med := median(ns)
		ratio, goal := "", ""
		if base > 0 && name != baseline {
			r := float64(med) / float64(base)
			ratio = strconv.FormatFloat(r, 'f', 1, 64)
			goal = "ok"
			if med >= goalTime || (*maxRatio > 0 && r > *maxRatio) {
				goal = "MISSED"
				missed++
			}
		}
		row(name, strconv.Itoa(len(ns)), ms(med), ms(slices.Min(ns)), ms(slices.Max(ns)), ratio, goal)
	}
	if tw != nil {
		tw.Flush()
	}
	fmt.Printf("\ngoal: each under %v", goalTime)
	if *maxRatio > 0 {
		fmt.Printf(" and at most %.0f× the %s median", *maxRatio, baseline)
	}
	fmt.Printf(" (%s: %s)", baseline, ms(base))
	if missed > 0 {
		fmt.Printf("; %d missed", missed)
	}
	fmt.Println()
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average (1, 5, 15 min) at the end of the run: %s\n", strings.Join(strings.Fields(string(load))[:3], " "))
	}
	if failed != "" {
		return fmt.Errorf("the benchmark run failed%s", failed)
	}
	return nil
}

// parse collects the ns/op of every result line per benchmark, from
// `go test -json` events (joining each package's output fragments into
// lines) or plain text.
func parse(in io.Reader) (runs map[string][]time.Duration, order []string, failed string, err error) {
	runs = map[string][]time.Duration{}
	partial := map[string]string{}
	var fails []string
	line := func(text string) {
		m := resultLine.FindStringSubmatch(text)
		if m == nil {
			if strings.HasPrefix(text, "--- FAIL") || strings.HasPrefix(text, "FAIL") || strings.Contains(text, "_test.go:") {
				fails = append(fails, strings.TrimSpace(text))
			}
			return
		}
		ns, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return
		}
		if _, ok := runs[m[1]]; !ok {
			order = append(order, m[1])
		}
		runs[m[1]] = append(runs[m[1]], time.Duration(ns))
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev struct{ Action, Package, Output string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Action == "" {
			line(sc.Text())
			continue
		}
		if ev.Action != "output" {
			continue
		}
		text := partial[ev.Package] + ev.Output
		for {
			i := strings.IndexByte(text, '\n')
			if i < 0 {
				break
			}
			line(text[:i])
			text = text[i+1:]
		}
		partial[ev.Package] = text
	}
	for _, text := range partial {
		if text != "" {
			line(text)
		}
	}
	if len(fails) > 0 {
		failed = ":\n  " + strings.Join(fails, "\n  ")
	}
	return runs, order, failed, sc.Err()
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
