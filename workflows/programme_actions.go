package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/vip"
)

// active allows an action while the programme runs.
func active(r *programmeRun) error {
	if r.v.Status != vip.StatusActive {
		return engine.NotAllowed("the programme is %s", r.v.Status)
	}
	return nil
}

// anyPending allows an action while some interview of the period is
// pending.
func anyPending(r *programmeRun) error {
	if err := active(r); err != nil {
		return err
	}
	if !slices.ContainsFunc(r.v.Interviews, func(iv vip.Interview) bool { return iv.Status == vip.InterviewPending }) {
		return engine.NotAllowed("no interview of period %d is pending", r.v.PeriodNumber)
	}
	return nil
}

// pending is the client's pending interview, or the refusal naming why
// there is none.
func (r *programmeRun) pending(clientID string) (*vip.Interview, error) {
	iv := r.interview(clientID)
	switch {
	case iv == nil:
		return nil, engine.Invalid("client_id", "client %q has no interview in period %d", clientID, r.v.PeriodNumber)
	case iv.Status != vip.InterviewPending:
		return nil, engine.Invalid("client_id", "the interview of client %q is %s", clientID, iv.Status)
	}
	return iv, nil
}

// lead reports whether the actor leads the programme or manages.
func lead(r *programmeRun, s engine.Step) bool {
	return s.Actor == r.v.Lead || s.Role == casework.RoleManager || s.Role == casework.RoleAdmin
}

var recordInterview = engine.Handle(vip.ActRecordInterview, anyPending,
	func(r *programmeRun, in *vip.RecordInterviewInput, s engine.Step) error {
		iv, err := r.pending(in.ClientID)
		if err != nil {
			return err
		}
		if s.Actor != iv.Interviewer && !lead(r, s) {
			return engine.NotAllowed("the interview of %s is %s's", in.ClientID, iv.Interviewer)
		}
		return checkInterview(r, iv, in, s)
	},
	func(r *programmeRun, in *vip.RecordInterviewInput, s engine.Step) {
		iv := r.interview(in.ClientID)
		held := in.HeldOn
		if in.Interviewer != "" {
			iv.Interviewer = in.Interviewer
		}
		iv.Status, iv.HeldOn, iv.Rating, iv.Record = vip.InterviewHeld, &held, in.ServiceRating, in
		r.cps.Done(s.Now, interviewPoint(iv.Period, iv.ClientID))
		r.outcomes(s, iv, in)
	})

// checkInterview checks the interview form beyond its tags.
func checkInterview(r *programmeRun, iv *vip.Interview, in *vip.RecordInterviewInput, s engine.Step) error {
	if err := engine.NotFuture("held_on", &in.HeldOn, s.Now); err != nil {
		return err
	}
	if in.HeldOn.IsZero() {
		return engine.Invalid("held_on", "is required")
	}
	if in.Interviewer != "" && in.Interviewer == iv.Owner {
		return engine.Invalid("interviewer", "must not be the client's owner %s", iv.Owner)
	}
	if in.ServiceRating < 1 || in.ServiceRating > 5 {
		return engine.Invalid("service_rating", "must be 1..5")
	}
	for i, kc := range in.KeyContacts {
		if strings.TrimSpace(kc.Name) == "" {
			return engine.Invalid("key_contacts", "contact %d needs a name", i+1)
		}
	}
	for i, u := range in.Upsell {
		if strings.TrimSpace(u.Topic) == "" {
			return engine.Invalid("upsell", "topic %d is empty", i+1)
		}
	}
	for i, ref := range in.Referrals {
		if strings.TrimSpace(ref.Name) == "" {
			return engine.Invalid("referrals", "referral %d needs a name", i+1)
		}
	}
	if c := in.Complaint; c != nil {
		if err := engine.Required("complaint", strings.TrimSpace(c.Description)); err != nil {
			return err
		}
		if cats := r.complaintPolicy().Categories; !slices.Contains(cats, c.Category) {
			return engine.Invalid("complaint", "category must be one of %s", strings.Join(cats, ", "))
		}
	}
	return nil
}

// complaintPolicy is the policy of the complaints interviews open.
func (r *programmeRun) complaintPolicy() complaint.Policy {
	if r.p.ComplaintPolicy != nil {
		return *r.p.ComplaintPolicy
	}
	return complaint.DefaultPolicy()
}

