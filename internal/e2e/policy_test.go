package e2e

import (
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/policy"
)

const admin = "dev-admin"

// An admin's new policy version applies to deals and complaints started
// afterwards; a deal started before keeps the version it started with.
func TestPolicyVersionForNewDeals(t *testing.T) {
	s := newStack(t)
	before := s.newDeal(alice, nil)
	if before.PolicyVersion != 0 || before.Policy.OfferValidity.String() != "10d" {
		t.Fatalf("deal before any save: policy_version %d, offer_validity %s", before.PolicyVersion, before.Policy.OfferValidity)
	}

	var doc policy.Document
	s.call("GET", "/api/v1/policy", alice, nil).decode(t, 200, &doc)
	if doc.Version != 0 {
		t.Fatalf("default document has version %d", doc.Version)
	}
	doc.Deal.OfferValidity = casework.Days(20)
	var refusal apiError
	s.call("PUT", "/api/v1/policy", alice, doc).decode(t, 403, &refusal)
	if refusal.Error.Code != "forbidden" {
		t.Fatalf("PUT as a sales rep: %+v", refusal)
	}
	var saved policy.Document
	s.call("PUT", "/api/v1/policy", admin, doc).decode(t, 200, &saved)
	if saved.Version != 1 || saved.UpdatedBy != "admin" || saved.Deal.OfferValidity.String() != "20d" {
		t.Fatalf("saved document: version %d by %q, offer_validity %s", saved.Version, saved.UpdatedBy, saved.Deal.OfferValidity)
	}
	var current policy.Document
	s.call("GET", "/api/v1/policy", alice, nil).decode(t, 200, &current)
	if current.Version != saved.Version {
		t.Fatalf("current version %d, want %d", current.Version, saved.Version)
	}

	after := s.newDeal(alice, nil)
	if after.PolicyVersion != saved.Version || after.Policy.OfferValidity.String() != "20d" {
		t.Fatalf("deal after the save: policy_version %d, offer_validity %s", after.PolicyVersion, after.Policy.OfferValidity)
	}
	if v := s.view(alice, after.ID); v.PolicyVersion != saved.Version || v.Policy.OfferValidity.String() != "20d" {
		t.Fatalf("live view of the new deal: policy_version %d, offer_validity %s", v.PolicyVersion, v.Policy.OfferValidity)
	}
	if v := s.view(alice, before.ID); v.PolicyVersion != 0 || v.Policy.OfferValidity.String() != "10d" {
		t.Fatalf("deal started before the save: policy_version %d, offer_validity %s", v.PolicyVersion, v.Policy.OfferValidity)
	}

	c := s.register(alice, form(s.newClient(alice), nil))
	if c.PolicyVersion != saved.Version {
		t.Fatalf("complaint after the save: policy_version %d, want %d", c.PolicyVersion, saved.Version)
	}
}
