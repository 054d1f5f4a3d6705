package seed

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// chunk is the rows generated for a run of consecutive clients.
type chunk struct {
	clients  []models.Client
	deals    []models.Deal
	payments []models.Payment
	points   []models.ControlPoint
}

// generator turns client plans into rows. It is not safe for concurrent
// use: clients are generated one after the other, in index order.
type generator struct {
	cfg        Config
	start      time.Time
	reps       []string
	policy     deal.Policy
	cPolicy    complaint.Policy
	reasonW    [6][]float64 // loss reason weights per stage, over policy.LossReasons
	prodW      []float64
	routine    int // the product regular clients order every month
	dealN      uint64
	complaints []models.Complaint
}

// Loss reason weights per stage, by reason name; a reason of the policy not
// named here weighs 5.
var reasonWeights = [6]map[string]float64{
	{"price": 5, "competitor": 10, "no_budget": 20, "no_response": 35, "timing": 20, "other": 10},
	{"price": 40, "competitor": 25, "no_budget": 15, "no_response": 10, "timing": 5, "other": 5},
	{"price": 25, "competitor": 20, "no_budget": 10, "no_response": 15, "timing": 15, "other": 15},
	{"price": 10, "competitor": 5, "no_budget": 40, "no_response": 15, "timing": 20, "other": 10},
	{"price": 5, "competitor": 5, "no_budget": 20, "no_response": 5, "timing": 45, "other": 20},
	{"price": 30, "competitor": 5, "no_budget": 25, "no_response": 10, "timing": 5, "other": 25},
}

// newGenerator returns the generator of the history cfg describes, from
// start, with deals owned by reps.
func newGenerator(cfg Config, start time.Time, reps []string) *generator {
	g := &generator{cfg: cfg, start: start, reps: reps, policy: deal.DefaultPolicy(), cPolicy: complaint.DefaultPolicy()}
	for s := range g.reasonW {
		for _, reason := range g.policy.LossReasons {
			w, ok := reasonWeights[s][reason]
			if !ok {
				w = 5
			}
			g.reasonW[s] = append(g.reasonW[s], w)
		}
	}
	for i, p := range Products {
		g.prodW = append(g.prodW, p.Weight)
		if p.Name == "catering" {
			g.routine = i
		}
	}
	return g
}

// clientID returns the ID of client i. IDs mix a counter: mix is a
// bijection, so IDs of distinct counters never collide.
func (g *generator) clientID(i int) string {
	return fmt.Sprintf("cl-%016x", mix(g.cfg.Seed^0xc1<<56^uint64(i)))
}

// nextDealID returns the ID of the next deal.
func (g *generator) nextDealID() string {
	g.dealN++
	return fmt.Sprintf("deal-%016x", mix(g.cfg.Seed^0xd1<<56^g.dealN))
}

// complaintID returns the ID of the next complaint.
func (g *generator) complaintID() string {
	return fmt.Sprintf("cmp-%016x", mix(g.cfg.Seed^0xc0<<56^uint64(len(g.complaints))))
}

var (
	nameFirst = []string{"Alfa", "Vega", "Nord", "Orion", "Polar", "Ural", "Volga", "Baltic", "Sigma", "Delta",
		"Astra", "Terra", "Neva", "Sever", "Kedr", "Altai", "Omega", "Zenit", "Titan", "Lotos"}
	nameSecond = []string{"Trade", "Tech", "Invest", "Logistic", "Media", "Energy", "Stroy", "Pharm", "Soft", "Agro",
		"Telecom", "Consult", "Capital", "Service", "Industry", "Retail"}
	nameForm  = []string{"LLC", "JSC", "Group", "Holding", "Ltd"}
	timeZones = []string{"Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Vladivostok"}
)

