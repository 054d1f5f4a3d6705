package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/models"
)

// ErrTypeOutdated marks a classification run for a day older than the
// stored classification (classify.ErrOutdated): retrying cannot help.
const ErrTypeOutdated = "OutdatedClassification"

// ClassifyClients refreshes the sale kinds of won deals and the clients'
// first deals (models.RefreshSales), then computes every client's category
// and ABC and XYZ classes
// as of asOf with the Classify parameters and stores them with their
// history (classify.Run). It is idempotent: a repeated run for the same
// asOf writes nothing. A run older than the stored classification fails
// without retries.
func (a *Activities) ClassifyClients(ctx context.Context, asOf time.Time) (classify.Result, error) {
	if asOf.IsZero() {
		return classify.Result{}, temporal.NewNonRetryableApplicationError("classification without a day", ErrTypeInvalidInput, nil)
	}
	if activity.IsActivity(ctx) {
		// One transaction does the work; heartbeats meanwhile let a
		// HeartbeatTimeout notice a worker that died.
		stop := heartbeat(ctx, 10*time.Second)
		defer stop()
	}
	// First put right what deals synced out of order left in the sale
	// kinds and clients' first deals (models.RefreshSales).
	if err := models.RefreshSales(ctx, a.DB); err != nil {
		return classify.Result{}, err
	}
	res, err := classify.Run(ctx, a.DB, asOf, a.Classify)
	switch {
	case errors.Is(err, classify.ErrOutdated):
		return res, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeOutdated, err)
	case err != nil:
		return res, err
	}
	logger(ctx).Info("clients classified", "as_of", res.AsOf, "clients", res.Clients, "changes", res.Changes)
	return res, nil
}

// heartbeat records an activity heartbeat every interval until the
// returned stop is called.
func heartbeat(ctx context.Context, every time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}
