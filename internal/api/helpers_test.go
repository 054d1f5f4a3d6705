package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/internal/telemetry"
	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// testAPI is the API over a fresh SQLite read model with the demo staff
// (tokens dev-alice, dev-bob, ...) and, when given, a fake Temporal.
type testAPI struct {
	t      *testing.T
	e      *echo.Echo
	db     *gorm.DB
	router routers.Router
	logs   *bytes.Buffer
}

// newTestAPI builds a testAPI; opts change the API's dependencies before
// it is built (a JWT verifier, a rate limit, ...).
func newTestAPI(t *testing.T, temporal client.Client, opts ...func(*Deps)) *testAPI {
	t.Helper()
	db, err := models.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	doc, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	d := Deps{
		Temporal: temporal, DB: db, Policy: policy.Default(), TaskQueue: "test",
		Logger:  slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: telemetry.Handler(telemetry.ReadModel(db)),
	}
	for _, o := range opts {
		o(&d)
	}
	e := New(d)
	return &testAPI{t: t, e: e, db: db, router: router, logs: logs}
}

// noWorkflows is a Temporal that knows no workflow: authorization looks a
// deal or complaint missing from the read model up there, and finds none.
func noWorkflows() *fakeTemporal {
	return &fakeTemporal{err: serviceerror.NewNotFound("workflow not found")}
}

// seedDeal puts the read-model row of a deal owned by owner, of client
// clientID, in place, as the projection does once its workflow has started:
// routes on /deals/{id} authorize against that row before the handler
// asks Temporal.
func (a *testAPI) seedDeal(id, owner, clientID string) {
	a.t.Helper()
	if err := a.db.Create(&models.Deal{ID: id, ClientID: clientID, Owner: owner, Title: "T", Currency: "RUB",
		Stage: "close", Status: "open", CreatedAt: time.Now()}).Error; err != nil {
		a.t.Fatal(err)
	}
}

// seedComplaint puts the read-model row of a complaint assigned to
// assignee in place; routes on /complaints/{id} authorize against it.
func (a *testAPI) seedComplaint(id, assignee string) {
	a.t.Helper()
	row := complaintRow(id, "cl-1", "", "phone", "quality", "open", time.Now().UTC())
	row.Assignee = assignee
	if err := a.db.Create(&row).Error; err != nil {
		a.t.Fatal(err)
	}
}

// do sends a request (body: nil, a string sent as is, or a value sent as
// JSON) as the owner of token ("" for none), checks the response against
// the OpenAPI document and returns it. headers are name, value pairs.
func (a *testAPI) do(method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			a.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if token != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	a.conform(req, rec)
	return rec
}

// conform fails the test when the response to a documented route does not
// match the document.
func (a *testAPI) conform(req *http.Request, rec *httptest.ResponseRecorder) {
	a.t.Helper()
	route, params, err := a.router.FindRoute(req)
	if err != nil {
		return // not an API route: TestRoutesMatchDocument covers those that are
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		a.t.Errorf("%s %s → %d does not match the OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, rec.Code, err, rec.Body)
	}
}

// expect fails unless rec has the status, and decodes its body into out.
func expect(t *testing.T, rec *httptest.ResponseRecorder, status int, out any) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
}

// errResponse is the error body as a client reads it.
type errResponse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details struct {
			Fields         map[string]string `json:"fields"`
			Stage          string            `json:"stage"`
			Step           string            `json:"step"`
			AllowedActions []string          `json:"allowed_actions"`
			Dependencies   []string          `json:"dependencies"`
		} `json:"details"`
	} `json:"error"`
}

// expectError fails unless rec is an error response with status and code,
// and returns it.
func expectError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) errResponse {
	t.Helper()
	var e errResponse
	expect(t, rec, status, &e)
	if e.Error.Code != code {
		t.Fatalf("error code %q, want %q: %s", e.Error.Code, code, rec.Body)
	}
	return e
}

