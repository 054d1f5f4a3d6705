package workflows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

const pointContractCorrections = "contract-corrections"

// contractIn allows an action while the contract has the given status.
func contractIn(status deal.ContractStatus) func(*run) error {
	return inStageIf(deal.StageContract, func(r *run) string {
		if c := r.v.Contract; c == nil || c.Status != status {
			return "the contract is not " + strings.ReplaceAll(string(status), "_", " ")
		}
		return ""
	})
}

// approver finds the approver of the contract an approval names by name
// or by contact ID.
func (r *run) approver(field, name string) (*deal.Approver, error) {
	for i := range r.v.Contract.Approvers {
		if a := &r.v.Contract.Approvers[i]; a.Name == name || (a.ContactID != "" && a.ContactID == name) {
			return a, nil
		}
	}
	names := make([]string, 0, len(r.v.Contract.Approvers))
	for _, a := range r.v.Contract.Approvers {
		names = append(names, a.Name)
	}
	return nil, engine.Invalid(field, "%q is not an approver of this contract (approvers: %s)", name, strings.Join(names, ", "))
}

var prepareContract = engine.Handle(deal.ActPrepareContract,
	onceIn(deal.StageContract, func(r *run) bool {
		return r.v.Contract != nil && r.v.Contract.Status != deal.ContractSuperseded
	}, "the contract is already prepared"),
	func(_ *run, in *deal.PrepareContractInput, _ engine.Step) error {
		if err := checkApprovers(in.Approvers); err != nil {
			return err
		}
		return checkPlan(in.PaymentPlan)
	},
	func(r *run, in *deal.PrepareContractInput, s engine.Step) {
		plan := in.PaymentPlan
		if len(plan) == 0 {
			plan = []deal.Installment{{Percent: 100, Due: deal.DueBeforeEvent}}
		}
		rev := 1
		if prev := r.v.Contract; prev != nil { // set aside for a revised offer
			rev = prev.Revision + 1
		}
		c := &deal.Contract{Revision: rev, Status: deal.ContractAwaitingApproval, PaymentPlan: plan, ChangeRequests: []deal.ChangeRequest{}}
		for _, a := range in.Approvers {
			c.Approvers = append(c.Approvers, deal.Approver{ContactID: a.ContactID, Role: a.Role, Name: a.Name})
		}
		r.v.Contract = c
		r.document(s.Now, deal.DocContract, rev, fmt.Sprintf("contract-r%d", rev), "")
	})

// checkApprovers checks the contract's approvers (docs/process.md §2.3):
// at least one; each with a name and either one of the client's contact
// persons (contact_id) or the role the person holds; names and contact
// persons unique.
func checkApprovers(approvers []deal.ApproverInput) error {
	if len(approvers) == 0 {
		return engine.Invalid("approvers", "name at least one approver")
	}
	names, contacts := map[string]bool{}, map[string]bool{}
	for i, a := range approvers {
		field := fmt.Sprintf("approvers[%d]", i)
		name := strings.TrimSpace(a.Name)
		switch {
		case a.Legacy():
			return engine.Invalid(field, "must be an object: {contact_id, name} of a contact person of the client, or {role, name}")
		case name == "":
			return engine.Invalid(field+".name", "is required: the name of the person who approves")
		case a.ContactID == "" && strings.TrimSpace(a.Role) == "":
			return engine.Invalid(field, "%q needs a contact_id (a contact person of the client) or the role the person holds", name)
		case names[name]:
			return engine.Invalid(field+".name", "%q is named twice", name)
		case a.ContactID != "" && contacts[a.ContactID]:
			return engine.Invalid(field+".contact_id", "%q is named twice", a.ContactID)
		}
		names[name], contacts[a.ContactID] = true, true
	}
	return nil
}

func checkPlan(plan []deal.Installment) error {
	if len(plan) == 0 {
		return nil
	}
	total := 0
	for _, in := range plan {
		if in.Percent < 1 || in.Percent > 100 {
			return engine.Invalid("payment_plan", "each percent must be between 1 and 100")
		}
		if in.Due != deal.DueBeforeEvent && in.Due != deal.DueAfterEvent {
			return engine.Invalid("payment_plan", "due must be before_event or after_event")
		}
		total += in.Percent
	}
	if total != 100 {
		return engine.Invalid("payment_plan", "percents add up to %d, not 100", total)
	}
	return nil
}

