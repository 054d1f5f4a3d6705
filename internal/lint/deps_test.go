package lint

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/salesflow/salesflow/"

// TestCaseTypesStandApart fails when a case type's vocabulary depends on
// another case type, or the engine or the shared vocabulary on any case
// type: each may only build on what knows no particular case
// (docs/design.md, "The core").
func TestCaseTypesStandApart(t *testing.T) {
	caseTypes := []string{"internal/deal", "internal/complaint"}
	rules := map[string][]string{
		"internal/deal":      {"internal/complaint", "internal/engine", "workflows", "activities"},
		"internal/complaint": {"internal/deal", "internal/engine", "workflows", "activities"},
		"internal/engine":    append(slices.Clone(caseTypes), "workflows", "activities"),
		"internal/casework":  append(slices.Clone(caseTypes), "internal/engine", "workflows", "activities"),
	}
	for pkg, forbidden := range rules {
		deps := goListDeps(t, pkg)
		if !slices.Contains(deps, module+"internal/casework") {
			t.Errorf("%s: go list found no dependency on internal/casework; is the check looking at the right packages? %v", pkg, deps)
		}
		for _, f := range forbidden {
			if slices.Contains(deps, module+f) {
				t.Errorf("%s depends on %s", pkg, f)
			}
		}
	}
}

// goListDeps lists the packages pkg depends on, itself included, directly
// or not, as the go command builds it.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", module+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}
