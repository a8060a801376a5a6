package registry

import (
	"context"
	"fmt"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	authenticationv1 "keel.dev/api/authentication/v1"
	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// specialResource returns the storage of resources that are not stored
// objects; ok is false for ordinary resources.
func (b *builder) specialResource(r runtime.ResourceInfo) (rest.Storage, bool) {
	if r.Group == "metrics.k8s.io" {
		// Computed from the kubelets, not stored: the apiserver adds
		// these storages itself (pkg/apiserver/metricsapi).
		return nil, true
	}
	if r.Group == "authorization.k8s.io" {
		// Answered by the authorizer, which the apiserver owns: it
		// replaces these placeholders (pkg/apiserver/authz).
		return &unavailableCreater{newFunc: newOf(b.cfg.Scheme, r.GroupVersionKind()),
			msg: r.Resource + " are not available: no authorizer is configured"}, true
	}
	switch r.GroupResource() {
	case gr("", "bindings"):
		return &bindingStore{podsFunc: func() *generic.Store { return b.out.stores[gr("", "pods")] }}, true
	case gr("", "componentstatuses"):
		return &componentStatusStore{}, true
	case gr("authentication.k8s.io", "selfsubjectreviews"):
		return &selfSubjectReviewStore{}, true
	case gr("authentication.k8s.io", "tokenreviews"):
		return &unavailableCreater{newFunc: newOf(b.cfg.Scheme, r.GroupVersionKind()),
			msg: "tokenreviews are not implemented yet: the token review authenticator is not configured"}, true
	}
	return nil, false
}

// unavailableCreater answers create with 503 and a clear message.
type unavailableCreater struct {
	newFunc func() runtime.Object
	msg     string
}

// New implements rest.Storage.
func (u *unavailableCreater) New() runtime.Object { return u.newFunc() }

// Create implements rest.Creater.
func (u *unavailableCreater) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	return nil, apierrors.NewServiceUnavailable(u.msg)
}

// componentStatusStore serves the deprecated componentstatuses: keel runs
// no separate components to probe, so the list is empty.
type componentStatusStore struct{}

// New implements rest.Storage.
func (c *componentStatusStore) New() runtime.Object {
	return &corev1.ComponentStatus{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ComponentStatus"}}
}

// NewList implements rest.Lister.
func (c *componentStatusStore) NewList() runtime.Object {
	return &corev1.ComponentStatusList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ComponentStatusList"}}
}

// List implements rest.Lister.
func (c *componentStatusStore) List(ctx context.Context, opts *rest.ListOptions) (runtime.Object, error) {
	return c.NewList(), nil
}

// Get implements rest.Getter.
func (c *componentStatusStore) Get(ctx context.Context, name string, opts *metav1.GetOptions) (runtime.Object, error) {
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "componentstatuses"}, name)
}

// selfSubjectReviewStore answers `kubectl auth whoami`.
type selfSubjectReviewStore struct{}

// New implements rest.Storage.
func (s *selfSubjectReviewStore) New() runtime.Object {
	return &authenticationv1.SelfSubjectReview{TypeMeta: metav1.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "SelfSubjectReview"}}
}

// Create implements rest.Creater.
func (s *selfSubjectReviewStore) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	u, ok := authn.UserFrom(ctx)
	if !ok || u == nil {
		return nil, apierrors.NewInternalError(fmt.Errorf("no user in the request context"))
	}
	out := s.New().(*authenticationv1.SelfSubjectReview)
	out.CreationTimestamp = metav1.Now()
	out.Status.UserInfo = authenticationv1.UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups}
	if len(u.Extra) > 0 {
		out.Status.UserInfo.Extra = map[string]authenticationv1.ExtraValue{}
		for k, v := range u.Extra {
			out.Status.UserInfo.Extra[k] = authenticationv1.ExtraValue(v)
		}
	}
	return out, nil
}
