package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/internal/vip"
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

// GET /api/v1/openapi.json needs no token and serves the document, which
// loads and validates.
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

// servedRoutes expands an echo route path: an action route
// (…/actions/:action) is one route per action of its catalogue, and
// itself for any other name.
func servedRoutes(t *testing.T, echoPath string) []string {
	const action = "/actions/:action"
	if !strings.HasSuffix(echoPath, action) {
		return []string{echoPath}
	}
	for _, set := range actionSets {
		if set.Template == echoParam.ReplaceAllString(echoPath, "{$1}") {
			out := []string{echoPath}
			for _, name := range set.Catalog.Names() {
				out = append(out, strings.TrimSuffix(echoPath, action)+"/actions/"+name)
			}
			return out
		}
	}
	t.Errorf("action route %s has no action catalogue in the document", echoPath)
	return nil
}

// Every route echo serves is in the document and every operation of the
// document is served, and the document's router finds each route. The
// action route of a case type is served as one operation per action.
func TestRoutesMatchDocument(t *testing.T) {
	a := newTestAPI(t, nil)
	doc := loadDoc(t)
	served := map[string]bool{}
	for _, r := range a.e.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		for _, p := range servedRoutes(t, r.Path) {
			path := echoParam.ReplaceAllString(p, "{$1}")
			served[r.Method+" "+path] = true
			req := httptest.NewRequest(r.Method, echoParam.ReplaceAllString(p, "x"), nil)
			route, _, err := a.router.FindRoute(req)
			if err != nil {
				t.Errorf("%s %s: the document's router finds no route: %v", r.Method, p, err)
			} else if route.Path != path {
				t.Errorf("%s %s: the document's router finds %s", r.Method, p, route.Path)
			}
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
// nullable (a pointer, slice or map without omitempty, except in the types
// the API builds itself, which never hold nil ones: see builtByAPI), JSON
// types and formats, and closed objects. Request schemas are never
// nullable.
type schemaChecker struct {
	t *testing.T
	// request marks input types, where null never matters.
	request bool
	seen    map[string]bool
}

// apiBuilt are the constructors of the types declared outside this package
// that the API itself builds (to share them with the web app, which reads
// them too), each called with the emptiest input it takes. Like this
// package's own types, what they build never holds a nil pointer, slice or
// map without omitempty (TestAPIBuiltTypesHoldNoNil checks it), so the
// document need not accept null there.
var apiBuilt = []func() any{
	// readPage fills Items, empty when the query finds no rows.
	func() any {
		out, _ := readPage(problems{}, func() ([]int, string, error) { return nil, "", nil }, func(r int) int { return r })
		return out
	},
	// toQualificationItem fills Answers from the stored JSON object.
	func() any { return toQualificationItem(&models.Qualification{Answers: "{}"}, nil) },
	// toClientDetail fills Contacts, empty for a client without any.
	func() any { return toClientDetail(&models.Client{}, nil) },
	// toProgrammeItem splits the stored categories and classes into lists.
	func() any { return toProgrammeItem(&models.Programme{}) },
	// toInterviewItem fills Outcomes, empty when the stored JSON is null.
	func() any { return toInterviewItem(&models.ProgrammeInterview{}) },
	// toAssessmentItem fills Scores and Criteria, empty without an
	// assessment or when the policy has no criteria.
	func() any { return toAssessmentItem("", nil) },
	func() any { return toAssessmentItem("", &keyaccount.Assessment{}) },
}

// builtByAPI reports whether the API builds the values of type t itself: t
// is declared in this package, or one of apiBuilt's constructors builds it
// (one instance of a generic type stands for all).
func builtByAPI(t reflect.Type) bool {
	if t.PkgPath() == apiPkg {
		return true
	}
	return slices.ContainsFunc(apiBuilt, func(build func() any) bool {
		return genericName(reflect.TypeOf(build())) == genericName(t)
	})
}

// genericName is the package path and name of type t without its type
// arguments: the same for every instance of a generic type.
func genericName(t reflect.Type) string {
	name, _, _ := strings.Cut(t.Name(), "[")
	return t.PkgPath() + "." + name
}

// What each of apiBuilt's constructors builds holds no nil pointer, slice
// or map without omitempty, and is not a type of this package.
func TestAPIBuiltTypesHoldNoNil(t *testing.T) {
	for _, build := range apiBuilt {
		v := reflect.ValueOf(build())
		if v.Type().PkgPath() == apiPkg {
			t.Errorf("%s is this package's own type: it needs no entry in apiBuilt", v.Type())
		}
		for _, f := range jsonFields(v.Type()) {
			_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			fv := v.FieldByName(f.Name)
			switch fv.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map:
				if fv.IsNil() && !strings.Contains(opts, "omitempty") {
					t.Errorf("%s.%s is nil", v.Type(), f.Name)
				}
			}
		}
	}
}

var (
	apiPkg     = reflect.TypeFor[server]().PkgPath()
	amountType = reflect.TypeFor[money.Amount]()
	durType    = reflect.TypeFor[casework.Duration]()
)

func (c *schemaChecker) check(path string, ref *openapi3.SchemaRef, t reflect.Type, nilable bool) {
	s := ref.Value
	if want := nilable && !c.request; permitsNull(s) != want {
		c.t.Errorf("%s: null accepted is %v, want %v", path, permitsNull(s), want)
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
		want := []string{"#/components/schemas/Money"}
		if c.request {
			want = []string{"#/components/schemas/MoneyInput", "#/components/schemas/PositiveMoneyInput"}
		}
		if !slices.Contains(want, ref.Ref) {
			c.t.Errorf("%s: money must be one of %s, is %q", path, want, ref.Ref)
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

// permitsNull reports whether s accepts null: it is nullable, one of its
// anyOf or oneOf schemas does, or each of its allOf schemas does.
func permitsNull(s *openapi3.Schema) bool {
	if s.Nullable {
		return true
	}
	for _, r := range slices.Concat(s.AnyOf, s.OneOf) {
		if permitsNull(r.Value) {
			return true
		}
	}
	for _, r := range s.AllOf {
		if !permitsNull(r.Value) {
			return false
		}
	}
	return len(s.AllOf) > 0
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
		nilable := !omit && (!builtByAPI(t) || f.Type == rawType) &&
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
		if !f.IsExported() && !f.Anonymous {
			continue // encoding/json does not see it
		}
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		out = append(out, f)
	}
	return out
}

// responseTypes are the Go types whose JSON the API sends, by the name of
// the component schema describing it.
var responseTypes = map[string]any{
	"DealView": deal.View{}, "Policy": deal.Policy{}, "Client": models.ClientCard{}, "DealList": dealList{},
	"Actions": dealActions{}, "HistoryList": historyList{}, "NotificationList": notificationList{},
	"Error": errorBody{}, "HealthStatus": statusJSON{},
	"ComplaintView": complaint.View{}, "ComplaintPolicy": complaint.Policy{}, "ComplaintList": complaintList{},
	"ComplaintActions": complaintActions{},
	"ComplaintStats":   models.ComplaintStats{},
	"PolicyDocument":   policy.Document{}, "Calendar": calendar.Calendar{}, "Preferences": models.Preferences{},
	"ControlPointList": controlPointList{}, "Notification": casework.NotificationItem{},
	"Staff": models.StaffItem{}, "StaffList": staffList{}, "Token": models.TokenItem{}, "TokenList": tokenList{},
	"IssuedToken": issuedTokenJSON{}, "AuditList": auditList{}, "AuditEntry": models.AuditItem{},
	"FunnelReport": reports.FunnelReport{}, "LossesReport": reports.LossesReport{}, "KPIReport": reports.KPIReport{},
	"StuckReport": reports.StuckReport{}, "RoadmapReport": reports.RoadmapReport{},
	"ClientsReport": classify.ClientsReport{}, "ClientClassHistory": classHistory{},
	"ClientDetail": models.ClientDetail{}, "Contact": models.ContactItem{}, "ClientList": clientList{},
	"ClassificationRun": classificationRun{}, "ProcessOverlay": reports.Overlay{},
	"Qualification": qualification.Item{}, "QualificationList": qualificationList{}, "QualificationBrief": qualification.Brief{},
	"QualificationApproval": qualification.Approval{}, "QualificationPolicy": qualification.Policy{},
	"ProgrammeView": vip.View{}, "ProgrammeList": list[vip.Item]{}, "ProgrammeActions": programmeActions{},
	"InterviewList": list[vip.InterviewItem]{}, "SurveyView": satisfaction.View{},
	"SurveyList": models.Page[satisfaction.Item]{}, "SurveyActions": surveyActions{},
	"SatisfactionReport": reports.SatisfactionReport{}, "Assessment": keyaccount.AssessmentItem{},
	"AssessmentList": list[keyaccount.AssessmentItem]{}, "KeyAccountReport": reports.KeyAccountReport{},
	"GeneratedDocumentList": documentList{}, "DocumentTemplate": documents.Template{},
	"DocumentTemplateList": templateList{}, "CompanyDetails": documents.CompanyVersion{}, "ReadAll": readAllJSON{},
}

// companyBody is the body of PUT /company as putCompany reads it: the
// company's details, and the version fields of GET /company, which it
// drops.
type companyBody struct {
	documents.Company
	Version   int        `json:"version,omitempty"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// requestTypes are the Go types the API decodes request bodies into, by
// the name of the component schema describing them: the routes' own and
// the input of every action of every catalogue.
func requestTypes(t *testing.T) map[string]any {
	requests := map[string]any{"CreateClientRequest": clientInput{}, "CreateDealRequest": createDealInput{},
		"CreateComplaintRequest": createComplaintInput{}, "PolicyDocumentInput": policyInput{},
		"Preferences": models.Preferences{}, "CreateStaffRequest": createStaffInput{},
		"UpdateStaffRequest": updateStaffInput{}, "IssueTokenRequest": issueTokenInput{},
		"CreateContactRequest": contactInput{}, "UpdateContactRequest": contactPatch{},
		"CreateQualificationRequest": qualificationInput{}, "ApproveQualificationRequest": approvalInput{},
		"CreateProgrammeRequest": createProgrammeInput{}, "CreateSurveyRequest": createSurveyInput{},
		"CreateAssessmentRequest": assessmentInput{}, "DocumentTemplateInput": templateInput{},
		"CompanyDetailsInput": companyBody{}}
	for _, set := range actionSets {
		for _, a := range set.Catalog {
			name := set.SchemaName(a)
			if requests[name] != nil {
				t.Fatalf("two request schemas are named %s", name)
			}
			requests[name] = a.Input
		}
	}
	return requests
}

// The response and request schemas describe the JSON of the Go types the
// API sends and decodes (see schemaChecker).
func TestSchemasMatchGoTypes(t *testing.T) {
	doc := loadDoc(t)
	schema := func(name string) *openapi3.SchemaRef {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Fatalf("no schema %s", name)
		}
		return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: s.Value}
	}
	out := &schemaChecker{t: t, seen: map[string]bool{}}
	for name, v := range responseTypes {
		out.check(name, schema(name), reflect.TypeOf(v), false)
	}
	in := &schemaChecker{t: t, request: true, seen: map[string]bool{}}
	for name, v := range requestTypes(t) {
		in.check(name, schema(name), reflect.TypeOf(v), false)
	}
}

// uncheckedJSON are the operations whose JSON answer no Go type of the API
// describes, and why.
var uncheckedJSON = map[string]string{
	"GET /api/v1/openapi.json": "this document, which the OpenAPI specification describes",
}

// Every operation's JSON request body and JSON success answer is a
// component schema that TestSchemasMatchGoTypes checks against its Go
// type, but for the answers of uncheckedJSON.
func TestRouteSchemasAreChecked(t *testing.T) {
	doc := loadDoc(t)
	requests := requestTypes(t)
	seen := map[string]bool{}
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		for method, op := range doc.Paths.Value(path).Operations() {
			where := method + " " + path
			if body := op.RequestBody; body != nil {
				checkedSchema(t, where+" request", body.Value.Content.Get("application/json"), requests, "requestTypes")
			}
			if uncheckedJSON[where] != "" {
				seen[where] = true
				continue
			}
			for code, r := range op.Responses.Map() {
				if strings.HasPrefix(code, "2") {
					checkedSchema(t, where+" "+code, r.Value.Content.Get("application/json"), responseTypes, "responseTypes")
				}
			}
		}
	}
	for where := range uncheckedJSON {
		if !seen[where] {
			t.Errorf("uncheckedJSON names %s, which is not an operation", where)
		}
	}
}

// checkedSchema checks that the schema of media type mt (nil: not JSON,
// nothing to check) of an operation's request or answer is a component
// schema of types, the map named mapName.
func checkedSchema(t *testing.T, where string, mt *openapi3.MediaType, types map[string]any, mapName string) {
	t.Helper()
	switch {
	case mt == nil:
	case mt.Schema == nil || mt.Schema.Ref == "":
		t.Errorf("%s: the JSON schema is inline: make it a component schema and add it to %s", where, mapName)
	case types[strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")] == nil:
		t.Errorf("%s: schema %s is checked against no Go type: add it to %s", where,
			strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/"), mapName)
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

// The enumerations the packages deal and complaint list are documented
// exactly.
func TestEnumsMatchDeal(t *testing.T) {
	doc := loadDoc(t)
	for name, want := range map[string][]string{
		"Stage": strs(deal.Stages), "PointKind": strs(deal.PointKinds),
		"Severity": strs(complaint.Severities), "ComplaintStep": strs(complaint.Steps),
		"ComplaintStatus": strs(complaintStatuses), "Remedy": complaint.Remedies, "ProcessStep": complaint.ProcessSteps,
		"ComplaintPointKind": strs(complaint.PointKinds),
	} {
		if got := enumOf(t, doc, name); !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}

// Views at both extremes (everything set; nothing set, with nil slices and
// pointers) validate against the DealView schema, as do the API's bodies
// and action inputs as a client would send them.
func TestSampleBodiesValidate(t *testing.T) {
	doc := loadDoc(t)
	refund, satisfied := money.Amount(1), false
	samples := []struct {
		schema string
		value  any
	}{
		{"DealView", fullView()},
		{"DealView", deal.View{Stage: deal.StagePresentation, Status: deal.StatusOpen}},
		{"Policy", deal.DefaultPolicy()},
		{"Policy", deal.Policy{}},
		{"Error", errorBody{Error: invalidFields(map[string]string{"amount": "must be greater than 0"})}},
		{"Error", errorBody{Error: &apiError{Code: casework.CodeActionNotAllowed, Message: "no", Details: &details{
			Stage: string(deal.StageOffer), AllowedActions: []string{deal.ActLose}}}}},
		{"HistoryList", historyList{Items: []casework.HistoryItem{{Seq: 1, Data: json.RawMessage(`{"a":[1]}`)}, {Seq: 2}}}},
		{"ComplaintView", fullComplaintView()},
		{"ComplaintView", complaint.View{Form: complaint.Form{Severity: complaint.SeverityLow, Channel: "phone"},
			Step: complaint.StepAcknowledgement, Status: complaint.StatusOpen}},
		{"ComplaintPolicy", complaint.DefaultPolicy()},
		{"ComplaintPolicy", complaint.Policy{}},
		{"Error", errorBody{Error: &apiError{Code: casework.CodeActionNotAllowed, Message: "no", Details: &details{
			AllowedActions: []string{complaint.ActAssign, complaint.ActClose}}}}},
		{"ComplaintStats", models.ComplaintStats{}},
		{"ComplaintStats", sampleStats()},
		{"PolicyDocument", policy.Default()},
		{"PolicyDocument", savedDocument()},
		{"PolicyDocument", policy.Document{}},
		{"PolicyDocumentInput", savedDocument()},
		{"Calendar", calendar.Calendar{}},
		{"Preferences", models.Preferences{Language: models.LangEnglish, Email: true}},
		{"ControlPointList", controlPointList{Page: models.Page[casework.ControlPointItem]{Items: []casework.ControlPointItem{}}}},
		{"ControlPointList", controlPointList{ClientsWithoutNextContact: new(int64), Page: models.Page[casework.ControlPointItem]{NextCursor: "abc", Items: []casework.ControlPointItem{
			{SubjectType: models.SubjectDeal, SubjectID: "deal-1", ID: "offer-v1", Kind: deal.PointOfferValidity,
				Stage: string(deal.StageOffer), Owner: "alice", Subject: "Offer v1 valid", Status: casework.PointOverdue},
			{SubjectType: models.SubjectComplaint, SubjectID: "cmp-1", ID: "acknowledge", Kind: complaint.PointAcknowledge,
				Owner: "bob", Subject: "Acknowledge", Status: casework.PointOpen},
		}}}},
		{"IssueOfferInput", deal.IssueOfferInput{Amount: 15000}},
		{"PrepareContractInput", deal.PrepareContractInput{Approvers: []deal.ApproverInput{{Role: "cfo", Name: "Anna"}},
			PaymentPlan: []deal.Installment{{Percent: 100, Due: deal.DueBeforeEvent}}}},
		{"SubmitSurveyInput", deal.SubmitSurveyInput{Scores: map[string]int{"quality": 5}}},
		{"ComplaintResolveForClientInput", complaint.ResolveForClientInput{Remedy: "refund", Amount: &refund}},
		{"ComplaintConfirmByClientInput", complaint.ConfirmByClientInput{Satisfied: &satisfied}},
		{"ProgrammeView", fullProgrammeView()},
		{"ProgrammeView", vip.View{Status: vip.StatusActive}},
		{"SurveyView", satisfaction.View{Status: satisfaction.StatusOpen}},
		{"KeyAccountReport", reports.KeyAccountReport{}},
		{"KeyAccountReport", reports.KeyAccountReport{Counts: map[keyaccount.Quadrant]int{keyaccount.QuadrantKey: 1,
			keyaccount.QuadrantTarget: 0, keyaccount.QuadrantLower: 2}}},
		{"Assessment", toAssessmentItem("c-1", &keyaccount.Assessment{Result: keyaccount.Result{Quadrant: keyaccount.QuadrantKey}})},
		{"CompanyDetails", documents.CompanyVersion{Company: documents.DefaultCompany(), Version: 1}},
		{"CompanyDetailsInput", documents.CompanyVersion{Company: documents.DefaultCompany(), Version: 1}},
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
}

// The document is strict enough to refuse what the API never sends.
func TestDocumentRefusesBadBodies(t *testing.T) {
	doc := loadDoc(t)
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
		"PositiveMoneyInput":             `"0.00"`,
		"MoneyInput":                     `-1`,
		"IssueOfferInput":                `{"amount": 0}`,
		"ReassignInput":                  `{"owner": "` + strings.Repeat("x", 65) + `"}`,
		"ComplaintResolveForClientInput": `{"remedy": "cash"}`,
		"SchedulePresentationInput":      `{"at": "2025-01-01T00:00:00Z", "where": "office"}`,
		"ReviseContractInput":            `{"version": 2}`,
		"ComplaintConfirmByClientInput":  `{"comment": "fine"}`,
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

// The document has, for each action of each catalogue, exactly one
// operation and one request schema, which say what the catalogue and the
// input type say; and no action operation the catalogues lack.
func TestActionsMatchCatalogs(t *testing.T) {
	doc := loadDoc(t)
	template, err := openapi3.NewLoader().LoadFromData(openapiYAML)
	if err != nil {
		t.Fatal(err)
	}
	schemas := map[string]string{} // request schema → its action
	for _, set := range actionSets {
		checkActions(t, doc, template, set, schemas)
	}
	for path, item := range doc.Paths.Map() {
		if !strings.Contains(path, "/actions/") {
			continue
		}
		if !slices.ContainsFunc(actionSets, func(set actionSet) bool {
			return strings.HasPrefix(path, strings.TrimSuffix(set.Template, "{action}"))
		}) {
			for method := range item.Operations() {
				t.Errorf("%s %s is an action operation of no catalogue", method, path)
			}
		}
	}
}

// checkActions checks the document against one catalogue: its name
// enumeration lists the actions in catalogue order; each action has one
// operation, POST at its path, with its summary, its precondition and
// roles in the description, the template's parameters (but action) and
// responses, and a request schema of its own (see checkInput); no other
// operation is under the catalogue's action path but, at the template's
// path, the one for other names (see checkOther). schemas collects the
// request schemas of all catalogues.
func checkActions(t *testing.T, doc, raw *openapi3.T, set actionSet, schemas map[string]string) {
	t.Helper()
	if got := enumOf(t, doc, set.Names); !slices.Equal(got, set.Catalog.Names()) {
		t.Errorf("%s enum = %v, want %v", set.Names, got, set.Catalog.Names())
	}
	template := raw.Paths.Value(set.Template).Post
	checkOther(t, doc, set, template)
	prefix := strings.TrimSuffix(set.Template, "{action}")
	seen := map[string]int{}
	for path, item := range doc.Paths.Map() {
		name, ok := strings.CutPrefix(path, prefix)
		if !ok || path == set.Template {
			continue
		}
		for method, op := range item.Operations() {
			a, known := set.Catalog.Lookup(name)
			if !known || method != http.MethodPost {
				t.Errorf("%s %s: no such action in the catalogue", method, path)
				continue
			}
			seen[name]++
			checkOperation(t, path, op, template, a)
			checkRequest(t, doc, path, op, set, a, schemas)
		}
	}
	for _, a := range set.Catalog {
		if seen[a.Name] != 1 {
			t.Errorf("action %s has %d operations, want 1", a.Name, seen[a.Name])
		}
	}
}

// checkOther checks the operation at the template's path, for names the
// catalogue lacks (a concrete path of an action comes first): only POST,
// with the action parameter, without a body and with some of the
// template's responses, never a success.
func checkOther(t *testing.T, doc *openapi3.T, set actionSet, template *openapi3.Operation) {
	t.Helper()
	item := doc.Paths.Value(set.Template)
	if item == nil || item.Post == nil || len(item.Operations()) != 1 {
		t.Errorf("%s: no POST only for other action names", set.Template)
		return
	}
	op := item.Post
	if op.RequestBody != nil || op.Responses.Value("200") != nil {
		t.Errorf("%s: an operation for other action names takes no body and never succeeds", set.Template)
	}
	for code, r := range op.Responses.Map() {
		if template.Responses.Value(code) == nil || template.Responses.Value(code).Ref != r.Ref {
			t.Errorf("%s: response %s is not the template's", set.Template, code)
		}
	}
	if op.Parameters.GetByInAndName(openapi3.ParameterInPath, "action") == nil {
		t.Errorf("%s: no action parameter", set.Template)
	}
}

// checkOperation checks the operation of action a at path against the
// catalogue and the template operation.
func checkOperation(t *testing.T, path string, op, template *openapi3.Operation, a casework.Action) {
	t.Helper()
	if a.Summary != "" && op.Summary != a.Summary {
		t.Errorf("%s: summary %q, want %q", path, op.Summary, a.Summary)
	}
	for _, want := range append([]string{a.When, template.Description}, a.Roles...) {
		if !strings.Contains(op.Description, strings.TrimSpace(want)) {
			t.Errorf("%s: the description does not say %q", path, want)
		}
	}
	var params []string
	for _, p := range template.Parameters {
		if p.Ref != "" {
			params = append(params, p.Ref)
		}
	}
	var got []string
	for _, p := range op.Parameters {
		got = append(got, p.Ref)
	}
	if !slices.Equal(got, params) {
		t.Errorf("%s: parameters %v, want %v", path, got, params)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(op.Responses.Map())), slices.Sorted(maps.Keys(template.Responses.Map()))) {
		t.Errorf("%s: responses %v, want the template's", path, slices.Sorted(maps.Keys(op.Responses.Map())))
	}
	for code, r := range template.Responses.Map() {
		if got := op.Responses.Value(code); got == nil || got.Ref != r.Ref {
			t.Errorf("%s: response %s is not the template's", path, code)
		}
	}
}

// checkRequest checks that the request body of the operation of action a
// at path is a schema of its own, named for the input type, and that the
// schema has the input type's fields (checkInput).
func checkRequest(t *testing.T, doc *openapi3.T, path string, op *openapi3.Operation, set actionSet, a casework.Action, schemas map[string]string) {
	t.Helper()
	if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
		t.Errorf("%s: no JSON request body", path)
		return
	}
	ref := op.RequestBody.Value.Content.Get("application/json").Schema
	name := set.SchemaName(a)
	if ref == nil || ref.Ref != "#/components/schemas/"+name || doc.Components.Schemas[name] == nil {
		t.Errorf("%s: the request schema is not the component %s", path, name)
		return
	}
	if other, dup := schemas[name]; dup {
		t.Errorf("%s: the request schema %s is also the one of %s", path, name, other)
	}
	schemas[name] = path
	checkInput(t, name, doc.Components.Schemas[name].Value, reflect.TypeOf(a.Input))
}

// checkInput checks a request schema against input type in as
// casework.Describe lists its fields: the same properties, required ones
// and enumerations, matching types, strings bounded by maxlen (2000
// without the tag) and no other property.
func checkInput(t *testing.T, name string, s *openapi3.Schema, in reflect.Type) {
	t.Helper()
	if !s.Type.Is("object") || s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
		t.Errorf("%s: not an object closed to other properties", name)
	}
	var required []string
	props := map[string]bool{}
	for _, f := range casework.Describe(in) {
		props[f.Name] = true
		if f.Required {
			required = append(required, f.Name)
		}
		p := s.Properties[f.Name]
		if p == nil {
			t.Errorf("%s: no property %s", name, f.Name)
			continue
		}
		sf := fieldNamed(in, f.Name)
		maxLen, err := strconv.Atoi(sf.Tag.Get("maxlen"))
		if err != nil {
			maxLen = 2000
		}
		checkFieldType(t, name+"."+f.Name, p, f.Type, fieldBounds{maxLen: maxLen,
			positive: sf.Tag.Get("validate") == "positive", enum: f.Enum})
	}
	for p := range s.Properties {
		if !props[p] {
			t.Errorf("%s: property %s is not a field of %s", name, p, in)
		}
	}
	if got := slices.Sorted(slices.Values(s.Required)); !slices.Equal(got, slices.Sorted(slices.Values(required))) {
		t.Errorf("%s: required %v, want %v", name, got, required)
	}
}

// fieldNamed is the field of struct type t with JSON name name.
func fieldNamed(t reflect.Type, name string) reflect.StructField {
	for i := range t.NumField() {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == name {
			return t.Field(i)
		}
	}
	return reflect.StructField{}
}

// fieldBounds are what a field's tags ask of its values.
type fieldBounds struct {
	maxLen   int
	positive bool
	enum     []string
}

// checkFieldType checks schema ref against a field type as
// casework.TypeName names it, and the field's bounds.
func checkFieldType(t *testing.T, path string, ref *openapi3.SchemaRef, typ string, b fieldBounds) {
	t.Helper()
	s := ref.Value
	typeIs := func(want string) bool {
		if !s.Type.Is(want) {
			t.Errorf("%s: type %v, want %s (%s)", path, s.Type, want, typ)
			return false
		}
		return true
	}
	inner := func(prefix string) string { return strings.TrimSuffix(strings.TrimPrefix(typ, prefix), ">") }
	switch {
	case typ == "datetime":
		if typeIs("string") && s.Format != "date-time" {
			t.Errorf("%s: format %q, want date-time", path, s.Format)
		}
	case typ == "decimal":
		want := map[bool]string{false: "MoneyInput", true: "PositiveMoneyInput"}[b.positive]
		if ref.Ref != "#/components/schemas/"+want {
			t.Errorf("%s: a decimal must be %s, is %q", path, want, ref.Ref)
		}
	case strings.HasPrefix(typ, "array<"):
		if typeIs("array") {
			checkFieldType(t, path+"[]", s.Items, inner("array<"), b)
		}
	case strings.HasPrefix(typ, "object<"):
		if typeIs("object") && s.AdditionalProperties.Schema != nil {
			checkFieldType(t, path+"{}", s.AdditionalProperties.Schema, inner("object<"), b)
		} else {
			t.Errorf("%s: a map needs additionalProperties", path)
		}
	case typ == "string":
		var enum []string
		for _, v := range s.Enum {
			enum = append(enum, v.(string))
		}
		if typeIs("string") && (s.MaxLength == nil || *s.MaxLength != uint64(b.maxLen)) {
			t.Errorf("%s: maxLength is not %d", path, b.maxLen)
		}
		if !slices.Equal(enum, b.enum) {
			t.Errorf("%s: enum %v, want %v", path, enum, b.enum)
		}
	case typ == "bool":
		typeIs("boolean")
	case typ == "integer", typ == "object":
		typeIs(typ)
	default:
		t.Errorf("%s: no rule for a field of type %s", path, typ)
	}
}
