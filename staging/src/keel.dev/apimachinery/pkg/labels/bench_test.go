package labels

import "testing"

var benchSelectors = []string{
	"app=web",
	"environment in (production, qa),tier notin (frontend, backend),partition,!canary",
	"app.kubernetes.io/name=web,app.kubernetes.io/instance=web-1,app.kubernetes.io/component=frontend,replicas>2",
}

func BenchmarkParse(b *testing.B) {
	for _, s := range benchSelectors {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMatches(b *testing.B) {
	labels := Set{
		"app": "web", "environment": "production", "tier": "api", "partition": "p1",
		"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web-1",
		"app.kubernetes.io/component": "frontend", "replicas": "3",
	}
	for _, s := range benchSelectors {
		sel, err := Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		if !sel.Matches(labels) {
			b.Fatalf("%q should match the benchmark labels", s)
		}
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sel.Matches(labels)
			}
		})
	}
}
