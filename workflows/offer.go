package workflows

import (
	"fmt"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

const pointOfferCorrections = "offer-corrections"

// checkCorrections checks a request for corrections of the offer or the
// contract: a comment, and a committed date in the future when given.
func checkCorrections(comment string, due *time.Time, now time.Time) error {
	if err := engine.Required("comment", comment); err != nil {
		return err
	}
	if due != nil {
		return engine.Future("corrections_due", *due, now)
	}
	return nil
}

func offerPoint(version int) string { return fmt.Sprintf("offer-v%d", version) }

func (r *run) currentOffer() *deal.Offer {
	if n := len(r.v.Offers); n > 0 {
		return &r.v.Offers[n-1]
	}
	return nil
}

// offerAnswerable allows actions on a sent or expired current offer.
var offerAnswerable = inStageIf(deal.StageOffer, func(r *run) string {
	if o := r.currentOffer(); o == nil || (o.Status != deal.OfferSent && o.Status != deal.OfferExpired) {
		return "there is no sent or expired offer"
	}
	return ""
})

var issueOffer = engine.Handle(deal.ActIssueOffer,
	inStageIf(deal.StageOffer, func(r *run) string {
		if o := r.currentOffer(); o != nil && o.Status == deal.OfferSent {
			return fmt.Sprintf("offer v%d is still awaiting the client's answer", o.Version)
		}
		return ""
	}),
	func(_ *run, in *deal.IssueOfferInput, st engine.Step) error {
		if in.Amount <= 0 {
			return engine.Invalid("amount", "must be positive")
		}
		if in.ValidUntil != nil {
			return engine.Future("valid_until", *in.ValidUntil, st.Now)
		}
		return nil
	},
	func(r *run, in *deal.IssueOfferInput, s engine.Step) {
		if prev := r.currentOffer(); prev != nil {
			// Only an expired version still has an active point here: the
			// new version supersedes it, so its obligation no longer applies.
			r.cps.Close(s.Now, offerPoint(prev.Version), casework.PointCancelled)
		}
		r.cps.Done(s.Now, pointOfferCorrections)
		until := engine.OrNow(in.ValidUntil, r.cps.After(s.Now, r.v.Policy.OfferValidity))
		o := deal.Offer{Version: len(r.v.Offers) + 1, Amount: in.Amount, ValidUntil: until, Terms: in.Terms, Status: deal.OfferSent, IssuedAt: s.Now}
		r.v.Offers = append(r.v.Offers, o)
		r.document(s.Now, deal.DocOffer, o.Version, fmt.Sprintf("offer-v%d", o.Version), "")
		r.arm(s.Now, offerPoint(o.Version), deal.PointOfferValidity, until, fmt.Sprintf("Offer v%d validity ends", o.Version))
	})

var requestOfferChanges = engine.Handle(deal.ActRequestOfferChanges, offerAnswerable,
	func(_ *run, in *deal.RequestOfferChangesInput, st engine.Step) error {
		return checkCorrections(in.Comment, in.CorrectionsDue, st.Now)
	},
	func(r *run, in *deal.RequestOfferChangesInput, s engine.Step) {
		o := r.currentOffer()
		o.Status, o.Comment = deal.OfferChangesRequested, in.Comment
		r.cps.Done(s.Now, offerPoint(o.Version))
		due := engine.OrNow(in.CorrectionsDue, r.cps.After(s.Now, r.v.Policy.CorrectionsDelay))
		r.arm(s.Now, pointOfferCorrections, deal.PointCorrections, due, fmt.Sprintf("Revise offer v%d", o.Version))
	})

var extendOffer = engine.Handle(deal.ActExtendOffer, offerAnswerable,
	func(r *run, in *deal.ExtendOfferInput, st engine.Step) error {
		if err := engine.Future("valid_until", in.ValidUntil, st.Now); err != nil {
			return err
		}
		if o := r.currentOffer(); !in.ValidUntil.After(o.ValidUntil) {
			return engine.Invalid("valid_until", "must be later than the current validity %s", o.ValidUntil.Format(time.RFC3339))
		}
		return nil
	},
	func(r *run, in *deal.ExtendOfferInput, s engine.Step) {
		o := r.currentOffer()
		o.ValidUntil, o.Status = in.ValidUntil, deal.OfferSent
		r.arm(s.Now, offerPoint(o.Version), deal.PointOfferValidity, in.ValidUntil, fmt.Sprintf("Offer v%d validity ends", o.Version))
	})

var acceptOffer = engine.Handle(deal.ActAcceptOffer,
	inStageIf(deal.StageOffer, func(r *run) string {
		if o := r.currentOffer(); o == nil || o.Status != deal.OfferSent {
			return "there is no valid offer to accept"
		}
		return ""
	}),
	func(r *run, in *deal.AcceptOfferInput, _ engine.Step) error {
		if o := r.currentOffer(); in.Version != 0 && in.Version != o.Version {
			return engine.Invalid("version", "only the current offer v%d can be accepted", o.Version)
		}
		return nil
	},
	func(r *run, _ *deal.AcceptOfferInput, s engine.Step) {
		o := r.currentOffer()
		o.Status = deal.OfferAccepted
		r.v.Amount = o.Amount
		r.cps.Done(s.Now, offerPoint(o.Version))
		r.enter(s.Now, deal.StageContract)
	})

// expireOffer marks the offer behind an overdue validity point as expired.
func (r *run) expireOffer(now time.Time, pointID string) {
	for i := range r.v.Offers {
		o := &r.v.Offers[i]
		if offerPoint(o.Version) == pointID && o.Status == deal.OfferSent {
			o.Status = deal.OfferExpired
			r.Record(now, engine.SystemActor, "offer_expired", map[string]int{"version": o.Version})
		}
	}
}
