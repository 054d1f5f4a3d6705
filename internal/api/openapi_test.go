package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestOpenAPIServedWithoutAuth(t *testing.T) {
	a := newTestAPI(t, nil)
	rec := a.do(http.MethodGet, "/api/v1/openapi.json", "", nil)
	expect(t, rec, http.StatusOK, nil)
	served, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("served document does not load: %v", err)
	}
	if err := served.Validate(t.Context()); err != nil {
		t.Fatalf("served document is not valid: %v", err)
	}
	if len(served.Paths.Map()) != len(loadDoc(t).Paths.Map()) {
		t.Errorf("served document has %d paths, the embedded one %d", len(served.Paths.Map()), len(loadDoc(t).Paths.Map()))
	}
}

var echoParam = regexp.MustCompile(`:([a-z_]+)`)

// Every route echo serves is in the document and every operation of the
// document is served, and the document's router finds each route.
func TestRoutesMatchDocument(t *testing.T) {
	a := newTestAPI(t, nil)
	doc := loadDoc(t)
	served := map[string]bool{}
	for _, r := range a.e.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		path := echoParam.ReplaceAllString(r.Path, "{$1}")
		served[r.Method+" "+path] = true
		req := httptest.NewRequest(r.Method, echoParam.ReplaceAllString(r.Path, "x"), nil)
		route, _, err := a.router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: the document's router finds no route: %v", r.Method, r.Path, err)
		} else if route.Path != path {
			t.Errorf("%s %s: the document's router finds %s", r.Method, r.Path, route.Path)
		}
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("route %s is not in the OpenAPI document", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("operation %s of the OpenAPI document is not served", k)
		}
	}
	if len(served) == 0 {
		t.Fatal("no routes")
	}
}

// schemaChecker compares a component schema with the Go type whose JSON it
// describes: property names, required (json tag without omitempty),
// nullable (a pointer, slice or map without omitempty, except in this
// package's own types, which never hold nil ones), JSON types and formats,
// and closed objects. Request schemas are never nullable.
type schemaChecker struct {
	t *testing.T
	// request marks input types, where null never matters.
	request bool
	seen    map[string]bool
}

var (
	apiPkg     = reflect.TypeFor[server]().PkgPath()
	amountType = reflect.TypeFor[money.Amount]()
	durType    = reflect.TypeFor[deal.Duration]()
)

func (c *schemaChecker) check(path string, ref *openapi3.SchemaRef, t reflect.Type, nilable bool) {
	s := ref.Value
	if want := nilable && !c.request; s.Nullable != want {
		c.t.Errorf("%s: nullable is %v, want %v", path, s.Nullable, want)
	}
	if len(s.AllOf) == 1 {
		ref, s = s.AllOf[0], s.AllOf[0].Value
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == rawType:
		return
	case t == timeType:
		if !s.Type.Is("string") || s.Format != "date-time" {
			c.t.Errorf("%s: a time must be a date-time string", path)
		}
	case t == amountType:
		want := "#/components/schemas/Money"
		if c.request {
			want = "#/components/schemas/MoneyInput"
		}
		if ref.Ref != want {
			c.t.Errorf("%s: money must be %s, is %q", path, want, ref.Ref)
		}
	case t == durType, t.Kind() == reflect.String:
		c.typeIs(path, s, "string")
	case t.Kind() == reflect.Bool:
		c.typeIs(path, s, "boolean")
	case t.Kind() == reflect.Int, t.Kind() == reflect.Int64:
		c.typeIs(path, s, "integer")
	case t.Kind() == reflect.Float64:
		c.typeIs(path, s, "number")
	case t.Kind() == reflect.Slice:
		c.typeIs(path, s, "array")
		c.check(path+"[]", s.Items, t.Elem(), false)
	case t.Kind() == reflect.Map:
		c.typeIs(path, s, "object")
		if s.AdditionalProperties.Schema == nil {
			c.t.Errorf("%s: a map needs additionalProperties", path)
			return
		}
		c.check(path+"{}", s.AdditionalProperties.Schema, t.Elem(), false)
	case t.Kind() == reflect.Struct:
		c.object(path, ref, t)
	default:
		c.t.Errorf("%s: no rule for Go type %s", path, t)
	}
}

