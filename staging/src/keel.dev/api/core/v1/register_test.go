package v1

import (
	"slices"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func newTestScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		t.Fatalf("AddToScheme: %v", err)
	}
	return s
}

func TestAddToSchemeRegistersTheKindOfEveryResource(t *testing.T) {
	s := newTestScheme(t)
	resources := s.Resources()
	if len(resources) == 0 {
		t.Fatal("no resources registered")
	}
	for _, r := range resources {
		t.Run(r.Resource, func(t *testing.T) {
			if _, err := s.New(r.GroupVersionKind()); err != nil {
				t.Errorf("kind %s is not registered: %v", r.Kind, err)
			}
			if slices.Contains(r.Verbs, "list") {
				if _, err := s.New(SchemeGroupVersion.WithKind(r.ListKind)); err != nil {
					t.Errorf("list kind %s is not registered: %v", r.ListKind, err)
				}
			}
			for _, sub := range r.Subresources {
				if sub.Kind.Empty() || sub.Kind.GroupVersion() != SchemeGroupVersion {
					continue
				}
				if _, err := s.New(sub.Kind); err != nil {
					t.Errorf("subresource %s kind %s is not registered: %v", sub.Name, sub.Kind.Kind, err)
				}
			}
		})
	}
}

func TestAddToSchemeServesTheResourcesKubernetesDiscoveryLists(t *testing.T) {
	s := newTestScheme(t)
	var names []string
	for _, r := range s.Resources() {
		names = append(names, r.Resource)
	}
	want := []string{
		"bindings", "componentstatuses", "configmaps", "endpoints", "events", "limitranges",
		"namespaces", "nodes", "persistentvolumeclaims", "persistentvolumes", "pods", "podtemplates",
		"replicationcontrollers", "resourcequotas", "secrets", "serviceaccounts", "services",
	}
	if !slices.Equal(names, want) {
		t.Errorf("resources = %v, want %v", names, want)
	}
}

func TestResourceDetailsMatchKubernetesDiscovery(t *testing.T) {
	s := newTestScheme(t)
	tests := []struct {
		name       string
		resource   string
		singular   string
		short      []string
		categories []string
		namespaced bool
		verbs      []string
		subs       []string
	}{
		{"pods are namespaced, short po and in all", "pods", "pod", []string{"po"}, []string{"all"}, true, runtime.AllVerbs,
			[]string{"attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status"}},
		{"nodes are cluster scoped", "nodes", "node", []string{"no"}, nil, false, runtime.AllVerbs, []string{"proxy", "status"}},
		{"namespaces cannot be deleted as a collection", "namespaces", "namespace", []string{"ns"}, nil, false,
			[]string{"create", "delete", "get", "list", "patch", "update", "watch"}, []string{"finalize", "status"}},
		{"services are in all", "services", "service", []string{"svc"}, []string{"all"}, true, runtime.AllVerbs, []string{"proxy", "status"}},
		{"bindings only accept create", "bindings", "binding", nil, nil, true, []string{"create"}, nil},
		{"component statuses are read only", "componentstatuses", "componentstatus", []string{"cs"}, nil, false, []string{"get", "list"}, nil},
		{"events accept every verb", "events", "event", []string{"ev"}, nil, true, runtime.AllVerbs, nil},
		{"replication controllers scale", "replicationcontrollers", "replicationcontroller", []string{"rc"}, []string{"all"}, true, runtime.AllVerbs, []string{"scale", "status"}},
		{"service accounts mint tokens", "serviceaccounts", "serviceaccount", []string{"sa"}, nil, true, runtime.AllVerbs, []string{"token"}},
		{"endpoints singular is endpoints", "endpoints", "endpoints", []string{"ep"}, nil, true, runtime.AllVerbs, nil},
		{"quotas have status", "resourcequotas", "resourcequota", []string{"quota"}, nil, true, runtime.AllVerbs, []string{"status"}},
		{"limit ranges are short limits", "limitranges", "limitrange", []string{"limits"}, nil, true, runtime.AllVerbs, nil},
		{"persistent volumes are cluster scoped", "persistentvolumes", "persistentvolume", []string{"pv"}, nil, false, runtime.AllVerbs, []string{"status"}},
		{"claims are namespaced", "persistentvolumeclaims", "persistentvolumeclaim", []string{"pvc"}, nil, true, runtime.AllVerbs, []string{"status"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := s.Resource(SchemeGroupVersion.WithResource(tc.resource))
			if !ok {
				t.Fatalf("resource %s not registered", tc.resource)
			}
			if r.Singular != tc.singular || r.Namespaced != tc.namespaced {
				t.Errorf("singular/namespaced = %q/%v, want %q/%v", r.Singular, r.Namespaced, tc.singular, tc.namespaced)
			}
			if !slices.Equal(r.ShortNames, tc.short) || !slices.Equal(r.Categories, tc.categories) {
				t.Errorf("shortNames/categories = %v/%v, want %v/%v", r.ShortNames, r.Categories, tc.short, tc.categories)
			}
			if !slices.Equal(r.Verbs, tc.verbs) {
				t.Errorf("verbs = %v, want %v", r.Verbs, tc.verbs)
			}
			var subs []string
			for _, sub := range r.Subresources {
				subs = append(subs, sub.Name)
			}
			if !slices.Equal(subs, tc.subs) {
				t.Errorf("subresources = %v, want %v", subs, tc.subs)
			}
		})
	}
}

