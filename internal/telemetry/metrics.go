// Package telemetry is how salesflow processes are observed: Prometheus
// metrics — the Temporal SDK's, HTTP requests, actions, notification
// delivery and read-model figures — served at GET /metrics, OpenTelemetry
// traces from an HTTP request through the workflow update to its
// activities, exported over OTLP when configured, and logs that carry the
// trace. docs/operations.md lists the metrics.
package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Registry holds the process's metrics: the Go runtime's and the
// process's, the Temporal SDK's (see TemporalMetrics), HTTP requests and
// actions (see ObserveRequest, CountAction). One per process: the metrics
// are the process's, whatever serves them.
var Registry = prometheus.NewRegistry()

// HTTP and action metrics, registered in Registry.
var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "salesflow_http_requests_total",
		Help: "HTTP requests answered, by method, route template and status.",
	}, []string{"method", "route", "status"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "salesflow_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route template.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route"})
	actions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "salesflow_actions_total",
		Help: "Actions taken on cases through the API, by case type, action and outcome (applied, or the refusal's error code).",
	}, []string{"case", "action", "outcome"})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		httpRequests, httpDuration, actions,
	)
}

// ObserveRequest counts an answered HTTP request: route is the route
// template ("/api/v1/deals/:id"), never the path, so the labels stay few.
func ObserveRequest(method, route string, status int, took time.Duration) {
	httpRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	httpDuration.WithLabelValues(method, route).Observe(took.Seconds())
}

// CountAction counts an action on a case of type kind: outcome is
// "applied" or the code the API refused it with.
func CountAction(kind, action, outcome string) {
	actions.WithLabelValues(kind, action, outcome).Inc()
}

// secondsBuckets are the histogram buckets of OpenTelemetry instruments
// measured in seconds (the SDK's latencies, delivery lag): from a
// millisecond to an hour.
var secondsBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// meterProvider is the OpenTelemetry meter provider whose instruments
// Registry exports (the Temporal SDK's metrics and the activities' own).
var meterProvider = sync.OnceValue(func() *sdkmetric.MeterProvider {
	exp, err := otelprom.New(otelprom.WithRegisterer(Registry), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		panic("telemetry: Prometheus exporter: " + err.Error()) // only on a duplicate registration
	}
	seconds := sdkmetric.NewView(sdkmetric.Instrument{Unit: "s"}, sdkmetric.Stream{
		Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: secondsBuckets},
	})
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithView(seconds))
})

// TemporalMetrics is the Temporal SDK metrics handler exporting to
// Registry: client calls, workflow and activity task latencies, sticky
// cache, pollers (names start with temporal_), and what activities record
// through activity.GetMetricsHandler.
func TemporalMetrics() client.MetricsHandler {
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                meterProvider().Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,
		OnError:              func(err error) { slog.Warn("temporal metric", "error", err) },
	})
}

// Handler serves Registry and the gatherers extra (such as a read model's
// figures, see ReadModel) in the Prometheus text format.
func Handler(extra ...prometheus.Gatherer) http.Handler {
	g := append(prometheus.Gatherers{Registry}, extra...)
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Serve answers GET /metrics with h on its own listener at addr until ctx
// is done (METRICS_ADDR).
func Serve(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	logger.Info("metrics listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