func (c *schemaChecker) typeIs(path string, s *openapi3.Schema, typ string) {
	if !s.Type.Is(typ) {
		c.t.Errorf("%s: type %v, want %s", path, s.Type, typ)
	}
}

func (c *schemaChecker) object(path string, ref *openapi3.SchemaRef, t reflect.Type) {
	if ref.Ref != "" {
		if c.seen[ref.Ref] {
			return
		}
		c.seen[ref.Ref] = true
	}
	s := ref.Value
	c.typeIs(path, s, "object")
	if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
		c.t.Errorf("%s: additionalProperties must be false", path)
	}
	var required []string
	props := map[string]bool{}
	for _, f := range jsonFields(t) {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		omit := strings.Contains(opts, "omitempty")
		props[name] = true
		if !omit {
			required = append(required, name)
		}
		p, ok := s.Properties[name]
		if !ok {
			c.t.Errorf("%s: property %s (%s.%s) is not documented", path, name, t.Name(), f.Name)
			continue
		}
		k := f.Type.Kind()
		// A nil json.RawMessage is null on purpose, even in this package.
		nilable := !omit && (t.PkgPath() != apiPkg || f.Type == rawType) &&
			(k == reflect.Pointer || k == reflect.Slice || k == reflect.Map)
		c.check(path+"."+name, p, f.Type, nilable)
	}
	for name := range s.Properties {
		if !props[name] {
			c.t.Errorf("%s: documented property %s is not in %s", path, name, t)
		}
	}
	got := slices.Clone(s.Required)
	sort.Strings(got)
	sort.Strings(required)
	if !slices.Equal(got, required) {
		c.t.Errorf("%s: required %v, want %v", path, got, required)
	}
}

// jsonFields lists the fields of struct t as encoding/json sees them, with
// the fields of untagged embedded structs (complaint.View's Form) inlined.
func jsonFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		out = append(out, f)
	}
	return out
}

func TestSchemasMatchGoTypes(t *testing.T) {
	doc := loadDoc(t)
	schema := func(name string) *openapi3.SchemaRef {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Fatalf("no schema %s", name)
		}
		return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: s.Value}
	}
	responses := map[string]any{
		"DealView": deal.View{}, "Policy": deal.Policy{}, "Client": clientJSON{}, "DealList": dealList{},
		"Actions": actionsJSON{}, "HistoryList": historyList{}, "NotificationList": notificationList{},
		"Error": errorBody{}, "HealthStatus": statusJSON{},
		"ComplaintView": complaint.View{}, "ComplaintPolicy": complaint.Policy{}, "ComplaintList": complaintList{},
		"ComplaintActions": complaintActionsJSON{}, "ComplaintHistoryList": complaintHistoryList{},
		"ComplaintStats": models.ComplaintStats{},
		"PolicyDocument": policy.Document{}, "Calendar": calendar.Calendar{}, "Preferences": models.Preferences{},
		"ControlPointList": controlPointList{}, "Notification": notificationJSON{},
		"Staff": staffJSON{}, "StaffList": staffList{}, "Token": tokenJSON{}, "TokenList": tokenList{},
		"IssuedToken": issuedTokenJSON{}, "AuditList": auditList{}, "AuditEntry": auditJSON{},
		"FunnelReport": reports.FunnelReport{}, "LossesReport": reports.LossesReport{}, "KPIReport": reports.KPIReport{},
		"StuckReport": reports.StuckReport{}, "RoadmapReport": reports.RoadmapReport{},
		"ClientsReport": classify.ClientsReport{}, "ClientClassHistory": classHistory{},
	}
	out := &schemaChecker{t: t, seen: map[string]bool{}}
	for name, v := range responses {
		out.check(name, schema(name), reflect.TypeOf(v), false)
	}
	requests := map[string]any{"CreateClientRequest": clientInput{}, "CreateDealRequest": createDealInput{},
		"CreateComplaintRequest": createComplaintInput{}, "PolicyDocumentInput": policyInput{},
		"Preferences": models.Preferences{}, "CreateStaffRequest": createStaffInput{},
		"UpdateStaffRequest": updateStaffInput{}, "IssueTokenRequest": issueTokenInput{}}
	for _, in := range slices.Concat(deal.Inputs, complaint.Inputs) {
		name := reflect.TypeOf(in.Input).Name()
		if requests[name] != nil {
			t.Fatalf("two action input types are named %s", name)
		}
		requests[name] = in.Input
	}
	in := &schemaChecker{t: t, request: true, seen: map[string]bool{}}
	for name, v := range requests {
		in.check(name, schema(name), reflect.TypeOf(v), false)
	}
}

