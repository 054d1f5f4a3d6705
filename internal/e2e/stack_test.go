// Package e2e drives salesflow end to end: a real Temporal dev server (the
// pinned CLI named by TEMPORAL_CLI), a real PostgreSQL read model, the real
// worker and the real Echo API, over HTTP. Every response is checked against
// the served OpenAPI document.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/web"
)

var devServer *testsuite.DevServer

func TestMain(m *testing.M) {
	cli := os.Getenv("TEMPORAL_CLI")
	if cli == "" {
		fmt.Fprintln(os.Stderr, "e2e: TEMPORAL_CLI must name the pinned temporal CLI; run the tests with `make test`")
		os.Exit(1)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath:  cli,
		LogLevel:      "error",
		ClientOptions: &client.Options{Logger: tlog.NewStructuredLogger(quiet)},
		Stdout:        io.Discard,
		Stderr:        io.Discard,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: start the Temporal dev server from %s: %v\n", cli, err)
		os.Exit(1)
	}
	devServer = srv
	// What every worker does at start (app.StartWorker); the stacks start
	// theirs with app.NewWorker.
	if err := app.EnsureSearchAttributes(context.Background(), srv.Client(), "default"); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: register the search attributes: %v\n", err)
		_ = srv.Stop()
		os.Exit(1)
	}
	code := m.Run()
	_ = srv.Stop()
	os.Exit(code)
}

// stack is one test's salesflow: its own PostgreSQL database, task queue,
// worker and API server, sharing the package's Temporal dev server.
type stack struct {
	t   *testing.T
	url string
	// db is the read model as the test reaches it, dbURL its URL; appDB is
	// the worker's and the API's (through the proxy of stackOptions.dbVia).
	db, appDB *gorm.DB
	dbURL     string
	router    routers.Router
	// cfg is the worker's configuration and worker the worker running it.
	cfg    config.Config
	worker worker.Worker
	// changes are the state-changing requests the test made with a token,
	// and tokens every bearer token it used: checkAudit looks for both.
	changes []change
	tokens  map[string]bool
	// undocumented starts the paths of case types outside the OpenAPI
	// document, which conform does not check.
	undocumented string
}

// change is one state-changing request: its request ID, method, path,
// Idempotency-Key and the status it got.
type change struct {
	requestID, method, path, key string
	status                       int
}

// stackOptions vary a test's stack: configure adjusts the worker's
// configuration (its delivery channels), policy replaces the deployment's
// policy document served by the API.
type stackOptions struct {
	configure func(*config.Config)
	policy    *policy.Document
	// cases are case types served besides deals and complaints; register
	// adds their workflows and activities to the worker; their routes,
	// under the path undocumented, are not in the OpenAPI document.
	cases        []api.Case
	register     func(worker.Worker)
	undocumented string
	// dbVia, when set, rewrites the read model's URL for the worker and
	// the API (to reach it through a testdb.Proxy).
	dbVia func(url string) string
	// temporal, when set, is the Temporal client of the worker and the API
	// instead of the dev server's (one with telemetry.Instrument).
	temporal client.Client
	// deps, when set, adjusts the API's dependencies (metrics, tracer).
	deps func(*api.Deps)
}

var nonWord = regexp.MustCompile(`\W+`)

// everyDayWorks is the default policy document with a calendar without a
// weekend: the tests' deadlines are seconds away, whatever the day.
func everyDayWorks() *policy.Document {
	doc := policy.Default()
	doc.Calendar.Weekend = []string{}
	return &doc
}

// stacks counts the stacks this test process has made.
var stacks atomic.Int64

