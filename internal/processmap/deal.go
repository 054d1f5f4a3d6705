package processmap

import (
	"fmt"
	"sync"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
)

// dealPlaces says where each deal action is offered (docs/process.md §1,
// §2; the catalogue's When): a stage, the follow-up, or the open deal as a
// whole (onOpen; onOpenEnds when the action ends the deal).
var dealPlaces = map[string]string{
	deal.ActSchedulePresentation: "presentation", deal.ActHoldPresentation: "presentation",
	deal.ActSendProtocol: "presentation", deal.ActDeclinePresentation: "presentation",
	deal.ActIssueOffer: "offer", deal.ActRequestOfferChanges: "offer", deal.ActExtendOffer: "offer", deal.ActAcceptOffer: "offer",
	deal.ActPrepareContract: "contract", deal.ActApproveContract: "contract",
	deal.ActRequestContractChanges: "contract", deal.ActReviseContract: "contract",
	deal.ActRecordPayment: "payment", deal.ActCancelWithRefund: onOpenEnds,
	deal.ActPlanEvent: "event", deal.ActApproveEventItem: "event", deal.ActRescheduleEvent: "event",
	deal.ActHoldEvent: "event", deal.ActSignClosingDocuments: "event",
	deal.ActSubmitSurvey: "close", deal.ActScheduleFollowUp: "close", deal.ActCloseDeal: "close",
	deal.ActCompleteFollowUp: onFollowUp,
	deal.ActLose:             onOpenEnds, deal.ActLogContact: onOpen, deal.ActReassign: onOpen,
	deal.ActRegenerateDocument: onOpen,
}

// dealActionEnds are the end events of the actions taken on the open deal.
var dealActionEnds = map[string][2]string{
	deal.ActLose:               {EndLost, "Lost"},
	deal.ActCancelWithRefund:   {"End_lost_refund", "Lost: cancelled with a refund"},
	deal.ActLogContact:         {"End_contact_logged", "Contact logged"},
	deal.ActReassign:           {"End_reassigned", "Deal reassigned"},
	deal.ActRegenerateDocument: {"End_document_regenerated", "Document regenerated"},
}

// dealPoints says which activities watch each control point kind
// (docs/process.md §3): stages, the open deal or the follow-up; a kind
// armed in two stages has a timer on each.
var dealPoints = map[casework.PointKind][]string{
	deal.PointProtocol: {"presentation"}, deal.PointPresentationRetry: {"presentation"},
	deal.PointOfferValidity: {"offer"}, deal.PointCorrections: {"offer", "contract"},
	deal.PointPaymentDue: {"payment", "close"}, deal.PointEventItems: {"event"}, deal.PointEventDate: {"event"},
	deal.PointSurvey: {"close"}, deal.PointContactInterval: {onOpen}, deal.PointFollowUp: {onFollowUp},
}

// dealDue says when each deal point falls due, by policy field.
var dealDue = map[casework.PointKind]string{
	deal.PointProtocol:          "protocol_delay after the presentation",
	deal.PointPresentationRetry: "the retry_at date of the decline",
	deal.PointOfferValidity:     "the offer version's valid_until (offer_validity); the offer expires",
	deal.PointCorrections:       "corrections_due, else corrections_delay after the request",
	deal.PointPaymentDue:        "invoice_due after the invoice",
	deal.PointEventItems:        "event_items_lead before the event date",
	deal.PointEventDate:         "the end of the event's day",
	deal.PointSurvey:            "survey_delay after the closing documents",
	deal.PointContactInterval:   "contact_interval after the last contact",
	deal.PointFollowUp:          "follow_up_delay after closing, or the date agreed",
}

var dealMap = sync.OnceValues(buildDeal)

// Deal returns the map of the deal process (docs/process.md §1–§3).
func Deal() (*Map, error) { return dealMap() }

// buildDeal generates the deal map from package deal's definitions.
func buildDeal() (*Map, error) {
	stages := make([]string, len(deal.Stages))
	for i, s := range deal.Stages {
		stages[i] = string(s)
	}
	ps, err := phases("Stage_", stages, nil, deal.Inputs, dealPlaces)
	if err != nil {
		return nil, err
	}
	follow := container(FollowUp, "Follow-up of the won deal", adHoc)
	for _, a := range deal.Inputs {
		if dealPlaces[a.Name] == onFollowUp {
			follow.add(&node{id: ActionID(a.Name), name: title(a.Name), kind: userTask, doc: actionDoc(a)})
		}
	}
	open := dealStages(ps)
	root := container("Process_deal", "Deal", "")
	if err := dealTop(root, open, follow); err != nil {
		return nil, err
	}
	if err := dealPointsOn(root, open, follow, ps); err != nil {
		return nil, err
	}
	m := &Map{ID: "Process_deal", Name: "Deal (docs/process.md §1–§3)", root: root, roots: [][4]string{
		{"error", errorDeclined, "Presentation declined too often", "presentation_declined"},
		{"escalation", escalationOverdue, "Control point overdue", "overdue"},
		{"signal", signalCancelled, "Workflow cancelled by an operator", ""},
	}}
	layout(m)
	return m, nil
}

// errorDeclined is thrown when the last allowed presentation is declined.
const errorDeclined = "Error_presentation_declined"

