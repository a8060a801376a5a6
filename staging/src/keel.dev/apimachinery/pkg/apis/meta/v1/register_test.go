package v1

import (
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func TestRegistration(t *testing.T) {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	AddToGroupVersion(s, apps)
	AddToGroupVersion(s, Unversioned)

	kinds := map[string]schema.GroupVersionKind{
		"Status is written as v1":                 {Version: "v1", Kind: "Status"},
		"APIResourceList is written as v1":        {Version: "v1", Kind: "APIResourceList"},
		"Table is meta.k8s.io/v1":                 SchemeGroupVersion.WithKind("Table"),
		"PartialObjectMetadataList too":           SchemeGroupVersion.WithKind("PartialObjectMetadataList"),
		"options are accepted in every group":     apps.WithKind("DeleteOptions"),
		"and in the core group":                   Unversioned.WithKind("ListOptions"),
		"watch events are accepted in each group": apps.WithKind(WatchEventKind),
	}
	for name, gvk := range kinds {
		t.Run(name, func(t *testing.T) {
			if !s.Recognizes(gvk) {
				t.Errorf("%v is not registered", gvk)
			}
		})
	}
	for obj, want := range map[runtime.Object]schema.GroupVersionKind{
		&Status{}:                {Version: "v1", Kind: "Status"},
		&APIGroupList{}:          {Version: "v1", Kind: "APIGroupList"},
		&Table{}:                 SchemeGroupVersion.WithKind("Table"),
		&PartialObjectMetadata{}: SchemeGroupVersion.WithKind("PartialObjectMetadata"),
	} {
		if got, err := s.ObjectKind(obj); err != nil || got != want {
			t.Errorf("ObjectKind(%T) = %v, %v; want %v", obj, got, err, want)
		}
	}
}
