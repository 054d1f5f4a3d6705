package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/telemetry"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/webhook"
)

// instrumented dials the dev server with the Temporal SDK's metrics and
// tracing with tp (what app.ClientOptions adds).
func instrumented(t *testing.T, tp trace.TracerProvider) client.Client {
	t.Helper()
	opts := client.Options{
		HostPort: devServer.FrontendHostPort(), Namespace: "default",
		Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}
	telemetry.Instrument(&opts, tp)
	c, err := client.Dial(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestMetricsScrapedAfterActions drives a deal through the API of a stack
// whose worker and API run on an instrumented client, then scrapes
// GET /metrics without a token: HTTP requests by route template and
// status, actions by name and outcome (applied and refused), open deals by
// stage from the read model, overdue control points, and the Temporal
// SDK's own metrics are there with their labels.
func TestMetricsScrapedAfterActions(t *testing.T) {
	c := instrumented(t, noop.NewTracerProvider())
	s := newStack(t, stackOptions{temporal: c, deps: func(d *api.Deps) {
		d.Metrics = telemetry.Handler(telemetry.ReadModel(d.DB))
	}})
	d := s.newDeal(alice, nil)
	s.act(alice, d.ID, "hold_presentation", map[string]any{})
	s.call("POST", "/api/v1/deals/"+d.ID+"/actions/accept_offer", alice, map[string]any{}).decode(t, 409, nil)
	s.act(alice, d.ID, "send_protocol", map[string]any{})

	families := scrape(t, s.url+"/metrics")
	const action = "/api/v1/deals/:id/actions/:action"
	has(t, families, "salesflow_http_requests_total", map[string]string{"method": "POST", "route": action, "status": "200"})
	has(t, families, "salesflow_http_requests_total", map[string]string{"method": "POST", "route": action, "status": "409"})
	has(t, families, "salesflow_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/deals", "status": "201"})
	has(t, families, "salesflow_http_request_duration_seconds", map[string]string{"method": "POST", "route": action})
	has(t, families, "salesflow_actions_total", map[string]string{"case": "deal", "action": "hold_presentation", "outcome": "applied"})
	has(t, families, "salesflow_actions_total", map[string]string{"case": "deal", "action": "accept_offer", "outcome": "action_not_allowed"})
	if v := has(t, families, "salesflow_open_deals", map[string]string{"stage": "offer"}); v != 1 {
		t.Errorf("open deals at offer: %v, want 1 (this stack's read model)", v)
	}
	has(t, families, "salesflow_open_deals", map[string]string{"stage": "presentation"})
	has(t, families, "salesflow_overdue_control_points", map[string]string{"subject_type": "deal"})
	has(t, families, "temporal_request_total", map[string]string{"operation": "RespondWorkflowTaskCompleted", "workflow_type": "Deal"})
	has(t, families, "temporal_workflow_task_execution_latency_seconds", map[string]string{"workflow_type": "Deal", "task_queue": s.cfg.TaskQueue})
	has(t, families, "temporal_local_activity_execution_latency_seconds", map[string]string{"activity_type": "SyncDeal"})
}

// TestMetricsOfNotificationDelivery lets an offer expire on an
// instrumented worker whose webhook refuses each notification's first
// request: the worker's metrics count the failed attempts and the lag of
// every delivery by channel.
func TestMetricsOfNotificationDelivery(t *testing.T) {
	h := startHookReceiver(t, func(_ context.Context, _ webhook.Payload, n int) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	metrics := httptest.NewServer(telemetry.Handler())
	t.Cleanup(metrics.Close)
	// Since the one-delivery version the webhook part runs inside the
	// notification's one (local) activity.
	webhookSeries := map[string]string{"channel": models.ChannelWebhook, "activity_type": "DeliverNotification"}
	counts := func() (lag, failures float64) {
		families := scrape(t, metrics.URL)
		lag, _ = series(families, "salesflow_notification_delivery_lag_seconds", webhookSeries)
		failures, _ = series(families, "salesflow_notification_delivery_failures_total", webhookSeries)
		return lag, failures
	}
	lag0, failures0 := counts()
	s := newStack(t, stackOptions{temporal: instrumented(t, noop.NewTracerProvider()), configure: func(c *config.Config) {
		c.WebhookURL, c.WebhookSecret = h.url, hookSecret
	}})
	d := s.expiringOffer()
	s.awaitSettled(d.ID, 90*time.Second)
	notices := float64(len(s.notices(d.ID)))
	lag, failures := counts()
	if lag-lag0 != notices || failures-failures0 != notices {
		t.Fatalf("webhook deliveries of %v notifications: %v lags and %v failures recorded", notices, lag-lag0, failures-failures0)
	}
}

// scrape reads the Prometheus text of url, asked without a token.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// has fails the test unless the family name has a series with at least
// the labels want, and returns the sum of their values (see series).
func has(t *testing.T, families map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	if _, ok := families[name]; !ok {
		t.Errorf("no metric %s", name)
		return 0
	}
	v, ok := series(families, name, want)
	if !ok {
		t.Errorf("metric %s has no series with labels %v", name, want)
	}
	return v
}

// series is the sum of the values of the series of the family name with
// at least the labels want (a counter's or gauge's; a histogram's count),
// and whether there is one.
func series(families map[string]*dto.MetricFamily, name string, want map[string]string) (sum float64, found bool) {
	for _, m := range families[name].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if !matches(labels, want) {
			continue
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum, found
}

func matches(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestOneActionIsOneTrace records spans in process: one action's HTTP
// span, the client's update span, the worker's update validation and
// handling, and the read-model sync activity it runs all share the HTTP
// span's trace ID, each a descendant of the HTTP span.
func TestOneActionIsOneTrace(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	s := newStack(t, stackOptions{temporal: instrumented(t, tp), deps: func(d *api.Deps) { d.Tracer = tp }})
	d := s.newDeal(alice, nil)
	rec.Reset()
	s.act(alice, d.ID, "hold_presentation", map[string]any{})

	const httpSpan = "POST /api/v1/deals/:id/actions/:action"
	want := []string{httpSpan, "UpdateWorkflow:hold_presentation", "ValidateUpdate:hold_presentation",
		"HandleUpdate:hold_presentation", "StartActivity:SyncDeal", "RunActivity:SyncDeal"}
	var trace []sdktrace.ReadOnlySpan
	eventually(t, 10*time.Second, "the action's spans", func() bool {
		trace = actionTrace(rec.Ended(), httpSpan)
		return covers(trace, want)
	})
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, sp := range trace {
		byID[sp.SpanContext().SpanID().String()] = sp
	}
	for _, sp := range trace {
		if sp.Name() == httpSpan {
			continue
		}
		if !descends(sp, byID, httpSpan) {
			t.Errorf("span %s does not descend from the HTTP span", sp.Name())
		}
	}
}

// actionTrace returns the ended spans of the trace of the (last) span
// named root, nil while it has not ended.
func actionTrace(spans []sdktrace.ReadOnlySpan, root string) []sdktrace.ReadOnlySpan {
	var id trace.TraceID
	for _, sp := range spans {
		if sp.Name() == root {
			id = sp.SpanContext().TraceID()
		}
	}
	if !id.IsValid() {
		return nil
	}
	var same []sdktrace.ReadOnlySpan
	for _, sp := range spans {
		if sp.SpanContext().TraceID() == id {
			same = append(same, sp)
		}
	}
	return same
}

// covers reports whether spans include one named each of names.
func covers(spans []sdktrace.ReadOnlySpan, names []string) bool {
	for _, n := range names {
		if !slices.ContainsFunc(spans, func(sp sdktrace.ReadOnlySpan) bool { return sp.Name() == n }) {
			return false
		}
	}
	return true
}

// descends reports whether sp's chain of parents among byID reaches the
// span named root.
func descends(sp sdktrace.ReadOnlySpan, byID map[string]sdktrace.ReadOnlySpan, root string) bool {
	for range len(byID) {
		parent, ok := byID[sp.Parent().SpanID().String()]
		if !ok {
			return false
		}
		if parent.Name() == root {
			return true
		}
		sp = parent
	}
	return false
}
