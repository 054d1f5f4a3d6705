package workflows

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/models"
)

const complaintID = "cmp-test"

// runComplaint registers a complaint of client cl-1 in category quality,
// by alice, and runs it to completion.
func (h *harness) runComplaint(sev complaint.Severity, policy string) complaint.View {
	h.t.Helper()
	pol, err := casework.MergeJSON(complaint.DefaultPolicy(), json.RawMessage(policy))
	if err != nil {
		h.t.Fatal(err)
	}
	h.env.ExecuteWorkflow(Complaint, complaint.Params{ID: complaintID, RegisteredBy: "alice", Policy: pol, Calendar: h.cal, Form: complaint.Form{
		ClientID: "cl-1", Channel: "phone", Category: "quality", Severity: sev, Description: "The menu was not as agreed",
	}})
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("complaint workflow did not complete")
	}
	res, err := h.env.QueryWorkflow(engine.QueryView)
	if err != nil {
		h.t.Fatal(err)
	}
	var v complaint.View
	if err := res.Get(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// complaintNotices lists the complaint's notifications of one point.
func (h *harness) complaintNotices(pointID string) []models.Notification {
	h.t.Helper()
	var ns []models.Notification
	if err := h.db.Where("complaint_id = ? AND control_point_id = ?", complaintID, pointID).Order("created_at, kind").Find(&ns).Error; err != nil {
		h.t.Fatal(err)
	}
	return ns
}

// complaintSteps schedules the procedure up to (not including) the step
// named until, one step every tenth of a day from day 0.1.
func (h *harness) complaintSteps(until string) {
	steps := []struct {
		label, action string
		input         any
	}{
		{"ack", complaint.ActAcknowledge, complaint.AcknowledgeInput{Message: "We are sorry and will look into it today."}},
		{"investigated", complaint.ActRecordInvestigation, complaint.RecordInvestigationInput{RootCause: "menu changed without approval", ProcessStep: "event", Department: "catering"}},
		{"resolved", complaint.ActResolveForClient, map[string]any{"remedy": "discount", "amount": "5000.00"}},
		{"confirmed", complaint.ActConfirmByClient, map[string]any{"satisfied": true}},
		{"action", complaint.ActAddCorrectiveAction, complaint.AddCorrectiveActionInput{Description: "menu changes need the client's approval", Owner: "alice", Due: h.at(day(5))}},
	}
	for i, s := range steps {
		if s.label == until {
			return
		}
		h.act(s.label, day(0.1*float64(i+1)), s.action, s.input)
	}
}

func TestComplaintFullPathToClosed(t *testing.T) {
	h := newHarness(t)
	h.act("ack", day(0.5), complaint.ActAcknowledge, complaint.AcknowledgeInput{Message: "Received, we will call you tomorrow."})
	h.actAs("assign", day(0.6), "maria", casework.RoleManager, complaint.ActAssign, complaint.AssignInput{Assignee: "bob"})
	h.actAs("investigated", day(1), "bob", casework.RoleSales, complaint.ActRecordInvestigation, complaint.RecordInvestigationInput{RootCause: "venue double-booked", ProcessStep: "event"})
	h.actAs("resolved", day(2), "bob", casework.RoleSales, complaint.ActResolveForClient, map[string]any{"remedy": "discount", "amount": 5000})
	h.actAs("confirmed", day(3), "bob", casework.RoleSales, complaint.ActConfirmByClient, map[string]any{"satisfied": true, "comment": "fine"})
	h.actAs("action", day(3.5), "bob", casework.RoleSales, complaint.ActAddCorrectiveAction, complaint.AddCorrectiveActionInput{Description: "confirm venue bookings in writing", Owner: "maria", Due: h.at(day(10))})
	h.actAs("done", day(5), "maria", casework.RoleManager, complaint.ActCompleteCorrectiveAction, complaint.CompleteCorrectiveActionInput{ID: "ca-1", Note: "checklist updated"})
	h.actAs("close", day(5.5), "bob", casework.RoleSales, complaint.ActClose, nil)
	v := h.runComplaint(complaint.SeverityNormal, `{}`)

	h.mustApplyAll()
	if v.Status != complaint.StatusClosed || v.Step != complaint.StepClosed || !v.OnTime || v.ClosedBy != "bob" {
		t.Fatalf("closed complaint: status %s step %s on time %v by %s", v.Status, v.Step, v.OnTime, v.ClosedBy)
	}
	if v.Number != "C-2026-000001" || v.Recurrence {
		t.Fatalf("number %q recurrence %v", v.Number, v.Recurrence)
	}
	if v.Assignee != "bob" || len(v.Investigations) != 1 || v.Resolutions[0].Amount.String() != "5000.00" || v.CorrectiveActions[0].CompletedAt == nil {
		t.Fatalf("records: %+v", v)
	}
	for _, cp := range v.ControlPoints {
		if cp.Status != casework.PointDone {
			t.Errorf("control point %s is %s after an on-time close", cp.ID, cp.Status)
		}
	}
	var n int64
	h.db.Model(&models.Notification{}).Where("complaint_id = ?", complaintID).Count(&n)
	if n != 0 {
		t.Fatalf("%d notifications for a complaint handled well ahead of every deadline", n)
	}
	row, err := models.GetComplaint(context.Background(), h.db, complaintID)
	if err != nil || row.Status != "closed" || row.Seq != v.Seq || row.ProcessStep != "event" {
		t.Fatalf("read model row %+v (%v), view seq %d", row, err, v.Seq)
	}
}

func TestComplaintStepOverdueEscalates(t *testing.T) {
	// Severity high: acknowledge 1d, investigate 3d, resolve 3d, confirm 3d,
	// correct 14d, each from the step's start; no reminders, no grace.
	none := `{"reminders": [], "grace": "0s"}`
	policy := `{"control_points": {"complaint_acknowledge": ` + none + `, "complaint_investigate": ` + none +
		`, "complaint_resolve": ` + none + `, "complaint_confirm": ` + none + `, "complaint_correct": ` + none + `, "corrective_action": ` + none + `}}`
	cases := []struct {
		until, point string
		due          time.Duration
	}{
		{"ack", pointAcknowledge, day(1)},
		{"investigated", pointInvestigate, day(0.1) + day(3)},
		{"resolved", pointResolve, day(0.2) + day(3)},
		{"confirmed", pointConfirm, day(0.3) + day(3)},
		{"action", pointCorrect, day(0.4) + day(14)},
		{"", "ca-1", day(5)},
	}
	for _, c := range cases {
		t.Run(c.point, func(t *testing.T) {
			h := newHarness(t)
			h.complaintSteps(c.until)
			h.cancelAt(day(20))
			v := h.runComplaint(complaint.SeverityHigh, policy)
			if cp := pointOf(v.ControlPoints, c.point); cp.Status != casework.PointCancelled || !cp.Escalated || !cp.DueAt.Equal(h.at(c.due)) {
				t.Fatalf("point %s: %+v", c.point, cp)
			}
			ns := h.complaintNotices(c.point)
			if len(ns) != 2 || ns[0].Kind != "escalation" || ns[0].Recipient != "maria" || ns[1].Kind != "overdue" || ns[1].Recipient != "alice" {
				t.Fatalf("notices of %s: %+v", c.point, ns)
			}
			if !ns[0].CreatedAt.Equal(h.at(c.due)) {
				t.Fatalf("escalated at %s, want %s", ns[0].CreatedAt, h.at(c.due))
			}
		})
	}
}

func pointOf(cps []casework.ControlPoint, id string) casework.ControlPoint {
	for _, cp := range cps {
		if cp.ID == id {
			return cp
		}
	}
	return casework.ControlPoint{}
}

func TestComplaintClientNotSatisfiedReturnsToInvestigation(t *testing.T) {
	h := newHarness(t)
	h.complaintSteps("confirmed")
	h.act("unhappy", day(1), complaint.ActConfirmByClient, map[string]any{"satisfied": false, "comment": "a discount is not enough"})
	h.act("again", day(2), complaint.ActRecordInvestigation, complaint.RecordInvestigationInput{RootCause: "chef was not briefed", ProcessStep: "event"})
	h.cancelAt(day(3))
	v := h.runComplaint(complaint.SeverityNormal, `{}`)

	h.mustApplyAll()
	if v.Step != complaint.StepResolution || len(v.Investigations) != 2 || *&v.Resolutions[0].Confirmation.Satisfied {
		t.Fatalf("after the second investigation: step %s, %d investigations", v.Step, len(v.Investigations))
	}
	if cp := pointOf(h.complaints["unhappy"].ControlPoints, pointInvestigate); cp.Status != casework.PointOpen || !cp.DueAt.Equal(h.at(day(1)+day(5))) {
		t.Fatalf("investigation point re-armed: %+v", cp)
	}
	esc := h.complaintNotices(pointInvestigate)
	if len(esc) != 1 || esc[0].Kind != "escalation" || esc[0].Recipient != "maria" || !strings.Contains(esc[0].Message, "not satisfied") {
		t.Fatalf("escalation of the unhappy client: %+v", esc)
	}
}

func TestComplaintCloseWithoutProcessChange(t *testing.T) {
	h := newHarness(t)
	h.complaintSteps("action")
	h.act("sales-close", day(1), complaint.ActClose, complaint.CloseInput{NoProcessChangeReason: "one-off supplier failure"})
	h.actAs("no-reason", day(1.1), "maria", casework.RoleManager, complaint.ActClose, nil)
	h.actAs("manager-close", day(1.2), "maria", casework.RoleManager, complaint.ActClose, complaint.CloseInput{NoProcessChangeReason: "one-off supplier failure"})
	v := h.runComplaint(complaint.SeverityNormal, `{}`)

	h.mustRefuse("sales-close", casework.CodeActionNotAllowed)
	h.mustRefuse("no-reason", casework.CodeInvalidInput)
	h.mustApply("manager-close")
	if v.Status != complaint.StatusClosed || v.NoProcessChangeReason != "one-off supplier failure" || v.ClosedBy != "maria" {
		t.Fatalf("closed: %s %q by %s", v.Status, v.NoProcessChangeReason, v.ClosedBy)
	}
}

func TestComplaintRefusesStepsOutOfOrder(t *testing.T) {
	h := newHarness(t)
	h.act("close-early", day(0.05), complaint.ActClose, nil)
	h.act("resolve-early", day(0.06), complaint.ActResolveForClient, map[string]any{"remedy": "apology"})
	h.act("ack", day(0.1), complaint.ActAcknowledge, complaint.AcknowledgeInput{Message: "noted"})
	h.act("no-cause", day(0.2), complaint.ActRecordInvestigation, complaint.RecordInvestigationInput{ProcessStep: "event"})
	h.act("bad-step", day(0.3), complaint.ActRecordInvestigation, complaint.RecordInvestigationInput{RootCause: "x", ProcessStep: "lunch"})
	h.snapshot("after", day(0.4))
	h.cancelAt(day(0.5))
	h.runComplaint(complaint.SeverityLow, `{}`)

	h.mustRefuse("close-early", casework.CodeActionNotAllowed)
	h.mustRefuse("resolve-early", casework.CodeActionNotAllowed)
	h.mustApply("ack")
	h.mustRefuse("no-cause", casework.CodeInvalidInput)
	h.mustRefuse("bad-step", casework.CodeInvalidInput)
}

func TestComplaintRecurrence(t *testing.T) {
	cases := []struct {
		name     string
		ago      time.Duration
		category string
		want     bool
	}{
		{"same category 30 days ago", day(30), "quality", true},
		{"same category 100 days ago", day(100), "quality", false},
		{"other category 30 days ago", day(30), "billing", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			earlier := models.Complaint{ID: "cmp-earlier", Number: "C-2026-000099", ClientID: "cl-1", Channel: "email",
				Category: c.category, Severity: "normal", Status: "closed", Step: "closed", RegisteredAt: h.start.Add(-c.ago), UpdatedAt: h.start.Add(-c.ago)}
			if err := h.db.Create(&earlier).Error; err != nil {
				t.Fatal(err)
			}
			h.cancelAt(day(0.1))
			v := h.runComplaint(complaint.SeverityNormal, `{}`)
			if v.Recurrence != c.want || (c.want && v.RecurrenceOf != "cmp-earlier") {
				t.Fatalf("recurrence %v of %q, want %v", v.Recurrence, v.RecurrenceOf, c.want)
			}
		})
	}
}

