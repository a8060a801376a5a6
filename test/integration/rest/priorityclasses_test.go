package rest

import (
	"net/http"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestSystemPriorityClassesAreBootstrapped(t *testing.T) {
	s := framework.StartTestServer(t)
	cases := []struct {
		name, description string
		value             float64
	}{
		{"system-node-critical", "Used for system critical pods that must not be moved from their current node.", 2000001000},
		{"system-cluster-critical", "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.", 2000000000},
	}
	for _, c := range cases {
		t.Run(c.name+" exists with its value and description", func(t *testing.T) {
			resp := s.Get(t, "/apis/scheduling.k8s.io/v1/priorityclasses/"+c.name)
			framework.Expect(t, resp, http.StatusOK, "GET priorityclass "+c.name)
			obj := resp.Object(t)
			if v := framework.Field(obj, "value"); v != c.value {
				t.Errorf("value = %v, want %v", v, c.value)
			}
			if d := framework.String(obj, "description"); d != c.description {
				t.Errorf("description = %q, want %q", d, c.description)
			}
			if p := framework.String(obj, "preemptionPolicy"); p != "PreemptLowerPriority" {
				t.Errorf("preemptionPolicy = %q", p)
			}
			if g := framework.Field(obj, "globalDefault"); g == true {
				t.Errorf("globalDefault = %v", g)
			}
		})
	}
}
