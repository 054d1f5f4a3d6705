package api

import (
	"sync"
	"time"

	"github.com/salesflow/salesflow/models"
)

// tokenCacheMax bounds the entries of a tokenCache; when full it starts
// afresh.
const tokenCacheMax = 10000

// tokenCache remembers, for ttl, which active staff member an opaque API
// token names, so a client's requests in quick succession cost no token
// and staff lookups. This API server forgets everything as soon as it
// revokes a token or changes a staff member; a revocation or change made
// through another API server takes effect here within ttl. A zero ttl, or
// a nil cache (a server made for one call, as SignIn makes), caches
// nothing.
type tokenCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]tokenEntry // by models.HashToken
}

// tokenEntry is a cached lookup: a copy of the member, and until when.
type tokenEntry struct {
	staff models.Staff
	until time.Time
}

// get returns a copy of the member the token with hash names, if cached.
func (t *tokenCache) get(hash string, now time.Time) (*models.Staff, bool) {
	if t == nil || t.ttl <= 0 {
		return nil, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[hash]
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	s := e.staff
	return &s, true
}

// put remembers that the token with hash names staff, from now on.
func (t *tokenCache) put(hash string, staff *models.Staff, now time.Time) {
	if t == nil || t.ttl <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.entries == nil || len(t.entries) >= tokenCacheMax {
		t.entries = map[string]tokenEntry{}
	}
	t.entries[hash] = tokenEntry{staff: *staff, until: now.Add(t.ttl)}
}

// forget drops every entry.
func (t *tokenCache) forget() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entries = nil
}
