package lint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeLayoutListsEveryPackage fails when a package or command of the
// module is missing from the README's layout table.
func TestReadmeLayoutListsEveryPackage(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "## Layout")
	if !ok {
		t.Fatal("README.md has no Layout section")
	}
	layout, _, _ = strings.Cut(layout, "\n## ")
	list := exec.Command("go", "list", "./...")
	list.Dir = filepath.Join("..", "..")
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %v", pkgs)
	}
	for _, pkg := range pkgs {
		dir := strings.TrimPrefix(pkg, strings.TrimSuffix(module, "/"))
		dir = strings.TrimPrefix(dir, "/") + "/"
		if !strings.Contains(layout, "`"+dir+"`") {
			t.Errorf("README.md's layout table does not list %s", dir)
		}
	}
}