var reassignInterview = engine.Handle(vip.ActReassignInterview, anyPending,
	func(r *programmeRun, in *vip.ReassignInterviewInput, _ engine.Step) error {
		iv, err := r.pending(in.ClientID)
		if err != nil {
			return err
		}
		if in.Interviewer == iv.Owner {
			return engine.Invalid("interviewer", "must not be the client's owner %s", iv.Owner)
		}
		return engine.NewOwner("interviewer", in.Interviewer, iv.Interviewer, "already interviews the client")
	},
	func(r *programmeRun, in *vip.ReassignInterviewInput, s engine.Step) {
		iv := r.interview(in.ClientID)
		iv.Interviewer = in.Interviewer
		r.cps.Arm(s.Now, interviewPoint(iv.Period, iv.ClientID), vip.PointInterview, "", iv.Interviewer, iv.DueAt,
			"VIP: "+iv.ClientName)
	})

var skipInterview = engine.Handle(vip.ActSkipInterview, anyPending,
	func(r *programmeRun, in *vip.SkipInterviewInput, _ engine.Step) error {
		if _, err := r.pending(in.ClientID); err != nil {
			return err
		}
		return engine.Required("reason", strings.TrimSpace(in.Reason))
	},
	func(r *programmeRun, in *vip.SkipInterviewInput, s engine.Step) {
		iv := r.interview(in.ClientID)
		iv.Status, iv.SkipReason = vip.InterviewSkipped, in.Reason
		r.cps.Close(s.Now, interviewPoint(iv.Period, iv.ClientID), casework.PointCancelled)
	})

var completeUpsell = engine.Handle(vip.ActCompleteFollowUp,
	func(r *programmeRun) error {
		if !slices.ContainsFunc(r.v.ControlPoints, openFollowUp) {
			return engine.NotAllowed("no upsell follow-up is open")
		}
		return nil
	},
	func(r *programmeRun, in *vip.CompleteFollowUpInput, s engine.Step) error {
		cp := r.cps.Get(in.PointID)
		switch {
		case cp == nil || !openFollowUp(*cp):
			return engine.Invalid("point_id", "%q is no open upsell follow-up", in.PointID)
		case s.Actor != cp.Owner && !lead(r, s):
			return engine.NotAllowed("the follow-up %s is %s's", in.PointID, cp.Owner)
		}
		return nil
	},
	func(r *programmeRun, in *vip.CompleteFollowUpInput, s engine.Step) { r.cps.Done(s.Now, in.PointID) })

func openFollowUp(cp casework.ControlPoint) bool {
	return cp.Kind == vip.PointUpsell && (cp.Status == casework.PointOpen || cp.Status == casework.PointOverdue)
}

var closeProgramme = engine.Handle(vip.ActCloseProgramme, active,
	func(_ *programmeRun, in *vip.CloseProgrammeInput, _ engine.Step) error {
		return engine.Required("reason", strings.TrimSpace(in.Reason))
	},
	func(r *programmeRun, in *vip.CloseProgrammeInput, s engine.Step) {
		at := s.Now
		r.v.Status, r.v.ClosedAt, r.v.ClosedReason = vip.StatusClosed, &at, in.Reason
		for i := range r.v.Interviews {
			if iv := &r.v.Interviews[i]; iv.Status == vip.InterviewPending {
				iv.Status, iv.SkipReason = vip.InterviewSkipped, "programme closed: "+in.Reason
			}
		}
		r.cps.CancelAll(s.Now)
	})

// outcomes turns an interview's answers into work, in the order of the
// form: upsell topics, referrals, the complaint. Each piece of work has an
// ID derived from the programme, period, client and its place in the
// form, so whatever a retry or a replay starts again is the same work.
func (r *programmeRun) outcomes(s engine.Step, iv *vip.Interview, in *vip.RecordInterviewInput) {
	for i, u := range in.Upsell {
		if u.As == vip.UpsellDeal {
			iv.Outcomes = append(iv.Outcomes, r.upsellDeal(s, iv, i, u))
			continue
		}
		id := fmt.Sprintf("upsell-%d-%s-%d", iv.Period, iv.ClientID, i+1)
		r.cps.Arm(s.Now, id, vip.PointUpsell, "", r.ownerOf(iv), r.cps.After(s.Now, r.v.Policy.FollowUpDue),
			"VIP: "+iv.ClientName+" — "+u.Topic)
		iv.Outcomes = append(iv.Outcomes, vip.Outcome{Kind: vip.OutcomeFollowUp, Ref: id, Topic: u.Topic})
	}
	for i, ref := range in.Referrals {
		iv.Outcomes = append(iv.Outcomes, r.referral(s, iv, i, ref))
	}
	if in.Complaint != nil {
		iv.Outcomes = append(iv.Outcomes, r.complaint(s, iv, *in.Complaint))
	}
}

