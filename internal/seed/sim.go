package seed

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// dealSim plays one deal through the process of spec sections 1 and 2.
// Every step happens at a time; a step after the cut (the end of the
// history, or the moment the deal stalls or is cancelled) does not happen,
// and the deal stays where it is: open, or cancelled.
type dealSim struct {
	g        *generator
	r        *rand.Rand
	end      time.Time // the end of the history
	cut      time.Time // no step happens after it
	cancelAt time.Time // zero: not cancelled
	next     time.Time // when the client's next deal opens
	lossF    float64   // factor on every loss probability
	fast     bool      // a regular client's routine order: no deviations, steady timing
	stopped  bool

	d       models.Deal
	pays    []models.Payment
	points  []models.ControlPoint
	done    []time.Time // done time per point, zero while active
	last    time.Time
	seq     int
	escal   int       // escalations of points re-armed since
	lostAt  time.Time // zero unless lost
	prepaid int64     // paid before the event
}

// happens records a step at t, or stops the deal when t is after the cut.
func (s *dealSim) happens(t time.Time) bool {
	if s.stopped || t.After(s.cut) {
		s.stopped = true
		return false
	}
	s.seq++
	if t.After(s.last) {
		s.last = t
	}
	return true
}

// enter moves the deal into stage st at t.
func (s *dealSim) enter(st deal.Stage, t time.Time) bool {
	if !s.happens(t) {
		return false
	}
	at := t
	ptr := [...]**time.Time{&s.d.PresentationAt, &s.d.OfferAt, &s.d.ContractAt, &s.d.PaymentAt, &s.d.EventAt, &s.d.CloseAt}[st.Index()]
	*ptr = &at
	s.d.Stage = string(st)
	return true
}

// wait says whom the deal waits on from t.
func (s *dealSim) wait(w deal.WaitingOn, t time.Time) {
	if t.After(s.cut) || s.stopped {
		return
	}
	if string(w) != s.d.WaitingOn || s.d.WaitingSince.IsZero() {
		s.d.WaitingOn, s.d.WaitingSince = string(w), t
	}
}

// arm sets control point id (re-arming replaces the row, as the workflow
// does) and returns its index.
func (s *dealSim) arm(id string, kind deal.PointKind, st deal.Stage, subject string, due time.Time) int {
	due = due.Truncate(time.Second)
	cp := models.ControlPoint{
		SubjectType: models.SubjectDeal, SubjectID: s.d.ID, ID: id, Kind: string(kind), Stage: string(st),
		Owner: s.d.Owner, Subject: subject, DueAt: due, OverdueAt: due.Add(s.g.policy.Point(kind).Grace.D()),
	}
	for i := range s.points {
		if s.points[i].ID == id {
			if s.escalated(i, s.done[i]) {
				s.escal++
			}
			s.points[i], s.done[i] = cp, time.Time{}
			return i
		}
	}
	s.points = append(s.points, cp)
	s.done = append(s.done, time.Time{})
	return len(s.points) - 1
}

// finish marks point i done at t, if t happens.
func (s *dealSim) finish1(i int, t time.Time) bool {
	if !s.happens(t) {
		return false
	}
	s.done[i] = t
	return true
}

// escalated reports whether point i went overdue before it was done at t
// (zero: still active at the end of its life).
func (s *dealSim) escalated(i int, t time.Time) bool {
	if t.IsZero() {
		t = s.end
		if !s.lostAt.IsZero() {
			t = s.lostAt
		}
	}
	return t.After(s.points[i].OverdueAt)
}

// lose ends the deal as lost in its current stage at t.
func (s *dealSim) lose(t time.Time) bool {
	if !s.happens(t) {
		return false
	}
	st := deal.Stage(s.d.Stage)
	s.d.Status, s.d.LostStage = string(deal.StatusLost), s.d.Stage
	s.d.LostReason = s.g.policy.LossReasons[pick(s.r, s.g.reasonW[st.Index()])]
	s.lostAt = t
	s.d.ClosedAt = &s.lostAt
	if s.r.Float64() < 0.5 {
		s.escal++ // a deal about to be lost is often neglected: a missed contact interval
	}
	return true
}

// pay records a payment (positive) or a refund (negative) at t.
func (s *dealSim) pay(t time.Time, amount int64) {
	s.pays = append(s.pays, models.Payment{DealID: s.d.ID, N: len(s.pays) + 1, ClientID: s.d.ClientID, Amount: amount, At: t})
	if amount > 0 {
		s.d.PaidAmount += amount
	} else {
		s.d.RefundedAmount -= amount
	}
}

