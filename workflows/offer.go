package workflows

import (
	"fmt"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
)

const pointOfferCorrections = "offer-corrections"

func offerPoint(version int) string { return fmt.Sprintf("offer-v%d", version) }

func (r *run) currentOffer() *deal.Offer {
	if n := len(r.v.Offers); n > 0 {
		return &r.v.Offers[n-1]
	}
	return nil
}

// offerAnswerable allows actions on a sent or expired current offer.
func (r *run) offerAnswerable() error {
	if err := r.inStage(deal.StageOffer); err != nil {
		return err
	}
	if o := r.currentOffer(); o == nil || (o.Status != deal.OfferSent && o.Status != deal.OfferExpired) {
		return notAllowed("there is no sent or expired offer")
	}
	return nil
}

var issueOffer = def(deal.ActIssueOffer,
	func(r *run) error {
		if err := r.inStage(deal.StageOffer); err != nil {
			return err
		}
		if o := r.currentOffer(); o != nil && o.Status == deal.OfferSent {
			return notAllowed("offer v%d is still awaiting the client's answer", o.Version)
		}
		return nil
	},
	func(_ *run, in *deal.IssueOfferInput, st step) error {
		if in.Amount <= 0 {
			return invalid("amount", "must be positive")
		}
		if in.ValidUntil != nil {
			return future("valid_until", *in.ValidUntil, st.now)
		}
		return nil
	},
	func(r *run, in *deal.IssueOfferInput, s step) {
		if prev := r.currentOffer(); prev != nil {
			// Only an expired version still has an active point here: the
			// new version supersedes it, so its obligation no longer applies.
			r.cps.close(s.now, offerPoint(prev.Version), deal.PointCancelled)
		}
		r.cps.done(s.now, pointOfferCorrections)
		until := orNow(in.ValidUntil, r.cps.after(s.now, r.v.Policy.OfferValidity))
		o := deal.Offer{Version: len(r.v.Offers) + 1, Amount: in.Amount, ValidUntil: until, Terms: in.Terms, Status: deal.OfferSent, IssuedAt: s.now}
		r.v.Offers = append(r.v.Offers, o)
		r.document(s.now, deal.DocOffer, o.Version, fmt.Sprintf("offer-v%d", o.Version), "")
		r.arm(s.now, offerPoint(o.Version), deal.PointOfferValidity, until, fmt.Sprintf("Offer v%d validity ends", o.Version))
	})

var requestOfferChanges = def(deal.ActRequestOfferChanges, (*run).offerAnswerable,
	func(_ *run, in *deal.RequestOfferChangesInput, st step) error {
		if err := required("comment", in.Comment); err != nil {
			return err
		}
		if in.CorrectionsDue != nil {
			return future("corrections_due", *in.CorrectionsDue, st.now)
		}
		return nil
	},
	func(r *run, in *deal.RequestOfferChangesInput, s step) {
		o := r.currentOffer()
		o.Status, o.Comment = deal.OfferChangesRequested, in.Comment
		r.cps.done(s.now, offerPoint(o.Version))
		due := orNow(in.CorrectionsDue, r.cps.after(s.now, r.v.Policy.CorrectionsDelay))
		r.arm(s.now, pointOfferCorrections, deal.PointCorrections, due, fmt.Sprintf("Revise offer v%d", o.Version))
	})

var extendOffer = def(deal.ActExtendOffer, (*run).offerAnswerable,
	func(r *run, in *deal.ExtendOfferInput, st step) error {
		if err := future("valid_until", in.ValidUntil, st.now); err != nil {
			return err
		}
		if o := r.currentOffer(); !in.ValidUntil.After(o.ValidUntil) {
			return invalid("valid_until", "must be later than the current validity %s", o.ValidUntil.Format(time.RFC3339))
		}
		return nil
	},
	func(r *run, in *deal.ExtendOfferInput, s step) {
		o := r.currentOffer()
		o.ValidUntil, o.Status = in.ValidUntil, deal.OfferSent
		r.arm(s.now, offerPoint(o.Version), deal.PointOfferValidity, in.ValidUntil, fmt.Sprintf("Offer v%d validity ends", o.Version))
	})

var acceptOffer = def(deal.ActAcceptOffer,
	func(r *run) error {
		if err := r.inStage(deal.StageOffer); err != nil {
			return err
		}
		if o := r.currentOffer(); o == nil || o.Status != deal.OfferSent {
			return notAllowed("there is no valid offer to accept")
		}
		return nil
	},
	func(r *run, in *deal.AcceptOfferInput, _ step) error {
		if o := r.currentOffer(); in.Version != 0 && in.Version != o.Version {
			return invalid("version", "only the current offer v%d can be accepted", o.Version)
		}
		return nil
	},
	func(r *run, _ *deal.AcceptOfferInput, s step) {
		o := r.currentOffer()
		o.Status = deal.OfferAccepted
		r.v.Amount = o.Amount
		r.cps.done(s.now, offerPoint(o.Version))
		r.enter(s.now, deal.StageContract)
	})

// expireOffer marks the offer behind an overdue validity point as expired.
func (r *run) expireOffer(now time.Time, pointID string) {
	for i := range r.v.Offers {
		o := &r.v.Offers[i]
		if offerPoint(o.Version) == pointID && o.Status == deal.OfferSent {
			o.Status = deal.OfferExpired
			r.record(now, systemActor, "offer_expired", map[string]int{"version": o.Version})
		}
	}
}
