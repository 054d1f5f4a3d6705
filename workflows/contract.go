package workflows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/salesflow/salesflow/internal/deal"
)

const pointContractCorrections = "contract-corrections"

func (r *run) contractIn(status deal.ContractStatus) error {
	if err := r.inStage(deal.StageContract); err != nil {
		return err
	}
	if c := r.v.Contract; c == nil || c.Status != status {
		return notAllowed("the contract is not %s", strings.ReplaceAll(string(status), "_", " "))
	}
	return nil
}

func (r *run) approver(field, name string) (*deal.Approver, error) {
	for i := range r.v.Contract.Approvers {
		if a := &r.v.Contract.Approvers[i]; a.Name == name {
			return a, nil
		}
	}
	names := make([]string, 0, len(r.v.Contract.Approvers))
	for _, a := range r.v.Contract.Approvers {
		names = append(names, a.Name)
	}
	return nil, invalid(field, "%q is not an approver of this contract (approvers: %s)", name, strings.Join(names, ", "))
}

var prepareContract = def(deal.ActPrepareContract,
	func(r *run) error {
		if err := r.inStage(deal.StageContract); err != nil {
			return err
		}
		if r.v.Contract != nil {
			return notAllowed("the contract is already prepared")
		}
		return nil
	},
	func(_ *run, in *deal.PrepareContractInput, _ step) error {
		if len(in.Approvers) == 0 {
			return invalid("approvers", "name at least one approver")
		}
		for i, a := range in.Approvers {
			if strings.TrimSpace(a) == "" || slices.Index(in.Approvers, a) != i {
				return invalid("approvers", "names must be non-empty and unique")
			}
		}
		return checkPlan(in.PaymentPlan)
	},
	func(r *run, in *deal.PrepareContractInput, s step) {
		plan := in.PaymentPlan
		if len(plan) == 0 {
			plan = []deal.Installment{{Percent: 100, Due: deal.DueBeforeEvent}}
		}
		c := &deal.Contract{Revision: 1, Status: deal.ContractAwaitingApproval, PaymentPlan: plan, ChangeRequests: []deal.ChangeRequest{}}
		for _, a := range in.Approvers {
			c.Approvers = append(c.Approvers, deal.Approver{Name: a})
		}
		r.v.Contract = c
		r.document(s.now, deal.DocContract, 1, "contract-r1", "")
	})

func checkPlan(plan []deal.Installment) error {
	if len(plan) == 0 {
		return nil
	}
	total := 0
	for _, in := range plan {
		if in.Percent < 1 || in.Percent > 100 {
			return invalid("payment_plan", "each percent must be between 1 and 100")
		}
		if in.Due != deal.DueBeforeEvent && in.Due != deal.DueAfterEvent {
			return invalid("payment_plan", "due must be before_event or after_event")
		}
		total += in.Percent
	}
	if total != 100 {
		return invalid("payment_plan", "percents add up to %d, not 100", total)
	}
	return nil
}

var approveContract = def(deal.ActApproveContract,
	func(r *run) error { return r.contractIn(deal.ContractAwaitingApproval) },
	func(r *run, in *deal.ApproveContractInput, _ step) error {
		a, err := r.approver("approver", in.Approver)
		if err == nil && a.Approved {
			err = invalid("approver", "%q already approved revision %d", a.Name, r.v.Contract.Revision)
		}
		return err
	},
	func(r *run, in *deal.ApproveContractInput, s step) {
		a, _ := r.approver("approver", in.Approver)
		a.Approved, a.ApprovedAt = true, &s.now
		c := r.v.Contract
		if slices.ContainsFunc(c.Approvers, func(a deal.Approver) bool { return !a.Approved }) {
			return
		}
		c.Status, c.SignedAt = deal.ContractSigned, &s.now
		r.record(s.now, systemActor, "contract_signed", map[string]int{"revision": c.Revision})
		r.enter(s.now, deal.StagePayment)
		r.issueInvoices(s.now, deal.DueBeforeEvent)
		if r.outstanding() == 0 {
			r.enter(s.now, deal.StageEvent)
		}
	})

var requestContractChanges = def(deal.ActRequestContractChanges,
	func(r *run) error { return r.contractIn(deal.ContractAwaitingApproval) },
	func(r *run, in *deal.RequestContractChangesInput, st step) error {
		if _, err := r.approver("approver", in.Approver); err != nil {
			return err
		}
		if err := required("comment", in.Comment); err != nil {
			return err
		}
		if in.CorrectionsDue != nil {
			return future("corrections_due", *in.CorrectionsDue, st.now)
		}
		return nil
	},
	func(r *run, in *deal.RequestContractChangesInput, s step) {
		c := r.v.Contract
		c.Status = deal.ContractChangesRequested
		c.ChangeRequests = append(c.ChangeRequests, deal.ChangeRequest{Revision: c.Revision, Approver: in.Approver, Comment: in.Comment, At: s.now})
		due := orNow(in.CorrectionsDue, r.cps.after(s.now, r.v.Policy.CorrectionsDelay))
		r.arm(s.now, pointContractCorrections, deal.PointCorrections, due, fmt.Sprintf("Revise contract revision %d", c.Revision))
	})

var reviseContract = def(deal.ActReviseContract,
	func(r *run) error { return r.contractIn(deal.ContractChangesRequested) }, nil,
	func(r *run, _ *deal.ReviseContractInput, s step) {
		c := r.v.Contract
		c.Revision++
		c.Status = deal.ContractAwaitingApproval
		for i := range c.Approvers {
			c.Approvers[i].Approved, c.Approvers[i].ApprovedAt = false, nil
		}
		r.cps.done(s.now, pointContractCorrections)
		r.document(s.now, deal.DocContract, c.Revision, fmt.Sprintf("contract-r%d", c.Revision), "")
	})