func TestSurveyOpensComplaint(t *testing.T) {
	cases := []struct {
		score    int
		severity complaint.Severity // "" when no complaint opens
	}{
		{1, complaint.SeverityHigh}, {2, complaint.SeverityHigh}, {3, complaint.SeverityNormal}, {4, ""}, {5, ""},
	}
	for _, c := range cases {
		t.Run(string(rune('0'+c.score)), func(t *testing.T) {
			h := newHarness(t)
			h.toClose()
			h.act("survey", day(6), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: map[string]int{"quality": c.score, "speed": 5, "payment_convenience": 5}})
			h.act("close", day(6.1), deal.ActCloseDeal, nil)
			h.act("contact", day(6.2), deal.ActLogContact, deal.LogContactInput{Channel: "phone"})
			v := h.run(`{}`)
			h.mustApplyAll()
			if v.Status != deal.StatusWon {
				t.Fatalf("a deal whose survey opened a complaint still closes: %s", v.Status)
			}
			row, err := models.GetComplaint(context.Background(), h.db, "cmp-"+dealID)
			if c.severity == "" {
				if v.ComplaintID != "" || err == nil {
					t.Fatalf("score %d opened complaint %q", c.score, v.ComplaintID)
				}
				return
			}
			if v.ComplaintID != "cmp-"+dealID || err != nil {
				t.Fatalf("score %d: complaint %q, read model %v", c.score, v.ComplaintID, err)
			}
			if row.Channel != complaint.ChannelSurvey || row.DealID != dealID || row.Severity != string(c.severity) || row.ClientID != "cl-1" {
				t.Fatalf("survey complaint row: %+v", row)
			}
			won := slices.IndexFunc(h.events(), func(e models.DealEvent) bool { return e.Type == "deal_won" })
			if won < 0 || !strings.Contains(h.events()[won].Data, v.ComplaintID) {
				t.Fatal("the deal's outcome does not record the complaint")
			}
		})
	}
}

