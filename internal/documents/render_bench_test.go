package documents

import (
	"testing"
	"time"
)

// BenchmarkRender renders each type's default template on its sample
// data, as a deal's documents are rendered: the worker's CPU per document
// (docs/performance.md).
func BenchmarkRender(b *testing.B) {
	for _, t := range Types {
		text, err := Execute(t, Default(t), SampleData(t))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(t), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(text, t.Title(), time.Unix(0, 0)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