// fakeTemporal answers the few client calls the API makes; every other
// method panics through the nil embedded interface.
type fakeTemporal struct {
	client.Client

	mu sync.Mutex
	// err, when set, is what every call returns.
	err error
	// alreadyStarted makes update-with-start fail as for a finished deal.
	alreadyStarted error
	// view is returned by queries and updates of deals, complaint by those
	// of complaints (IDs starting with "cmp-").
	view      deal.View
	complaint complaint.View
	starts    []client.StartWorkflowOptions
	params    []workflows.DealParams
	// complaintParams are the parameters of complaint workflows started.
	complaintParams []complaint.Params
	updates         []client.UpdateWorkflowOptions
	signals         [][3]any // workflow ID, signal name, argument
	queries         []string
}

type fakeStart struct {
	client.WithStartWorkflowOperation
	opts   client.StartWorkflowOptions
	params any
}

func (f *fakeTemporal) NewWithStartWorkflowOperation(opts client.StartWorkflowOptions, _ any, args ...any) client.WithStartWorkflowOperation {
	return fakeStart{opts: opts, params: args[0]}
}

// viewOf is what queries and updates of the workflow return.
func (f *fakeTemporal) viewOf(id string) any {
	if strings.HasPrefix(id, "cmp-") {
		return f.complaint
	}
	return f.view
}

func (f *fakeTemporal) UpdateWithStartWorkflow(_ context.Context, o client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	start := o.StartWorkflowOperation.(fakeStart)
	f.starts = append(f.starts, start.opts)
	f.updates = append(f.updates, o.UpdateOptions)
	var v any
	switch p := start.params.(type) {
	case workflows.DealParams:
		f.params = append(f.params, p)
		dv := f.view
		dv.ID, dv.ClientID, dv.Owner, dv.Title, dv.Product = p.ID, p.ClientID, p.Owner, p.Title, p.Product
		dv.Amount, dv.Currency, dv.PreviousDealID, dv.Policy = p.Amount, p.Currency, p.PreviousDealID, p.Policy
		dv.PolicyVersion = p.PolicyVersion
		v = dv
	case complaint.Params:
		f.complaintParams = append(f.complaintParams, p)
		cv := f.complaint
		cv.ID, cv.Form, cv.RegisteredBy, cv.Policy, cv.PolicyVersion = p.ID, p.Form, p.RegisteredBy, p.Policy, p.PolicyVersion
		v = cv
	}
	if f.alreadyStarted != nil {
		return nil, f.alreadyStarted
	}
	return fakeHandle{v: v, err: f.err}, nil
}

func (f *fakeTemporal) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, o)
	return fakeHandle{v: f.viewOf(o.WorkflowID), err: f.err}, nil
}

func (f *fakeTemporal) QueryWorkflow(_ context.Context, id, _, name string, _ ...any) (converter.EncodedValue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, id+" "+name)
	if f.err != nil {
		return nil, f.err
	}
	return fakeValue{v: f.viewOf(id)}, nil
}

func (f *fakeTemporal) SignalWorkflow(_ context.Context, id, _, name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signals = append(f.signals, [3]any{id, name, arg})
	return f.err
}

func (f *fakeTemporal) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return &client.CheckHealthResponse{}, f.err
}

// roundTrip copies v into ptr through JSON, as Temporal's converter would.
func roundTrip(v, ptr any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ptr)
}

type fakeHandle struct {
	client.WorkflowUpdateHandle
	v   any
	err error
}

func (h fakeHandle) Get(_ context.Context, ptr any) error {
	if h.err != nil {
		return h.err
	}
	return roundTrip(h.v, ptr)
}

type fakeValue struct{ v any }

func (fakeValue) HasValue() bool      { return true }
func (v fakeValue) Get(ptr any) error { return roundTrip(v.v, ptr) }