func newStack(t *testing.T, opts ...stackOptions) *stack {
	t.Helper()
	dbURL := testdb.EmptyPostgres(t)
	db := testdb.Open(t, dbURL)
	if err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	appDB := db
	// A task queue of its own per stack, also when -count repeats a test:
	// workflow IDs derived from it (the day's classification run) stay
	// apart.
	cfg := config.Config{TaskQueue: fmt.Sprintf("e2e-%s-%d", nonWord.ReplaceAllString(t.Name(), "-"), stacks.Add(1))}
	// Tests run on any day of the week with policies of seconds: a calendar
	// without weekends keeps a weekend run from moving reminders to Friday.
	pol := *everyDayWorks()
	var cases []api.Case
	var undocumented string
	c := devServer.Client()
	for _, o := range opts {
		if o.temporal != nil {
			c = o.temporal
		}
		cases = append(cases, o.cases...)
		if o.undocumented != "" {
			undocumented = o.undocumented
		}
		if o.configure != nil {
			o.configure(&cfg)
		}
		if o.policy != nil {
			pol = *o.policy
		}
		if o.dbVia != nil {
			appDB = testdb.Open(t, o.dbVia(dbURL))
		}
	}
	w := app.NewWorker(c, cfg, appDB)
	for _, o := range opts {
		if o.register != nil {
			o.register(w)
		}
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := api.Deps{Temporal: c, DB: appDB, Policy: pol, TaskQueue: cfg.TaskQueue, Logger: logger, Cases: cases}
	for _, o := range opts {
		if o.deps != nil {
			o.deps(&deps)
		}
	}
	e := api.New(deps)
	web.Mount(e, web.Deps{API: deps})
	ts := httptest.NewServer(e)
	t.Cleanup(ts.Close)

	doc, err := api.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, url: ts.URL, db: db, appDB: appDB, dbURL: dbURL, router: router, cfg: cfg, worker: w, tokens: map[string]bool{}, undocumented: undocumented}
	t.Cleanup(s.checkAudit)
	return s
}

// checkAudit fails the test unless every state-changing request it made
// with a token has its audit entry (same request ID, method's action,
// status), or is a retry (same method, path and Idempotency-Key) of one
// that has, and no audit entry holds any bearer token the test used.
func (s *stack) checkAudit() {
	var entries []models.AuditEntry
	if err := s.db.Find(&entries).Error; err != nil {
		s.t.Fatalf("read audit: %v", err)
	}
	byRequest := map[string]models.AuditEntry{}
	for _, e := range entries {
		byRequest[e.RequestID] = e
		for tok := range s.tokens {
			if strings.Contains(e.Input, tok) || strings.Contains(e.Input, models.HashToken(tok)) {
				s.t.Errorf("audit entry %d (%s) holds a bearer token", e.ID, e.Action)
			}
		}
	}
	for _, group := range s.requestGroups() {
		first := group[0]
		e, ok := byRequest[first.requestID]
		switch {
		case !ok:
			s.t.Errorf("no audit entry for %s %s (%d, request %s)", first.method, first.path, first.status, first.requestID)
		case e.Status != appliedStatus(group) || e.Actor == "" || e.Action == "":
			s.t.Errorf("audit entry for %s %s: %+v, want status %d with actor and action", first.method, first.path, e, appliedStatus(group))
		}
	}
}

// requestGroups groups the state-changing requests sent: each request
// alone, but the requests sharing method, path and Idempotency-Key
// together, first sent first — they share one audit entry, its first
// request's.
func (s *stack) requestGroups() [][]change {
	var groups [][]change
	index := map[[3]string]int{}
	for _, c := range s.changes {
		k := [3]string{c.method, c.path, c.key}
		if i, seen := index[k]; seen && c.key != "" {
			groups[i] = append(groups[i], c)
			continue
		}
		index[k] = len(groups)
		groups = append(groups, []change{c})
	}
	return groups
}

// appliedStatus is the status a group's shared audit entry records: the
// success, when one of its requests succeeded (a replay answers from the
// stored result, a retry completes a failed first attempt), else the
// first request's.
func appliedStatus(group []change) int {
	for _, c := range group {
		if c.status < 300 {
			return c.status
		}
	}
	return group[0].status
}

// response is one HTTP answer.
type response struct {
	status int
	body   []byte
}

// call sends a request as the staff member owning token ("" for none) and
// checks the response against the OpenAPI document.
func (s *stack) call(method, path, token string, body any, headers ...string) response {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	requestID := fmt.Sprintf("e2e-%d-%d", time.Now().UnixNano(), len(s.changes))
	req.Header.Set("X-Request-ID", requestID)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	s.conform(req, res, out)
	if token != "" {
		s.tokens[token] = true
		if method != http.MethodGet && res.StatusCode != http.StatusUnauthorized {
			s.changes = append(s.changes, change{requestID, method, path, req.Header.Get("Idempotency-Key"), res.StatusCode})
		}
	}
	return response{status: res.StatusCode, body: out}
}