func enumOf(t *testing.T, doc *openapi3.T, name string) []string {
	t.Helper()
	var out []string
	for _, v := range doc.Components.Schemas[name].Value.Enum {
		out = append(out, v.(string))
	}
	return out
}

// strs converts a list of string-like values.
func strs[T ~string](vs []T) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, string(v))
	}
	return out
}

// checkCatalog checks that the action name enum and the action input anyOf
// of the document list the catalog, in order, and that each input schema's
// description starts with its action's name.
func checkCatalog(t *testing.T, doc *openapi3.T, catalog deal.Catalog, names, inputs string) {
	t.Helper()
	var actions, refs []string
	for _, in := range catalog {
		actions = append(actions, in.Name)
		refs = append(refs, "#/components/schemas/"+reflect.TypeOf(in.Input).Name())
	}
	if got := enumOf(t, doc, names); !slices.Equal(got, actions) {
		t.Errorf("%s enum = %v, want %v", names, got, actions)
	}
	var got []string
	for _, r := range doc.Components.Schemas[inputs].Value.AnyOf {
		got = append(got, r.Ref)
	}
	if !slices.Equal(got, refs) {
		t.Errorf("%s.anyOf = %v, want %v", inputs, got, refs)
	}
	for _, in := range catalog {
		if d := doc.Components.Schemas[reflect.TypeOf(in.Input).Name()].Value.Description; !strings.HasPrefix(d, in.Name) {
			t.Errorf("schema %T: description %q does not start with the action name %s", in.Input, d, in.Name)
		}
	}
}