// ownerOf is who takes an interview's work: the client's owner, or the
// lead for a client without one.
func (r *programmeRun) ownerOf(iv *vip.Interview) string {
	if iv.Owner != "" {
		return iv.Owner
	}
	return r.v.Lead
}

// workID is the deterministic ID of the n-th piece of work of a kind an
// interview started: prefix and 16 hex digits.
func (r *programmeRun) workID(prefix, kind string, iv *vip.Interview, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%s\x00%s\x00%d", r.v.ID, iv.Period, iv.ClientID, kind, n))
	return prefix + hex.EncodeToString(sum[:])[:16]
}

// upsellDeal opens a deal for the client's owner as a child workflow that
// outlives the period (ID from workID: a second start is refused by
// Temporal and taken as the deal being there).
func (r *programmeRun) upsellDeal(s engine.Step, iv *vip.Interview, n int, u vip.UpsellInput) vip.Outcome {
	id := r.workID("deal-", vip.OutcomeDeal, iv, n)
	head := deal.Header{ID: id, ClientID: iv.ClientID, Owner: r.ownerOf(iv), Title: u.Topic, Product: u.Product, Currency: r.v.Policy.Currency}
	if u.Amount != nil {
		head.Amount = *u.Amount
	}
	p := DealParams{Params: deal.Params{Header: head, Policy: *r.p.DealPolicy, PolicyVersion: r.v.PolicyVersion, Calendar: r.cps.Calendar()}}
	cp := r.complaintPolicy()
	p.ComplaintPolicy = &cp
	out := vip.Outcome{Kind: vip.OutcomeDeal, Ref: id, Topic: u.Topic}
	if err := startChild(s, id, Deal, p); err != nil {
		out.Error = err.Error()
	}
	r.Record(s.Now, engine.SystemActor, "deal_opened", out)
	return out
}

// startChild starts a child workflow that outlives the programme; a child
// of that ID started before counts as started.
func startChild(s engine.Step, id string, wf, arg any) error {
	cctx := workflow.WithChildOptions(s.Ctx, workflow.ChildWorkflowOptions{
		WorkflowID: id, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	err := workflow.ExecuteChildWorkflow(cctx, wf, arg).GetChildWorkflowExecution().Get(s.Ctx, nil)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	return err
}

// referral creates the referred company as a potential client, created by
// the interviewer, through the idempotent CreateReferral activity.
func (r *programmeRun) referral(s engine.Step, iv *vip.Interview, n int, ref vip.ReferralInput) vip.Outcome {
	in := vip.NewClient{
		ClientID: r.workID("cl-", vip.OutcomeClient, iv, n), ProgrammeID: r.v.ID, ReferredBy: iv.ClientID,
		Interviewer: iv.Interviewer, At: s.Now, Referral: ref,
	}
	if ref.ContactPerson != "" {
		in.ContactID = r.workID("ct-", vip.OutcomeClient, iv, n)
	}
	out := vip.Outcome{Kind: vip.OutcomeClient, Ref: in.ClientID, Topic: ref.Name}
	if err := r.Activity(s.Ctx, acts.CreateReferral, in, nil); err != nil {
		out.Error = err.Error()
	}
	r.Record(s.Now, engine.SystemActor, "referral_created", out)
	return out
}

// complaint opens the complaint procedure the way a deal's dissatisfied
// survey does (startComplaint), registered by the interviewer.
func (r *programmeRun) complaint(s engine.Step, iv *vip.Interview, in vip.ComplaintInput) vip.Outcome {
	id := r.workID("cmp-", vip.OutcomeComplaint, iv, 0)
	p := complaint.Params{ID: id, RegisteredBy: iv.Interviewer, Calendar: r.cps.Calendar(), PolicyVersion: r.v.PolicyVersion,
		Policy: r.complaintPolicy(), Form: complaint.Form{
			ClientID: iv.ClientID, Channel: ChannelInterview, Category: in.Category,
			Severity: complaint.Severity(in.Severity), Description: in.Description,
		}}
	out := vip.Outcome{Kind: vip.OutcomeComplaint, Ref: id, Topic: in.Category}
	// The events say where the complaint came from: interview_complaint_opened.
	record := func(now time.Time, actor, typ string, data any) { r.Record(now, actor, "interview_"+typ, data) }
	if err := startComplaint(s, p, record); err != nil {
		out.Error = err.Error()
	}
	return out
}

// ChannelInterview is the channel of a complaint a VIP interview opened.
const ChannelInterview = "vip_interview"
