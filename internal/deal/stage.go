// Package deal holds the vocabulary of a sale (docs/process.md §1–§3)
// shared by the workflow, the activities and the HTTP API: stages,
// statuses, the deal view, its control point kinds, documents, the action
// catalogue and the deadline policy. It builds on package casework only and
// has no behaviour that touches Temporal or a database.
package deal

// Stage is one of the six stages of docs/process.md §1.
type Stage string

// The six stages, in order.
const (
	StagePresentation Stage = "presentation"
	StageOffer        Stage = "offer"
	StageContract     Stage = "contract"
	StagePayment      Stage = "payment"
	StageEvent        Stage = "event"
	StageClose        Stage = "close"
)

// Stages lists the stages in process order.
var Stages = []Stage{StagePresentation, StageOffer, StageContract, StagePayment, StageEvent, StageClose}

// Index returns the position of s in Stages, or -1.
func (s Stage) Index() int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return -1
}

// Status is where a deal stands as a whole.
type Status string

// Deal statuses. A deal is open until it is won or lost; cancelled marks a
// deal whose workflow was cancelled by an operator.
const (
	StatusOpen      Status = "open"
	StatusWon       Status = "won"
	StatusLost      Status = "lost"
	StatusCancelled Status = "cancelled"
)

// WaitingOn names who must act next for an open deal to move.
type WaitingOn string

// The parties a deal can wait on.
const (
	WaitingClient   WaitingOn = "client"
	WaitingApprover WaitingOn = "approver"
	WaitingPayment  WaitingOn = "payment"
	WaitingInternal WaitingOn = "internal"
	WaitingNone     WaitingOn = ""
)
