package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// TestFaultDatabaseOutage holds PostgreSQL unreachable (through a proxy
// the test takes down) while deal actions are sent from several
// goroutines, each retrying an unanswered action with its Idempotency-Key:
// every answer is a success or a 503 unavailable with Retry-After, and
// afterwards every action the deals' workflows applied has exactly one
// audit entry, completed, with the success answered; an action applied
// just before the database went away answers 200 with its entry pending,
// completed once the database is back. A worker and an API server started
// while PostgreSQL is down wait for it (the server answering /healthz 200
// and /readyz 503 meanwhile) and become ready once it is back.
func TestFaultDatabaseOutage(t *testing.T) {
	pg, err := url.Parse(testdb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := testdb.NewProxy(t, pg.Host)
	s := newStack(t, stackOptions{dbVia: proxy.Via})
	load := &faultLoad{s: s, http: &http.Client{Timeout: time.Minute}}
	cutAfterApply := cutOnAuditCompletion(t, s.appDB, proxy)
	var deals []string
	for range 3 {
		deals = append(deals, s.newDeal(alice, nil).ID)
	}

	// The database goes away after the action is applied, before its
	// entry is completed.
	cutAfterApply.Store(true)
	a := load.post(deals[0], "before-outage")
	if cutAfterApply.Load() {
		t.Fatal("the action's audit entry was not completed")
	}
	if a.status != http.StatusOK {
		t.Fatalf("action applied as the database went away: status %d, want 200", a.status)
	}
	if e := auditEntryOf(t, s.db, a.requestID); e.Status != models.AuditPending {
		t.Fatalf("entry of an action answered while the database is away: %+v, want pending", e)
	}
	proxy.Up()
	eventually(t, time.Minute, "the pending entry completed", func() bool {
		return auditEntryOf(t, s.db, a.requestID).Status == http.StatusOK
	})

	// The database goes away and comes back under load.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	for _, id := range deals {
		wg.Go(func() { load.send(ctx, id) })
	}
	load.waitFor(t, "successes before the outage", &load.ok, 5)
	proxy.Down()
	load.waitFor(t, "503s during the outage", &load.unavailable, 10)
	late := startLate(t, s, proxy)
	proxy.Up()
	load.waitFor(t, "successes after the outage", &load.ok, load.ok.Load()+5)
	stop()
	wg.Wait()
	if load.unexpected.Load() > 0 {
		t.Fatal("answers other than a success or a 503 with Retry-After (see above)")
	}
	t.Logf("answers: %d successes, %d 503s", load.ok.Load(), load.unavailable.Load())
	late.ready(t)
	load.checkAppliedOnce(t, deals)
}

