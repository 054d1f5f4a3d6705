package processmap

import (
	"slices"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

// Element IDs other than those made by the functions below.
const (
	// DealOpen is the sub-process of an open deal, holding the six stages.
	DealOpen = "Deal_open"
	// FollowUp is the follow-up of a won deal (docs/process.md §1).
	FollowUp = "FollowUp"
	// EndLost is where a deal lost by the rep's decision ends.
	EndLost = "End_lost"
	// EndWon is where a won deal ends once its follow-up is done.
	EndWon = "End_won"
	// EndCancelled is where a deal whose workflow an operator cancelled
	// ends.
	EndCancelled = "End_cancelled"
	// ComplaintOpen is the sub-process of an open complaint.
	ComplaintOpen = "Complaint_open"
	// EndClosed is the closed step of a complaint.
	EndClosed = "End_closed"
)

// StageID is the element of a deal stage: Stage_offer.
func StageID(s deal.Stage) string { return "Stage_" + string(s) }

// StepID is the element of a complaint step: Step_investigation, and
// End_closed for the closed step.
func StepID(s complaint.Step) string {
	if s == complaint.StepClosed {
		return EndClosed
	}
	return "Step_" + string(s)
}

// ActionID is the element of an action of either catalogue:
// Action_accept_offer.
func ActionID(name string) string { return "Action_" + name }

// DealPointID is the element of a deal control point of kind k armed in
// stage (as the read model records it): Point_<kind>, or
// Point_<kind>_<stage> for the second place of a kind watched in two
// stages (corrections of the contract, payment due after the event).
func DealPointID(k casework.PointKind, stage string) string {
	hosts := dealPoints[k]
	if i := slices.Index(hosts, stage); i > 0 {
		return "Point_" + string(k) + "_" + stage
	}
	return "Point_" + string(k)
}

// DealPointPlace is the element whose overdue count a deal point of kind
// k in stage adds to: the follow-up for follow_up points, else the stage
// ("" when the point has none).
func DealPointPlace(k casework.PointKind, stage string) string {
	if k == deal.PointFollowUp {
		return FollowUp
	}
	if stage == "" {
		return ""
	}
	return StageID(deal.Stage(stage))
}

// ComplaintPointID is the element of a complaint control point of kind k.
func ComplaintPointID(k casework.PointKind) string { return "Point_" + string(k) }

// ComplaintPointPlace is the step element whose overdue count a
// complaint point of kind k adds to ("" for an unknown kind).
func ComplaintPointPlace(k casework.PointKind) string {
	if s, ok := complaintPoints[k]; ok {
		return StepID(complaint.Step(s))
	}
	return ""
}