// The process maps (application/xml) are checked as the strings the
// document says they are.
func init() { openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.FileBodyDecoder) }

// conform fails the test when a response does not match the OpenAPI
// document, so the document cannot drift from the code.
func (s *stack) conform(req *http.Request, res *http.Response, body []byte) {
	s.t.Helper()
	if s.undocumented != "" && strings.HasPrefix(req.URL.Path, s.undocumented) {
		return
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		s.t.Errorf("%s %s: not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		s.t.Errorf("%s %s → %d does not match the OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, res.StatusCode, err, body)
	}
}

// decode reads a response body, failing unless the status is want.
func (r response) decode(t *testing.T, want int, into any) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	if into != nil {
		if err := json.Unmarshal(r.body, into); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// apiError is the error body of every refusal.
type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// newClient creates a client and returns its ID.
func (s *stack) newClient(token string) string {
	var c struct {
		ID string `json:"id"`
	}
	s.call("POST", "/api/v1/clients", token, map[string]any{"name": "Romashka LLC", "segment": "corporate"}).decode(s.t, 201, &c)
	return c.ID
}

// newDeal opens a deal for a new client; extra fields are merged in.
func (s *stack) newDeal(token string, extra map[string]any) deal.View {
	body := map[string]any{"client_id": s.newClient(token), "title": "Corporate New Year party", "product": "events", "amount": "150000.00", "currency": "RUB"}
	for k, v := range extra {
		body[k] = v
	}
	var v deal.View
	s.call("POST", "/api/v1/deals", token, body).decode(s.t, 201, &v)
	recordHistory(s.t, v.ID)
	return v
}

// actOn applies an action to the deal or complaint at path (such as
// /api/v1/deals/deal-1) and returns its new view V.
func actOn[V any](s *stack, token, path, action string, input any) V {
	s.t.Helper()
	var v V
	s.call("POST", path+"/actions/"+action, token, input).decode(s.t, 200, &v)
	return v
}

// act applies an action to a deal and returns the new view, checking the
// read model agrees with the workflow afterwards.
func (s *stack) act(token, id, action string, input any) deal.View {
	s.t.Helper()
	v := actOn[deal.View](s, token, "/api/v1/deals/"+id, action, input)
	s.agree(token, v)
	return v
}

// view reads the live deal view.
func (s *stack) view(token, id string) deal.View {
	s.t.Helper()
	var v deal.View
	s.call("GET", "/api/v1/deals/"+id, token, nil).decode(s.t, 200, &v)
	return v
}

// agree checks that the read model (list and history) matches the
// workflow's view.
func (s *stack) agree(token string, v deal.View) {
	s.t.Helper()
	var list struct {
		Items []struct {
			ID         string `json:"id"`
			Stage      string `json:"stage"`
			Status     string `json:"status"`
			Owner      string `json:"owner"`
			Amount     string `json:"amount"`
			WaitingOn  string `json:"waiting_on"`
			LostStage  string `json:"lost_stage"`
			LostReason string `json:"lost_reason"`
		} `json:"items"`
	}
	s.call("GET", "/api/v1/deals?client_id="+v.ClientID, token, nil).decode(s.t, 200, &list)
	var hist struct {
		Items []struct{ Seq int } `json:"items"`
	}
	s.call("GET", "/api/v1/deals/"+v.ID+"/history", token, nil).decode(s.t, 200, &hist)
	for _, it := range list.Items {
		if it.ID != v.ID {
			continue
		}
		got := []string{it.Stage, it.Status, it.Owner, it.Amount, it.WaitingOn, it.LostStage, it.LostReason}
		want := []string{string(v.Stage), string(v.Status), v.Owner, v.Amount.String(), string(v.WaitingOn), string(v.LostStage), v.LostReason}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			s.t.Fatalf("read model %v != workflow %v", got, want)
		}
		if len(hist.Items) != v.Seq {
			s.t.Fatalf("read model history has %d events, workflow %d", len(hist.Items), v.Seq)
		}
		return
	}
	s.t.Fatalf("deal %s is not in the read model list", v.ID)
}

// eventually polls check until it returns true or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
