package api

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/salesflow/salesflow/internal/processmap"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
)

// The response check reads an XML body as the string its schema says,
// after checking it is well-formed XML.
func init() {
	openapi3filter.RegisterBodyDecoder("application/xml", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		raw, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		var doc struct{ XMLName xml.Name }
		if err := xml.Unmarshal(raw, &doc); err != nil {
			return nil, err
		}
		return string(raw), nil
	})
}

// TestProcessMapServedWithoutAuth: both BPMN documents are served to
// anyone as XML, the generated map itself.
func TestProcessMapServedWithoutAuth(t *testing.T) {
	a := newTestAPI(t, nil)
	for name, gen := range map[string]func() (*processmap.Map, error){"deal": processmap.Deal, "complaint": processmap.Complaint} {
		rec := a.do(http.MethodGet, "/api/v1/process/"+name+".bpmn", "", nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xml") {
			t.Fatalf("%s.bpmn: %d %s", name, rec.Code, rec.Header().Get("Content-Type"))
		}
		var doc struct {
			XMLName xml.Name
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.XMLName.Local != "definitions" {
			t.Fatalf("%s.bpmn does not parse as BPMN definitions (%v): %.200s", name, err, rec.Body)
		}
		m, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		if rec.Body.String() != string(m.XML()) {
			t.Errorf("%s.bpmn is not the generated map", name)
		}
	}
}

// TestProcessOverlayIsScoped: the overlays need a sign-in and count only
// the caller's scope, as the deal and complaint lists do.
func TestProcessOverlayIsScoped(t *testing.T) {
	a := newTestAPI(t, nil)
	expectError(t, a.do(http.MethodGet, "/api/v1/process/deal/overlay", "", nil), http.StatusUnauthorized, "unauthorized")
	for id, owner := range map[string]string{"deal-a1": "alice", "deal-b1": "bob", "deal-b2": "bob"} {
		a.seedDeal(id, owner, "cl-"+owner)
	}
	if err := a.db.Model(&models.Deal{}).Where("1 = 1").Update("close_at", time.Now().Add(-time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	a.seedComplaint("cmp-a1", "alice")
	if err := a.db.Create(&models.ControlPoint{SubjectType: models.SubjectDeal, SubjectID: "deal-b1", ID: "survey",
		Kind: "survey", Stage: "close", Owner: "bob", Status: "overdue"}).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		token            string
		open, overdue, n int
	}{
		{"dev-alice", 1, 0, 1},
		{"dev-bob", 2, 1, 0},
		{"dev-maria", 3, 1, 1},
		{"dev-admin", 3, 1, 1},
	} {
		var d, cm reports.Overlay
		expect(t, a.do(http.MethodGet, "/api/v1/process/deal/overlay", c.token, nil), http.StatusOK, &d)
		expect(t, a.do(http.MethodGet, "/api/v1/process/complaint/overlay", c.token, nil), http.StatusOK, &cm)
		close := d.Elements["Stage_close"]
		if close == nil || close.Open != c.open || close.Overdue != c.overdue || d.Elements["Point_survey"] == nil && c.overdue > 0 {
			t.Errorf("%s: Stage_close = %+v, want %d open, %d overdue", c.token, close, c.open, c.overdue)
		}
		if close != nil && close.MedianSeconds == nil || d.Heat.Min == nil {
			t.Errorf("%s: no median for the open deals in close: %+v, heat %+v", c.token, close, d.Heat)
		}
		if got := cm.Elements["Step_investigation"]; got == nil || got.Open != c.n {
			t.Errorf("%s: Step_investigation = %+v, want %d open", c.token, got, c.n)
		}
	}
}
