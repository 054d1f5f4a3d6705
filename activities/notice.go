package activities

import (
	"context"
	"errors"
	"sync"

	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/casework"
)

// DeliverNotification delivers one notification in one activity: it puts n
// in its recipient's inbox (Notify), then e-mails it (DeliverEmail) and
// posts it to the webhook (DeliverWebhook) at the same time. Each part is
// the same idempotent step as its own activity, recorded in its own
// delivery row: a retry finds the inbox row there and a channel's delivery
// final once it was sent (or skipped, or queued for the digest), so it
// re-attempts only what failed and never sends twice.
//
// It fails with Notify's error when the inbox part fails; otherwise with a
// channel's error: a retryable one when any channel may still succeed,
// else the first channel's non-retryable error.
//
// At most deliverySlots deliveries run at once in one worker; the others
// wait for a slot. Run as local activities, the notifications of many
// control points falling due together would otherwise open a database
// connection each at the same moment.
func (a *Activities) DeliverNotification(ctx context.Context, n casework.Notification) error {
	release, err := deliverySlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	if err := a.Notify(ctx, n); err != nil {
		return err
	}
	channels := []func(context.Context, string) error{a.DeliverEmail, a.DeliverWebhook}
	errs := make([]error, len(channels))
	var wg sync.WaitGroup
	for i, deliver := range channels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = deliver(ctx, n.Key)
		}()
	}
	wg.Wait()
	return retryableFirst(errs)
}

// deliverySlots bounds the deliveries DeliverNotification runs at once in
// one process (each uses up to two database connections at a time).
const deliverySlots = 8

// slots are the delivery slots of this process.
var slots = make(chan struct{}, deliverySlots)

// deliverySlot waits for a delivery slot and returns its release, or
// ctx's error when the activity ends first.
func deliverySlot(ctx context.Context) (func(), error) {
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// retryableFirst is the error of an attempt made of parts that failed with
// errs (nil entries succeeded): the first retryable one, so the attempt is
// retried while any part may succeed, else the first error, else nil.
func retryableFirst(errs []error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || !ae.NonRetryable() {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}