func TestSubresourcesOfOtherGroupsNameTheirKinds(t *testing.T) {
	s := newTestScheme(t)
	tests := []struct {
		name     string
		resource string
		sub      string
		want     schema.GroupVersionKind
		verbs    []string
	}{
		{"eviction takes a policy/v1 Eviction", "pods", "eviction", schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, []string{"create"}},
		{"scale takes an autoscaling/v1 Scale", "replicationcontrollers", "scale", schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, []string{"get", "patch", "update"}},
		{"token takes a TokenRequest", "serviceaccounts", "token", schema.GroupVersionKind{Group: "authentication.k8s.io", Version: "v1", Kind: "TokenRequest"}, []string{"create"}},
		{"exec takes PodExecOptions", "pods", "exec", SchemeGroupVersion.WithKind("PodExecOptions"), []string{"create", "get"}},
		{"node proxy takes NodeProxyOptions", "nodes", "proxy", SchemeGroupVersion.WithKind("NodeProxyOptions"), []string{"create", "delete", "get", "patch", "update"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := s.Resource(SchemeGroupVersion.WithResource(tc.resource))
			i := slices.IndexFunc(r.Subresources, func(sr runtime.SubresourceInfo) bool { return sr.Name == tc.sub })
			if i < 0 {
				t.Fatalf("%s/%s not registered", tc.resource, tc.sub)
			}
			if got := r.Subresources[i]; got.Kind != tc.want || !slices.Equal(got.Verbs, tc.verbs) {
				t.Errorf("%s/%s = %v %v, want %v %v", tc.resource, tc.sub, got.Kind, got.Verbs, tc.want, tc.verbs)
			}
		})
	}
}

func TestSchemeRunsTheRegisteredDefaultersAndValidators(t *testing.T) {
	s := newTestScheme(t)
	secret := &Secret{}
	secret.Name, secret.Namespace = "creds", "default"
	s.Default(secret)
	if secret.Type != SecretTypeOpaque {
		t.Errorf("defaulted type = %q, want Opaque", secret.Type)
	}
	if errs := s.Validate(secret, nil); len(errs) != 0 {
		t.Errorf("valid secret rejected: %v", errs.ToAggregate())
	}
	list := &ServiceList{Items: []Service{{}}}
	s.Default(list)
	if list.Items[0].Spec.Type != ServiceTypeClusterIP {
		t.Errorf("list item type = %q, want ClusterIP", list.Items[0].Spec.Type)
	}
	bad := &ConfigMap{}
	if errs := s.Validate(bad, nil); len(errs) == 0 {
		t.Error("config map without a name was accepted")
	}
}

func TestAddToSchemeRegistersTheMetaKindsInV1(t *testing.T) {
	s := newTestScheme(t)
	for _, kind := range []string{"Status", "DeleteOptions", "ListOptions", "WatchEvent", "Pod", "Node", "Event"} {
		t.Run(kind, func(t *testing.T) {
			if !s.Recognizes(SchemeGroupVersion.WithKind(kind)) {
				t.Errorf("kind v1 %s is not registered", kind)
			}
		})
	}
}