var approveContract = engine.Handle(deal.ActApproveContract,
	contractIn(deal.ContractAwaitingApproval),
	func(r *run, in *deal.ApproveContractInput, _ engine.Step) error {
		a, err := r.approver("approver", in.Approver)
		if err == nil && a.Approved {
			err = engine.Invalid("approver", "%q already approved revision %d", a.Name, r.v.Contract.Revision)
		}
		return err
	},
	func(r *run, in *deal.ApproveContractInput, s engine.Step) {
		a, _ := r.approver("approver", in.Approver)
		a.Approved, a.ApprovedAt = true, &s.Now
		c := r.v.Contract
		if slices.ContainsFunc(c.Approvers, func(a deal.Approver) bool { return !a.Approved }) {
			return
		}
		c.Status, c.SignedAt = deal.ContractSigned, &s.Now
		r.Record(s.Now, engine.SystemActor, "contract_signed", map[string]int{"revision": c.Revision})
		r.enter(s.Now, deal.StagePayment)
		r.issueInvoices(s.Now, deal.DueBeforeEvent)
		if r.outstanding() == 0 {
			r.enter(s.Now, deal.StageEvent)
		}
	})

var requestContractChanges = engine.Handle(deal.ActRequestContractChanges,
	contractIn(deal.ContractAwaitingApproval),
	func(r *run, in *deal.RequestContractChangesInput, st engine.Step) error {
		if _, err := r.approver("approver", in.Approver); err != nil {
			return err
		}
		return checkCorrections(in.Comment, in.CorrectionsDue, st.Now)
	},
	func(r *run, in *deal.RequestContractChangesInput, s engine.Step) {
		c := r.v.Contract
		c.Status = deal.ContractChangesRequested
		c.ChangeRequests = append(c.ChangeRequests, deal.ChangeRequest{Revision: c.Revision, Approver: in.Approver, Comment: in.Comment, At: s.Now})
		due := engine.OrNow(in.CorrectionsDue, r.cps.After(s.Now, r.v.Policy.CorrectionsDelay))
		r.arm(s.Now, pointContractCorrections, deal.PointCorrections, due, fmt.Sprintf("Revise contract revision %d", c.Revision))
	})

var reviseContract = engine.Handle(deal.ActReviseContract,
	contractIn(deal.ContractChangesRequested), nil,
	func(r *run, in *deal.ReviseContractInput, s engine.Step) {
		if in.BackToOffer {
			r.backToOffer(s, in.Comment)
			return
		}
		c := r.v.Contract
		c.Revision++
		c.Status = deal.ContractAwaitingApproval
		for i := range c.Approvers {
			c.Approvers[i].Approved, c.Approvers[i].ApprovedAt = false, nil
		}
		r.cps.Done(s.Now, pointContractCorrections)
		r.document(s.Now, deal.DocContract, c.Revision, fmt.Sprintf("contract-r%d", c.Revision), "")
	})

// backToOffer sets the contract aside and returns the deal to the offer
// stage, its accepted offer marked for changes: the contract's corrections
// become the offer's, due when they were committed to, and the next
// issue_offer completes them (docs/process.md §2.3). The next accepted
// offer leads to a new contract.
func (r *run) backToOffer(s engine.Step, comment string) {
	c := r.v.Contract
	c.Status = deal.ContractSuperseded
	if comment == "" {
		comment = c.ChangeRequests[len(c.ChangeRequests)-1].Comment
	}
	due := r.cps.After(s.Now, r.v.Policy.CorrectionsDelay)
	if cp := r.cps.Get(pointContractCorrections); cp != nil {
		due = cp.DueAt
	}
	r.cps.Done(s.Now, pointContractCorrections)
	o := r.currentOffer()
	o.Status, o.Comment = deal.OfferChangesRequested, comment
	r.Record(s.Now, engine.SystemActor, "contract_superseded", map[string]any{"revision": c.Revision, "offer_version": o.Version})
	r.enter(s.Now, deal.StageOffer)
	r.arm(s.Now, pointOfferCorrections, deal.PointCorrections, due, fmt.Sprintf("Revise offer v%d", o.Version))
}