// fullView is a deal with every part of the view filled in.
func fullView() deal.View {
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	later := at.Add(48 * time.Hour)
	return deal.View{
		Header: deal.Header{ID: "deal-0123456789abcdef", ClientID: "cl-1", Owner: "alice", Title: "New Year party", Product: "events",
			Amount: money.Amount(15000000), Currency: "RUB"}, Stage: deal.StageClose, Status: deal.StatusOpen,
		CreatedAt: at, UpdatedAt: later,
		Presentation: deal.Presentation{
			ScheduledAt: &at, HeldAt: &at, Notes: "went well", ProtocolSentAt: &later,
			Declines: []deal.Decline{{At: at, RetryAt: later, Reason: "busy"}},
		},
		Offers: []deal.Offer{{Version: 1, Amount: 15000000, ValidUntil: later, Terms: "100% upfront",
			Status: deal.OfferAccepted, IssuedAt: at, Comment: "ok"}},
		Contract: &deal.Contract{Revision: 2, Status: deal.ContractSigned,
			Approvers:      []deal.Approver{{Name: "director", Approved: true, ApprovedAt: &later}, {Name: "lawyer"}},
			PaymentPlan:    []deal.Installment{{Percent: 50, Due: deal.DueBeforeEvent}, {Percent: 50, Due: deal.DueAfterEvent}},
			ChangeRequests: []deal.ChangeRequest{{Revision: 1, Approver: "lawyer", Comment: "fix 3.2", At: at}},
			SignedAt:       &later},
		Invoices: []deal.Invoice{{Number: "deal-1-1", Installment: 1, Due: deal.DueBeforeEvent, Amount: 7500000,
			Paid: 7500000, IssuedAt: at, DueAt: later, Status: deal.InvoicePaid}},
		Payments: []deal.Payment{{Seq: 1, Kind: deal.KindPayment, Amount: 7500000, At: later},
			{Seq: 2, Kind: deal.KindRefund, Amount: -100, At: later, Reason: "rounding"}},
		Event: &deal.Event{Date: later, Items: []deal.EventItem{{Name: "menu", Approved: true, ApprovedAt: &at}},
			Reschedules: []deal.Reschedule{{From: at, To: later, Reason: "venue", At: at}}, HeldAt: &later, ClosingSignedAt: &later},
		Survey: &deal.Survey{Scores: map[string]int{"quality": 5, "speed": 3}, SubmittedAt: later,
			LowScores: []string{"speed"}, Dissatisfied: true},
		FollowUp: &deal.FollowUp{At: later, Purpose: "training", Product: "team building"},
		ControlPoints: []casework.ControlPoint{{ID: "survey", Kind: deal.PointSurvey, Stage: string(deal.StageClose), Owner: "alice",
			Subject: "survey", Status: casework.PointDone, DueAt: later, OverdueAt: later, RemindAt: []time.Time{at},
			Reminded: 1, ArmedAt: at, DoneAt: &later}},
		Documents:      []deal.Document{{Type: deal.DocAct, Version: 1, Ref: "act-1", URL: "https://docs/act-1", SentAt: later}},
		AllowedActions: []string{deal.ActScheduleFollowUp, deal.ActCloseDeal, deal.ActLogContact},
		WaitingOn:      deal.WaitingInternal, WaitingSince: later,
		Policy: deal.DefaultPolicy(), PolicyVersion: 3, Seq: 42,
	}
}

// fullProgrammeView is a programme with an interview recorded with every
// part of the form, and an open control point.
func fullProgrammeView() vip.View {
	amount := money.Amount(150000)
	return vip.View{
		ID: "vip-1", Definition: vip.Definition{Name: "VIP", Lead: "carol", Selection: vip.Selection{Classes: []string{"A"}},
			Period: casework.Days(90), InterviewDue: casework.Days(30)},
		Status: vip.StatusActive, PeriodNumber: 1,
		Interviews: []vip.Interview{{Status: vip.InterviewHeld, Record: &vip.RecordInterviewInput{
			ClientID: "c-1", KeyContacts: []vip.KeyContactInput{{Name: "Anna", Role: "CEO"}}, ServiceRating: 5,
			Upsell:    []vip.UpsellInput{{Topic: "training", As: vip.UpsellDeal, Amount: &amount}},
			Referrals: []vip.ReferralInput{{Name: "Acme"}},
			Complaint: &vip.ComplaintInput{Description: "late", Category: "delivery", Severity: "high"},
		}, Outcomes: []vip.Outcome{{Kind: vip.OutcomeDeal, Ref: "deal-1", Topic: "training"}}}},
		ControlPoints:  []casework.ControlPoint{{ID: "interview-1-c-1", Kind: vip.PointInterview, Status: casework.PointOpen}},
		AllowedActions: []string{vip.ActRecordInterview}, Policy: vip.DefaultPolicy(),
	}
}

