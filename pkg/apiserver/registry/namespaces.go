package registry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"
	"keel.dev/apimachinery/pkg/watch"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

func namespaceConfig(b *builder, k *kindConfig) {
	k.fieldNames = []string{"status.phase"}
	k.fields = func(obj runtime.Object) fields.Set {
		return fields.Set{"status.phase": string(obj.(*corev1.Namespace).Status.Phase)}
	}
	k.onCreate = func(ctx context.Context, obj runtime.Object) {
		corev1.PrepareNamespaceForCreate(obj.(*corev1.Namespace))
	}
	k.onUpdate = func(ctx context.Context, obj, old runtime.Object) {
		// Spec finalizers change only through namespaces/finalize.
		obj.(*corev1.Namespace).Spec.Finalizers = old.(*corev1.Namespace).Spec.Finalizers
	}
	k.customize = func(s *generic.Store) {
		s.ShouldDeleteDuringUpdate = func(obj runtime.Object) bool {
			return len(obj.(*corev1.Namespace).Spec.Finalizers) == 0
		}
	}
	k.wrap = func(s *generic.Store) rest.Storage { return &namespaceStore{store: s, terminating: &b.terminating} }
}

// namespaceFinalizeStrategy updates only spec.finalizers.
func namespaceFinalizeStrategy(scheme *runtime.Scheme, parent *generic.Store) generic.Strategy {
	return &generic.StatusStrategy{
		Strategy:      parent.Strategy,
		Scheme:        scheme,
		KeepFields:    []string{"Status"},
		SkipResetMeta: true,
		OnUpdate: func(ctx context.Context, obj, old runtime.Object) {
			n, o := obj.(*corev1.Namespace), old.(*corev1.Namespace)
			spec := n.Spec
			meta := n.ObjectMeta
			*n = *o.DeepCopyObject().(*corev1.Namespace)
			n.Spec = spec
			n.ResourceVersion = meta.ResourceVersion
		},
		ValidateFunc: func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidateNamespaceFinalizeUpdate(obj.(*corev1.Namespace), old.(*corev1.Namespace))
		},
	}
}

// immortalNamespaces may never be deleted.
var immortalNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true}

// namespaceStore serves namespaces: deletion marks a namespace
// Terminating while it has spec finalizers; the namespace controller
// empties them (namespaces/finalize) and deletes again.
// It serves no deletecollection, like Kubernetes.
type namespaceStore struct {
	store       *generic.Store
	terminating *sync.Map
}

var (
	_ rest.Lister          = (*namespaceStore)(nil)
	_ rest.Watcher         = (*namespaceStore)(nil)
	_ rest.Creater         = (*namespaceStore)(nil)
	_ rest.Updater         = (*namespaceStore)(nil)
	_ rest.GracefulDeleter = (*namespaceStore)(nil)
)

// New implements rest.Storage.
func (s *namespaceStore) New() runtime.Object { return s.store.New() }

// NewList implements rest.Lister.
func (s *namespaceStore) NewList() runtime.Object { return s.store.NewList() }

// Get implements rest.Getter.
func (s *namespaceStore) Get(ctx context.Context, name string, opts *metav1.GetOptions) (runtime.Object, error) {
	return s.store.Get(ctx, name, opts)
}

// List implements rest.Lister.
func (s *namespaceStore) List(ctx context.Context, opts *rest.ListOptions) (runtime.Object, error) {
	return s.store.List(ctx, opts)
}

// Watch implements rest.Watcher.
func (s *namespaceStore) Watch(ctx context.Context, opts *rest.ListOptions) (watch.Interface, error) {
	return s.store.Watch(ctx, opts)
}

// Create implements rest.Creater.
func (s *namespaceStore) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	out, err := s.store.Create(ctx, obj, opts)
	if err == nil && (opts == nil || !rest.IsDryRun(opts.DryRun)) {
		s.terminating.Delete(out.(*corev1.Namespace).Name)
	}
	return out, err
}

// Update implements rest.Updater.
func (s *namespaceStore) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, opts *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return s.store.Update(ctx, name, objInfo, opts)
}

// Delete implements rest.GracefulDeleter.
func (s *namespaceStore) Delete(ctx context.Context, name string, opts *metav1.DeleteOptions) (runtime.Object, bool, error) {
	if opts == nil {
		opts = &metav1.DeleteOptions{}
	}
	nsGR := s.store.Resource
	if immortalNamespaces[name] {
		return nil, false, apierrors.NewForbidden(nsGR, name, errors.New("this namespace may not be deleted"))
	}
	key, err := s.store.KeyFor("", name)
	if err != nil {
		return nil, false, err
	}
	existing, err := s.store.Storage.Get(ctx, key, storage.GetOptions{})
	if err != nil {
		return nil, false, interpret(err, nsGR, name)
	}
	ns := existing.(*corev1.Namespace)
	if p := opts.Preconditions; p != nil {
		if p.UID != nil && ns.UID != *p.UID {
			return nil, false, apierrors.NewConflict(nsGR, name, fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, ns.UID))
		}
		if p.ResourceVersion != nil && ns.ResourceVersion != *p.ResourceVersion {
			return nil, false, apierrors.NewConflict(nsGR, name, errors.New("Precondition failed: ResourceVersion in precondition: "+*p.ResourceVersion+", ResourceVersion in object meta: "+ns.ResourceVersion))
		}
	}
	if len(ns.Spec.Finalizers) == 0 && len(ns.Finalizers) == 0 && ns.DeletionTimestamp != nil {
		return s.store.Delete(ctx, name, opts)
	}
	if len(ns.Spec.Finalizers) == 0 && ns.DeletionTimestamp == nil && opts.PropagationPolicy == nil && opts.OrphanDependents == nil && len(ns.Finalizers) == 0 {
		return s.store.Delete(ctx, name, opts)
	}
	mark := func(cur runtime.Object) (runtime.Object, error) {
		n := cur.(*corev1.Namespace)
		if n.DeletionTimestamp == nil {
			now := metav1.Now()
			n.DeletionTimestamp = &now
			zero := int64(0)
			n.DeletionGracePeriodSeconds = &zero
		}
		n.Status.Phase = corev1.NamespaceTerminating
		if pp := opts.PropagationPolicy; pp != nil && *pp == metav1.DeletePropagationOrphan || opts.OrphanDependents != nil && *opts.OrphanDependents {
			if !hasString(n.Finalizers, metav1.FinalizerOrphanDependents) {
				n.Finalizers = append(n.Finalizers, metav1.FinalizerOrphanDependents)
			}
		} else if pp != nil && *pp == metav1.DeletePropagationForeground {
			if !hasString(n.Finalizers, metav1.FinalizerDeleteDependents) {
				n.Finalizers = append(n.Finalizers, metav1.FinalizerDeleteDependents)
			}
		}
		return n, nil
	}
	if rest.IsDryRun(opts.DryRun) {
		out, _ := mark(existing.DeepCopyObject())
		return out, false, nil
	}
	uid := ns.UID
	out, err := s.store.Storage.GuaranteedUpdate(ctx, key, storage.UpdateOptions{
		Preconditions: &storage.Preconditions{UID: &uid}, CachedExisting: existing}, mark)
	if err != nil {
		return nil, false, interpret(err, nsGR, name)
	}
	n := out.(*corev1.Namespace)
	s.terminating.Store(name, time.Now())
	if len(n.Spec.Finalizers) == 0 && len(n.Finalizers) == 0 {
		return s.store.Delete(ctx, name, opts)
	}
	return out, false, nil
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
