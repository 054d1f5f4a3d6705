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
	return nil, engine.Invalid(field, "%q is not an approver of this contract (approvers: %s)", name, strings.Join(names, ", "))
}

var prepareContract = engine.Handle(deal.ActPrepareContract,
	onceIn(deal.StageContract, func(r *run) bool { return r.v.Contract != nil }, "the contract is already prepared"),
	func(_ *run, in *deal.PrepareContractInput, _ engine.Step) error {
		if len(in.Approvers) == 0 {
			return engine.Invalid("approvers", "name at least one approver")
		}
		for i, a := range in.Approvers {
			if strings.TrimSpace(a) == "" || slices.Index(in.Approvers, a) != i {
				return engine.Invalid("approvers", "names must be non-empty and unique")
			}
		}
		return checkPlan(in.PaymentPlan)
	},
	func(r *run, in *deal.PrepareContractInput, s engine.Step) {
		plan := in.PaymentPlan
		if len(plan) == 0 {
			plan = []deal.Installment{{Percent: 100, Due: deal.DueBeforeEvent}}
		}
		c := &deal.Contract{Revision: 1, Status: deal.ContractAwaitingApproval, PaymentPlan: plan, ChangeRequests: []deal.ChangeRequest{}}
		for _, a := range in.Approvers {
			c.Approvers = append(c.Approvers, deal.Approver{Name: a})
		}
		r.v.Contract = c
		r.document(s.Now, deal.DocContract, 1, "contract-r1", "")
	})

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
	func(r *run, _ *deal.ReviseContractInput, s engine.Step) {
		c := r.v.Contract
		c.Revision++
		c.Status = deal.ContractAwaitingApproval
		for i := range c.Approvers {
			c.Approvers[i].Approved, c.Approvers[i].ApprovedAt = false, nil
		}
		r.cps.Done(s.Now, pointContractCorrections)
		r.document(s.Now, deal.DocContract, c.Revision, fmt.Sprintf("contract-r%d", c.Revision), "")
	})
