package workflows

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/money"
	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
)

const programmeID = "vip-test"

// newProgrammeHarness is the deal harness running a programme: the demo
// team (maria manages alice and bob) and five classified clients, of which
// c1 and c2 (alice's) and c3 (bob's) match the selection.
func newProgrammeHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.env.RegisterWorkflow(Programme)
	ctx := context.Background()
	classes := []struct{ id, owner, category, abc string }{
		{"c1", "alice", models.CategoryPermanent, "A"}, {"c2", "alice", models.CategoryNew, "B"},
		{"c3", "bob", models.CategoryPermanent, "A"}, {"c4", "bob", models.CategoryLost, "A"},
		{"c5", "alice", models.CategoryPermanent, "C"},
	}
	for _, c := range classes {
		if err := models.CreateClient(ctx, h.db, &models.Client{ID: c.id, Name: "Client " + c.id, CreatedBy: c.owner}); err != nil {
			t.Fatal(err)
		}
		row := models.ClientClass{ClientID: c.id, AsOf: h.start, Owner: c.owner, Category: c.category, ABC: c.abc, XYZ: "X"}
		if err := h.db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *harness) programmeParams() ProgrammeParams {
	return ProgrammeParams{Params: vip.Params{ID: programmeID, CreatedBy: "maria", Calendar: h.cal, Definition: vip.Definition{
		Name: "Key clients", Lead: "maria", Period: casework.Days(30), InterviewDue: casework.Days(20),
		Selection: vip.Selection{Categories: []string{"permanent", "new"}, Classes: []string{"A", "B"}},
	}}}
}

// programmeAct sends a programme action as actor in role at offset d.
func (h *harness) programmeAct(label string, d time.Duration, actor, role, action string, input any) {
	h.update(label, d, actor, role, action, func() any { return input }, func(any) {})
}

// TestProgrammePeriod runs one period of a programme in the time-skipping
// environment: interviews go to members other than the client's owner,
// one recorded interview's answers become a follow-up, a deal, a client
// and a complaint, the others are reminded and escalated when due passes,
// missed at the period's end, and the next period continues as new.
func TestProgrammePeriod(t *testing.T) {
	h := newProgrammeHarness(t)
	amount := money.Amount(1_500_000)
	record := vip.RecordInterviewInput{
		ClientID: "c1", HeldOn: h.at(day(1)),
		KeyContacts:   []vip.KeyContactInput{{Name: "Ivan Petrov", Role: "CEO", Phone: "+7 900 000-00-00"}},
		ServiceRating: 4, ServiceComment: "good", ExpansionPlans: "a second office",
		Upsell:    []vip.UpsellInput{{Topic: "Backup channel", As: vip.UpsellFollowUp}, {Topic: "Second office", As: vip.UpsellDeal, Amount: &amount}},
		Referrals: []vip.ReferralInput{{Name: "Romashka", ContactPerson: "Olga", Note: "a partner of Ivan"}},
		Complaint: &vip.ComplaintInput{Description: "slow support", Category: "quality", Severity: "normal"},
	}
	sales, manager := casework.RoleSales, casework.RoleManager
	h.programmeAct("not-theirs", day(1), "alice", sales, vip.ActRecordInterview, record)
	h.programmeAct("record", day(1)+time.Hour, "bob", sales, vip.ActRecordInterview, record)
	h.programmeAct("again", day(2), "bob", sales, vip.ActRecordInterview, record)
	h.programmeAct("to-owner", day(3), "maria", manager, vip.ActReassignInterview, vip.ReassignInterviewInput{ClientID: "c3", Interviewer: "bob"})
	h.programmeAct("reassign", day(3)+time.Hour, "maria", manager, vip.ActReassignInterview, vip.ReassignInterviewInput{ClientID: "c3", Interviewer: "maria"})
	var mid vip.View
	h.env.RegisterDelayedCallback(func() { mid = h.programmeView() }, day(5))
	h.env.RegisterDelayedCallback(func() {
		for _, id := range h.children {
			h.env.CancelWorkflowByID(id, "")
		}
	}, day(25))
	h.env.ExecuteWorkflow(Programme, h.programmeParams())

	var next *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &next) {
		t.Fatalf("the period ended with %v, want continue-as-new", err)
	}
	var np ProgrammeParams
	if err := converter.GetDefaultDataConverter().FromPayloads(next.Input, &np); err != nil {
		t.Fatal(err)
	}
	if np.Number != 2 || !np.Start.Equal(h.at(day(30))) || np.Seq == 0 || len(np.Carried) != 1 || np.Carried[0].Owner != "alice" {
		t.Fatalf("next period %+v", np)
	}
	for label, want := range map[string]string{"not-theirs": casework.CodeActionNotAllowed, "record": "", "again": casework.CodeInvalidInput,
		"to-owner": casework.CodeInvalidInput, "reassign": ""} {
		if h.outcomes[label] != want {
			t.Errorf("%s: %q, want %q", label, h.outcomes[label], want)
		}
	}
	checkAssignments(t, mid)
	checkOutcomes(t, h, mid)
	checkReminders(t, h)
	checkMissed(t, h)
}

