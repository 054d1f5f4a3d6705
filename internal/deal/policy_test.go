package deal

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
)

func TestMergeOverridesOnlyWhatIsGiven(t *testing.T) {
	base := DefaultPolicy()
	p, err := casework.MergeJSON(base, json.RawMessage(`{"offer_validity": "5d", "control_points": {"protocol": {"reminders": ["1h"], "grace": "0s"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.OfferValidity != casework.Days(5) || p.InvoiceDue != base.InvoiceDue {
		t.Fatalf("merged offer_validity %s invoice_due %s", p.OfferValidity, p.InvoiceDue)
	}
	if got := p.Point(PointProtocol).Reminders; len(got) != 1 || got[0] != casework.Exact(time.Hour) {
		t.Fatalf("protocol reminders %v", got)
	}
	if base.Point(PointProtocol).Reminders[0] != casework.Exact(4*time.Hour) {
		t.Fatal("merge changed the base policy")
	}
	if _, err := casework.MergeJSON(base, json.RawMessage(`{"presentation_max_attempts": 0}`)); err == nil {
		t.Fatal("invalid override accepted")
	}
	if _, err := casework.MergeJSON(base, json.RawMessage(`{"offer_validty": "5d"}`)); err == nil {
		t.Fatal("misspelt field accepted")
	}
	if q := (Policy{SurveyQuestions: []string{"a"}, SurveyQuestionsByProduct: map[string][]string{"training": {"b"}}}); q.Questions("training")[0] != "b" || q.Questions("events")[0] != "a" {
		t.Fatal("questions by product")
	}
}
