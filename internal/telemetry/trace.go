package telemetry

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Propagator carries a trace across processes: W3C trace context and
// baggage, in HTTP headers and Temporal headers alike.
var Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Tracing reports whether the environment asks for traces: an OTLP
// endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and neither OTEL_SDK_DISABLED=true
// nor OTEL_TRACES_EXPORTER=none turns them off.
func Tracing() bool {
	if os.Getenv("OTEL_SDK_DISABLED") == "true" || os.Getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup installs the process's tracing as OpenTelemetry's global tracer
// provider and propagator: when Tracing, spans go over OTLP to the
// configured endpoint (the standard OTEL_* variables: protocol
// http/protobuf or grpc, headers, sampler, batch sizes; service.name from
// OTEL_SERVICE_NAME, else "salesflow-<process>"); otherwise no span is
// recorded. The returned function flushes and stops the exporter.
func Setup(ctx context.Context, process string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(Propagator)
	if !Tracing() {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlpExporter(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(),
		resource.NewSchemaless(semconv.ServiceName("salesflow-"+process)))
	if err == nil {
		res, err = resource.Merge(res, envResource(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// envResource is the resource OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES describe (empty when unset).
func envResource(ctx context.Context) *resource.Resource {
	r, err := resource.New(ctx, resource.WithFromEnv())
	if err != nil {
		return resource.Empty()
	}
	return r
}

// otlpExporter is the OTLP span exporter of the configured protocol
// (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL:
// http/protobuf, the default, or grpc); each reads its endpoint, headers,
// TLS and timeout from the standard variables.
func otlpExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch strings.TrimSpace(protocol) {
	case "", "http/protobuf":
		return otlptracehttp.New(ctx)
	case "grpc":
		return otlptracegrpc.New(ctx)
	}
	return nil, fmt.Errorf("OTLP protocol %q: use http/protobuf or grpc", protocol)
}

// Instrument adds the Temporal SDK's metrics (see TemporalMetrics) and
// OpenTelemetry tracing with tp to Temporal client options: a client
// made with them traces its calls (an update carries the caller's span),
// and a worker on it traces workflow tasks, updates and activities as
// children of the span that started them.
func Instrument(o *client.Options, tp trace.TracerProvider) {
	o.MetricsHandler = TemporalMetrics()
	tracing, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer: tp.Tracer("temporal-sdk-go"), TextMapPropagator: Propagator,
	})
	if err != nil { // NewTracingInterceptor fails on no options it is given
		panic("telemetry: Temporal tracing interceptor: " + err.Error())
	}
	o.Interceptors = append(o.Interceptors, tracing)
}