// The enumerations the packages deal and complaint list, and the action
// inputs of both catalogs, are documented exactly.
func TestEnumsAndActionsMatchDeal(t *testing.T) {
	doc := loadDoc(t)
	for name, want := range map[string][]string{
		"Stage": strs(deal.Stages), "PointKind": strs(deal.PointKinds),
		"Channel": complaint.Channels, "Severity": strs(complaint.Severities), "ComplaintStep": strs(complaint.Steps),
		"ComplaintStatus": strs(complaintStatuses), "Remedy": complaint.Remedies, "ProcessStep": complaint.ProcessSteps,
		"ComplaintPointKind": strs(complaint.PointKinds),
	} {
		if got := enumOf(t, doc, name); !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
	checkCatalog(t, doc, deal.Inputs, "ActionName", "ActionInput")
	checkCatalog(t, doc, complaint.Inputs, "ComplaintActionName", "ComplaintActionInput")
}

// Views at both extremes (everything set; nothing set, with nil slices and
// pointers) validate against the DealView schema, as do the API's bodies.
func TestSampleBodiesValidate(t *testing.T) {
	doc := loadDoc(t)
	samples := []struct {
		schema string
		value  any
	}{
		{"DealView", fullView()},
		{"DealView", deal.View{Stage: deal.StagePresentation, Status: deal.StatusOpen}},
		{"Policy", deal.DefaultPolicy()},
		{"Policy", deal.Policy{}},
		{"Error", errorBody{Error: invalidFields(map[string]string{"amount": "must be greater than 0"})}},
		{"Error", errorBody{Error: &apiError{Code: deal.CodeActionNotAllowed, Message: "no", Details: &details{
			Stage: deal.StageOffer, AllowedActions: []string{deal.ActLose}}}}},
		{"HistoryList", historyList{Items: []historyItem{{Seq: 1, Data: json.RawMessage(`{"a":[1]}`)}, {Seq: 2}}}},
		{"ComplaintView", fullComplaintView()},
		{"ComplaintView", complaint.View{Form: complaint.Form{Severity: complaint.SeverityLow, Channel: "phone"},
			Step: complaint.StepAcknowledgement, Status: complaint.StatusOpen}},
		{"ComplaintPolicy", complaint.DefaultPolicy()},
		{"ComplaintPolicy", complaint.Policy{}},
		{"Error", errorBody{Error: &apiError{Code: deal.CodeActionNotAllowed, Message: "no", Details: &details{
			AllowedActions: []string{complaint.ActAssign, complaint.ActClose}}}}},
		{"ComplaintStats", models.ComplaintStats{}},
		{"ComplaintStats", sampleStats()},
		{"PolicyDocument", policy.Default()},
		{"PolicyDocument", savedDocument()},
		{"PolicyDocument", policy.Document{}},
		{"PolicyDocumentInput", savedDocument()},
		{"Calendar", calendar.Calendar{}},
		{"Preferences", models.Preferences{Language: models.LangEnglish, Email: true}},
		{"ControlPointList", controlPointList{Items: []controlPointItem{}}},
		{"ControlPointList", controlPointList{NextCursor: "abc", Items: []controlPointItem{
			{SubjectType: models.SubjectDeal, SubjectID: "deal-1", ID: "offer-v1", Kind: deal.PointOfferValidity,
				Stage: deal.StageOffer, Owner: "alice", Subject: "Offer v1 valid", Status: deal.PointOverdue},
			{SubjectType: models.SubjectComplaint, SubjectID: "cmp-1", ID: "acknowledge", Kind: complaint.PointAcknowledge,
				Owner: "bob", Subject: "Acknowledge", Status: deal.PointOpen},
		}}},
	}
	for _, s := range samples {
		raw, err := json.Marshal(s.value)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		if err := doc.Components.Schemas[s.schema].Value.VisitJSON(v); err != nil {
			t.Errorf("%s %s: %v", s.schema, raw, err)
		}
	}
	// And the document is strict enough to refuse what the API never sends.
	bad := map[string]string{
		"Money":          `"1500"`,
		"DealView":       `{}`,
		"Error":          `{"error": {"code": "x", "message": "y", "extra": 1}}`,
		"Stage":          `"closing"`,
		"Actions":        `{"stage": "offer", "status": "open", "actions": null}`,
		"Time":           `"yesterday"`,
		"ErrorObject":    `{"code": "x"}`,
		"ComplaintView":  `{}`,
		"ComplaintStep":  `"registration"`,
		"Severity":       `"urgent"`,
		"PolicyDocument": `{"version": 1, "deal": {}, "complaint": {}}`,
		"Calendar":       `{"time_zone": "UTC", "business_start": "9am", "weekend": [], "holidays": [], "working_days": []}`,
		"Preferences":    `{"language": "de", "email": true, "webhook": true, "digest": false}`,
		"ControlPointItem": `{"subject_type": "client", "subject_id": "x", "id": "p", "kind": "survey", "stage": "",
			"owner": "a", "subject": "s", "status": "open", "due_at": "2025-01-01T00:00:00Z", "overdue_at": "2025-01-01T00:00:00Z"}`,
		"ComplaintControlPoint": `{"id": "acknowledge", "kind": "complaint_acknowledge", "stage": "offer", "owner": "a",
			"subject": "s", "status": "open", "due_at": "2025-01-01T00:00:00Z", "overdue_at": "2025-01-01T00:00:00Z",
			"remind_at": [], "reminded": 0, "escalated": false, "armed_at": "2025-01-01T00:00:00Z"}`,
	}
	for name, raw := range bad {
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatal(err)
		}
		if doc.Components.Schemas[name].Value.VisitJSON(v) == nil {
			t.Errorf("%s accepts %s", name, raw)
		}
	}
}

// savedDocument is a policy document as a saved version shows it.
func savedDocument() policy.Document {
	doc := policy.Default()
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	doc.Version, doc.UpdatedBy, doc.UpdatedAt = 4, "admin", &at
	doc.Calendar.Name, doc.Calendar.TimeZone = "Moscow 2027", "Europe/Moscow"
	doc.Calendar.Holidays, doc.Calendar.WorkingDays = []string{"2027-01-01"}, []string{"2027-02-20"}
	return doc
}
