// Command bpmn writes the generated process maps (package processmap) as
// BPMN 2.0 files, for make lint-bpmn: bpmn -out DIR writes DIR/deal.bpmn
// and DIR/complaint.bpmn.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/salesflow/salesflow/internal/processmap"
)

func main() {
	out := flag.String("out", "bin", "folder to write deal.bpmn and complaint.bpmn into")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "bpmn:", err)
		os.Exit(1)
	}
}

// write generates both maps into folder out.
func write(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, gen := range map[string]func() (*processmap.Map, error){"deal": processmap.Deal, "complaint": processmap.Complaint} {
		m, err := gen()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name+".bpmn"), m.XML(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
