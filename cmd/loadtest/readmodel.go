package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// readModel is the stack's PostgreSQL read model as the harness reads it.
type readModel struct{ db *sql.DB }

// openReadModel connects to the read model at dbURL as harnessApp.
func openReadModel(ctx context.Context, dbURL string) (*readModel, error) {
	db, err := sql.Open("pgx", withApplicationName(dbURL))
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("read model at %s: %w", dbURL, err)
	}
	return &readModel{db: db}, nil
}

// withApplicationName is the PostgreSQL URL dbURL naming its connections
// harnessApp (dbURL itself when it is not a URL).
func withApplicationName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.Scheme == "" {
		return dbURL
	}
	q := u.Query()
	q.Set("application_name", harnessApp)
	u.RawQuery = q.Encode()
	return u.String()
}

// close closes the connections.
func (r *readModel) close() { _ = r.db.Close() }

// hasEvent tells whether history event seq of deal id is in the read
// model.
func (r *readModel) hasEvent(ctx context.Context, id string, seq int) (bool, error) {
	var ok bool
	err := r.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deal_events WHERE deal_id = $1 AND seq = $2)`, id, seq).Scan(&ok)
	return ok, err
}

// freshness is the read-model freshness phase's operation: log_contact
// on the load client's deal, then reading the read model until the
// action's history event is there. It records, under "visible", the time
// from the answer until the event was read, and under "stale" each read
// that did not find it yet.
func (a *apiClient) freshness(rm *readModel) op {
	return func(ctx context.Context, client int, rec *recorder) error {
		v, err := a.act(ctx, a.deals[client], "log_contact", map[string]any{"channel": "email"})
		if err != nil {
			return err
		}
		answered := time.Now()
		for {
			ok, err := rm.hasEvent(ctx, v.ID, v.Seq)
			if err != nil {
				return err
			}
			if ok {
				rec.add("visible", time.Since(answered))
				return nil
			}
			rec.add("stale", 0)
			if time.Since(answered) > time.Minute {
				return fmt.Errorf("event %d of %s not in the read model a minute after the action", v.Seq, v.ID)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// reminderOverride is the policy of the reminder phase's deals: the
// contact interval falls due lead after the deal opens, with no reminder
// before it and no grace, so the owner's overdue notice is due exactly
// then.
func reminderOverride(lead time.Duration) map[string]any {
	return map[string]any{
		"contact_interval": fmt.Sprintf("%ds", int(lead.Seconds())),
		"control_points":   map[string]any{"contact_interval": map[string]any{"reminders": []string{}, "grace": "0s"}},
	}
}

// dueDeals collects the IDs of the deals the reminder phase opened.
type dueDeals struct {
	mu  sync.Mutex
	ids []string
}

// add records a deal opened.
func (d *dueDeals) add(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ids = append(d.ids, id)
}

// reminderOp is a reminder phase's operation, opening a deal, and the
// deals it opened.
type reminderOp struct {
	do  op
	due *dueDeals
}

// openForReminder is the reminder phases' operation: opening a deal whose
// contact interval falls due lead() later (whole seconds, at least one).
func (a *apiClient) openForReminder(lead func() time.Duration, due *dueDeals) reminderOp {
	return reminderOp{due: due, do: func(ctx context.Context, client int, _ *recorder) error {
		v, err := a.openDeal(ctx, client, reminderOverride(max(lead(), time.Second)))
		if err == nil {
			due.add(v.ID)
		}
		return err
	}}
}

// leadUntil is the lead of a deal opened now that falls due at at: the
// time until then, rounded up to a whole second, so every deal opened
// before at falls due within the second after it.
func leadUntil(at time.Time) func() time.Duration {
	return func() time.Duration {
		d := time.Until(at)
		return d.Truncate(time.Second) + time.Second
	}
}

// reminderPoll is how often the reminder phase reads the notifications.
const reminderPoll = 20 * time.Millisecond

// awaitOverdue reads the notifications table every reminderPoll until
// every deal of ids has its overdue notice, or within passes, and returns
// for each one seen the time it was first read minus the time it was due.
func (r *readModel) awaitOverdue(ctx context.Context, ids []string, within time.Duration) ([]time.Duration, error) {
	waiting := map[string]bool{}
	for _, id := range ids {
		waiting[id] = true
	}
	var lags []time.Duration
	deadline := time.Now().Add(within)
	for len(waiting) > 0 && time.Now().Before(deadline) {
		seen, err := r.overdue(ctx, ids)
		if err != nil {
			return lags, err
		}
		now := time.Now()
		for id, due := range seen {
			if waiting[id] {
				delete(waiting, id)
				lags = append(lags, now.Sub(due))
			}
		}
		select {
		case <-ctx.Done():
			return lags, ctx.Err()
		case <-time.After(reminderPoll):
		}
	}
	if len(waiting) > 0 {
		return lags, fmt.Errorf("%d of %d overdue notices not delivered within %s", len(waiting), len(ids), within)
	}
	return lags, nil
}

// overdue returns the due time of the overdue notice of each deal of ids
// that has one.
func (r *readModel) overdue(ctx context.Context, ids []string) (map[string]time.Time, error) {
	rows, err := r.db.QueryContext(ctx,
		`SELECT deal_id, due_at FROM notifications WHERE kind = 'overdue' AND control_point_id <> '' AND deal_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var due time.Time
		if err := rows.Scan(&id, &due); err != nil {
			return nil, err
		}
		out[id] = due
	}
	return out, rows.Err()
}
