// Package parallel runs independent pieces of work side by side, a bounded
// number at a time: the reports' parts in their own read transactions and
// the dashboard's sections in their own API calls.
package parallel

import "sync"

// Run calls fns, at most n at a time, starting them in the order given,
// and returns their results in that order once all have returned.
func Run[T any](n int, fns ...func() T) []T {
	out := make([]T, len(fns))
	slots := make(chan struct{}, max(n, 1))
	var wg sync.WaitGroup
	for i, fn := range fns {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			out[i] = fn()
		})
	}
	wg.Wait()
	return out
}
