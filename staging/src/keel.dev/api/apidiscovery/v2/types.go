package v2

import metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

// APIGroupDiscoveryList is the aggregated discovery document: every group
// with its versions and resources.
type APIGroupDiscoveryList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta is empty on the wire.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the groups, the preferred first.
	Items []APIGroupDiscovery `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// APIGroupDiscovery describes one group; metadata.name is the group name
// (empty for the core group).
type APIGroupDiscovery struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta carries only the group name.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Versions are the served versions, the preferred first.
	Versions []APIVersionDiscovery `json:"versions,omitempty" protobuf:"bytes,2,rep,name=versions"`
}

// APIVersionDiscovery describes one version of a group.
type APIVersionDiscovery struct {
	// Version is the version name ("v1").
	Version string `json:"version" protobuf:"bytes,1,opt,name=version"`
	// Resources served in this version, sorted by name.
	Resources []APIResourceDiscovery `json:"resources,omitempty" protobuf:"bytes,2,rep,name=resources"`
	// Freshness says whether the document is up to date.
	Freshness DiscoveryFreshness `json:"freshness,omitempty" protobuf:"bytes,3,opt,name=freshness"`
}

// APIResourceDiscovery describes one resource of a group version.
type APIResourceDiscovery struct {
	// Resource is the plural name ("pods").
	Resource string `json:"resource" protobuf:"bytes,1,opt,name=resource"`
	// ResponseKind is the kind served; group and version are empty when they
	// are the listing's own.
	ResponseKind *GroupVersionKind `json:"responseKind,omitempty" protobuf:"bytes,2,opt,name=responseKind"`
	// Scope is Namespaced or Cluster.
	Scope ResourceScope `json:"scope" protobuf:"bytes,3,opt,name=scope"`
	// SingularResource is the singular name ("pod").
	SingularResource string `json:"singularResource" protobuf:"bytes,4,opt,name=singularResource"`
	// Verbs served on the resource.
	Verbs []string `json:"verbs" protobuf:"bytes,5,opt,name=verbs"`
	// ShortNames are kubectl's abbreviations.
	ShortNames []string `json:"shortNames,omitempty" protobuf:"bytes,6,rep,name=shortNames"`
	// Categories group resources ("all").
	Categories []string `json:"categories,omitempty" protobuf:"bytes,7,rep,name=categories"`
	// Subresources served below each object.
	Subresources []APISubresourceDiscovery `json:"subresources,omitempty" protobuf:"bytes,8,rep,name=subresources"`
}

// ResourceScope says whether a resource lives in namespaces.
type ResourceScope string

// The resource scopes.
const (
	ScopeCluster   ResourceScope = "Cluster"
	ScopeNamespace ResourceScope = "Namespaced"
)

// DiscoveryFreshness says whether a version's document is current.
type DiscoveryFreshness string

// The freshness values.
const (
	DiscoveryFreshnessCurrent DiscoveryFreshness = "Current"
	DiscoveryFreshnessStale   DiscoveryFreshness = "Stale"
)

// APISubresourceDiscovery describes one subresource.
type APISubresourceDiscovery struct {
	// Subresource is the path segment ("status").
	Subresource string `json:"subresource" protobuf:"bytes,1,opt,name=subresource"`
	// ResponseKind is the kind returned; group and version are empty when
	// they are the listing's own.
	ResponseKind *GroupVersionKind `json:"responseKind,omitempty" protobuf:"bytes,2,opt,name=responseKind"`
	// AcceptedTypes are the kinds the subresource accepts, when they differ.
	AcceptedTypes []GroupVersionKind `json:"acceptedTypes,omitempty" protobuf:"bytes,3,rep,name=acceptedTypes"`
	// Verbs served on the subresource.
	Verbs []string `json:"verbs" protobuf:"bytes,4,opt,name=verbs"`
}

// GroupVersionKind names a kind on the wire. Kubernetes uses
// meta/v1.GroupVersionKind here; keel's metav1 does not have it yet, and this
// type has the same JSON and protobuf fields.
type GroupVersionKind struct {
	// Group of the kind; empty for the core group or the listing's own group.
	Group string `json:"group" protobuf:"bytes,1,opt,name=group"`
	// Version of the kind; empty for the listing's own version.
	Version string `json:"version" protobuf:"bytes,2,opt,name=version"`
	// Kind name.
	Kind string `json:"kind" protobuf:"bytes,3,opt,name=kind"`
}
