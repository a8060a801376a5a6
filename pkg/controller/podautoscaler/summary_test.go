package podautoscaler

import (
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
)

func TestParseSummary(t *testing.T) {
	const body = `{"node":{"nodeName":"n1"},"pods":[
 {"podRef":{"name":"web-1","namespace":"ns"},"cpu":{"time":"2026-01-01T00:00:00Z","usageNanoCores":250000000},"memory":{"workingSetBytes":1048576}},
 {"podRef":{"name":"other","namespace":"ns"},"cpu":{"usageNanoCores":1}},
 {"podRef":{"name":"web-1","namespace":"elsewhere"},"cpu":{"usageNanoCores":1}}]}`
	tests := []struct {
		name     string
		pod      string
		resource corev1.ResourceName
		want     string
	}{
		{"cpu nanocores become millicores", "web-1", corev1.ResourceCPU, "250m"},
		{"memory is the working set", "web-1", corev1.ResourceMemory, "1Mi"},
	}
	out := map[string]corev1.ResourceList{}
	if _, err := parseSummary(strings.NewReader(body), "ns", map[string]bool{"web-1": true}, out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("got usage of %d pods, want only the selected one: %v", len(out), out)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := out[tc.pod][tc.resource]
			if q.Cmp(resource.MustParse(tc.want)) != 0 {
				t.Errorf("%s of %s = %s, want %s", tc.resource, tc.pod, q.String(), tc.want)
			}
		})
	}
}