// client generates client i: its row, its deals with their payments and
// control points, and its complaints (kept for the end).
func (g *generator) client(i int, p *clientPlan, out *chunk) {
	r := clientRand(g.cfg.Seed, streamDeals, i)
	c := g.newClient(r, i, p)
	out.clients = append(out.clients, c)
	if p.deals == 0 {
		return
	}
	firstDeal := len(out.deals)
	steadiness := uniform(r, 0.03, 0.2) // spread of a regular client's monthly amounts
	var opens []time.Time
	if p.life == regular {
		opens = monthly(r, p, g.cfg.End)
	} else {
		opens = openTimes(r, p)
	}
	var h clientHistory
	for k, t0 := range opens {
		s, product := g.newDeal(r, p, &h, c.ID, t0, steadiness)
		s.next = g.cfg.End
		if k+1 < len(opens) {
			s.next = opens[k+1]
		}
		s.run(t0)
		s.finish()
		out.deals = append(out.deals, s.d)
		out.payments = append(out.payments, s.pays...)
		out.points = append(out.points, s.points...)
		if s.d.Status == string(deal.StatusWon) {
			g.won(r, &h, &s.d, product)
		}
	}
	sales(&out.clients[len(out.clients)-1], out.deals[firstDeal:])
}

// newClient returns the row of client i.
func (g *generator) newClient(r *rand.Rand, i int, p *clientPlan) models.Client {
	c := models.Client{
		ID:        g.clientID(i),
		Name:      fmt.Sprintf("%s %s %s", nameFirst[r.IntN(len(nameFirst))], nameSecond[r.IntN(len(nameSecond))], nameForm[r.IntN(len(nameForm))]),
		Segment:   Segments[p.segment].Name,
		Email:     fmt.Sprintf("info@client%d.example", i+1),
		Phone:     fmt.Sprintf("+7 9%02d %03d-%02d-%02d", r.IntN(100), r.IntN(1000), r.IntN(100), r.IntN(100)),
		CreatedBy: g.reps[p.rep],
		CreatedAt: p.created,
	}
	if r.Float64() < 0.15 {
		c.TimeZone = timeZones[r.IntN(len(timeZones))]
	}
	c.SearchText = models.ClientSearchText(c.Name, c.Email)
	return c
}

// clientHistory is what a client's earlier deals mean for its next ones.
type clientHistory struct {
	won        uint8 // bit i: product i won before
	lastWon    string
	lastWonAt  time.Time
	complaints []models.Complaint
}

// newDeal sets up the simulation of the client's deal opened at t0 and
// returns it with the index of the product it sells.
func (g *generator) newDeal(r *rand.Rand, p *clientPlan, h *clientHistory, clientID string, t0 time.Time, steadiness float64) (*dealSim, int) {
	product := g.product(r, h.won)
	if p.life == regular {
		product = g.routine
	}
	s := &dealSim{g: g, r: r, end: g.cfg.End, cut: g.cfg.End, lossF: 1}
	if h.won != 0 {
		s.lossF = 0.7 // an existing relationship loses less
	}
	sigma := 0.25
	if p.life == regular {
		s.fast, s.lossF, sigma = true, 0.03, steadiness
	}
	amount := Products[product].Base * Segments[p.segment].AmountFactor * p.size * lognormal(r, sigma)
	s.d = models.Deal{
		ID: g.nextDealID(), ClientID: clientID, Owner: g.reps[p.repAt(t0)],
		Title:   fmt.Sprintf("%s %d", Products[product].Title, t0.Year()),
		Product: Products[product].Name, Currency: Currency,
		Amount:    int64(math.Max(math.Round(amount/100), 10)) * 100 * 100, // whole hundreds of roubles, in kopecks
		Status:    string(deal.StatusOpen),
		CreatedAt: t0,
	}
	if h.lastWon != "" && h.lastWonAt.Before(t0) {
		s.d.PreviousDealID = h.lastWon
	}
	s.stall(t0)
	return s, product
}

// stall makes a recent deal opened at t0 sometimes stall (nobody acts) and
// a very few get cancelled by an operator.
func (s *dealSim) stall(t0 time.Time) {
	switch x := s.r.Float64(); {
	case s.fast:
	case x < 0.001:
		s.cancelAt = t0.Add(days(uniform(s.r, 1, 90)))
		s.cut = minTime(s.cut, s.cancelAt)
	case x < 0.061 && t0.After(s.end.Add(-270*day)):
		s.cut = minTime(s.cut, t0.Add(days(uniform(s.r, 3, 150))))
	}
}

