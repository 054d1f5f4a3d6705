package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one operation of a phase, made by load client number client; it
// may record latencies of its parts (a whole deal's creation) in rec.
type op func(ctx context.Context, client int, rec *recorder) error

// limits end a phase: after its duration, or once count operations
// were taken (0: no count), whichever comes first.
type limits struct {
	clients int
	dur     time.Duration
	count   int
}

// recorder collects latencies by name, safe for concurrent use, and
// knows when the phase ends.
type recorder struct {
	mu       sync.Mutex
	samples  map[string][]time.Duration
	deadline time.Time
}

// errCut ends an operation of several requests that reached the end of
// its phase before it was done: it is neither counted nor an error.
var errCut = errors.New("the phase ended before the operation was done")

// cut is errCut once the phase is over.
func (r *recorder) cut() error {
	if time.Now().After(r.deadline) {
		return errCut
	}
	return nil
}

// add records one latency under name.
func (r *recorder) add(name string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.samples == nil {
		r.samples = map[string][]time.Duration{}
	}
	r.samples[name] = append(r.samples[name], d)
}

// get returns the latencies recorded under name.
func (r *recorder) get(name string) []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.samples[name])
}

// outcome is what running a phase's operations measured.
type outcome struct {
	// cut counts the operations the phase's end cut short.
	ops, errors, cut int
	elapsed          time.Duration
	latencies        []time.Duration
	firstError       string
	parts            *recorder
}

// drive runs do on lim.clients concurrent clients until the phase's
// limits end it; each client finishes the operation it is in. Latencies
// are of successful operations.
func drive(ctx context.Context, lim limits, do op) outcome {
	deadline := time.Now().Add(lim.dur)
	rec := &recorder{deadline: deadline}
	var taken, failed, cut atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for c := range lim.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if lim.count > 0 && taken.Add(1) > int64(lim.count) {
					return
				}
				t0 := time.Now()
				err := do(ctx, c, rec)
				if errors.Is(err, errCut) {
					cut.Add(1)
					continue
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				rec.add("op", time.Since(t0))
			}
		}()
	}
	wg.Wait()
	out := outcome{elapsed: time.Since(start), errors: int(failed.Load()), cut: int(cut.Load()), latencies: rec.get("op"), parts: rec}
	out.ops = len(out.latencies)
	if s, ok := firstErr.Load().(string); ok {
		out.firstError = s
	}
	return out
}

// stats are the figures of a set of latencies, in milliseconds.
type stats struct {
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// summarize returns the median, 99th percentile (nearest rank) and
// maximum of ds; zeros when there are none.
func summarize(ds []time.Duration) stats {
	if len(ds) == 0 {
		return stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return stats{P50: ms(rank(s, 0.50)), P99: ms(rank(s, 0.99)), Max: ms(s[len(s)-1])}
}

// rank is the nearest-rank q-quantile of the sorted s.
func rank(s []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// checkStatus is an error unless an HTTP status is want.
func checkStatus(what string, got, want int, body []byte) error {
	if got == want {
		return nil
	}
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Errorf("%s: status %d, want %d: %s", what, got, want, body)
}