func (h *harness) programmeView() vip.View {
	h.t.Helper()
	res, err := h.env.QueryWorkflow(engine.QueryView)
	if err != nil {
		h.t.Fatal(err)
	}
	var v vip.View
	if err := res.Get(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// checkAssignments: c1 and c2 (alice's) go to bob and maria in turn, c3
// (bob's) to alice and then, reassigned, to maria; never to the owner.
func checkAssignments(t *testing.T, v vip.View) {
	t.Helper()
	got := map[string]string{}
	for _, iv := range v.Interviews {
		got[iv.ClientID] = iv.Interviewer
		if iv.Interviewer == iv.Owner {
			t.Errorf("%s is interviewed by its owner", iv.ClientID)
		}
	}
	want := map[string]string{"c1": "bob", "c2": "maria", "c3": "maria"}
	if len(got) != len(want) || got["c1"] != want["c1"] || got["c2"] != want["c2"] || got["c3"] != want["c3"] {
		t.Fatalf("interviewers %v, want %v", got, want)
	}
}

// checkOutcomes: the recorded interview made a follow-up for alice, a
// deal of hers, a potential client created by bob and a complaint he
// registered — each in the read model.
func checkOutcomes(t *testing.T, h *harness, v vip.View) {
	t.Helper()
	iv := v.Interviews[slices.IndexFunc(v.Interviews, func(iv vip.Interview) bool { return iv.ClientID == "c1" })]
	kinds := map[string]string{}
	for _, o := range iv.Outcomes {
		if o.Error != "" {
			t.Errorf("outcome %+v failed", o)
		}
		kinds[o.Kind] = o.Ref
	}
	if iv.Status != vip.InterviewHeld || len(iv.Outcomes) != 4 {
		t.Fatalf("interview %+v", iv)
	}
	ctx := context.Background()
	var fu models.ControlPoint
	if err := h.db.Where("subject_type = ? AND id = ?", models.SubjectProgramme, kinds[vip.OutcomeFollowUp]).Take(&fu).Error; err != nil || fu.Owner != "alice" {
		t.Errorf("follow-up %+v: %v", fu, err)
	}
	d, err := models.GetDeal(ctx, h.db, kinds[vip.OutcomeDeal])
	if err != nil || d.Owner != "alice" || d.ClientID != "c1" || d.Amount != 1_500_000 {
		t.Errorf("deal %+v: %v", d, err)
	}
	cl, err := models.GetClient(ctx, h.db, kinds[vip.OutcomeClient])
	var ref models.Referral
	if err == nil {
		err = h.db.Take(&ref, "client_id = ?", cl.ID).Error
	}
	if err != nil || cl.Name != "Romashka" || cl.CreatedBy != "bob" || ref.ReferredBy != "c1" {
		t.Errorf("referred client %+v, %+v: %v", cl, ref, err)
	}
	cmp, err := models.GetComplaint(ctx, h.db, kinds[vip.OutcomeComplaint])
	if err != nil || cmp.ClientID != "c1" || cmp.RegisteredBy != "bob" || cmp.Category != "quality" {
		t.Errorf("complaint %+v: %v", cmp, err)
	}
}

// checkReminders: c2's interview (maria's) was reminded 7 and 1 days
// before it was due and escalated when it went overdue.
func checkReminders(t *testing.T, h *harness) {
	t.Helper()
	var notes []models.Notification
	if err := h.db.Where("control_point_id = ?", "interview-1-c2").Order("created_at").Order("kind").Find(&notes).Error; err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range notes {
		kinds = append(kinds, n.Kind)
	}
	want := []string{"reminder", "reminder", "escalation", "overdue"}
	if !slices.Equal(kinds, want) || !notes[0].CreatedAt.Equal(h.at(day(13))) {
		t.Fatalf("notifications %v, want %v with the first at day 13: %+v", kinds, want, notes)
	}
}

// checkMissed: at the period's end the read model holds c2 and c3 missed
// and c1 held.
func checkMissed(t *testing.T, h *harness) {
	t.Helper()
	ivs, err := models.ListInterviews(context.Background(), h.db, models.InterviewFilter{Scope: models.Everyone(), ProgrammeID: programmeID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, iv := range ivs {
		got[iv.ClientID] = iv.Status
	}
	if len(got) != 3 || got["c1"] != vip.InterviewHeld || got["c2"] != vip.InterviewMissed || got["c3"] != vip.InterviewMissed {
		t.Fatalf("interviews after the period %v", got)
	}
}

// TestReferralRetried: a retried CreateReferral creates the client, its
// contact and the referral note once.
func TestReferralRetried(t *testing.T) {
	h := newHarness(t)
	a := &activities.Activities{DB: h.db}
	in := vip.NewClient{ClientID: "cl-r1", ContactID: "ct-r1", ProgrammeID: programmeID, ReferredBy: "c1", Interviewer: "bob",
		At: h.start, Referral: vip.ReferralInput{Name: "Romashka", ContactPerson: "Olga"}}
	for range 2 {
		if err := a.CreateReferral(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []any{&models.Client{}, &models.ClientContact{}, &models.Referral{}} {
		var n int64
		if err := h.db.Model(table).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%T: %d rows (%v), want 1", table, n, err)
		}
	}
}

// TestProgrammeRegistryMatchesCatalogue: every action of vip.Inputs has
// its handler, in catalogue order.
func TestProgrammeRegistryMatchesCatalogue(t *testing.T) {
	if got, want := programmeRegistry().Catalog().Names(), vip.Inputs.Names(); !slices.Equal(got, want) {
		t.Fatalf("registry %v, catalogue %v", got, want)
	}
}

// startTwice starts the child workflow waitForever twice under one ID, as
// a retried outcome would, and reports both starts' errors.
func startTwice(ctx workflow.Context) ([]string, error) {
	s := engine.Step{Ctx: ctx, Now: workflow.Now(ctx)}
	var errs []string
	for range 2 {
		msg := ""
		if err := startChild(s, "deal-twice", waitForever, nil); err != nil {
			msg = err.Error()
		}
		errs = append(errs, msg)
	}
	return errs, nil
}

func waitForever(ctx workflow.Context, _ any) error {
	return workflow.Await(ctx, func() bool { return false })
}

// TestOutcomeStartedTwice: a deal an outcome starts a second time under
// its ID is one deal, and the second start counts as started.
func TestOutcomeStartedTwice(t *testing.T) {
	h := newHarness(t)
	h.env.RegisterWorkflow(startTwice)
	h.env.RegisterWorkflow(waitForever)
	h.env.ExecuteWorkflow(startTwice)
	var errs []string
	if err := h.env.GetWorkflowResult(&errs); err != nil {
		t.Fatal(err)
	}
	if len(h.children) != 1 || !slices.Equal(errs, []string{"", ""}) {
		t.Fatalf("children %v, start errors %q", h.children, errs)
	}
}
