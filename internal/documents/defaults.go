package documents

import (
	"embed"
	"fmt"
)

//go:embed defaults/*.tmpl
var defaults embed.FS

// Default is version 1 of the template of type t, embedded in the binary.
func Default(t Type) string {
	b, err := defaults.ReadFile(fmt.Sprintf("defaults/%s.tmpl", t))
	if err != nil {
		panic("documents: no default template for " + string(t)) // TestDefaultsRender rules it out
	}
	return string(b)
}
