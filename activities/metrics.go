package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// Metrics the activities record through the SDK's metrics handler, so a
// worker exports them with the SDK's own (telemetry.TemporalMetrics): a
// timer is a histogram in seconds (Prometheus adds _seconds), a counter
// gets _total.
const (
	// MetricDeliveryLag is the time from a notification's creation to
	// its delivery over a channel (label channel: email, webhook).
	MetricDeliveryLag = "salesflow_notification_delivery_lag"
	// MetricDeliveryFailures counts failed delivery attempts, which are
	// retried (label channel).
	MetricDeliveryFailures = "salesflow_notification_delivery_failures"
)

// observeDelivery records attempt number attempt (0: none was made) of a
// delivery over channel of a notification created at created: its lag
// when it succeeded, a failure when it did not. The series carry the
// activity type, which the SDK's handler leaves "none" in a local activity.
func observeDelivery(ctx context.Context, channel string, created time.Time, attempt int, err error) {
	if attempt == 0 || !activity.IsActivity(ctx) {
		return
	}
	m := activity.GetMetricsHandler(ctx).WithTags(map[string]string{
		"channel": channel, "activity_type": activity.GetInfo(ctx).ActivityType.Name,
	})
	if err != nil {
		m.Counter(MetricDeliveryFailures).Inc(1)
		return
	}
	m.Timer(MetricDeliveryLag).Record(time.Since(created))
}
