package parallel

import (
	"sync/atomic"
	"testing"
	"time"
)

// Results come back in the order of the functions, and no more than n run
// at once.
func TestRunBoundsAndOrders(t *testing.T) {
	var running, peak atomic.Int32
	fns := make([]func() int, 12)
	for i := range fns {
		fns[i] = func() int {
			now := running.Add(1)
			for {
				p := peak.Load()
				if now <= p || peak.CompareAndSwap(p, now) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			return i * i
		}
	}
	got := Run(3, fns...)
	for i, v := range got {
		if v != i*i {
			t.Fatalf("result %d is %d, want %d", i, v, i*i)
		}
	}
	if p := peak.Load(); p > 3 || p < 1 {
		t.Errorf("%d ran at once, want 1 to 3", p)
	}
	if out := Run[int](0); len(out) != 0 {
		t.Errorf("no functions: %v", out)
	}
}
