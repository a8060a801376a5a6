package serviceaccount

import (
	"context"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// The resources tokens refer to.
var (
	serviceAccountsGR = schema.GroupResource{Resource: "serviceaccounts"}
	podsGR            = schema.GroupResource{Resource: "pods"}
	secretsGR         = schema.GroupResource{Resource: "secrets"}
	nodesGR           = schema.GroupResource{Resource: "nodes"}
)

// Getter reads the objects tokens refer to. Get returns (nil, nil) when
// the object does not exist. A non-fresh read may come from the watch
// cache; a fresh one reads storage.
type Getter interface {
	Get(ctx context.Context, gr schema.GroupResource, namespace, name string, fresh bool) (runtime.Object, error)
}

// StoreLookup returns the storage of a resource (registry.Storages.Store
// fits).
type StoreLookup[S rest.Getter] func(gr schema.GroupResource) (S, bool)

// StoreGetter reads objects through the registry's stores, never over HTTP.
type StoreGetter[S rest.Getter] struct {
	Lookup StoreLookup[S]
}

// Get implements Getter: a cached read is made with resourceVersion "0".
func (g StoreGetter[S]) Get(ctx context.Context, gr schema.GroupResource, namespace, name string, fresh bool) (runtime.Object, error) {
	st, ok := g.Lookup(gr)
	if !ok {
		return nil, apierrors.NewServiceUnavailable("resource " + gr.String() + " is not served")
	}
	opts := &metav1.GetOptions{}
	if !fresh {
		opts.ResourceVersion = "0"
	}
	obj, err := st.Get(rest.WithNamespace(ctx, namespace), name, opts)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return obj, err
}

// getTyped reads one object of type T: a cached read first, confirmed by a
// fresh one when the cache lacks it or has another UID (it may lag).
func getTyped[T interface {
	runtime.Object
	GetUID() types.UID
}](ctx context.Context, g Getter, gr schema.GroupResource, namespace, name string, uid types.UID, fresh bool) (T, error) {
	var zero T
	obj, err := g.Get(ctx, gr, namespace, name, fresh)
	if err != nil {
		return zero, err
	}
	if !fresh {
		if t, ok := obj.(T); ok && (uid == "" || t.GetUID() == uid) {
			return t, nil
		}
		if obj, err = g.Get(ctx, gr, namespace, name, true); err != nil {
			return zero, err
		}
	}
	t, _ := obj.(T)
	return t, nil
}

// typed lookups, for readability at the call sites.

func getServiceAccount(ctx context.Context, g Getter, ns, name string, uid types.UID, fresh bool) (*corev1.ServiceAccount, error) {
	return getTyped[*corev1.ServiceAccount](ctx, g, serviceAccountsGR, ns, name, uid, fresh)
}

func getPod(ctx context.Context, g Getter, ns, name string, uid types.UID, fresh bool) (*corev1.Pod, error) {
	return getTyped[*corev1.Pod](ctx, g, podsGR, ns, name, uid, fresh)
}

func getSecret(ctx context.Context, g Getter, ns, name string, uid types.UID, fresh bool) (*corev1.Secret, error) {
	return getTyped[*corev1.Secret](ctx, g, secretsGR, ns, name, uid, fresh)
}

func getNode(ctx context.Context, g Getter, name string, uid types.UID, fresh bool) (*corev1.Node, error) {
	return getTyped[*corev1.Node](ctx, g, nodesGR, "", name, uid, fresh)
}