// TestSurveyComplaintTakesTheDealsComplaintPolicy checks that a complaint a
// survey opens runs with the complaint policy the deal was started with.
func TestSurveyComplaintTakesTheDealsComplaintPolicy(t *testing.T) {
	h := newHarness(t)
	pol, err := casework.MergeJSON(complaint.DefaultPolicy(), json.RawMessage(`{"recurrence_window": "7d"}`))
	if err != nil {
		t.Fatal(err)
	}
	h.complaintPolicy = &pol
	h.toClose()
	h.act("survey", day(6), deal.ActSubmitSurvey, deal.SubmitSurveyInput{Scores: map[string]int{"quality": 2, "speed": 5, "payment_convenience": 5}})
	var got complaint.View
	h.env.RegisterDelayedCallback(func() {
		res, err := h.env.QueryWorkflowByID("cmp-"+dealID, engine.QueryView)
		if err != nil {
			t.Error(err)
			return
		}
		if err := res.Get(&got); err != nil {
			t.Error(err)
		}
	}, day(6.5))
	h.end("lose", day(7), "timing")
	h.run(`{}`)
	h.mustApplyAll()
	if got.Policy.RecurrenceWindow != casework.Days(7) {
		t.Fatalf("survey complaint recurrence window %s, want 7d", got.Policy.RecurrenceWindow)
	}
}