// dealStages lays the six stages into the open deal with the deviations
// between them (docs/process.md §2.1, §2.3, §2.4).
func dealStages(ps map[string]*phase) *node {
	open := container(DealOpen, "Open deal", subProcess)
	st := func(s deal.Stage) *node { return ps[string(s)].node }
	start := open.add(&node{id: "Start_open", name: "Deal opened", kind: startEvent})
	open.add(st(deal.StagePresentation))
	gwPres := open.add(&node{id: "Gateway_presentation", name: "Presentation outcome?", kind: gateway})
	mergeOffer := open.add(&node{id: "Gateway_offer_merge", name: "Offer (again)", kind: gateway})
	open.add(st(deal.StageOffer))
	open.add(st(deal.StageContract))
	gwContract := open.add(&node{id: "Gateway_contract", name: "Contract outcome?", kind: gateway})
	open.add(st(deal.StagePayment))
	mergeEvent := open.add(&node{id: "Gateway_event_merge", name: "Prepayment in", kind: gateway})
	open.add(st(deal.StageEvent))
	open.add(st(deal.StageClose))
	won := open.add(&node{id: "End_closed_won", name: "Closed as won", kind: endEvent})
	declined := open.place(&node{id: "End_declined", name: "Declined too often", kind: endEvent, def: errorDef, ref: errorDeclined}, gwPres, 110)

	open.link(start, st(deal.StagePresentation), "", "", viaAuto)
	open.link(st(deal.StagePresentation), gwPres, "", "", viaAuto)
	open.link(gwPres, mergeOffer, "protocol sent", "protocol sent", viaAuto)
	open.link(gwPres, declined, "declined too often", "presentation_max_attempts declines", viaAuto)
	open.link(mergeOffer, st(deal.StageOffer), "", "", viaAuto)
	open.link(st(deal.StageOffer), st(deal.StageContract), "", "", viaAuto)
	open.link(st(deal.StageContract), gwContract, "", "", viaAuto)
	open.link(gwContract, st(deal.StagePayment), "prepayment due", "signed with before_event installments", viaAuto)
	open.link(gwContract, mergeEvent, "nothing due before the event", "signed without before_event installments", viaBottom)
	open.link(gwContract, mergeOffer, "revised back to the offer", "revise_contract back_to_offer", viaTop)
	open.link(st(deal.StagePayment), mergeEvent, "", "", viaAuto)
	open.link(mergeEvent, st(deal.StageEvent), "", "", viaAuto)
	open.link(st(deal.StageEvent), st(deal.StageClose), "", "", viaAuto)
	open.link(st(deal.StageClose), won, "", "", viaAuto)
	return open
}

// dealTop lays the top level: the open deal, its way out (won, lost,
// cancelled) and the follow-up with its outcomes (docs/process.md §1).
func dealTop(root, open, follow *node) error {
	start := root.add(&node{id: "Start_deal", name: "Deal requested", kind: startEvent})
	root.add(open)
	merge := root.add(&node{id: "Gateway_follow_up_merge", name: "Follow-up armed", kind: gateway})
	root.add(follow)
	gw := root.add(&node{id: "Gateway_follow_up", name: "Follow-up outcome?", kind: gateway})
	won := root.add(&node{id: EndWon, name: "Won: no further interest", kind: endEvent})
	next := root.place(&node{id: "End_next_deal", name: "Won: next deal opened", kind: endEvent}, gw, 110)
	root.link(start, open, "", "", viaAuto)
	root.link(open, merge, "", "", viaAuto)
	root.link(merge, follow, "", "", viaAuto)
	root.link(follow, gw, "", "", viaAuto)
	root.link(gw, won, "not interested", "outcome = not_interested", viaAuto)
	root.link(gw, next, "next deal", "outcome = next_deal", viaAuto)
	root.link(gw, merge, "talk again later", "outcome = later", viaTop)

	if err := actionEvents(root, open, deal.Inputs, dealPlaces, dealActionEnds); err != nil {
		return err
	}
	catch := root.attach(open, &node{id: "Catch_declined", name: "Presentation declined too often", def: errorDef, ref: errorDeclined, interrupting: true})
	root.link(catch, root.place(&node{id: "End_lost_declined", name: "Lost: presentation declined", kind: endEvent}, catch, 90), "", "", viaAuto)
	cancel := root.attach(open, &node{id: "Catch_cancelled", name: "Cancelled by an operator", def: signalDef, ref: signalCancelled, interrupting: true})
	root.link(cancel, root.place(&node{id: EndCancelled, name: "Cancelled", kind: endEvent}, cancel, 90), "", "", viaAuto)
	return nil
}

// dealPointsOn attaches the timer of every control point kind to the
// activities that watch it.
func dealPointsOn(root, open, follow *node, ps map[string]*phase) error {
	pol := deal.DefaultPolicy()
	for _, k := range deal.PointKinds {
		hosts, ok := dealPoints[k]
		if !ok {
			return fmt.Errorf("processmap: control point kind %q has no place on the map", k)
		}
		for _, h := range hosts {
			id := DealPointID(k, h)
			switch h {
			case onOpen:
				point(root, open, id, k, pol.Point(k), dealDue[k])
			case onFollowUp:
				point(root, follow, id, k, pol.Point(k), dealDue[k])
			default:
				point(open, ps[h].node, id, k, pol.Point(k), dealDue[k])
			}
		}
	}
	return nil
}
