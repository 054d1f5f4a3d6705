package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Segments are the client segments the generator draws from, with their
// weights, the factor on a deal's amount and on how often the client buys.
var Segments = []Segment{
	{Name: "corporate", Weight: 45, AmountFactor: 1.3, Activity: 1.0},
	{Name: "smb", Weight: 35, AmountFactor: 0.6, Activity: 0.9},
	{Name: "government", Weight: 10, AmountFactor: 1.6, Activity: 0.7},
	{Name: "agency", Weight: 10, AmountFactor: 1.0, Activity: 1.4},
}

// Segment is one client segment of the synthetic history.
type Segment struct {
	Name         string
	Weight       float64
	AmountFactor float64
	Activity     float64
}

// Products are the product lines deals sell, with the weight of each as a
// client's first purchase and its typical amount in roubles.
var Products = []Product{
	{Name: "events", Title: "Corporate event", Weight: 40, Base: 400_000},
	{Name: "training", Title: "Team training", Weight: 20, Base: 150_000},
	{Name: "consulting", Title: "Consulting", Weight: 15, Base: 250_000},
	{Name: "catering", Title: "Catering", Weight: 15, Base: 120_000},
	{Name: "travel", Title: "Incentive travel", Weight: 10, Base: 300_000},
}

// Product is one product line of the synthetic history.
type Product struct {
	Name   string
	Title  string
	Weight float64
	Base   float64 // typical amount, roubles
}

// Currency is the currency of every generated deal.
const Currency = "RUB"

// lifecycle is how a client's buying spreads over its life.
type lifecycle uint8

const (
	steady   lifecycle = iota // buys until the end
	churned                   // stops buying at some point (a lost client)
	returned                  // pauses for months, then buys again (a restored client)
	prospect                  // never opens a deal (a potential client)
	regular                   // buys the same product every month (X and Y clients)
)

// clientPlan is what the first pass decides per client: enough to share the
// deals out before any deal is generated.
type clientPlan struct {
	created   time.Time
	segment   uint8
	size      float64 // factor on deal amounts, stable per client
	life      lifecycle
	intervals [2][2]time.Time // active periods; the second is empty unless returned
	rep       int             // index into the reps
	handover  time.Time       // zero: never handed over
	rep2      int
	deals     int
}

// activeDays is the length of the client's active periods in days.
func (p *clientPlan) activeDays() float64 {
	var d time.Duration
	for _, iv := range p.intervals {
		if iv[1].After(iv[0]) {
			d += iv[1].Sub(iv[0])
		}
	}
	return d.Hours() / 24
}

// repAt returns the index of the rep who owns the client's deals at t.
func (p *clientPlan) repAt(t time.Time) int {
	if !p.handover.IsZero() && !t.Before(p.handover) {
		return p.rep2
	}
	return p.rep
}

// mix is the splitmix64 finalizer: a bijection of uint64, so distinct inputs
// give distinct IDs.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Streams of the per-client random sources.
const (
	streamPlan  = 1
	streamDeals = 2
)

// clientRand is client i's own random source for one stream, so a client's
// data depends only on the seed and its index.
func clientRand(seed uint64, stream uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(mix(seed^(stream<<56)), mix(uint64(i)^0x5eed<<40)))
}

// day is one day; days turns a fractional number of days into a duration
// rounded to the second.
const day = 24 * time.Hour

func days(d float64) time.Duration { return time.Duration(math.Round(d*86400)) * time.Second }

