package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/salesflow/salesflow/internal/casework"
)

// limiterIdle is how long a token's bucket is kept after its last request.
const limiterIdle = 10 * time.Minute

// Limiter is a token-bucket rate limit per key (the API's: per bearer
// token; the web app's sign-in: per client address), kept in this API
// server's memory: with n servers behind a balancer a token gets up to n
// times the rate, which is the price of keeping servers stateless.
type Limiter struct {
	every rate.Limit
	burst int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows perSecond requests per second per token, in bursts of
// up to burst; perSecond <= 0 allows everything.
func NewLimiter(perSecond float64, burst int) *Limiter {
	if perSecond <= 0 {
		return nil
	}
	return &Limiter{every: rate.Limit(perSecond), burst: max(burst, 1), buckets: map[string]*bucket{}}
}

// Wait returns 0 when the request of key may go now (always, on a nil
// Limiter: no limit), or how long until it
// may.
func (l *Limiter) Wait(key string, now time.Time) time.Duration {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > limiterIdle {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// limit answers 429 with Retry-After (whole seconds) to a token over its
// rate; it runs after authentication, keyed by the token's hash.
func (l *Limiter) limit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if l == nil {
			return next(c)
		}
		key, _ := c.Get(tokenKey).(string)
		if d := l.Wait(key, time.Now()); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
			return fail(http.StatusTooManyRequests, casework.CodeRateLimited, "too many requests; retry after "+strconv.Itoa(secs)+" s")
		}
		return next(c)
	}
}
