package main

import (
	"testing"
	"time"
)

func TestSummarizeTakesNearestRanks(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if s := summarize(ds); s.P50 != 50 || s.P99 != 99 || s.Max != 100 {
		t.Errorf("1..100 ms: %+v, want p50 50, p99 99, max 100", s)
	}
	if s := summarize(ds[99:]); s.P50 != 1 || s.P99 != 1 || s.Max != 1 {
		t.Errorf("one sample of 1 ms: %+v", s)
	}
	if s := summarize(nil); s != (stats{}) {
		t.Errorf("no samples: %+v", s)
	}
}

func TestEventDateIsOnTheSameDay(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 4, 23, 59, 30, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 58, 0, time.UTC),
	} {
		d, err := time.Parse(time.RFC3339, eventDate(now))
		if err != nil {
			t.Fatal(err)
		}
		if !d.After(now) || d.YearDay() != now.YearDay() {
			t.Errorf("event date %s for %s: not later the same day", d, now)
		}
	}
}
