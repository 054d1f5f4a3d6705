package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// TestReadModelFigures counts open deals by stage and overdue control
// points on PostgreSQL and SQLite: closed deals and met points do not
// count, every stage is reported, zeros included.
func TestReadModelFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Now().UTC()
		deals := []models.Deal{
			{ID: "d1", ClientID: "c", Owner: "alice", Title: "a", Stage: "offer", Status: "open", Currency: "RUB", CreatedAt: now, UpdatedAt: now},
			{ID: "d2", ClientID: "c", Owner: "alice", Title: "b", Stage: "offer", Status: "open", Currency: "RUB", CreatedAt: now, UpdatedAt: now},
			{ID: "d3", ClientID: "c", Owner: "bob", Title: "c", Stage: "payment", Status: "open", Currency: "RUB", CreatedAt: now, UpdatedAt: now},
			{ID: "d4", ClientID: "c", Owner: "bob", Title: "d", Stage: "offer", Status: "lost", Currency: "RUB", CreatedAt: now, UpdatedAt: now},
		}
		points := []models.ControlPoint{
			{SubjectType: "deal", SubjectID: "d1", ID: "p1", Kind: "k", Status: "overdue", DueAt: now},
			{SubjectType: "deal", SubjectID: "d2", ID: "p1", Kind: "k", Status: "open", DueAt: now},
			{SubjectType: "complaint", SubjectID: "c1", ID: "p1", Kind: "k", Status: "overdue", DueAt: now},
			{SubjectType: "complaint", SubjectID: "c2", ID: "p1", Kind: "k", Status: "done", DueAt: now},
		}
		if err := db.Create(&deals).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&points).Error; err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		Handler(ReadModel(db)).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body := rec.Body.String()
		for _, want := range []string{
			`salesflow_open_deals{stage="presentation"} 0`, `salesflow_open_deals{stage="offer"} 2`,
			`salesflow_open_deals{stage="payment"} 1`, `salesflow_open_deals{stage="close"} 0`,
			`salesflow_overdue_control_points{subject_type="deal"} 1`,
			`salesflow_overdue_control_points{subject_type="complaint"} 1`,
		} {
			if !strings.Contains(body, want+"\n") {
				t.Errorf("no %s in\n%s", want, grep(body, "salesflow_"))
			}
		}
	})
}

// grep is the lines of text holding s.
func grep(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestLogsCarryTheTrace logs inside and outside a span: only the line
// logged with the span's context carries its trace_id and span_id.
func TestLogsCarryTheTrace(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("process", "test")
	tp := sdktrace.NewTracerProvider()
	ctx, span := tp.Tracer("test").Start(context.Background(), "op")
	l.InfoContext(ctx, "inside")
	span.End()
	l.InfoContext(context.Background(), "outside")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines: %q", lines)
	}
	var inside, outside map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &inside); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &outside); err != nil {
		t.Fatal(err)
	}
	sc := span.SpanContext()
	if inside["trace_id"] != sc.TraceID().String() || inside["span_id"] != sc.SpanID().String() || inside["process"] != "test" {
		t.Errorf("inside the span: %v", inside)
	}
	if _, ok := outside["trace_id"]; ok {
		t.Errorf("outside any span: %v", outside)
	}
}
