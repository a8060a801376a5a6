package typed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sync"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/rest"
)

// Object is a persisted kind: a runtime.Object with object metadata
// (a pointer such as *corev1.Pod).
type Object interface {
	runtime.Object
	metav1.Object
}

// List is a list kind (a pointer such as *corev1.PodList).
type List interface {
	runtime.Object
	GetResourceVersion() string
	GetContinue() string
}

// kindInfo is what a client needs to know about its kind, resolved once per type.
type kindInfo struct {
	gvk        schema.GroupVersionKind
	resource   string
	namespaced bool
	objType    reflect.Type // element type of T
	listType   reflect.Type // element type of L
	itemsField int
}

var kinds sync.Map // map[[2]reflect.Type]*kindInfo

func resolve[T Object, L List](scheme *runtime.Scheme) (*kindInfo, error) {
	ot, lt := reflect.TypeFor[T]().Elem(), reflect.TypeFor[L]().Elem()
	key := [2]reflect.Type{ot, lt}
	if ki, ok := kinds.Load(key); ok {
		return ki.(*kindInfo), nil
	}
	gvk, err := scheme.ObjectKind(reflect.New(ot).Interface().(runtime.Object))
	if err != nil {
		return nil, fmt.Errorf("typed client for %v: %w", ot, err)
	}
	ri, ok := scheme.ResourceForKind(gvk)
	if !ok {
		return nil, fmt.Errorf("typed client for %v: no resource serves kind %v", ot, gvk)
	}
	f, ok := lt.FieldByName("Items")
	if !ok || f.Type.Kind() != reflect.Slice || f.Type.Elem() != ot || len(f.Index) != 1 {
		return nil, fmt.Errorf("typed client: %v has no Items []%v field", lt, ot)
	}
	ki := &kindInfo{gvk: gvk, resource: ri.Resource, namespaced: ri.Namespaced, objType: ot, listType: lt, itemsField: f.Index[0]}
	kinds.Store(key, ki)
	return ki, nil
}

// Client reads and writes one kind in one namespace (or cluster-wide). It is
// cheap to create and safe for concurrent use.
type Client[T Object, L List] struct {
	rest      *rest.Client
	info      *kindInfo
	namespace string
}

// New returns the client of kind T (listed as L) in namespace ("" for
// cluster-scoped kinds or all namespaces).
func New[T Object, L List](rc *rest.Client, namespace string) (*Client[T, L], error) {
	ki, err := resolve[T, L](rc.Scheme())
	if err != nil {
		return nil, err
	}
	if !ki.namespaced {
		namespace = ""
	}
	return &Client[T, L]{rest: rc, info: ki, namespace: namespace}, nil
}

// GroupVersionResource returns the resource the client talks to.
func (c *Client[T, L]) GroupVersionResource() schema.GroupVersionResource {
	return c.info.gvk.GroupVersion().WithResource(c.info.resource)
}

// GroupVersionKind returns the client's kind.
func (c *Client[T, L]) GroupVersionKind() schema.GroupVersionKind { return c.info.gvk }

// Namespace returns the client's namespace.
func (c *Client[T, L]) Namespace() string { return c.namespace }

// Namespaced reports whether the kind lives in namespaces.
func (c *Client[T, L]) Namespaced() bool { return c.info.namespaced }

// InNamespace returns a client of the same kind in another namespace.
func (c *Client[T, L]) InNamespace(ns string) *Client[T, L] {
	if !c.info.namespaced {
		ns = ""
	}
	return &Client[T, L]{rest: c.rest, info: c.info, namespace: ns}
}

// NewObject returns a new empty T.
func (c *Client[T, L]) NewObject() T { return reflect.New(c.info.objType).Interface().(T) }

// NewList returns a new empty L.
func (c *Client[T, L]) NewList() L { return reflect.New(c.info.listType).Interface().(L) }

// Items returns pointers to the items of l (sharing its memory).
func (c *Client[T, L]) Items(l L) []T {
	v := reflect.ValueOf(l).Elem().Field(c.info.itemsField)
	out := make([]T, v.Len())
	for i := range out {
		out[i] = v.Index(i).Addr().Interface().(T)
	}
	return out
}

func (c *Client[T, L]) req(r *rest.Request) *rest.Request {
	return r.GroupVersion(c.info.gvk.GroupVersion()).Namespace(c.namespace).Resource(c.info.resource)
}

// nsFor picks the namespace of obj, falling back to the client's.
func (c *Client[T, L]) nsFor(obj metav1.Object) string {
	if !c.info.namespaced {
		return ""
	}
	if ns := obj.GetNamespace(); ns != "" {
		return ns
	}
	return c.namespace
}

// Create creates obj and returns the stored object.
func (c *Client[T, L]) Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error) {
	out := c.NewObject()
	err := c.req(c.rest.Post()).Namespace(c.nsFor(obj)).Params(&opts).Body(obj).Into(ctx, out)
	return out, err
}

