package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// GroupName is the group of the metadata kinds.
const GroupName = "meta.k8s.io"

// SchemeGroupVersion is meta.k8s.io/v1.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Unversioned is the group version ("v1" of the core group) that Status
// and the discovery documents are written with, whatever group serves them.
var Unversioned = schema.GroupVersion{Group: "", Version: "v1"}

// WatchEventKind is the kind of a watch event.
const WatchEventKind = "WatchEvent"

// optionsTypes are the request options every group version accepts.
func optionsTypes() []runtime.Object {
	return []runtime.Object{
		&ListOptions{},
		&GetOptions{},
		&DeleteOptions{},
		&CreateOptions{},
		&UpdateOptions{},
		&PatchOptions{},
	}
}

// addUnversionedTypes registers Status and the discovery documents as
// Unversioned, so they encode with apiVersion "v1".
func addUnversionedTypes(s *runtime.Scheme) {
	s.AddKnownTypes(Unversioned,
		&Status{},
		&APIVersions{},
		&APIGroupList{},
		&APIGroup{},
		&APIResourceList{},
	)
}

// AddToScheme registers the meta.k8s.io/v1 kinds (Table, TableOptions,
// PartialObjectMetadata(List), the options and WatchEvent) and the
// Unversioned ones (Status, APIVersions, APIGroupList, APIGroup,
// APIResourceList).
func AddToScheme(s *runtime.Scheme) error {
	addUnversionedTypes(s)
	s.AddKnownTypes(SchemeGroupVersion,
		&Table{},
		&TableOptions{},
		&PartialObjectMetadata{},
		&PartialObjectMetadataList{},
	)
	s.AddKnownTypes(SchemeGroupVersion, optionsTypes()...)
	s.AddKnownTypeWithName(SchemeGroupVersion.WithKind(WatchEventKind), &WatchEvent{})
	return nil
}

// AddToGroupVersion registers, as Kubernetes does for every served group
// version, the options kinds and WatchEvent under gv, and the Unversioned
// kinds; a body {"kind":"DeleteOptions","apiVersion":"apps/v1"} then decodes.
func AddToGroupVersion(s *runtime.Scheme, gv schema.GroupVersion) {
	s.AddKnownTypeWithName(gv.WithKind(WatchEventKind), &WatchEvent{})
	s.AddKnownTypes(gv, optionsTypes()...)
	addUnversionedTypes(s)
}
