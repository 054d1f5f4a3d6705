package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
	"github.com/salesflow/salesflow/internal/money"
)

func invoicePoint(n int) string { return fmt.Sprintf("invoice-%d", n) }

// installmentAmounts splits the deal amount by the plan; the last
// installment takes the rounding remainder so the parts add up exactly.
func (r *run) installmentAmounts() []money.Amount {
	plan := r.v.Contract.PaymentPlan
	out := make([]money.Amount, len(plan))
	var sum money.Amount
	for i, in := range plan {
		out[i] = r.v.Amount.Percent(in.Percent)
		sum += out[i]
	}
	out[len(out)-1] += r.v.Amount - sum
	return out
}

// issueInvoices invoices every installment of the plan due at the given
// moment, each with its own due date and payment control point.
func (r *run) issueInvoices(now time.Time, due deal.Due) {
	amounts := r.installmentAmounts()
	for i, in := range r.v.Contract.PaymentPlan {
		if in.Due != due {
			continue
		}
		n := i + 1
		inv := deal.Invoice{
			Number: fmt.Sprintf("%s-%d", r.v.ID, n), Installment: n, Due: due, Amount: amounts[i],
			IssuedAt: now, DueAt: r.cps.After(now, r.v.Policy.InvoiceDue), Status: deal.InvoiceIssued,
		}
		r.v.Invoices = append(r.v.Invoices, inv)
		r.document(now, deal.DocInvoice, n, inv.Number, "")
		cp := r.arm(now, invoicePoint(n), deal.PointPaymentDue, inv.DueAt, fmt.Sprintf("Invoice %s (%s %s) due", inv.Number, inv.Amount, r.v.Currency))
		if due == deal.DueAfterEvent {
			cp.Stage = string(deal.StageClose) // postpayment is awaited in close
		}
	}
}

// outstanding is what issued invoices still wait for.
func (r *run) outstanding() money.Amount {
	var sum money.Amount
	for _, inv := range r.v.Invoices {
		if inv.Status == deal.InvoiceIssued {
			sum += inv.Amount - inv.Paid
		}
	}
	return sum
}

// netPaid is what the client paid less refunds.
func (r *run) netPaid() money.Amount {
	var sum money.Amount
	for _, p := range r.v.Payments {
		if p.Kind == deal.KindRefund {
			sum -= p.Amount
		} else {
			sum += p.Amount
		}
	}
	return sum
}

func (r *run) cancelOpenInvoices() {
	for i := range r.v.Invoices {
		if r.v.Invoices[i].Status == deal.InvoiceIssued {
			r.v.Invoices[i].Status = deal.InvoiceCancelled
		}
	}
}

// upTo checks a positive amount of the field that may not exceed most;
// over says what most is ("the outstanding %s %s": most and currency).
func (r *run) upTo(field string, amount, most money.Amount, over string) error {
	if amount <= 0 {
		return engine.Invalid(field, "must be positive")
	}
	if amount > most {
		return engine.Invalid(field, "exceeds "+over, most, r.v.Currency)
	}
	return nil
}

var recordPayment = engine.Handle(deal.ActRecordPayment,
	engine.Unless((*run).isOpen, func(r *run) bool { return r.outstanding() == 0 }, "no invoice is awaiting payment"),
	func(r *run, in *deal.RecordPaymentInput, st engine.Step) error {
		if err := r.upTo("amount", in.Amount, r.outstanding(), "the outstanding %s %s"); err != nil {
			return err
		}
		return engine.NotFuture("paid_at", in.PaidAt, st.Now)
	},
	func(r *run, in *deal.RecordPaymentInput, s engine.Step) {
		r.v.Payments = append(r.v.Payments, deal.Payment{Seq: len(r.v.Payments) + 1, Kind: deal.KindPayment, Amount: in.Amount, At: engine.OrNow(in.PaidAt, s.Now)})
		left := in.Amount
		for i := range r.v.Invoices {
			inv := &r.v.Invoices[i]
			if inv.Status != deal.InvoiceIssued || left == 0 {
				continue
			}
			part := min(left, inv.Amount-inv.Paid)
			inv.Paid += part
			left -= part
			if inv.Paid == inv.Amount {
				inv.Status = deal.InvoicePaid
				r.cps.Done(s.Now, invoicePoint(inv.Installment))
			}
		}
		if r.v.Stage == deal.StagePayment && !slices.ContainsFunc(r.v.Invoices, func(i deal.Invoice) bool {
			return i.Due == deal.DueBeforeEvent && i.Status == deal.InvoiceIssued
		}) {
			r.enter(s.Now, deal.StageEvent)
		}
	})

var cancelWithRefund = engine.Handle(deal.ActCancelWithRefund,
	func(r *run) error {
		if err := r.isOpen(); err != nil {
			return err
		}
		if r.netPaid() <= 0 {
			return engine.NotAllowed("nothing has been paid, so there is nothing to refund; use lose instead")
		}
		if r.v.Event != nil && r.v.Event.HeldAt != nil {
			return engine.NotAllowed("the event has already been held")
		}
		return nil
	},
	func(r *run, in *deal.CancelWithRefundInput, st engine.Step) error {
		if err := r.checkRefund(in.RefundAmount, in.RefundedAt, st.Now); err != nil {
			return err
		}
		return r.checkReason(in.Reason, in.Comment)
	},
	func(r *run, in *deal.CancelWithRefundInput, s engine.Step) {
		r.refund(in.RefundAmount, engine.OrNow(in.RefundedAt, s.Now), in.Reason)
		r.lose(s.Now, in.Reason, in.Comment)
	})

// checkRefund checks a refund: up to the net amount paid, refunded_at
// (when given) not in the future.
func (r *run) checkRefund(amount money.Amount, at *time.Time, now time.Time) error {
	if err := r.upTo("refund_amount", amount, r.netPaid(), "the %s %s paid"); err != nil {
		return err
	}
	return engine.NotFuture("refunded_at", at, now)
}

// refund records money returned to the client on the date it was
// returned (docs/process.md §2.4).
func (r *run) refund(amount money.Amount, at time.Time, reason string) {
	r.v.Payments = append(r.v.Payments, deal.Payment{Seq: len(r.v.Payments) + 1, Kind: deal.KindRefund, Amount: amount, At: at, Reason: reason})
}

// checkRefundDecision checks what a lost deal does with the money received
// (docs/process.md §2.7): with nothing paid (net of refunds) there is
// nothing to decide; otherwise either a refund (refund_amount, refunded_at)
// or keep_payment with its reason.
func (r *run) checkRefundDecision(in *deal.LoseInput, now time.Time) error {
	refund, keep := in.RefundAmount != nil, in.KeepPayment
	paid := r.netPaid()
	switch {
	case paid <= 0 && refund:
		return engine.Invalid("refund_amount", "nothing has been paid, so there is nothing to refund")
	case paid <= 0 && keep:
		return engine.Invalid("keep_payment", "nothing has been paid, so there is nothing to keep")
	case refund && keep:
		return engine.Invalid("keep_payment", "give either refund_amount or keep_payment, not both")
	case in.RefundedAt != nil && !refund:
		return engine.Invalid("refunded_at", "is the date of a refund: give refund_amount too")
	case refund:
		return r.checkRefund(*in.RefundAmount, in.RefundedAt, now)
	case keep:
		return engine.Required("keep_payment_reason", strings.TrimSpace(in.KeepPaymentReason))
	case paid > 0:
		return engine.Invalid("refund_amount", "%s %s has been received: give refund_amount (and refunded_at), or keep_payment with keep_payment_reason", paid, r.v.Currency)
	}
	return nil
}
