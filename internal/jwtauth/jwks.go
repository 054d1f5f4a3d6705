package jwtauth

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Limits on fetching the key set.
const (
	maxKeySetBytes = 1 << 20
	maxKeySetAge   = 10 * time.Minute
	minFetchGap    = 30 * time.Second
	maxFetchTime   = 10 * time.Second
)

// verifyKey is one usable key of the set.
type verifyKey struct {
	kid string
	alg string // "" when the set does not restrict the key to one algorithm
	key crypto.PublicKey
}

// keySet is the cached JSON Web Key Set at url.
type keySet struct {
	url     string
	safeURL string // url without a password, for messages
	client  *http.Client

	mu        sync.Mutex
	keys      []verifyKey   // nil until a fetch succeeds; never empty after
	fetchedAt time.Time     // start of the last successful fetch
	triedAt   time.Time     // start of the last fetch
	lastErr   error         // why the last fetch failed, nil if it did not
	fetching  chan struct{} // non-nil while a fetch runs, closed when it ends
}

// key returns the key named kid, fetching the set first when it is missing,
// has no such key or is stale, and the last attempt is old enough.
func (s *keySet) key(ctx context.Context, kid string, now time.Time) (verifyKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, found := s.find(kid)
	switch {
	case s.fetching != nil && !found:
		if err := s.wait(ctx); err != nil {
			return verifyKey{}, err
		}
	case s.fetching == nil && s.due(found, now):
		s.refresh(ctx, now)
	}
	if k, ok := s.find(kid); ok {
		return k, nil
	}
	if s.lastErr != nil {
		return verifyKey{}, fmt.Errorf("%w: %w", ErrKeysUnavailable, s.lastErr)
	}
	if kid == "" {
		return verifyKey{}, fmt.Errorf("token has no kid and the key set has %d keys", len(s.keys))
	}
	return verifyKey{}, fmt.Errorf("no signing key with kid %.64q", kid)
}

// find looks kid up in the cached set. An empty kid finds the only key of a
// one-key set.
func (s *keySet) find(kid string) (verifyKey, bool) {
	if kid == "" {
		if len(s.keys) == 1 {
			return s.keys[0], true
		}
		return verifyKey{}, false
	}
	for _, k := range s.keys {
		if k.kid == kid {
			return k, true
		}
	}
	return verifyKey{}, false
}

// due reports whether a fetch should start now, found saying whether the
// wanted key is cached.
func (s *keySet) due(found bool, now time.Time) bool {
	stale := s.keys == nil || now.Sub(s.fetchedAt) >= maxKeySetAge
	return (!found || stale) && (s.triedAt.IsZero() || now.Sub(s.triedAt) >= minFetchGap)
}

// wait releases the lock until the running fetch ends or ctx is done.
func (s *keySet) wait(ctx context.Context) error {
	done := s.fetching
	s.mu.Unlock()
	defer s.mu.Lock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: waiting for the key set: %w", ErrKeysUnavailable, ctx.Err())
	}
}

// refresh fetches the set without holding the lock. On failure the keys
// fetched before stay in use.
func (s *keySet) refresh(ctx context.Context, now time.Time) {
	done := make(chan struct{})
	s.fetching, s.triedAt = done, now
	s.mu.Unlock()
	keys, err := s.fetch(ctx)
	s.mu.Lock()
	s.fetching = nil
	close(done)
	if err != nil {
		s.lastErr = err
		slog.Warn("jwtauth: fetching the key set failed", "url", s.safeURL, "err", err)
		return
	}
	s.keys, s.fetchedAt, s.lastErr = keys, now, nil
	slog.Debug("jwtauth: fetched the key set", "url", s.safeURL, "keys", len(keys))
}

// fetch downloads and parses the set. It is not cut short when ctx ends, as
// other callers may be waiting for it.
func (s *keySet) fetch(ctx context.Context) ([]verifyKey, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), maxFetchTime)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", s.safeURL, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySetBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", s.safeURL, err)
	}
	if len(body) > maxKeySetBytes {
		return nil, fmt.Errorf("GET %s: key set larger than %d bytes", s.safeURL, maxKeySetBytes)
	}
	keys, err := parseKeySet(body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", s.safeURL, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("GET %s: key set has no usable signing key", s.safeURL)
	}
	return keys, nil
}
