package policy

import "github.com/salesflow/salesflow/internal/keyaccount"

// KeyAccounts is the key-account part of the document: the assessment's
// criteria with their sides and weights, the strong threshold and the
// re-assessment period and point (keyaccount.Policy, docs/key-accounts.md).
// Versions saved before the part read DefaultKeyAccounts.
type KeyAccounts = keyaccount.Policy

// DefaultKeyAccounts returns the source's criteria, each of weight 1, a
// strong threshold of 50% and a yearly re-assessment.
func DefaultKeyAccounts() KeyAccounts { return keyaccount.DefaultPolicy() }