func (s *dealSim) after(t time.Time, lo, hi float64) time.Time {
	if s.fast { // the middle of the range
		lo, hi = lo+(hi-lo)*0.45, lo+(hi-lo)*0.55
	}
	return t.Add(days(uniform(s.r, lo, hi))).Truncate(time.Second)
}

// onTime returns when an obligation due at due is met: mostly before it,
// sometimes late.
func (s *dealSim) onTime(from, due time.Time, pLate, lateMax float64) time.Time {
	if s.fast {
		pLate = 0
	}
	if s.r.Float64() < pLate {
		return s.after(due, 1.1, lateMax)
	}
	if !due.After(from) {
		return s.after(from, 0.05, 0.9)
	}
	return from.Add(time.Duration(uniform(s.r, 0.2, 1) * float64(due.Sub(from)))).Truncate(time.Second)
}

// geometric counts successes of probability p, at most max.
func geometric(r *rand.Rand, p float64, max int) int {
	n := 0
	for n < max && r.Float64() < p {
		n++
	}
	return n
}

// run plays the deal from its opening at t0 until it is won, lost or cut.
func (s *dealSim) run(t0 time.Time) {
	r, d := s.r, &s.d
	if !s.enter(deal.StagePresentation, t0) {
		return
	}
	s.wait(deal.WaitingClient, t0)

	// 1. Presentation, perhaps declined and retried.
	t := t0
	pDecline := 0.2
	if s.fast {
		pDecline = 0
	}
	for r.Float64() < pDecline {
		pDecline = 0.35
		declined := s.after(t, 1, 8)
		if !s.happens(declined) {
			return
		}
		d.PresentationDeclines++
		if d.PresentationDeclines >= s.g.policy.PresentationMaxAttempts {
			s.lose(s.after(declined, 0, 1))
			return
		}
		due := s.after(declined, 3, 14)
		retry := s.arm("presentation-retry", deal.PointPresentationRetry, deal.StagePresentation, "Retry the declined presentation", due)
		s.wait(deal.WaitingClient, declined)
		t = s.onTime(declined, due, 0.1, 6)
		if !s.finish1(retry, t) {
			return
		}
	}
	if r.Float64() < 0.30*s.lossF {
		s.lose(s.after(t, 1, 20))
		return
	}
	held := s.after(t, 1, 8)
	if !s.happens(held) {
		return
	}
	protocol := s.arm("protocol", deal.PointProtocol, deal.StagePresentation, "Send the meeting protocol", held.Add(s.g.policy.ProtocolDelay.D()))
	s.wait(deal.WaitingInternal, held)
	sent := s.onTime(held, s.points[protocol].DueAt, 0.08, 4)
	if !s.finish1(protocol, sent) {
		return
	}
	s.wait(deal.WaitingClient, sent)

	// 2. Offer, perhaps revised.
	t = s.after(sent, 0.5, 6)
	if !s.enter(deal.StageOffer, t) {
		return
	}
	versions := 1 + geometric(r, 0.35, 4)
	if s.fast {
		versions = 1
	}
	lost := r.Float64() < (0.22+0.08*float64(versions-1))*s.lossF
	for v := 1; v <= versions; v++ {
		issued := s.after(t, 1, 4)
		if !s.happens(issued) {
			return
		}
		d.OfferVersions++
		s.wait(deal.WaitingClient, issued)
		cp := s.arm(fmt.Sprintf("offer-v%d", v), deal.PointOfferValidity, deal.StageOffer, fmt.Sprintf("Offer v%d validity ends", v), issued.Add(s.g.policy.OfferValidity.D()))
		answer := s.after(issued, 1, 9.5)
		if r.Float64() < 0.12 {
			answer = s.after(issued, 10.5, 20) // expired first
		}
		if v == versions && lost {
			s.lose(answer)
			return
		}
		if !s.finish1(cp, answer) {
			return
		}
		t = answer
		if v < versions {
			due := answer.Add(s.g.policy.CorrectionsDelay.D())
			corr := s.arm("offer-corrections", deal.PointCorrections, deal.StageOffer, fmt.Sprintf("Revise offer v%d", v), due)
			s.wait(deal.WaitingInternal, answer)
			t = s.onTime(answer, due, 0.1, 6)
			if !s.finish1(corr, t) {
				return
			}
		}
	}

	// 3. Contract, perhaps corrected at an approver's request.
	if !s.enter(deal.StageContract, t) {
		return
	}
	s.wait(deal.WaitingInternal, t) // drafting the contract
	changes := geometric(r, 0.3, 4)
	if s.fast {
		changes = 0
	}
	lost = r.Float64() < (0.10+0.06*float64(changes))*s.lossF
	t = s.after(t, 0.5, 4)
	if !s.happens(t) {
		return
	}
	s.wait(deal.WaitingApprover, t)
	for c := 1; c <= changes; c++ {
		req := s.after(t, 1, 8)
		if !s.happens(req) {
			return
		}
		d.ContractChanges++
		due := req.Add(s.g.policy.CorrectionsDelay.D())
		corr := s.arm("contract-corrections", deal.PointCorrections, deal.StageContract, fmt.Sprintf("Revise contract revision %d", c), due)
		s.wait(deal.WaitingInternal, req)
		t = s.onTime(req, due, 0.12, 7)
		if !s.finish1(corr, t) {
			return
		}
		s.wait(deal.WaitingApprover, t)
	}
	if lost {
		s.lose(s.after(t, 1, 15))
		return
	}
	signed := s.after(t, 1, 10)
	if !s.enter(deal.StagePayment, signed) {
		return
	}
	s.wait(deal.WaitingInternal, signed) // issuing the invoice

	// 4. Payment: all up front, or in parts before and after the event.
	var shares []float64
	before := 1
	plan := pick(r, []float64{55, 35, 10})
	if s.fast {
		plan = 0
	}
	switch plan {
	case 0:
		shares = []float64{1}
	case 1:
		shares = []float64{0.5, 0.5}
	default:
		shares, before = []float64{0.3, 0.4, 0.3}, 2
	}
	parts := make([]int64, len(shares))
	var rest = d.Amount
	for i, sh := range shares {
		parts[i] = int64(float64(d.Amount)*sh) / 100 * 100
		if i == len(shares)-1 {
			parts[i] = rest
		}
		rest -= parts[i]
	}
	lostAt := -1
	if r.Float64() < 0.08*s.lossF {
		lostAt = r.IntN(before)
	}
	t = signed
	for n := 0; n < before; n++ {
		issued := s.after(t, 0, 2)
		if !s.happens(issued) {
			return
		}
		s.wait(deal.WaitingPayment, issued)
		due := issued.Add(s.g.policy.InvoiceDue.D())
		inv := s.arm(fmt.Sprintf("invoice-%d", n+1), deal.PointPaymentDue, deal.StagePayment, fmt.Sprintf("Invoice %d due", n+1), due)
		if n == lostAt {
			at := s.after(issued, 3, 25)
			if s.lose(at) && s.prepaid > 0 {
				s.pay(at, -s.prepaid)
			}
			return
		}
		t = s.onTime(issued, due, 0.15, 20)
		if !s.finish1(inv, t) {
			return
		}
		s.pay(t, parts[n])
		s.prepaid += parts[n]
	}

	// 5. Event: preparation approved by the client, held on its date.
	if !s.enter(deal.StageEvent, t) {
		return
	}
	date := s.after(t, 7, 60)
	eventDate := s.arm("event-date", deal.PointEventDate, deal.StageEvent, "Hold the event on "+date.Format(time.DateOnly), date)
	itemsDue := date.Add(-s.g.policy.EventItemsLead.D())
	items := s.arm("event-items", deal.PointEventItems, deal.StageEvent, "Get the client's approval of every event item", itemsDue)
	if r.Float64() < 0.5 {
		s.wait(deal.WaitingClient, t)
	} else {
		s.wait(deal.WaitingInternal, t)
	}
	if r.Float64() < 0.04*s.lossF {
		at := t.Add(time.Duration(uniform(r, 0.1, 0.9) * float64(date.Sub(t)))).Truncate(time.Second)
		if s.lose(at) {
			refund := s.prepaid
			if r.Float64() < 0.25 {
				refund = s.prepaid * int64(70+r.IntN(21)) / 100 / 100 * 100 // a cancellation fee is kept
			}
			s.pay(at, -refund)
		}
		return
	}
	approved := s.onTime(t, itemsDue, 0.1, 2.9)
	if !s.finish1(items, approved) {
		return
	}
	held = date.Add(-days(uniform(r, 0, 0.3)))
	if !s.finish1(eventDate, held) || !s.enter(deal.StageClose, held) {
		return
	}

	// 6. Close: satisfaction survey, postpayment, then the follow-up.
	surveyDue := held.Add(s.g.policy.SurveyDelay.D())
	survey := s.arm("survey", deal.PointSurvey, deal.StageClose, "Assess the client's satisfaction", surveyDue)
	s.wait(deal.WaitingClient, held)
	surveyed := s.onTime(held, surveyDue, 0.1, 10)
	if !s.finish1(survey, surveyed) {
		return
	}
	t = surveyed
	for n := before; n < len(parts); n++ {
		issued := s.after(held, 0, 2)
		if !s.happens(issued) {
			return
		}
		s.wait(deal.WaitingPayment, issued)
		due := issued.Add(s.g.policy.InvoiceDue.D())
		inv := s.arm(fmt.Sprintf("invoice-%d", n+1), deal.PointPaymentDue, deal.StageClose, fmt.Sprintf("Invoice %d due", n+1), due)
		if r.Float64() < 0.03*s.lossF {
			s.lose(s.after(due, 10, 40)) // the postpayment never comes
			return
		}
		paid := s.onTime(issued, due, 0.15, 25)
		if !s.finish1(inv, paid) {
			return
		}
		s.pay(paid, parts[n])
		if paid.After(t) {
			t = paid
		}
	}
	closed := s.after(t, 0, 2)
	if !s.happens(closed) {
		return
	}
	s.d.Status, s.d.ClosedAt = string(deal.StatusWon), &closed
	s.d.WaitingOn, s.d.WaitingSince = string(deal.WaitingNone), closed
	s.cut = s.end // a won deal no longer stalls
	due := closed.Add(s.g.policy.FollowUpDelay.D())
	follow := s.arm("follow-up", deal.PointFollowUp, deal.StageClose, "Follow-up contact", due)
	contact := s.after(due, -5, 4)
	if s.next.After(closed) && s.next.Before(contact) {
		contact = s.next
	}
	if !contact.After(s.end) {
		s.done[follow] = contact
		s.seq++
	}
	if r.Float64() < 0.03 {
		at := s.after(closed, 1, 30)
		if !at.After(s.end) {
			s.pay(at, -(d.Amount*int64(5+r.IntN(26))/100)/100*100)
			s.seq++
		}
	}
}

