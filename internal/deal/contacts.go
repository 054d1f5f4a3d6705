package deal

import "slices"

// ClientContacts are the actions that are contacts with the client
// (docs/process.md §3): each restarts the contact interval — log_contact
// from its own time, the others from when they are taken. Internal steps
// (revise_contract, record_payment, close_deal, reassign) are not
// contacts.
var ClientContacts = []string{
	ActSchedulePresentation, ActDeclinePresentation, ActHoldPresentation, ActSendProtocol,
	ActIssueOffer, ActRequestOfferChanges, ActExtendOffer, ActAcceptOffer,
	ActPrepareContract, ActApproveContract, ActRequestContractChanges,
	ActPlanEvent, ActApproveEventItem, ActRescheduleEvent, ActHoldEvent, ActSignClosingDocuments,
	ActSubmitSurvey, ActScheduleFollowUp, ActLogContact,
}

// IsClientContact reports whether the action is a contact with the client.
func IsClientContact(action string) bool { return slices.Contains(ClientContacts, action) }

// FollowUpOutcome is what a won deal's follow-up contact led to.
type FollowUpOutcome string

// Follow-up outcomes (docs/process.md §1): the client wants a next deal
// (completed when that deal is opened naming this one), wants to talk
// again later (the follow-up is re-armed at the new date), or is not
// interested (the follow-up is closed).
const (
	OutcomeNextDeal      FollowUpOutcome = "next_deal"
	OutcomeLater         FollowUpOutcome = "later"
	OutcomeNotInterested FollowUpOutcome = "not_interested"
)

// FollowUpPurpose is the purpose of a follow-up scheduled without one.
const FollowUpPurpose = "follow-up"
