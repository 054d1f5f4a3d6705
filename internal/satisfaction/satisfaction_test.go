package satisfaction

import (
	"testing"
	"time"
)

// TestID: the sweep's survey ID names the client, the product (reduced to
// safe characters) and the month, in UTC.
func TestID(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.FixedZone("MSK", -3*3600))
	if got := ID("cli-1", "events", at); got != "srv-cli-1-events-202701" {
		t.Errorf("ID = %s", got)
	}
	tour, food := ID("cli-1", "тур", at), ID("cli-1", "еда", at)
	if tour == food || len(tour) != len("srv-cli-1-____01234567-202701") || tour[:14] != "srv-cli-1-____" {
		t.Errorf("IDs %s and %s", tour, food)
	}
	long := ID("cl-0123456789abcdef", "corporate-events-and-team-building", at)
	if len(long) != len("srv-cl-0123456789abcdef-corporate-e_01234567-202701") || len("cmp-"+long) > 64 {
		t.Errorf("ID %s", long)
	}
}
