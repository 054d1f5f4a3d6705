package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// recordHistory, when RECORD_HISTORIES=1 (`make record-histories`), saves
// the workflow history of a deal or complaint to
// testdata/histories/<test>-<id prefix>.json at the end of the test, for the
// replay test of package workflows.
func recordHistory(t *testing.T, dealID string) {
	if os.Getenv("RECORD_HISTORIES") != "1" {
		return
	}
	t.Cleanup(func() {
		ctx := context.Background()
		it := devServer.Client().GetWorkflowHistory(ctx, dealID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		var h historypb.History
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("read history of %s: %v", dealID, err)
			}
			h.Events = append(h.Events, ev)
		}
		raw, err := protojson.MarshalOptions{Multiline: true}.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		prefix, _, _ := strings.Cut(dealID, "-")
		path := filepath.Join("..", "..", "testdata", "histories", t.Name()+"-"+prefix+".json")
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	})
}