// cutOnAuditCompletion makes the next completion of an audit entry through
// db, once armed, take the database down through proxy just before it is
// written.
func cutOnAuditCompletion(t *testing.T, db *gorm.DB, proxy *testdb.Proxy) *atomic.Bool {
	var armed atomic.Bool
	err := db.Callback().Update().Before("gorm:update").Register("e2e:cut_database", func(tx *gorm.DB) {
		if tx.Statement.Table == "audit_entries" && armed.CompareAndSwap(true, false) {
			proxy.Down()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return &armed
}

// auditEntryOf returns the one audit entry of the request.
func auditEntryOf(t *testing.T, db *gorm.DB, requestID string) models.AuditEntry {
	t.Helper()
	var rows []models.AuditEntry
	if err := db.Where("request_id = ?", requestID).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("request %s has %d audit entries, want 1", requestID, len(rows))
	}
	return rows[0]
}

// faultLoad sends log_contact actions to deals and keeps every answer.
type faultLoad struct {
	s    *stack
	http *http.Client
	// ok and unavailable count the answers 200 and 503, unexpected the
	// others.
	ok, unavailable, unexpected atomic.Int64

	mu      sync.Mutex
	answers []faultAnswer
	seq     int
}

// faultAnswer is the answer to one request: the deal acted on, the
// request's Idempotency-Key and X-Request-ID, and the status.
type faultAnswer struct {
	deal, key, requestID string
	status               int
}

// send logs contacts on the deal until ctx is done, retrying each
// unanswered one with its Idempotency-Key until it succeeds.
func (l *faultLoad) send(ctx context.Context, dealID string) {
	for n := 0; ctx.Err() == nil; n++ {
		key := fmt.Sprintf("contact-%s-%d", dealID, n)
		for ctx.Err() == nil {
			switch l.post(dealID, key).status {
			case http.StatusOK:
			case http.StatusServiceUnavailable:
				// A client's pause before it tries again.
				select {
				case <-ctx.Done():
				case <-time.After(50 * time.Millisecond):
				}
				continue
			default:
				return
			}
			break
		}
	}
}

// post logs a contact on the deal with the Idempotency-Key, checks the
// answer is a success or a 503 unavailable with Retry-After, and keeps it.
func (l *faultLoad) post(dealID, key string) faultAnswer {
	t := l.s.t
	l.mu.Lock()
	l.seq++
	a := faultAnswer{deal: dealID, key: key, requestID: fmt.Sprintf("fault-%d-%d", time.Now().UnixNano(), l.seq)}
	l.mu.Unlock()
	req, err := http.NewRequest("POST", l.s.url+"/api/v1/deals/"+dealID+"/actions/log_contact", strings.NewReader(`{"channel": "phone"}`))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Authorization": "Bearer " + alice, "Content-Type": "application/json", "Idempotency-Key": key, "X-Request-ID": a.requestID} {
		req.Header.Set(k, v)
	}
	res, err := l.http.Do(req)
	if err != nil {
		t.Errorf("request %s: %v", a.requestID, err)
		l.unexpected.Add(1)
		return a
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Errorf("request %s: %v", a.requestID, err)
	}
	l.s.conform(req, res, body)
	a.status = res.StatusCode
	var e apiError
	switch {
	case res.StatusCode == http.StatusOK:
		l.ok.Add(1)
	case res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "" &&
		json.Unmarshal(body, &e) == nil && e.Error.Code == "unavailable":
		l.unavailable.Add(1)
	default:
		t.Errorf("request %s answered %d (Retry-After %q): %s", a.requestID, res.StatusCode, res.Header.Get("Retry-After"), body)
		l.unexpected.Add(1)
	}
	l.mu.Lock()
	l.answers = append(l.answers, a)
	l.mu.Unlock()
	return a
}

// waitFor waits until the counter reaches n, or a sender gave up.
func (l *faultLoad) waitFor(t *testing.T, what string, counter *atomic.Int64, n int64) {
	t.Helper()
	eventually(t, time.Minute, what, func() bool {
		if l.unexpected.Load() > 0 {
			t.Fatal("a request got an unexpected answer (see above)")
		}
		return counter.Load() >= n
	})
}

// checkAppliedOnce waits for the audit entries to be completed, then
// checks every deal's applied log_contact updates (its workflow's history)
// against the audit: one completed success entry per applied update, one
// per Idempotency-Key answered 200, and exactly one entry per request
// answered 200.
func (l *faultLoad) checkAppliedOnce(t *testing.T, deals []string) {
	t.Helper()
	db := l.s.db
	eventually(t, time.Minute, "every audit entry completed", func() bool {
		var pending int64
		if err := db.Model(&models.AuditEntry{}).Where("status = ?", models.AuditPending).Count(&pending).Error; err != nil {
			t.Fatal(err)
		}
		return pending == 0
	})
	for _, id := range deals {
		applied := appliedUpdates(t, id, "log_contact")
		var entries int64
		if err := db.Model(&models.AuditEntry{}).Where("object_id = ? AND action = ? AND status = ?", id, "deal.log_contact", http.StatusOK).
			Count(&entries).Error; err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, a := range l.answers {
			if a.deal == id && a.status == http.StatusOK && !slices.Contains(keys, a.key) {
				keys = append(keys, a.key)
			}
		}
		t.Logf("deal %s: %d log_contact updates applied, %d audit entries of successes, %d keys answered 200", id, applied, entries, len(keys))
		if applied == 0 || int64(applied) != entries || applied != len(keys) {
			t.Errorf("deal %s: %d log_contact updates applied, %d audit entries of successes, %d keys answered 200",
				id, applied, entries, len(keys))
		}
	}
	for _, a := range l.answers {
		var rows []models.AuditEntry
		if err := db.Where("request_id = ?", a.requestID).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		switch {
		case a.status == http.StatusOK && (len(rows) != 1 || rows[0].Status != http.StatusOK):
			t.Errorf("request %s answered 200 has the audit entries %+v, want one of status 200", a.requestID, rows)
		case a.status != http.StatusOK && (len(rows) > 1 || len(rows) == 1 && rows[0].Status != a.status):
			t.Errorf("request %s answered %d has the audit entries %+v", a.requestID, a.status, rows)
		}
	}
}

// appliedUpdates counts the updates of the name the workflow accepted, from
// its history in Temporal.
func appliedUpdates(t *testing.T, workflowID, name string) int {
	t.Helper()
	it := devServer.Client().GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName() == name {
			n++
		}
	}
	return n
}

// lateProcs are a worker and an API server started while PostgreSQL is
// down, on their own task queue, as the worker and server commands run.
type lateProcs struct {
	url  string
	logs *logSink
	http *http.Client
}

