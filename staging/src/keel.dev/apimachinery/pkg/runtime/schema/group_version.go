package schema

import (
	"fmt"
	"strings"
)

// GroupVersion names an API group at one version. The core group is "".
type GroupVersion struct {
	Group   string
	Version string
}

// Empty reports whether both parts are empty.
func (gv GroupVersion) Empty() bool { return gv.Group == "" && gv.Version == "" }

// String gives the apiVersion form: "v1" for the core group, "apps/v1" otherwise.
func (gv GroupVersion) String() string {
	if gv.Group == "" {
		return gv.Version
	}
	return gv.Group + "/" + gv.Version
}

// WithKind names a kind in this group version.
func (gv GroupVersion) WithKind(kind string) GroupVersionKind {
	return GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: kind}
}

// WithResource names a resource in this group version.
func (gv GroupVersion) WithResource(resource string) GroupVersionResource {
	return GroupVersionResource{Group: gv.Group, Version: gv.Version, Resource: resource}
}

// ParseGroupVersion parses an apiVersion string ("v1", "apps/v1"). The empty
// string parses to the empty GroupVersion.
func ParseGroupVersion(s string) (GroupVersion, error) {
	if s == "" || s == "/" {
		return GroupVersion{}, nil
	}
	switch strings.Count(s, "/") {
	case 0:
		return GroupVersion{Version: s}, nil
	case 1:
		i := strings.Index(s, "/")
		if i == 0 || i == len(s)-1 {
			return GroupVersion{}, fmt.Errorf("unexpected GroupVersion string: %q", s)
		}
		return GroupVersion{Group: s[:i], Version: s[i+1:]}, nil
	default:
		return GroupVersion{}, fmt.Errorf("unexpected GroupVersion string: %q", s)
	}
}

// GroupVersionKind names one kind in one group version.
type GroupVersionKind struct {
	Group   string
	Version string
	Kind    string
}

// Empty reports whether every part is empty.
func (gvk GroupVersionKind) Empty() bool {
	return gvk.Group == "" && gvk.Version == "" && gvk.Kind == ""
}

// GroupVersion drops the kind.
func (gvk GroupVersionKind) GroupVersion() GroupVersion {
	return GroupVersion{Group: gvk.Group, Version: gvk.Version}
}

// GroupKind drops the version.
func (gvk GroupVersionKind) GroupKind() GroupKind { return GroupKind{Group: gvk.Group, Kind: gvk.Kind} }

// ToAPIVersionAndKind gives the apiVersion and kind strings of TypeMeta.
func (gvk GroupVersionKind) ToAPIVersionAndKind() (string, string) {
	return gvk.GroupVersion().String(), gvk.Kind
}

func (gvk GroupVersionKind) String() string {
	return gvk.Group + "/" + gvk.Version + ", Kind=" + gvk.Kind
}

// FromAPIVersionAndKind builds a GroupVersionKind from TypeMeta strings; an
// unparsable apiVersion yields only the kind.
func FromAPIVersionAndKind(apiVersion, kind string) GroupVersionKind {
	gv, err := ParseGroupVersion(apiVersion)
	if err != nil {
		return GroupVersionKind{Kind: kind}
	}
	return gv.WithKind(kind)
}

// GroupKind names a kind regardless of version.
type GroupKind struct {
	Group string
	Kind  string
}

func (gk GroupKind) String() string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// GroupVersionResource names a resource (the plural in URLs) in one group version.
type GroupVersionResource struct {
	Group    string
	Version  string
	Resource string
}

// GroupVersion drops the resource.
func (gvr GroupVersionResource) GroupVersion() GroupVersion {
	return GroupVersion{Group: gvr.Group, Version: gvr.Version}
}

// GroupResource drops the version.
func (gvr GroupVersionResource) GroupResource() GroupResource {
	return GroupResource{Group: gvr.Group, Resource: gvr.Resource}
}

func (gvr GroupVersionResource) String() string {
	return gvr.Group + "/" + gvr.Version + ", Resource=" + gvr.Resource
}

// GroupResource names a resource regardless of version; its String form
// ("deployments.apps", "pods") is the one Kubernetes uses in error messages.
type GroupResource struct {
	Group    string
	Resource string
}

func (gr GroupResource) String() string {
	if gr.Group == "" {
		return gr.Resource
	}
	return gr.Resource + "." + gr.Group
}

// ObjectKind is how an object exposes and changes its serialized kind
// (TypeMeta implements it).
type ObjectKind interface {
	SetGroupVersionKind(gvk GroupVersionKind)
	GroupVersionKind() GroupVersionKind
}

// EmptyObjectKind is an ObjectKind for objects that carry none.
var EmptyObjectKind = emptyObjectKind{}

type emptyObjectKind struct{}

func (emptyObjectKind) SetGroupVersionKind(GroupVersionKind) {}
func (emptyObjectKind) GroupVersionKind() GroupVersionKind   { return GroupVersionKind{} }
