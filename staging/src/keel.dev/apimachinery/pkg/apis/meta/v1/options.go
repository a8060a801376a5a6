package v1

import "keel.dev/apimachinery/pkg/types"

// DeletionPropagation says what happens to an object's dependents.
type DeletionPropagation string

// The propagation policies.
const (
	DeletePropagationOrphan     DeletionPropagation = "Orphan"
	DeletePropagationBackground DeletionPropagation = "Background"
	DeletePropagationForeground DeletionPropagation = "Foreground"
)

// DryRunAll asks the server to run every stage but persist nothing.
const DryRunAll = "All"

// Preconditions must hold for a delete to proceed.
type Preconditions struct {
	// UID the object must have.
	UID *types.UID `json:"uid,omitempty" protobuf:"bytes,1,opt,name=uid,casttype=k8s.io/apimachinery/pkg/types.UID"`
	// ResourceVersion the object must have.
	ResourceVersion *string `json:"resourceVersion,omitempty" protobuf:"bytes,2,opt,name=resourceVersion"`
}

// DeleteOptions is the body of a DELETE.
type DeleteOptions struct {
	TypeMeta `json:",inline"`
	// GracePeriodSeconds overrides the object's grace period; 0 deletes now.
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty" protobuf:"varint,1,opt,name=gracePeriodSeconds"`
	// Preconditions must hold.
	Preconditions *Preconditions `json:"preconditions,omitempty" protobuf:"bytes,2,opt,name=preconditions"`
	// OrphanDependents is deprecated; use PropagationPolicy.
	OrphanDependents *bool `json:"orphanDependents,omitempty" protobuf:"varint,3,opt,name=orphanDependents"`
	// PropagationPolicy is Orphan, Background or Foreground.
	PropagationPolicy *DeletionPropagation `json:"propagationPolicy,omitempty" protobuf:"varint,4,opt,name=propagationPolicy"`
	// DryRun, when ["All"], persists nothing.
	DryRun []string `json:"dryRun,omitempty" protobuf:"bytes,5,rep,name=dryRun"`
	// IgnoreStoreReadErrorWithClusterBreakingPotential deletes objects that cannot be decoded.
	IgnoreStoreReadErrorWithClusterBreakingPotential *bool `json:"ignoreStoreReadErrorWithClusterBreakingPotential,omitempty" protobuf:"varint,6,opt,name=ignoreStoreReadErrorWithClusterBreakingPotential"`
}

// ListOptions are the query parameters of a list or watch.
type ListOptions struct {
	TypeMeta `json:",inline"`
	// LabelSelector restricts by labels.
	LabelSelector string `json:"labelSelector,omitempty" protobuf:"bytes,1,opt,name=labelSelector"`
	// FieldSelector restricts by fields.
	FieldSelector string `json:"fieldSelector,omitempty" protobuf:"bytes,2,opt,name=fieldSelector"`
	// Watch turns the list into a watch.
	Watch bool `json:"watch,omitempty" protobuf:"varint,3,opt,name=watch"`
	// AllowWatchBookmarks asks for BOOKMARK events.
	AllowWatchBookmarks bool `json:"allowWatchBookmarks,omitempty" protobuf:"varint,9,opt,name=allowWatchBookmarks"`
	// ResourceVersion sets the version to read or watch from.
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,4,opt,name=resourceVersion"`
	// ResourceVersionMatch says how ResourceVersion applies to a list.
	ResourceVersionMatch ResourceVersionMatch `json:"resourceVersionMatch,omitempty" protobuf:"bytes,10,opt,name=resourceVersionMatch,casttype=ResourceVersionMatch"`
	// TimeoutSeconds bounds a list or watch.
	TimeoutSeconds *int64 `json:"timeoutSeconds,omitempty" protobuf:"varint,5,opt,name=timeoutSeconds"`
	// Limit is the page size.
	Limit int64 `json:"limit,omitempty" protobuf:"varint,7,opt,name=limit"`
	// Continue is the token of the next page.
	Continue string `json:"continue,omitempty" protobuf:"bytes,8,opt,name=continue"`
	// SendInitialEvents asks a watch to start with the current state.
	SendInitialEvents *bool `json:"sendInitialEvents,omitempty" protobuf:"varint,11,opt,name=sendInitialEvents"`
	// ShardSelector asks for one shard of the collection (alpha; ignored by Keel yet).
	ShardSelector string `json:"shardSelector,omitempty" protobuf:"bytes,15,opt,name=shardSelector"`
}

// ResourceVersionMatch says how a list's resourceVersion is interpreted.
type ResourceVersionMatch string

// The resourceVersionMatch values.
const (
	ResourceVersionMatchNotOlderThan ResourceVersionMatch = "NotOlderThan"
	ResourceVersionMatchExact        ResourceVersionMatch = "Exact"
)

// InitialEventsAnnotationKey marks the bookmark that ends a watch's initial events.
const InitialEventsAnnotationKey = "k8s.io/initial-events-end"

// GetOptions are the query parameters of a get.
type GetOptions struct {
	TypeMeta `json:",inline"`
	// ResourceVersion to read at ("0": any).
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,1,opt,name=resourceVersion"`
}

// CreateOptions are the query parameters of a create.
type CreateOptions struct {
	TypeMeta `json:",inline"`
	// DryRun, when ["All"], persists nothing.
	DryRun []string `json:"dryRun,omitempty" protobuf:"bytes,1,rep,name=dryRun"`
	// FieldManager names the writer.
	FieldManager string `json:"fieldManager,omitempty" protobuf:"bytes,3,name=fieldManager"`
	// FieldValidation is Ignore, Warn or Strict.
	FieldValidation string `json:"fieldValidation,omitempty" protobuf:"bytes,4,name=fieldValidation"`
}

// UpdateOptions are the query parameters of an update.
type UpdateOptions struct {
	TypeMeta `json:",inline"`
	// DryRun, when ["All"], persists nothing.
	DryRun []string `json:"dryRun,omitempty" protobuf:"bytes,1,rep,name=dryRun"`
	// FieldManager names the writer.
	FieldManager string `json:"fieldManager,omitempty" protobuf:"bytes,2,name=fieldManager"`
	// FieldValidation is Ignore, Warn or Strict.
	FieldValidation string `json:"fieldValidation,omitempty" protobuf:"bytes,3,name=fieldValidation"`
}

// PatchOptions are the query parameters of a patch.
type PatchOptions struct {
	TypeMeta `json:",inline"`
	// DryRun, when ["All"], persists nothing.
	DryRun []string `json:"dryRun,omitempty" protobuf:"bytes,1,rep,name=dryRun"`
	// Force takes over conflicting fields in server-side apply.
	Force *bool `json:"force,omitempty" protobuf:"varint,2,opt,name=force"`
	// FieldManager names the writer; required for apply.
	FieldManager string `json:"fieldManager,omitempty" protobuf:"bytes,3,name=fieldManager"`
	// FieldValidation is Ignore, Warn or Strict.
	FieldValidation string `json:"fieldValidation,omitempty" protobuf:"bytes,4,name=fieldValidation"`
}