// Get reads the named object.
func (c *Client[T, L]) Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error) {
	out := c.NewObject()
	err := c.req(c.rest.Get()).Name(name).Params(&opts).Into(ctx, out)
	return out, err
}

// List lists objects (one page when opts.Limit is set).
func (c *Client[T, L]) List(ctx context.Context, opts metav1.ListOptions) (L, error) {
	out := c.NewList()
	err := c.req(c.rest.Get()).Params(&opts).Into(ctx, out)
	return out, err
}

// Watch watches objects from opts.ResourceVersion.
func (c *Client[T, L]) Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	return c.req(c.rest.Get()).Params(&opts).Watch(ctx)
}

// Update replaces obj (optimistically, by its resourceVersion).
func (c *Client[T, L]) Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error) {
	return c.put(ctx, obj, opts, nil)
}

// UpdateStatus replaces obj's status subresource.
func (c *Client[T, L]) UpdateStatus(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error) {
	return c.put(ctx, obj, opts, []string{"status"})
}

func (c *Client[T, L]) put(ctx context.Context, obj T, opts metav1.UpdateOptions, sub []string) (T, error) {
	out := c.NewObject()
	err := c.req(c.rest.Put()).Namespace(c.nsFor(obj)).Name(obj.GetName()).SubResource(sub...).Params(&opts).Body(obj).Into(ctx, out)
	return out, err
}

// Patch patches the named object (or its subresource) with data of type pt.
func (c *Client[T, L]) Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error) {
	out := c.NewObject()
	err := c.req(c.rest.Patch(string(pt))).Name(name).SubResource(subresources...).Params(&opts).Body(data).Into(ctx, out)
	return out, err
}

// Apply server-side applies obj (which must set apiVersion, kind and name)
// as fieldManager.
func (c *Client[T, L]) Apply(ctx context.Context, obj T, fieldManager string, force bool) (T, error) {
	out := c.NewObject()
	if fieldManager == "" {
		return out, fmt.Errorf("apply %s %q: fieldManager is required", c.info.resource, obj.GetName())
	}
	if obj.GetObjectKind().GroupVersionKind().Kind == "" {
		obj = obj.DeepCopyObject().(T)
		obj.GetObjectKind().SetGroupVersionKind(c.info.gvk)
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return out, fmt.Errorf("apply %s %q: %w", c.info.resource, obj.GetName(), err)
	}
	opts := metav1.PatchOptions{FieldManager: fieldManager}
	if force {
		opts.Force = &force
	}
	err = c.req(c.rest.Patch(string(types.ApplyPatchType))).Namespace(c.nsFor(obj)).Name(obj.GetName()).Params(&opts).Body(data).Into(ctx, out)
	return out, err
}

// deleteBody is DeleteOptions as JSON, which every apiserver accepts.
func deleteBody(opts metav1.DeleteOptions) ([]byte, error) {
	opts.Kind, opts.APIVersion = "DeleteOptions", "meta.k8s.io/v1"
	return json.Marshal(&opts)
}

// Delete deletes the named object.
func (c *Client[T, L]) Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	return c.req(c.rest.Delete()).Name(name).SetHeader("Content-Type", "application/json").Body(body).Do(ctx).Error()
}

// DeleteCollection deletes the objects listOpts selects.
func (c *Client[T, L]) DeleteCollection(ctx context.Context, opts metav1.DeleteOptions, listOpts metav1.ListOptions) error {
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	return c.req(c.rest.Delete()).Params(&listOpts).Body(body).Do(ctx).Error()
}

// GetSubresource reads a subresource of the named object into out.
func (c *Client[T, L]) GetSubresource(ctx context.Context, name, sub string, out runtime.Object) error {
	return c.req(c.rest.Get()).Name(name).SubResource(sub).Into(ctx, out)
}

// CreateSubresource posts in to a subresource of the named object and
// decodes the response into out (when non-nil).
func (c *Client[T, L]) CreateSubresource(ctx context.Context, name, sub string, in runtime.Object, out runtime.Object, opts metav1.CreateOptions) error {
	res := c.req(c.rest.Post()).Name(name).SubResource(sub).Params(&opts).Body(in).Do(ctx)
	if out == nil {
		return res.Error()
	}
	return res.Into(out)
}

// UpdateSubresource puts in to a subresource of the named object.
func (c *Client[T, L]) UpdateSubresource(ctx context.Context, name, sub string, in runtime.Object, out runtime.Object, opts metav1.UpdateOptions) error {
	return c.req(c.rest.Put()).Name(name).SubResource(sub).Params(&opts).Body(in).Into(ctx, out)
}

// StreamSubresource GETs a subresource as a byte stream with the query
// parameters of opts; the caller closes it.
func (c *Client[T, L]) StreamSubresource(ctx context.Context, name, sub string, opts any) (io.ReadCloser, error) {
	r := c.req(c.rest.Get()).Name(name).SubResource(sub).SetHeader("Accept", "*/*")
	if opts != nil {
		r = r.Params(opts)
	}
	return r.Stream(ctx)
}
