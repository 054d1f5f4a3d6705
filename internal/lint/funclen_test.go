package lint

import (
	"go/ast"
	"go/token"
	"testing"
)

// maxFuncLines is the longest a production function may be, counted from
// its func line to its closing brace, function literals included.
const maxFuncLines = 80

// TestNoLongFunctions fails for every production function or function
// literal longer than maxFuncLines: a long function is a sign of steps that
// want names of their own. Declarations of tables are not functions and do
// not count.
func TestNoLongFunctions(t *testing.T) {
	walkProduction(t, func(fset *token.FileSet, _ string, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			switch fn := n.(type) {
			case *ast.FuncDecl:
				body = fn.Body
			case *ast.FuncLit:
				body = fn.Body
			}
			if body == nil {
				return true
			}
			start, end := fset.Position(n.Pos()), fset.Position(body.End())
			if lines := end.Line - start.Line + 1; lines > maxFuncLines {
				t.Errorf("%s: function of %d lines (at most %d)", start, lines, maxFuncLines)
			}
			return true
		})
	})
}
