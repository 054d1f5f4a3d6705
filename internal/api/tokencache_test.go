package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/salesflow/salesflow/models"
)

// TestTokenCache: with a token cache, a revocation made elsewhere (another
// API server, here the read model directly) takes effect once the TTL has
// passed, and one made through this server, like a deactivation, at once.
func TestTokenCache(t *testing.T) {
	const ttl = 2 * time.Second
	a := newTestAPI(t, nil, func(d *Deps) { d.TokenCacheTTL = ttl })
	cached := time.Now()
	expect(t, a.do(http.MethodGet, "/api/v1/deals", "dev-alice", nil), http.StatusOK, nil)

	// Revoked behind this server's back: still admitted from the cache,
	// refused once the entry is older than the TTL.
	if err := a.db.Model(&models.Token{}).Where("hash = ?", models.HashToken("dev-alice")).
		Update("revoked_at", time.Now()).Error; err != nil {
		t.Fatal(err)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/deals", "dev-alice", nil), http.StatusOK, nil)
	time.Sleep(time.Until(cached.Add(ttl + 50*time.Millisecond)))
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/deals", "dev-alice", nil))

	// Deactivated through this server: refused at once.
	expect(t, a.do(http.MethodGet, "/api/v1/deals", "dev-bob", nil), http.StatusOK, nil)
	expect(t, a.do(http.MethodPatch, "/api/v1/staff/bob", "dev-admin", map[string]any{"active": false}), http.StatusOK, nil)
	expectUnauthorized(t, a.do(http.MethodGet, "/api/v1/deals", "dev-bob", nil))
}
