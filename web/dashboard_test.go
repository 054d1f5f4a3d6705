package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// sectionsAPI answers the dashboard's section calls in process, each
// path with its own figure, and holds the funnel's answer until every
// other section has been answered: read one after the other, the sections
// would never get past the funnel. refuse names paths answered with a 422
// carrying the path as its message.
type sectionsAPI struct {
	refuse []string
	mu     sync.Mutex
	served int
	others chan struct{} // closed when every other section has been answered
}

// sectionAnswers are the figures per path prefix, each one the dashboard
// keeps in a field of its own.
var sectionAnswers = map[string]string{
	"/api/v1/reports/funnel":     `{"deals": 11}`,
	"/api/v1/reports/losses":     `{"lost": 12}`,
	"/api/v1/reports/kpi":        `{"reps": [{"owner": "kpi-rep"}]}`,
	"/api/v1/reports/stuck":      `{"total": 13}`,
	"/api/v1/reports/roadmap":    `{"next_cursor": "road-14"}`,
	"/api/v1/reports/clients":    `{"total": 15}`,
	"/api/v1/reports/complaints": `{"total": 16}`,
	"/api/v1/control-points":     `{"items": [{"owner": "late-rep"}, {"owner": "late-rep"}], "next_cursor": ""}`,
}

func (s *sectionsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/reports/funnel" {
		select {
		case <-s.others:
		case <-time.After(10 * time.Second): // a deadlock guard, not a timing check
			http.Error(w, `{"error": {"message": "the other sections were not read meanwhile"}}`, http.StatusInternalServerError)
			return
		}
	}
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.served++; s.served == len(sectionAnswers)-1 {
			close(s.others)
		}
	}()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	for _, p := range s.refuse {
		if r.URL.Path == p {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"error": {"code": "invalid", "message": %q}}`, p)
			return
		}
	}
	fmt.Fprint(w, sectionAnswers[r.URL.Path])
}

// readSections runs readReports against api for a dashboard request.
func readSections(api http.Handler) (*dashboardData, *APIError) {
	a := &app{api: api}
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/reports", nil), httptest.NewRecorder())
	d := &dashboardData{Filter: reportFilter{From: "2026-01-01", To: "2026-01-31"}}
	return d, a.readReports(c, d)
}

// TestReadReportsConcurrently: the dashboard reads its sections at once,
// each API answer lands in its own field whatever order they come back in,
// and the refusal reported is the first in the sections' order (as when
// they were read one after the other), not the first to come back.
func TestReadReportsConcurrently(t *testing.T) {
	d, e := readSections(&sectionsAPI{others: make(chan struct{})})
	if e != nil {
		t.Fatalf("dashboard sections: %+v", e)
	}
	got := fmt.Sprintln(d.Funnel.Deals, d.Losses.Lost, len(d.KPI.Reps), d.Stuck.Total, d.Roadmap.NextCursor,
		d.Clients.Total, d.Complaints.Total, d.Overdue, d.OverdueMore)
	if want := "11 12 1 13 road-14 15 16 [{late-rep  2}] false\n"; got != want {
		t.Errorf("sections read %q, want %q", got, want)
	}
	if d.KPI.Reps[0].Owner != "kpi-rep" {
		t.Errorf("KPI rows %+v", d.KPI.Reps)
	}

	// The clients and the losses are refused; the clients' refusal may
	// come back first, the losses' comes first in the page.
	_, e = readSections(&sectionsAPI{others: make(chan struct{}), refuse: []string{"/api/v1/reports/clients", "/api/v1/reports/losses"}})
	if e == nil || e.Status != http.StatusUnprocessableEntity || !strings.HasSuffix(e.Message, "/losses") {
		t.Errorf("refusal %+v, want the losses' 422", e)
	}
}
