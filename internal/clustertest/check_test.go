package clustertest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// checkDeal fails the test unless the deal's workflow completed as planned
// and the read model holds exactly its final state: the deal row, one
// history row per event, its control points, documents and payments, and
// the notifications of its offer's expiry once each.
func checkDeal(t *testing.T, c client.Client, db *gorm.DB, r *dealRun) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var v deal.View
	if err := c.GetWorkflow(ctx, r.id, "").Get(ctx, &v); err != nil {
		t.Errorf("deal %d (%s) did not finish: %v", r.n, r.id, err)
		return
	}
	desc, err := c.DescribeWorkflowExecution(ctx, r.id, "")
	if err != nil || desc.WorkflowExecutionInfo.Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Errorf("deal %d (%s): workflow %v, %v; want completed", r.n, r.id, desc, err)
		return
	}
	want := deal.StatusWon
	if r.ending != won {
		want = deal.StatusLost
	}
	if v.Status != want {
		t.Errorf("deal %d (%s), to be %s: status %s", r.n, r.id, r.ending, v.Status)
	}
	checkRow(t, db, r, v)
	checkEvents(t, db, r, v)
	checkRecords(t, db, r, v)
	checkNotifications(t, db, r, v)
}

// checkRow compares the deal's read-model row with the final view.
func checkRow(t *testing.T, db *gorm.DB, r *dealRun, v deal.View) {
	t.Helper()
	var row models.Deal
	if err := db.Take(&row, "id = ?", r.id).Error; err != nil {
		t.Errorf("deal %d (%s) is not in the read model: %v", r.n, r.id, err)
		return
	}
	paid := int64(0)
	for _, p := range v.Payments {
		if p.Kind == deal.KindPayment {
			paid += int64(p.Amount)
		}
	}
	got := fmt.Sprint(row.Stage, row.Status, row.Owner, row.Amount, row.PaidAmount, row.WaitingOn, row.LostStage, row.LostReason, row.Seq, row.FollowUpOutcome)
	followUp := ""
	if v.FollowUp != nil {
		followUp = string(v.FollowUp.Outcome)
	}
	wantRow := fmt.Sprint(v.Stage, v.Status, v.Owner, int64(v.Amount), paid, v.WaitingOn, v.LostStage, v.LostReason, v.Seq, followUp)
	if got != wantRow {
		t.Errorf("deal %d (%s): read model row %q, workflow %q", r.n, r.id, got, wantRow)
	}
}

// checkEvents fails unless the history rows are the workflow's events 1…Seq,
// each action the test applied appearing as many times as it was applied.
func checkEvents(t *testing.T, db *gorm.DB, r *dealRun, v deal.View) {
	t.Helper()
	var events []models.DealEvent
	if err := db.Order("seq").Find(&events, "deal_id = ?", r.id).Error; err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for i, e := range events {
		if e.Seq != i+1 {
			t.Errorf("deal %d (%s): history row %d has seq %d", r.n, r.id, i+1, e.Seq)
		}
		if _, acted := r.applied[e.Type]; acted {
			types[e.Type]++
		}
	}
	if len(events) != v.Seq {
		t.Errorf("deal %d (%s): %d history rows, the workflow has %d events", r.n, r.id, len(events), v.Seq)
	}
	if !maps.Equal(types, r.applied) {
		t.Errorf("deal %d (%s): actions in the history %v, applied %v", r.n, r.id, types, r.applied)
	}
}

// checkRecords compares the control points, documents and payments rows
// with the final view.
func checkRecords(t *testing.T, db *gorm.DB, r *dealRun, v deal.View) {
	t.Helper()
	var points []models.ControlPoint
	var docs []models.Document
	var payments int64
	if err := db.Find(&points, "subject_type = ? AND subject_id = ?", models.SubjectDeal, r.id).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Find(&docs, "deal_id = ?", r.id).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.Payment{}).Where("deal_id = ?", r.id).Count(&payments).Error; err != nil {
		t.Fatal(err)
	}
	var gotPoints, wantPoints, gotDocs, wantDocs []string
	for _, p := range points {
		gotPoints = append(gotPoints, p.ID+"="+p.Status)
	}
	for _, p := range v.ControlPoints {
		wantPoints = append(wantPoints, p.ID+"="+string(p.Status))
	}
	for _, d := range docs {
		gotDocs = append(gotDocs, fmt.Sprintf("%s/%d", d.Type, d.Version))
	}
	for _, d := range v.Documents {
		wantDocs = append(wantDocs, fmt.Sprintf("%s/%d", d.Type, d.Version))
	}
	for _, pair := range [][2][]string{{gotPoints, wantPoints}, {gotDocs, wantDocs}} {
		slices.Sort(pair[0])
		slices.Sort(pair[1])
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("deal %d (%s): read model %v, workflow %v", r.n, r.id, pair[0], pair[1])
		}
	}
	if int(payments) != len(v.Payments) {
		t.Errorf("deal %d (%s): %d payment rows, the workflow has %d payments", r.n, r.id, payments, len(v.Payments))
	}
}

// checkNotifications fails unless a deal with an offer has exactly the
// reminder and overdue notice to alice and the escalation to maria of its
// offer's expiry, and any other deal none.
func checkNotifications(t *testing.T, db *gorm.DB, r *dealRun, v deal.View) {
	t.Helper()
	var notes []models.Notification
	if err := db.Find(&notes, "deal_id = ?", r.id).Error; err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range notes {
		got = append(got, fmt.Sprintf("%s %s %s", n.Recipient, n.Kind, n.ControlPointID))
	}
	var want []string
	for _, p := range v.ControlPoints {
		if p.Kind == deal.PointOfferValidity {
			want = append(want, "alice overdue "+p.ID, "alice reminder "+p.ID, "maria escalation "+p.ID)
		}
	}
	slices.Sort(got)
	if r.offered != (len(want) == 3) || !slices.Equal(got, want) {
		t.Errorf("deal %d (%s): notifications %q, want %q", r.n, r.id, got, want)
	}
}

// checkAudit fails unless the audit trail has one entry per request the
// test made — retries share their request's — each with a success status.
func checkAudit(t *testing.T, db *gorm.DB, runs []*dealRun) {
	t.Helper()
	var entries []models.AuditEntry
	if err := db.Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range entries {
		if e.Status < 200 || e.Status >= 300 {
			t.Errorf("audit entry %d (%s %s) has status %d", e.ID, e.Action, e.ObjectID, e.Status)
		}
		if !strings.HasPrefix(e.Action, "client.") {
			got[e.ObjectID+" "+e.Action]++
		}
	}
	want := map[string]int{}
	clients := 0
	for _, r := range runs {
		want[r.id+" deal.create"] = 1
		for action, n := range r.applied {
			want[r.id+" deal."+action] = n
		}
		clients++
	}
	if !maps.Equal(got, want) {
		t.Errorf("audit entries %v, want %v", got, want)
	}
	if n := len(entries) - sumValues(got); n != clients {
		t.Errorf("%d audit entries of clients, want %d", n, clients)
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// logTotals logs how many rows of each kind the checks compared.
func logTotals(t *testing.T, db *gorm.DB) {
	var deals, events, notes, points, audit int64
	db.Model(&models.Deal{}).Count(&deals)
	db.Model(&models.DealEvent{}).Count(&events)
	db.Model(&models.Notification{}).Count(&notes)
	db.Model(&models.ControlPoint{}).Count(&points)
	db.Model(&models.AuditEntry{}).Count(&audit)
	t.Logf("read model: %d deals, %d history rows, %d control points, %d notifications, %d audit entries", deals, events, points, notes, audit)
}