// uniform returns a value in [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// pick returns an index drawn by weight.
func pick(r *rand.Rand, weights []float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	x := r.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// lognormal returns exp(N(0, sigma)) normalised to mean 1.
func lognormal(r *rand.Rand, sigma float64) float64 {
	return math.Exp(r.NormFloat64()*sigma - sigma*sigma/2)
}

// planClients makes the first pass: creation date, segment, lifecycle, rep
// and activity of every client, then shares the deals out in proportion to
// activity × active time, so the total is exactly cfg.Deals.
func planClients(cfg Config, start time.Time, reps int) []clientPlan {
	plans := make([]clientPlan, cfg.Clients)
	weights := make([]float64, cfg.Clients)
	segW := make([]float64, len(Segments))
	for i, s := range Segments {
		segW[i] = s.Weight
	}
	for i := range plans {
		r := clientRand(cfg.Seed, streamPlan, i)
		weights[i] = plans[i].draw(r, cfg, start, reps, segW)
	}
	shareDeals(plans, weights, cfg.Deals)
	return plans
}

// draw plans one client of the history from start to cfg.End, drawing from
// r, and returns its weight in the sharing out of the deals: its activity
// × its active days.
func (p *clientPlan) draw(r *rand.Rand, cfg Config, start time.Time, reps int, segW []float64) float64 {
	// A tenth of the clients predate the history; the others arrive at a
	// rate that grows with the company.
	var created time.Time
	if r.Float64() < 0.1 {
		created = start.Add(-days(uniform(r, 0, 365)))
	} else {
		created = start.Add(time.Duration(math.Pow(r.Float64(), 0.85) * float64(cfg.End.Sub(start))))
	}
	p.created = created.Truncate(time.Second)
	p.segment = uint8(pick(r, segW))
	p.size = lognormal(r, 0.7)
	p.rep = r.IntN(reps)
	activity := lognormal(r, 0.6) * Segments[p.segment].Activity
	from := p.created
	if from.Before(start) {
		from = start
	}
	life := cfg.End.Sub(from)
	if !p.drawLife(r, from, cfg.End) {
		activity = 0
	}
	if reps > 1 && r.Float64() < 0.08 {
		p.handover = from.Add(time.Duration(r.Float64() * float64(life))).Truncate(time.Second)
		p.rep2 = (p.rep + 1 + r.IntN(reps-1)) % reps
	}
	return activity * math.Max(p.activeDays(), 1)
}

// drawLife draws the lifecycle of a client active from from and sets its
// active periods up to end. It reports whether the client takes a share of
// the deals: prospects open none, and regular clients get theirs apart.
func (p *clientPlan) drawLife(r *rand.Rand, from, end time.Time) bool {
	life := end.Sub(from)
	p.life = steady
	p.intervals[0] = [2]time.Time{from, end}
	seg := Segments[p.segment].Name
	switch x := r.Float64(); {
	case x < 0.05:
		p.life = prospect
		return false
	case x < 0.065 && life > 365*day && (seg == "corporate" || seg == "agency"):
		p.life = regular // one deal a month: shared out apart
		return false
	case x < 0.33 && life > 400*day:
		p.life = churned
		p.intervals[0][1] = from.Add(time.Duration(uniform(r, 0.3, 0.85) * float64(life)))
	case x < 0.48 && life > 600*day:
		gapFrom := from.Add(time.Duration(uniform(r, 0.2, 0.5) * float64(life)))
		gapTo := gapFrom.Add(days(uniform(r, 120, 420)))
		if gapTo.Before(end.Add(-30 * day)) {
			p.life = returned
			p.intervals[0][1] = gapFrom
			p.intervals[1] = [2]time.Time{gapTo, end}
		}
	}
	return true
}

// shareDeals shares deals out among the plans. Regular clients order once a
// month of their life (while the deals last); the other clients share the
// rest in proportion to their weights by systematic sampling: each gets the
// floor or the ceiling of its share, and the shares add up to exactly deals.
func shareDeals(plans []clientPlan, weights []float64, deals int) {
	rest := deals
	for i := range plans {
		if p := &plans[i]; p.life == regular {
			p.deals = min(int(p.activeDays()/30.44), rest)
			rest -= p.deals
		}
	}
	var total float64
	last := -1
	for i, w := range weights {
		total += w
		if w > 0 {
			last = i
		}
	}
	if total <= 0 {
		return
	}
	var cum float64
	prev := 0
	for i, w := range weights {
		if w == 0 {
			continue
		}
		cum += w / total * float64(rest)
		upto := int(math.Floor(cum + 0.5))
		if i == last {
			upto = rest
		}
		plans[i].deals = upto - prev
		prev = upto
	}
}

// staffIDs names the generated staff.
func managerID(i int) string { return fmt.Sprintf("mgr-%02d", i+1) }
func repID(i int) string     { return fmt.Sprintf("rep-%03d", i+1) }
