package workflows

import (
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// dealRegistry pairs every action of deal.Inputs with its handler. It is
// built per workflow (newRun), not as a package variable, so that the
// handlers and the functions they use do not form an initialization cycle.
func dealRegistry() *engine.Registry[*run] {
	return engine.MustRegistry(deal.Inputs,
		schedulePresentation, holdPresentation, sendProtocol, declinePresentation,
		issueOffer, requestOfferChanges, extendOffer, acceptOffer,
		prepareContract, approveContract, requestContractChanges, reviseContract,
		recordPayment, cancelWithRefund,
		planEvent, approveEventItem, rescheduleEvent, holdEvent, signClosingDocuments,
		submitSurvey, scheduleFollowUp, closeDeal, lose, logContact,
		reassign,
	)
}

// Preconditions shared by many actions.

func (r *run) isOpen() error {
	if r.v.Status != deal.StatusOpen {
		return engine.NotAllowed("the deal is %s", r.v.Status)
	}
	return nil
}

func (r *run) inStage(s deal.Stage) error {
	if err := r.isOpen(); err != nil {
		return err
	}
	if r.v.Stage != s {
		return engine.NotAllowed("the deal is in stage %s, not %s", r.v.Stage, s)
	}
	return nil
}
