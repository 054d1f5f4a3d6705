package seed

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// dealSim plays one deal through the process of docs/process.md §1–§2.
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
	parts   []int64   // the parts the amount is paid in
	before  int       // how many parts are paid before the event
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

// arm sets control point id in the deal's current stage (re-arming
// replaces the row, as the workflow does) and returns its index.
func (s *dealSim) arm(id string, kind casework.PointKind, subject string, due time.Time) int {
	due = due.Truncate(time.Second)
	cp := models.ControlPoint{
		SubjectType: models.SubjectDeal, SubjectID: s.d.ID, ID: id, Kind: string(kind), Stage: s.d.Stage,
		Owner: s.d.Owner, Subject: subject, DueAt: due, OverdueAt: due.Add(s.g.policy.Point(kind).Grace.Span()),
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

// finish1 marks point i done at t, if t happens.
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

// after returns a time lo to hi days after t (the middle of the range for
// a fast deal), to the second.
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

// run plays the deal from its opening at t0 until it is won, lost or cut:
// stage by stage, each from the time the one before ended.
func (s *dealSim) run(t0 time.Time) {
	t := t0
	for _, stage := range []func(time.Time) (time.Time, bool){s.presentation, s.offer, s.contract, s.payment, s.event} {
		var ok bool
		if t, ok = stage(t); !ok {
			return
		}
	}
	s.closing(t)
}

// meet returns when control point i, armed at from, is met (see onTime)
// and marks it done then; false when that does not happen.
func (s *dealSim) meet(i int, from time.Time, pLate, lateMax float64) (time.Time, bool) {
	t := s.onTime(from, s.points[i].DueAt, pLate, lateMax)
	return t, s.finish1(i, t)
}

// revise has a document revised after a request at from: a corrections
// control point id, due after the policy's delay, that the deal waits on
// internally until it is met.
func (s *dealSim) revise(id, subject string, from time.Time, pLate, lateMax float64) (time.Time, bool) {
	corr := s.arm(id, deal.PointCorrections, subject, from.Add(s.g.policy.CorrectionsDelay.Span()))
	s.wait(deal.WaitingInternal, from)
	return s.meet(corr, from, pLate, lateMax)
}

// presentation plays stage 1 from the opening at t0: the presentation,
// perhaps declined and retried, then the meeting protocol. It returns when
// the protocol was sent.
func (s *dealSim) presentation(t0 time.Time) (time.Time, bool) {
	if !s.enter(deal.StagePresentation, t0) {
		return t0, false
	}
	s.wait(deal.WaitingClient, t0)
	t, ok := s.declines(t0)
	if !ok {
		return t, false
	}
	if s.r.Float64() < 0.30*s.lossF {
		s.lose(s.after(t, 1, 20))
		return t, false
	}
	held := s.after(t, 1, 8)
	if !s.happens(held) {
		return held, false
	}
	protocol := s.arm("protocol", deal.PointProtocol, "Send the meeting protocol", held.Add(s.g.policy.ProtocolDelay.Span()))
	s.wait(deal.WaitingInternal, held)
	sent, ok := s.meet(protocol, held, 0.08, 4)
	if !ok {
		return sent, false
	}
	s.wait(deal.WaitingClient, sent)
	return sent, true
}

// declines plays the client's declines of the presentation from t, each
// followed by a retry control point, and returns when the last retry was
// made; a deal declined as often as the policy allows is lost.
func (s *dealSim) declines(t time.Time) (time.Time, bool) {
	pDecline := 0.2
	if s.fast {
		pDecline = 0
	}
	for s.r.Float64() < pDecline {
		pDecline = 0.35
		declined := s.after(t, 1, 8)
		if !s.happens(declined) {
			return declined, false
		}
		s.d.PresentationDeclines++
		if s.d.PresentationDeclines >= s.g.policy.PresentationMaxAttempts {
			s.lose(s.after(declined, 0, 1))
			return declined, false
		}
		retry := s.arm("presentation-retry", deal.PointPresentationRetry, "Retry the declined presentation", s.after(declined, 3, 14))
		s.wait(deal.WaitingClient, declined)
		var ok bool
		if t, ok = s.meet(retry, declined, 0.1, 6); !ok {
			return t, false
		}
	}
	return t, true
}

// offer plays stage 2 from the protocol sent at sent: offer versions, each
// but the last revised, until the client accepts the last one (or the deal
// is lost on it).
func (s *dealSim) offer(sent time.Time) (time.Time, bool) {
	t := s.after(sent, 0.5, 6)
	if !s.enter(deal.StageOffer, t) {
		return t, false
	}
	versions := 1 + geometric(s.r, 0.35, 4)
	if s.fast {
		versions = 1
	}
	lost := s.r.Float64() < (0.22+0.08*float64(versions-1))*s.lossF
	for v := 1; v <= versions; v++ {
		var ok bool
		if t, ok = s.offerVersion(v, t, v == versions && lost); !ok {
			return t, false
		}
		if v < versions {
			if t, ok = s.revise("offer-corrections", fmt.Sprintf("Revise offer v%d", v), t, 0.1, 6); !ok {
				return t, false
			}
		}
	}
	return t, true
}

// offerVersion issues offer version v after t, valid for the policy's
// time, and returns when the client answered it; lost: the answer loses
// the deal.
func (s *dealSim) offerVersion(v int, t time.Time, lost bool) (time.Time, bool) {
	issued := s.after(t, 1, 4)
	if !s.happens(issued) {
		return issued, false
	}
	s.d.OfferVersions++
	s.wait(deal.WaitingClient, issued)
	cp := s.arm(fmt.Sprintf("offer-v%d", v), deal.PointOfferValidity, fmt.Sprintf("Offer v%d validity ends", v), issued.Add(s.g.policy.OfferValidity.Span()))
	answer := s.after(issued, 1, 9.5)
	if s.r.Float64() < 0.12 {
		answer = s.after(issued, 10.5, 20) // expired first
	}
	if lost {
		s.lose(answer)
		return answer, false
	}
	return answer, s.finish1(cp, answer)
}

// contract plays stage 3 from the accepted offer at t: the contract is
// drafted and approved, perhaps corrected at an approver's request. It
// returns when the approver agreed.
func (s *dealSim) contract(t time.Time) (time.Time, bool) {
	if !s.enter(deal.StageContract, t) {
		return t, false
	}
	s.wait(deal.WaitingInternal, t) // drafting the contract
	changes := geometric(s.r, 0.3, 4)
	if s.fast {
		changes = 0
	}
	lost := s.r.Float64() < (0.10+0.06*float64(changes))*s.lossF
	t = s.after(t, 0.5, 4)
	if !s.happens(t) {
		return t, false
	}
	s.wait(deal.WaitingApprover, t)
	for c := 1; c <= changes; c++ {
		req := s.after(t, 1, 8)
		if !s.happens(req) {
			return req, false
		}
		s.d.ContractChanges++
		var ok bool
		if t, ok = s.revise("contract-corrections", fmt.Sprintf("Revise contract revision %d", c), req, 0.12, 7); !ok {
			return t, false
		}
		s.wait(deal.WaitingApprover, t)
	}
	if lost {
		s.lose(s.after(t, 1, 15))
		return t, false
	}
	return t, true
}

// payment plays stage 4 from the approval at t: the contract is signed and
// the invoices due before the event are paid. A deal lost on one of them
// refunds what was paid before.
func (s *dealSim) payment(t time.Time) (time.Time, bool) {
	signed := s.after(t, 1, 10)
	if !s.enter(deal.StagePayment, signed) {
		return signed, false
	}
	s.wait(deal.WaitingInternal, signed) // issuing the invoice
	s.planPayments()
	lostAt := -1
	if s.r.Float64() < 0.08*s.lossF {
		lostAt = s.r.IntN(s.before)
	}
	t = signed
	for n := range s.before {
		issued, inv, ok := s.invoice(t, n)
		if !ok {
			return issued, false
		}
		if n == lostAt {
			at := s.after(issued, 3, 25)
			if s.lose(at) && s.prepaid > 0 {
				s.pay(at, -s.prepaid)
			}
			return at, false
		}
		if t, ok = s.meet(inv, issued, 0.15, 20); !ok {
			return t, false
		}
		s.pay(t, s.parts[n])
		s.prepaid += s.parts[n]
	}
	return t, true
}

// planPayments splits the deal's amount into the parts it is paid in, in
// whole roubles: all up front, or in parts before and after the event.
func (s *dealSim) planPayments() {
	shares, before := []float64{1}, 1
	plan := pick(s.r, []float64{55, 35, 10})
	if s.fast {
		plan = 0
	}
	switch plan {
	case 1:
		shares = []float64{0.5, 0.5}
	case 2:
		shares, before = []float64{0.3, 0.4, 0.3}, 2
	}
	parts := make([]int64, len(shares))
	rest := s.d.Amount
	for i, sh := range shares {
		parts[i] = int64(float64(s.d.Amount)*sh) / 100 * 100
		if i == len(shares)-1 {
			parts[i] = rest
		}
		rest -= parts[i]
	}
	s.parts, s.before = parts, before
}

// invoice issues invoice n+1 soon after from, the deal waiting on the
// payment, and arms its due date in the current stage. It returns the time
// of issue and the control point.
func (s *dealSim) invoice(from time.Time, n int) (time.Time, int, bool) {
	issued := s.after(from, 0, 2)
	if !s.happens(issued) {
		return issued, -1, false
	}
	s.wait(deal.WaitingPayment, issued)
	due := issued.Add(s.g.policy.InvoiceDue.Span())
	return issued, s.arm(fmt.Sprintf("invoice-%d", n+1), deal.PointPaymentDue, fmt.Sprintf("Invoice %d due", n+1), due), true
}

// event plays stage 5 from the last prepayment at t: the client approves
// the preparation of the event, which is held on its date (returned).
func (s *dealSim) event(t time.Time) (time.Time, bool) {
	if !s.enter(deal.StageEvent, t) {
		return t, false
	}
	date := s.after(t, 7, 60)
	eventDate := s.arm("event-date", deal.PointEventDate, "Hold the event on "+date.Format(time.DateOnly), date)
	items := s.arm("event-items", deal.PointEventItems, "Get the client's approval of every event item", date.Add(-s.g.policy.EventItemsLead.Span()))
	if s.r.Float64() < 0.5 {
		s.wait(deal.WaitingClient, t)
	} else {
		s.wait(deal.WaitingInternal, t)
	}
	if s.r.Float64() < 0.04*s.lossF {
		s.loseEvent(t, date)
		return t, false
	}
	if _, ok := s.meet(items, t, 0.1, 2.9); !ok {
		return t, false
	}
	held := date.Add(-days(uniform(s.r, 0, 0.3)))
	return held, s.finish1(eventDate, held)
}

// loseEvent loses the deal between t and the event's date, refunding the
// prepayments (less a cancellation fee, sometimes).
func (s *dealSim) loseEvent(t, date time.Time) {
	at := t.Add(time.Duration(uniform(s.r, 0.1, 0.9) * float64(date.Sub(t)))).Truncate(time.Second)
	if !s.lose(at) {
		return
	}
	refund := s.prepaid
	if s.r.Float64() < 0.25 {
		refund = s.prepaid * int64(70+s.r.IntN(21)) / 100 / 100 * 100 // a cancellation fee is kept
	}
	s.pay(at, -refund)
}

// closing plays stage 6 from the event held at held: the satisfaction
// survey and the postpayments, then the deal is won.
func (s *dealSim) closing(held time.Time) {
	if !s.enter(deal.StageClose, held) {
		return
	}
	survey := s.arm("survey", deal.PointSurvey, "Assess the client's satisfaction", held.Add(s.g.policy.SurveyDelay.Span()))
	s.wait(deal.WaitingClient, held)
	t, ok := s.meet(survey, held, 0.1, 10)
	if !ok {
		return
	}
	for n := s.before; n < len(s.parts); n++ {
		issued, inv, ok := s.invoice(held, n)
		if !ok {
			return
		}
		if s.r.Float64() < 0.03*s.lossF {
			s.lose(s.after(s.points[inv].DueAt, 10, 40)) // the postpayment never comes
			return
		}
		paid, ok := s.meet(inv, issued, 0.15, 25)
		if !ok {
			return
		}
		s.pay(paid, s.parts[n])
		if paid.After(t) {
			t = paid
		}
	}
	s.win(t)
}

// win closes the deal as won soon after t, arms the follow-up contact
// (made early when the client's next deal opens first) and, rarely, refunds
// a part of the amount later.
func (s *dealSim) win(t time.Time) {
	closed := s.after(t, 0, 2)
	if !s.happens(closed) {
		return
	}
	s.d.Status, s.d.ClosedAt = string(deal.StatusWon), &closed
	s.d.WaitingOn, s.d.WaitingSince = string(deal.WaitingNone), closed
	s.cut = s.end // a won deal no longer stalls
	due := closed.Add(s.g.policy.FollowUpDelay.Span())
	follow := s.arm("follow-up", deal.PointFollowUp, "Follow-up contact", due)
	contact := s.after(due, -5, 4)
	if s.next.After(closed) && s.next.Before(contact) {
		contact = s.next
	}
	if !contact.After(s.end) {
		s.done[follow] = contact
		s.seq++
	}
	if s.r.Float64() < 0.03 {
		at := s.after(closed, 1, 30)
		if !at.After(s.end) {
			s.pay(at, -(s.d.Amount*int64(5+s.r.IntN(26))/100)/100*100)
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
		due := s.last.Add(s.g.policy.ContactInterval.Span())
		s.arm("contact", deal.PointContactInterval, "Contact the client", due)
	}
	overdue := s.escal
	for i := range s.points {
		cp := &s.points[i]
		cp.Seq = s.seq
		switch done := s.done[i]; {
		case !done.IsZero():
			cp.Status, cp.DoneAt = string(casework.PointDone), &done
		case !s.lostAt.IsZero():
			cp.Status = string(casework.PointCancelled)
		case s.end.After(cp.OverdueAt):
			cp.Status = string(casework.PointOverdue)
		default:
			cp.Status = string(casework.PointOpen)
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
