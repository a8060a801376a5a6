package generic

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/selection"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

// Hooks are optional side effects of a Store's writes (the Service
// allocators use them).
type Hooks struct {
	// BeginCreate runs before an object is stored, after validation; the
	// returned finish is called with whether the write succeeded.
	BeginCreate func(ctx context.Context, obj runtime.Object, dryRun bool) (finish func(ok bool), err error)
	// BeginUpdate runs before an update is stored, after validation.
	BeginUpdate func(ctx context.Context, obj, old runtime.Object, dryRun bool) (finish func(ok bool), err error)
	// AfterDelete runs once an object is removed from storage.
	AfterDelete func(ctx context.Context, obj runtime.Object)
}

// Store serves one resource (or, through SubresourceStore, one of its
// subresources) over a storage.Interface.
type Store struct {
	// Resource names the resource in errors; Kind is its kind (GroupKind in
	// 422 answers).
	Resource schema.GroupResource
	Kind     schema.GroupVersionKind
	// NewFunc and NewListFunc return empty objects of the kind and its list.
	NewFunc     func() runtime.Object
	NewListFunc func() runtime.Object
	// KeyRoot is the storage directory of the resource, e.g. "/pods".
	KeyRoot string
	// Storage holds the objects.
	Storage storage.Interface
	// Strategy drives create, update and delete.
	Strategy Strategy
	// SupportedFields are the field selector labels accepted beyond
	// metadata.name and metadata.namespace.
	SupportedFields []string
	// IndexedFields are the fields the storage indexes (exact-match hints).
	IndexedFields []string
	// CheckNamespace vetoes creation in a missing (404) or terminating
	// (403) namespace; nil skips the check.
	CheckNamespace func(ctx context.Context, gr schema.GroupResource, name, namespace string) error
	// TTL, when set, gives the lease in seconds of a new object (events).
	TTL func(obj runtime.Object) int64
	// ReturnDeletedObject answers DELETE with the object instead of a
	// Success Status.
	ReturnDeletedObject bool
	// Hooks are optional write side effects.
	Hooks Hooks
	// ShouldDeleteDuringUpdate overrides the rule that an update leaving a
	// deleted object without finalizers removes it.
	ShouldDeleteDuringUpdate func(obj runtime.Object) bool
	// Admission is the admission chain narrowed to this resource (nil: no
	// plugin acts on it). Subresource stores run their parent's with the
	// subresource set.
	Admission *admission.Chain

	// subresource and admissionOf are set on the copy a SubresourceStore
	// serves: its writes are admitted as writes to subresource of
	// admissionOf.
	subresource string
	admissionOf *Store
}

var (
	_ rest.Storage           = (*Store)(nil)
	_ rest.Getter            = (*Store)(nil)
	_ rest.Lister            = (*Store)(nil)
	_ rest.Watcher           = (*Store)(nil)
	_ rest.Creater           = (*Store)(nil)
	_ rest.Updater           = (*Store)(nil)
	_ rest.GracefulDeleter   = (*Store)(nil)
	_ rest.CollectionDeleter = (*Store)(nil)
)

// New implements rest.Storage.
func (s *Store) New() runtime.Object { return s.NewFunc() }

// NewList implements rest.Lister.
func (s *Store) NewList() runtime.Object { return s.NewListFunc() }

// NamespaceScoped reports the resource's scope.
func (s *Store) NamespaceScoped() bool { return s.Strategy.NamespaceScoped() }

// KeyFor returns the storage key of an object.
func (s *Store) KeyFor(namespace, name string) (string, error) {
	if name == "" || name == "." || name == ".." || containsSlash(name) {
		return "", apierrors.NewBadRequest(fmt.Sprintf("invalid resource name %q", name))
	}
	if s.Strategy.NamespaceScoped() {
		if namespace == "" {
			return "", apierrors.NewBadRequest("Namespace parameter required.")
		}
		return s.KeyRoot + "/" + namespace + "/" + name, nil
	}
	return s.KeyRoot + "/" + name, nil
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == '%' {
			return true
		}
	}
	return false
}

// listKey returns the directory a list or watch reads.
func (s *Store) listKey(ctx context.Context) string {
	if ns := rest.NamespaceFrom(ctx); ns != "" && s.Strategy.NamespaceScoped() {
		return s.KeyRoot + "/" + ns
	}
	return s.KeyRoot
}

// Get implements rest.Getter.
func (s *Store) Get(ctx context.Context, name string, opts *metav1.GetOptions) (runtime.Object, error) {
	key, err := s.KeyFor(rest.NamespaceFrom(ctx), name)
	if err != nil {
		return nil, err
	}
	var gopts storage.GetOptions
	if opts != nil {
		gopts.ResourceVersion = opts.ResourceVersion
	}
	obj, err := s.Storage.Get(ctx, key, gopts)
	if err != nil {
		return nil, s.interpret(err, name)
	}
	return obj, nil
}

// Predicate turns list options into a storage predicate, rejecting field
// selectors the kind does not support (400).
func (s *Store) Predicate(opts *rest.ListOptions) (storage.Predicate, error) {
	var p storage.Predicate
	if opts == nil {
		return p, nil
	}
	lsel, fsel := opts.LabelSelector, opts.FieldSelector
	if lsel != nil && lsel.Empty() {
		lsel = nil
	}
	if fsel != nil && fsel.Empty() {
		fsel = nil
	}
	if fsel != nil {
		for _, r := range fsel.Requirements() {
			if !s.supportsField(r.Field) {
				return p, apierrors.NewBadRequest(fmt.Sprintf("field label not supported: %s", r.Field))
			}
			if r.Operator == selection.Equals || r.Operator == selection.DoubleEquals {
				for _, idx := range s.IndexedFields {
					if idx == r.Field {
						if p.IndexHints == nil {
							p.IndexHints = map[string]string{}
						}
						p.IndexHints[idx] = r.Value
					}
				}
			}
		}
	}
	if lsel == nil && fsel == nil {
		return p, nil
	}
	p.Match = func(obj runtime.Object) bool {
		ls, fs, err := s.Strategy.GetAttrs(obj)
		if err != nil {
			return false
		}
		if lsel != nil && !lsel.Matches(ls) {
			return false
		}
		return fsel == nil || fsel.Matches(fs)
	}
	return p, nil
}