// fullComplaintView is a complaint with every part of the view filled in.
func fullComplaintView() complaint.View {
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	later := at.Add(48 * time.Hour)
	amount := money.Amount(500000)
	return complaint.View{
		ID: "cmp-0123456789abcdef", Number: "C-2025-000042",
		Form: complaint.Form{ClientID: "cl-1", DealID: "deal-1", Channel: "phone", Category: "quality",
			Severity: complaint.SeverityHigh, Description: "cold food", RemedySought: "a discount"},
		RegisteredBy: "alice", Assignee: "bob", Step: complaint.StepClosed, Status: complaint.StatusClosed,
		RegisteredAt: at, UpdatedAt: later, ClosedAt: &later, Recurrence: true, RecurrenceOf: "cmp-earlier",
		Acknowledgement: &complaint.Acknowledgement{Message: "sorry, we are on it", By: "alice", At: at},
		Investigations:  []complaint.Investigation{{RootCause: "late delivery", ProcessStep: "event", Department: "catering", By: "bob", At: at}},
		Resolutions: []complaint.Resolution{
			{Remedy: "discount", Amount: &amount, By: "bob", At: at,
				Confirmation: &complaint.Confirmation{Satisfied: false, Comment: "too little", At: at}},
			{Remedy: "apology", By: "bob", At: later, Confirmation: nil},
		},
		CorrectiveActions: []complaint.CorrectiveAction{{ID: "ca-1", Description: "new supplier", Owner: "maria",
			Due: later, CompletedAt: &later, Note: "done"}},
		NoProcessChangeReason: "", ClosedBy: "maria", OnTime: true,
		ControlPoints: []casework.ControlPoint{{ID: "acknowledge", Kind: complaint.PointAcknowledge, Owner: "alice",
			Subject: "Acknowledge", Status: casework.PointDone, DueAt: later, OverdueAt: later, RemindAt: []time.Time{at},
			ArmedAt: at, DoneAt: &at}},
		AllowedActions: []string{complaint.ActAssign},
		Policy:         complaint.DefaultPolicy(), PolicyVersion: 2, Seq: 17,
	}
}

// sampleStats is a complaint report with every figure set.
func sampleStats() models.ComplaintStats {
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	n, pct := int64(3600), 50.0
	return models.ComplaintStats{
		From: at, To: at.Add(24 * time.Hour), Total: 2,
		ByCategory: map[string]int{"quality": 2}, BySeverity: map[string]int{"high": 1, "low": 1},
		ByProcessStep: map[string]int{"event": 1}, ByChannel: map[string]int{"survey": 1, "phone": 1},
		TimeToAcknowledge: models.DurationStats{Count: 1, MedianSeconds: &n, P90Seconds: &n},
		Closed:            2, ClosedOnTime: 1, ClosedOnTimePercent: &pct, Recurrences: 1,
		ClosedDeals: 4, ComplaintsPer100ClosedDeals: &pct,
	}
}

// dealActions, complaintActions, programmeActions and surveyActions are
// the answers of GET …/actions of a deal, a complaint, a programme and a
// survey (CaseType.Position and the actions).
type (
	dealActions struct {
		Stage   deal.Stage   `json:"stage"`
		Status  deal.Status  `json:"status"`
		Actions []actionJSON `json:"actions"`
	}
	complaintActions struct {
		Step    complaint.Step   `json:"step"`
		Status  complaint.Status `json:"status"`
		Actions []actionJSON     `json:"actions"`
	}
	programmeActions struct {
		Status  string       `json:"status"`
		Period  int          `json:"period"`
		Actions []actionJSON `json:"actions"`
	}
	surveyActions struct {
		Status  satisfaction.Status `json:"status"`
		Actions []actionJSON        `json:"actions"`
	}
)
