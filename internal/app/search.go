package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/engine"
)

// EnsureSearchAttributes registers on the namespace every case search
// attribute (engine.SearchAttributes) it lacks, through the operator
// service; every worker calls it on start, before any workflow runs, so
// the dev server, `make run` and a real cluster all have them. An attribute
// registered meanwhile by another worker is fine; one registered with
// another type is an error. Having added any, it returns once every
// Temporal service has re-read the namespace, so a workflow started right
// after may set them.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ops := c.OperatorService()
	have, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := engine.SearchAttributes()
	for _, name := range slices.Sorted(maps.Keys(missing)) {
		got, ok := have.GetCustomAttributes()[name]
		switch {
		case !ok:
			continue
		case got != missing[name]:
			return fmt.Errorf("search attribute %s is registered as %s, salesflow needs %s", name, got, missing[name])
		}
		delete(missing, name)
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("add search attributes %v: %w", slices.Sorted(maps.Keys(missing)), err)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * namespaceRefresh):
		return nil
	}
}

// namespaceRefresh is how often each Temporal service re-reads the
// namespaces, and with them their search attributes
// (system.namespaceCacheRefreshInterval, 2 s unless configured).
const namespaceRefresh = 2 * time.Second

// RegisterSearchAttributes connects to the Temporal frontend at address
// and registers the case search attributes on namespace (see
// EnsureSearchAttributes), for a cluster started before any worker.
func RegisterSearchAttributes(ctx context.Context, address, namespace string) error {
	tc, err := Dial(config.Config{TemporalAddress: address, TemporalNamespace: namespace}, slog.Default())
	if err != nil {
		return err
	}
	defer tc.Close()
	return EnsureSearchAttributes(ctx, tc, namespace)
}
