package storage

import (
	"context"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"
)

// Interface stores objects of one resource. All methods are safe for
// concurrent use. Objects returned by an implementation backed by a cache may
// be shared with the cache: callers must treat every returned object as
// read-only and DeepCopy it before changing it.
type Interface interface {
	// Create stores obj under key only if the key is absent (ErrKeyExists
	// otherwise). It takes ownership of obj, sets its resourceVersion to the
	// creating revision and returns it.
	Create(ctx context.Context, key string, obj runtime.Object, opts CreateOptions) (runtime.Object, error)
	// Get returns the object at key (ErrKeyNotFound if absent).
	Get(ctx context.Context, key string, opts GetOptions) (runtime.Object, error)
	// GetList returns the objects under key (a directory when opts.Recursive)
	// that match opts.Predicate, sorted by key.
	GetList(ctx context.Context, key string, opts ListOptions) (*ListResult, error)
	// GuaranteedUpdate reads the object at key, applies tryUpdate and writes
	// the result if nothing changed it meanwhile, retrying on races. It
	// returns the stored object.
	GuaranteedUpdate(ctx context.Context, key string, opts UpdateOptions, tryUpdate UpdateFunc) (runtime.Object, error)
	// Delete removes the object at key and returns its last state with the
	// resourceVersion of the deletion.
	Delete(ctx context.Context, key string, opts DeleteOptions) (runtime.Object, error)
	// Watch streams the changes under key after opts.ResourceVersion.
	Watch(ctx context.Context, key string, opts ListOptions) (watch.Interface, error)
	// Count returns the number of objects under the directory key.
	Count(ctx context.Context, key string) (int64, error)
}

// Codec turns objects into the bytes stored in etcd and back. The apiserver
// injects Kubernetes' protobuf envelope; tests use JSON.
type Codec interface {
	Encode(obj runtime.Object) ([]byte, error)
	// Decode fills into, a new empty object of the stored kind, from data.
	Decode(data []byte, into runtime.Object) error
}

// CreateOptions tune Create.
type CreateOptions struct {
	// TTL, when positive, deletes the object this many seconds after the
	// write (events use it).
	TTL int64
}

// GetOptions tune Get.
type GetOptions struct {
	// IgnoreNotFound returns a new empty object instead of ErrKeyNotFound.
	IgnoreNotFound bool
	// ResourceVersion: "" reads the latest state, "0" any state, N a state
	// not older than N (ErrTooLargeResourceVersion when storage is behind).
	ResourceVersion string
}

// ListOptions tune GetList and Watch.
type ListOptions struct {
	// ResourceVersion and ResourceVersionMatch follow the Kubernetes API
	// rules: with no match, "" is a consistent read, "0" any state, N a state
	// not older than N (exactly N when a limit is set).
	ResourceVersion      string
	ResourceVersionMatch metav1.ResourceVersionMatch
	// Recursive treats the key as a directory.
	Recursive bool
	// Predicate filters objects; the zero value selects everything.
	Predicate Predicate
	// Limit caps the number of items of a list (0: no limit).
	Limit int64
	// Continue is the token of the previous page.
	Continue string
	// AllowWatchBookmarks asks a watch for BOOKMARK events.
	AllowWatchBookmarks bool
	// SendInitialEvents, when set, asks a watch to start with the current
	// state as ADDED events (true) or not (false); nil keeps the legacy
	// behaviour of ResourceVersion.
	SendInitialEvents *bool
}

// ListResult is a page of a list.
type ListResult struct {
	// Items are the matching objects, sorted by key; read-only when they
	// came from a cache.
	Items []runtime.Object
	// ResourceVersion is the revision the list was read at.
	ResourceVersion uint64
	// Continue is the token of the next page, empty on the last one.
	Continue string
	// RemainingItemCount counts the items after this page when known
	// (unfiltered, limited lists).
	RemainingItemCount *int64
}

// Preconditions must hold on the stored object for an update or delete to
// proceed; a mismatch is ErrResourceVersionConflicts (409).
type Preconditions struct {
	UID             *types.UID
	ResourceVersion *string
}

// UpdateFunc computes the new object from the current one. It owns current
// (it may change and return it). Returning an error aborts the update with it.
type UpdateFunc func(current runtime.Object) (runtime.Object, error)

// UpdateOptions tune GuaranteedUpdate.
type UpdateOptions struct {
	// IgnoreNotFound starts from a new empty object when the key is absent,
	// turning the update into a create.
	IgnoreNotFound bool
	// Preconditions are checked against the current object on every attempt.
	Preconditions *Preconditions
	// CachedExisting is a possibly stale copy of the current object (from a
	// cache) used for the first attempt to save a read; it is not modified.
	CachedExisting runtime.Object
}

// DeleteOptions tune Delete.
type DeleteOptions struct {
	// Preconditions are checked against the current object.
	Preconditions *Preconditions
	// Validate, when set, may veto the deletion of the current object; it
	// must not modify it (it may be shared with a cache).
	Validate func(current runtime.Object) error
	// CachedExisting is a possibly stale copy of the current object.
	CachedExisting runtime.Object
}
