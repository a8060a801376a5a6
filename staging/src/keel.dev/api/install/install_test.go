package install

import (
	"testing"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

func TestNewSchemeRegistersBuildableResources(t *testing.T) {
	s := NewScheme()
	res := s.Resources()
	if len(res) < 40 {
		t.Fatalf("only %d resources registered", len(res))
	}
	seen := map[schema.GroupVersionResource]bool{}
	for _, r := range res {
		if seen[r.GroupVersionResource] {
			t.Errorf("resource %v listed twice", r.GroupVersionResource)
		}
		seen[r.GroupVersionResource] = true
		kinds := []string{r.Kind}
		if contains(r.Verbs, "list") {
			kinds = append(kinds, r.ListKind)
		}
		for _, kind := range kinds {
			gvk := r.GroupVersion().WithKind(kind)
			obj, err := s.New(gvk)
			if err != nil {
				t.Errorf("resource %v: kind %v cannot be built: %v", r.GroupVersionResource, gvk, err)
				continue
			}
			got, err := s.ObjectKind(obj)
			if err != nil || got != gvk {
				t.Errorf("resource %v: New(%v) gives an object of kind %v (%v)", r.GroupVersionResource, gvk, got, err)
			}
		}
		for _, sub := range r.Subresources {
			if sub.Kind.Kind != "" && !s.Recognizes(sub.Kind) {
				t.Errorf("subresource %v/%s: kind %v is not registered", r.GroupVersionResource, sub.Name, sub.Kind)
			}
		}
	}
}

func TestNewSchemeHasExpectedResources(t *testing.T) {
	s := NewScheme()
	tests := []struct {
		name  string
		gvr   schema.GroupVersionResource
		short string
		all   bool
		subs  []string
	}{
		{"deployments are apps/v1 with scale and status", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "deploy", true, []string{"scale", "status"}},
		{"statefulsets have the sts short name", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "statefulsets"}, "sts", true, []string{"scale", "status"}},
		{"daemonsets have status only", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "daemonsets"}, "ds", true, []string{"status"}},
		{"cronjobs are in category all", schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "cronjobs"}, "cj", true, []string{"status"}},
		{"horizontal pod autoscalers are served as v2", schema.GroupVersionResource{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"}, "hpa", true, []string{"status"}},
		{"disruption budgets are policy/v1", schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}, "pdb", false, []string{"status"}},
		{"priority classes have the pc short name", schema.GroupVersionResource{Group: "scheduling.k8s.io", Version: "v1", Resource: "priorityclasses"}, "pc", false, nil},
		{"pods come from core", schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "po", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := s.Resource(tt.gvr)
			if !ok {
				t.Fatalf("%v not registered", tt.gvr)
			}
			if len(r.ShortNames) == 0 || r.ShortNames[0] != tt.short {
				t.Errorf("short names = %v, want %q", r.ShortNames, tt.short)
			}
			if hasAll := len(r.Categories) == 1 && r.Categories[0] == "all"; hasAll != tt.all {
				t.Errorf("categories = %v, want all=%v", r.Categories, tt.all)
			}
			for _, want := range tt.subs {
				found := false
				for _, sub := range r.Subresources {
					found = found || sub.Name == want
				}
				if !found {
					t.Errorf("subresource %q missing from %v", want, r.Subresources)
				}
			}
		})
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