// finish settles what follows from where the simulation stopped: the
// status of every control point, the deal's counters, whom an open deal
// waits on, and cancellation.
func (s *dealSim) finish() {
	d := &s.d
	if d.Status == string(deal.StatusOpen) && !s.cancelAt.IsZero() && !s.cancelAt.After(s.end) {
		at := s.cancelAt.Truncate(time.Second)
		d.Status, d.ClosedAt = string(deal.StatusCancelled), &at
		d.WaitingOn, d.WaitingSince = string(deal.WaitingNone), at
		s.lostAt = at // active points are cancelled at this time
		s.seq++
		s.last = at
	}
	open := d.Status == string(deal.StatusOpen)
	if open {
		// The contact interval runs while a deal is open.
		due := s.last.Add(s.g.policy.ContactInterval.D())
		s.arm("contact", deal.PointContactInterval, deal.Stage(d.Stage), "Contact the client", due)
	}
	overdue := s.escal
	for i := range s.points {
		cp := &s.points[i]
		cp.Seq = s.seq
		switch done := s.done[i]; {
		case !done.IsZero():
			cp.Status, cp.DoneAt = string(deal.PointDone), &done
		case !s.lostAt.IsZero():
			cp.Status = string(deal.PointCancelled)
		case s.end.After(cp.OverdueAt):
			cp.Status = string(deal.PointOverdue)
		default:
			cp.Status = string(deal.PointOpen)
		}
		if s.escalated(i, s.done[i]) {
			overdue++
		}
	}
	// Missed contact intervals of earlier stages.
	for range deal.Stage(d.Stage).Index() + 1 {
		if s.r.Float64() < 0.01 {
			overdue++
		}
	}
	d.OverduePoints = overdue
	d.Seq = s.seq
	d.UpdatedAt = s.last
	if !open {
		d.UpdatedAt = *d.ClosedAt
		if d.Status != string(deal.StatusWon) {
			d.WaitingOn, d.WaitingSince = string(deal.WaitingNone), *d.ClosedAt
		}
	}
	for _, p := range s.pays {
		if p.At.After(d.UpdatedAt) {
			d.UpdatedAt = p.At
		}
	}
}