// startLate starts a worker and an API server while the proxy is down and
// checks they wait: the server answers /healthz 200 and /readyz 503 naming
// the database, both log what they wait for. They stop when the test ends.
func startLate(t *testing.T, s *stack, proxy *testdb.Proxy) *lateProcs {
	t.Helper()
	for k, v := range map[string]string{
		"DATABASE_URL": proxy.Via(s.dbURL), "TEMPORAL_ADDRESS": devServer.FrontendHostPort(),
		"TASK_QUEUE": s.cfg.TaskQueue + "-late", "HTTP_ADDR": "127.0.0.1:0", "RATE_LIMIT": "0",
	} {
		t.Setenv(k, v)
	}
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := &lateProcs{logs: &logSink{}, http: &http.Client{Timeout: 30 * time.Second}}
	logger := slog.New(slog.NewJSONHandler(l.logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { errs <- app.Serve(ctx, cfg, logger.With("process", "server")) }()
	go func() {
		env, err := app.Connect(ctx, cfg, logger.With("process", "worker"))
		if err == nil {
			defer env.Close()
			err = app.Work(ctx, env)
		}
		errs <- err
	}()
	t.Cleanup(func() {
		cancel()
		for range 2 {
			if err := <-errs; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("late process: %v", err)
			}
		}
	})
	eventually(t, time.Minute, "the late processes waiting for the database", func() bool {
		return l.logs.has("server", "database") && l.logs.has("worker", "database")
	})
	l.url = "http://" + l.logs.listenAddr()
	if res := l.get(t, "/healthz"); res.status != http.StatusOK {
		t.Fatalf("/healthz while waiting: %d %s", res.status, res.body)
	}
	var e struct {
		Error struct {
			Details struct{ Dependencies []string }
		}
	}
	if res := l.get(t, "/readyz"); res.status != http.StatusServiceUnavailable || res.retryAfter == "" ||
		json.Unmarshal(res.body, &e) != nil || !slices.Contains(e.Error.Details.Dependencies, "database") {
		t.Fatalf("/readyz while waiting: %d (Retry-After %q) %s", res.status, res.retryAfter, res.body)
	}
	return l
}

// ready waits for the late API server to be ready, then opens a deal
// through it: the deal's workflow runs on the late worker, so its answer
// shows the worker runs too.
func (l *lateProcs) ready(t *testing.T) {
	t.Helper()
	eventually(t, time.Minute, "the late API server ready", func() bool {
		return l.get(t, "/readyz").status == http.StatusOK
	})
	var cl struct{ ID string }
	l.post(t, "/api/v1/clients", map[string]any{"name": "Late LLC", "segment": "corporate"}, &cl)
	var d struct{ ID, Stage string }
	l.post(t, "/api/v1/deals", map[string]any{"client_id": cl.ID, "title": "Late party", "amount": "1000.00", "currency": "RUB"}, &d)
	if d.ID == "" || d.Stage == "" {
		t.Fatalf("deal opened through the late server: %+v", d)
	}
}

// lateAnswer is an answer of the late API server.
type lateAnswer struct {
	status     int
	retryAfter string
	body       []byte
}

// get sends a GET to the late API server.
func (l *lateProcs) get(t *testing.T, path string) lateAnswer {
	t.Helper()
	return l.do(t, http.MethodGet, path, nil)
}

// post sends a POST as alice to the late API server and decodes its 201.
func (l *lateProcs) post(t *testing.T, path string, body, into any) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	res := l.do(t, http.MethodPost, path, raw)
	if res.status != http.StatusCreated {
		t.Fatalf("POST %s through the late server: %d %s", path, res.status, res.body)
	}
	if err := json.Unmarshal(res.body, into); err != nil {
		t.Fatal(err)
	}
}

func (l *lateProcs) do(t *testing.T, method, path string, body []byte) lateAnswer {
	t.Helper()
	req, err := http.NewRequest(method, l.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+alice)
	req.Header.Set("Content-Type", "application/json")
	res, err := l.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return lateAnswer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: out}
}

// logSink keeps the JSON log lines of the late processes.
type logSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records returns the log records so far.
func (s *logSink) records() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(s.b.Bytes(), []byte("\n")) {
		var rec map[string]any
		if json.Unmarshal(line, &rec) == nil {
			out = append(out, rec)
		}
	}
	return out
}

// has reports whether the process logged that it waits for the dependency
// and when it tries again.
func (s *logSink) has(process, dependency string) bool {
	return slices.ContainsFunc(s.records(), func(r map[string]any) bool {
		return r["msg"] == "waiting for a dependency" && r["process"] == process && r["dependency"] == dependency && r["next_attempt_in"] != nil
	})
}

// listenAddr returns the address of the "API listening" log line, or "".
func (s *logSink) listenAddr() string {
	for _, r := range s.records() {
		if r["msg"] == "API listening" {
			addr, _ := r["addr"].(string)
			return addr
		}
	}
	return ""
}
