package workflows

import (
	"slices"
	"testing"

	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/satisfaction"
)

// TestRegistriesMatchCatalogues: the deal, complaint, survey and key-account
// review registries build
// (engine.MustRegistry panics unless every action of the catalogue has
// exactly one handler decoding the catalogue's input type) and list the
// catalogues' actions in order.
func TestRegistriesMatchCatalogues(t *testing.T) {
	if got, want := dealRegistry().Catalog().Names(), deal.Inputs.Names(); !slices.Equal(got, want) {
		t.Errorf("deal registry %v, catalogue %v", got, want)
	}
	if got, want := complaintRegistry().Catalog().Names(), complaint.Inputs.Names(); !slices.Equal(got, want) {
		t.Errorf("complaint registry %v, catalogue %v", got, want)
	}
	if got, want := surveyRegistry().Catalog().Names(), satisfaction.Inputs.Names(); !slices.Equal(got, want) {
		t.Errorf("survey registry %v, catalogue %v", got, want)
	}
	if got, want := reviewRegistry().Catalog().Names(), keyaccount.Catalog.Names(); !slices.Equal(got, want) {
		t.Errorf("key-account review registry %v, catalogue %v", got, want)
	}
}
