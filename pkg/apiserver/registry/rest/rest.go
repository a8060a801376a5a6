package rest

import (
	"context"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
)

// ListOptions are the parsed query parameters of a list or watch.
type ListOptions struct {
	// LabelSelector and FieldSelector filter objects; nil means everything.
	LabelSelector labels.Selector
	FieldSelector fields.Selector
	// ResourceVersion and ResourceVersionMatch say how fresh the answer must be.
	ResourceVersion      string
	ResourceVersionMatch metav1.ResourceVersionMatch
	// Limit and Continue page a list.
	Limit    int64
	Continue string
	// AllowWatchBookmarks asks a watch for BOOKMARK events.
	AllowWatchBookmarks bool
	// SendInitialEvents asks a watch to start with the current state.
	SendInitialEvents *bool
}

// Storage is implemented by every resource and subresource storage; New
// returns an empty object of the kind it takes and returns.
type Storage interface {
	New() runtime.Object
}

// Getter reads one object.
type Getter interface {
	Get(ctx context.Context, name string, opts *metav1.GetOptions) (runtime.Object, error)
}

// Lister reads a collection; NewList returns an empty list of the kind.
type Lister interface {
	NewList() runtime.Object
	List(ctx context.Context, opts *ListOptions) (runtime.Object, error)
}

// Watcher streams changes to a collection.
type Watcher interface {
	Watch(ctx context.Context, opts *ListOptions) (watch.Interface, error)
}

// Creater stores a new object and returns it as stored.
type Creater interface {
	Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error)
}

// UpdatedObjectInfo computes the new object from the current one; PUT hands
// in the request body, PATCH applies the patch to old.
type UpdatedObjectInfo interface {
	UpdatedObject(ctx context.Context, old runtime.Object) (runtime.Object, error)
}

// UpdateFunc adapts a function to UpdatedObjectInfo.
type UpdateFunc func(ctx context.Context, old runtime.Object) (runtime.Object, error)

// UpdatedObject implements UpdatedObjectInfo.
func (f UpdateFunc) UpdatedObject(ctx context.Context, old runtime.Object) (runtime.Object, error) {
	return f(ctx, old)
}

// Updater replaces an object. old is nil in UpdatedObject when the object
// does not exist and the storage allows create on update (created == true).
type Updater interface {
	Update(ctx context.Context, name string, objInfo UpdatedObjectInfo, opts *metav1.UpdateOptions) (obj runtime.Object, created bool, err error)
}

// GracefulDeleter deletes an object, possibly gracefully or by marking it
// (finalizers); immediate reports whether it is gone already.
type GracefulDeleter interface {
	Delete(ctx context.Context, name string, opts *metav1.DeleteOptions) (obj runtime.Object, immediate bool, err error)
}

// CollectionDeleter deletes every object matching the list options.
type CollectionDeleter interface {
	DeleteCollection(ctx context.Context, opts *metav1.DeleteOptions, listOpts *ListOptions) (runtime.Object, error)
}

// TableConvertor prints objects for `kubectl get`.
type TableConvertor interface {
	ConvertToTable(ctx context.Context, obj runtime.Object, opts *metav1.TableOptions) (*metav1.Table, error)
}

type namespaceKey struct{}

// WithNamespace stores the request's namespace in ctx ("" for cluster-scoped
// and all-namespace requests).
func WithNamespace(ctx context.Context, ns string) context.Context {
	return context.WithValue(ctx, namespaceKey{}, ns)
}

// NamespaceFrom returns the namespace stored in ctx.
func NamespaceFrom(ctx context.Context) string {
	ns, _ := ctx.Value(namespaceKey{}).(string)
	return ns
}

// IsDryRun reports whether dryRun asks to persist nothing.
func IsDryRun(dryRun []string) bool {
	for _, d := range dryRun {
		if d == metav1.DryRunAll {
			return true
		}
	}
	return false
}