func (s *Store) supportsField(f string) bool {
	if f == "metadata.name" || (f == "metadata.namespace" && s.Strategy.NamespaceScoped()) {
		return true
	}
	for _, x := range s.SupportedFields {
		if x == f {
			return true
		}
	}
	return false
}

func (s *Store) storageListOptions(opts *rest.ListOptions) (storage.ListOptions, error) {
	p, err := s.Predicate(opts)
	if err != nil {
		return storage.ListOptions{}, err
	}
	lo := storage.ListOptions{Recursive: true, Predicate: p}
	if opts != nil {
		lo.ResourceVersion = opts.ResourceVersion
		lo.ResourceVersionMatch = opts.ResourceVersionMatch
		lo.Limit = opts.Limit
		lo.Continue = opts.Continue
		lo.AllowWatchBookmarks = opts.AllowWatchBookmarks
		lo.SendInitialEvents = opts.SendInitialEvents
	}
	return lo, nil
}

// singleName returns the name an exact metadata.name selector asks for.
func singleName(opts *rest.ListOptions) (string, bool) {
	if opts == nil || opts.FieldSelector == nil {
		return "", false
	}
	return opts.FieldSelector.RequiresExactMatch("metadata.name")
}

// List implements rest.Lister.
func (s *Store) List(ctx context.Context, opts *rest.ListOptions) (runtime.Object, error) {
	lo, err := s.storageListOptions(opts)
	if err != nil {
		return nil, err
	}
	key := s.listKey(ctx)
	if name, ok := singleName(opts); ok && (rest.NamespaceFrom(ctx) != "" || !s.Strategy.NamespaceScoped()) {
		if k, err := s.KeyFor(rest.NamespaceFrom(ctx), name); err == nil {
			key, lo.Recursive = k, false
		}
	}
	res, err := s.Storage.GetList(ctx, key, lo)
	if err != nil {
		return nil, s.interpret(err, "")
	}
	list := s.NewListFunc()
	if err := storage.SetListItems(list, res.Items); err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	if lm, ok := list.(interface{ GetListMeta() metav1.ListInterface }); ok {
		m := lm.GetListMeta()
		m.SetResourceVersion(storage.FormatResourceVersion(res.ResourceVersion))
		m.SetContinue(res.Continue)
		m.SetRemainingItemCount(res.RemainingItemCount)
	}
	return list, nil
}

// Watch implements rest.Watcher.
func (s *Store) Watch(ctx context.Context, opts *rest.ListOptions) (watch.Interface, error) {
	lo, err := s.storageListOptions(opts)
	if err != nil {
		return nil, err
	}
	key := s.listKey(ctx)
	if name, ok := singleName(opts); ok && (rest.NamespaceFrom(ctx) != "" || !s.Strategy.NamespaceScoped()) {
		if k, err := s.KeyFor(rest.NamespaceFrom(ctx), name); err == nil {
			key, lo.Recursive = k, false
		}
	}
	w, err := s.Storage.Watch(ctx, key, lo)
	if err != nil {
		return nil, s.interpret(err, "")
	}
	return w, nil
}

// interpret maps a storage error to the API error of this resource.
func (s *Store) interpret(err error, name string) error {
	return InterpretStorageError(err, s.Resource, name)
}

// InterpretStorageError maps an error from storage to the StatusError the
// API answers with; other errors pass through unchanged.
func InterpretStorageError(err error, gr schema.GroupResource, name string) error {
	var se *storage.StorageError
	if !errors.As(err, &se) {
		if errors.Is(err, context.DeadlineExceeded) {
			return apierrors.NewTimeoutError("request did not complete within the allotted timeout", 0)
		}
		return err
	}
	switch se.Code {
	case storage.ErrCodeKeyNotFound:
		return apierrors.NewNotFound(gr, name)
	case storage.ErrCodeKeyExists:
		return apierrors.NewAlreadyExists(gr, name)
	case storage.ErrCodeResourceVersionConflicts:
		msg := se.Detail
		if msg == "" {
			msg = apierrors.OptimisticLockErrorMsg
		}
		return apierrors.NewConflict(gr, name, errors.New(msg))
	case storage.ErrCodeExpired:
		msg := se.Detail
		if msg == "" || se.Err != nil {
			msg = "too old resource version"
		}
		return apierrors.NewResourceExpired(msg)
	case storage.ErrCodeTooLargeResourceVersion:
		msg := se.Detail
		if msg == "" {
			msg = "Too large resource version"
		}
		e := apierrors.NewTimeoutError(msg, 1)
		e.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}}
		return e
	case storage.ErrCodeInvalidArgument:
		return apierrors.NewBadRequest(se.Detail)
	case storage.ErrCodeUnreachable:
		return apierrors.NewServiceUnavailable(se.Error())
	default:
		return apierrors.NewInternalError(err)
	}
}

func accessor(obj runtime.Object) (metav1.Object, error) { return storage.Accessor(obj) }

// matchAll is a list option selecting everything.
var matchAll = &rest.ListOptions{LabelSelector: labels.Everything(), FieldSelector: fields.Everything()}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