// won records the client's won deal d of the product with that index in
// its history, and perhaps a complaint about it.
func (g *generator) won(r *rand.Rand, h *clientHistory, d *models.Deal, product int) {
	h.won |= 1 << product
	h.lastWon, h.lastWonAt = d.ID, *d.ClosedAt
	if cpl, ok := g.complaint(r, d, h.complaints); ok {
		h.complaints = append(h.complaints, cpl)
		g.complaints = append(g.complaints, cpl)
	}
}

// sales fills in what the read model keeps for the KPI report (as
// models.RefreshSales derives it): each won deal's sale kind and new
// product line, in order of closing (then ID), and the client's first deal
// (by creation, then ID) and first win.
func sales(c *models.Client, deals []models.Deal) {
	byCreation := slices.Clone(deals)
	slices.SortFunc(byCreation, func(a, b models.Deal) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	first := byCreation[0]
	c.FirstDealID, c.FirstDealAt = first.ID, &first.CreatedAt
	var won []*models.Deal
	for i := range deals {
		if deals[i].Status == string(deal.StatusWon) {
			won = append(won, &deals[i])
		}
	}
	slices.SortFunc(won, func(a, b *models.Deal) int {
		return cmp.Or(a.ClosedAt.Compare(*b.ClosedAt), cmp.Compare(a.ID, b.ID))
	})
	bought := map[string]bool{}
	for i, d := range won {
		d.SaleKind = models.SaleRepeat
		if i == 0 {
			d.SaleKind = models.SaleFirst
			at := *d.ClosedAt
			c.FirstWonAt = &at
		}
		d.NewProduct = i > 0 && !bought[d.Product]
		bought[d.Product] = true
	}
}

// openTimes spreads a client's deal openings over its active periods: the
// first soon after the client arrives, the others at random.
func openTimes(r *rand.Rand, p *clientPlan) []time.Time {
	iv := p.intervals
	len0 := iv[0][1].Sub(iv[0][0])
	len1 := time.Duration(0)
	if iv[1][1].After(iv[1][0]) {
		len1 = iv[1][1].Sub(iv[1][0])
	}
	at := func(x time.Duration) time.Time {
		if x < len0 {
			return iv[0][0].Add(x)
		}
		return iv[1][0].Add(x - len0)
	}
	total := len0 + len1
	out := make([]time.Time, p.deals)
	first := time.Duration(math.Min(r.ExpFloat64()*10*float64(day), float64(total)*0.2))
	out[0] = at(first)
	for k := 1; k < len(out); k++ {
		out[k] = at(first + time.Duration(r.Float64()*float64(total-first)))
	}
	// A restored client buys again after its gap.
	if len1 > 0 && len(out) > 1 && !out[len(out)-1].After(iv[1][0]) {
		out[len(out)-1] = iv[1][0].Add(time.Duration(r.Float64() * float64(len1)))
	}
	for k := range out {
		out[k] = out[k].Truncate(time.Second)
		if out[k].Before(p.created) {
			out[k] = p.created
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// monthly returns a regular client's openings: one a month up to the end
// of the history, as many as its share of deals (fewer when its life is
// shorter), each about four weeks before the middle of a calendar month, so
// that every month gets one payment.
func monthly(r *rand.Rand, p *clientPlan, end time.Time) []time.Time {
	first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for k := p.deals; k >= 1 && len(out) < p.deals; k-- {
		at := first.AddDate(0, -k, -13).Add(days(uniform(r, -1, 1))).Truncate(time.Second)
		if at.Before(p.created) || !at.Before(end) {
			continue
		}
		out = append(out, at)
	}
	for len(out) < p.deals { // a short life: the rest at random
		out = append(out, p.created.Add(time.Duration(r.Float64()*float64(end.Sub(p.created)))).Truncate(time.Second))
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// product picks the product of a client's next deal: the first by
// popularity; later, mostly a repeat of a product already bought, else a
// new product line.
func (g *generator) product(r *rand.Rand, won uint8) int {
	if won == 0 {
		return pick(r, g.prodW)
	}
	var bought, fresh []int
	var freshW []float64
	for i := range Products {
		if won&(1<<i) != 0 {
			bought = append(bought, i)
		} else {
			fresh = append(fresh, i)
			freshW = append(freshW, g.prodW[i])
		}
	}
	if r.Float64() < 0.6 || len(fresh) == 0 {
		return bought[r.IntN(len(bought))]
	}
	return fresh[pick(r, freshW)]
}

// complaint registers a complaint about a won deal for about 5% of them,
// more when its control points went overdue.
func (g *generator) complaint(r *rand.Rand, d *models.Deal, earlier []models.Complaint) (models.Complaint, bool) {
	p := 0.04 + 0.01*math.Min(float64(d.OverduePoints), 4)
	if r.Float64() >= p {
		return models.Complaint{}, false
	}
	reg := d.CloseAt.Add(days(uniform(r, 1, 12))).Truncate(time.Second)
	if reg.After(g.cfg.End) {
		return models.Complaint{}, false
	}
	channel := complaint.Channels[pick(r, []float64{20, 25, 5, 45, 5})]
	cat := g.cPolicy.Categories[pick(r, []float64{35, 20, 15, 10, 10, 10}[:len(g.cPolicy.Categories)])]
	sev := complaint.Severities[pick(r, []float64{25, 50, 20, 5})]
	c := models.Complaint{
		ID: g.complaintID(), ClientID: d.ClientID, DealID: d.ID,
		Channel: channel, Category: cat, Severity: string(sev),
		Assignee: d.Owner, RegisteredBy: d.Owner, RegisteredAt: reg,
	}
	for _, e := range slices.Backward(earlier) {
		if e.Category == cat && !reg.After(e.RegisteredAt.Add(g.cPolicy.RecurrenceWindow.Span())) {
			c.Recurrence, c.RecurrenceOf = true, e.ID
			break
		}
	}
	ack := reg.Add(days(uniform(r, 0.05, 1.2)))
	span := days(uniform(r, 7, 60))
	closed := reg.Add(span)
	updated := reg
	steps := 1
	if !ack.After(g.cfg.End) {
		c.AcknowledgedAt = &ack
		updated = ack
		steps = 2
	}
	switch {
	case !closed.After(g.cfg.End):
		c.Status, c.Step, c.ClosedAt = models.ComplaintClosed, string(complaint.StepClosed), &closed
		c.OnTime = r.Float64() < 0.8
		updated, steps = closed, 9+r.IntN(4)
	default:
		c.Status = models.ComplaintOpen
		frac := float64(g.cfg.End.Sub(reg)) / float64(span)
		c.Step = string(complaint.Steps[min(int(frac*5), 4)])
		if c.AcknowledgedAt == nil {
			c.Step = string(complaint.StepAcknowledgement)
		}
		steps += int(frac * 6)
		if u := reg.Add(time.Duration(frac * 0.9 * float64(span))); u.After(updated) {
			updated = u
		}
	}
	if c.Step != string(complaint.StepAcknowledgement) && c.Step != string(complaint.StepInvestigation) {
		c.ProcessStep = complaint.ProcessSteps[pick(r, []float64{3, 10, 8, 12, 45, 17, 5})]
	}
	c.UpdatedAt, c.Seq = updated.Truncate(time.Second), steps
	return c, true
}

// numberComplaints hands out complaint numbers in registration order, as
// the register activity does (C-<year>-<serial>), and returns the rows of
// the number counter.
func (g *generator) numberComplaints() []models.ComplaintNumber {
	sort.SliceStable(g.complaints, func(i, j int) bool {
		a, b := g.complaints[i], g.complaints[j]
		if !a.RegisteredAt.Equal(b.RegisteredAt) {
			return a.RegisteredAt.Before(b.RegisteredAt)
		}
		return a.ID < b.ID
	})
	nums := make([]models.ComplaintNumber, len(g.complaints))
	for i := range g.complaints {
		c := &g.complaints[i]
		c.Number = fmt.Sprintf("C-%d-%06d", c.RegisteredAt.Year(), i+1)
		nums[i] = models.ComplaintNumber{ID: int64(i + 1), ComplaintID: c.ID, CreatedAt: c.RegisteredAt}
	}
	return nums
}

// minTime returns the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
