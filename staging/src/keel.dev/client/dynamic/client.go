package dynamic

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/rest"
)

// Client is a dynamic client; it always speaks JSON.
type Client struct {
	rest *rest.Client
}

// NewForConfig returns a dynamic client for cfg.
func NewForConfig(cfg *rest.Config) (*Client, error) {
	c := rest.CopyConfig(cfg)
	c.ContentType = "application/json"
	rc, err := rest.New(c)
	if err != nil {
		return nil, err
	}
	return &Client{rest: rc}, nil
}

// New returns a dynamic client over rc.
func New(rc *rest.Client) *Client { return &Client{rest: rc} }

// Resource returns the client of a resource.
func (c *Client) Resource(gvr schema.GroupVersionResource) *ResourceClient {
	return &ResourceClient{rest: c.rest, gvr: gvr}
}

// ResourceClient reads and writes one resource, optionally in a namespace.
type ResourceClient struct {
	rest      *rest.Client
	gvr       schema.GroupVersionResource
	namespace string
}

// Namespace returns the client in a namespace.
func (rc *ResourceClient) Namespace(ns string) *ResourceClient {
	out := *rc
	out.namespace = ns
	return &out
}

func (rc *ResourceClient) req(r *rest.Request) *rest.Request {
	return r.GroupVersion(rc.gvr.GroupVersion()).Namespace(rc.namespace).Resource(rc.gvr.Resource).SetHeader("Accept", "application/json")
}

func decodeInto(raw []byte, err error) (*Unstructured, error) {
	if err != nil {
		return nil, err
	}
	u := &Unstructured{}
	if err := json.Unmarshal(raw, u); err != nil {
		return nil, fmt.Errorf("decode unstructured: %w", err)
	}
	return u, nil
}

func encode(u *Unstructured) ([]byte, error) { return json.Marshal(u.Object) }

// Get reads the named object.
func (rc *ResourceClient) Get(ctx context.Context, name string, opts metav1.GetOptions, sub ...string) (*Unstructured, error) {
	return decodeInto(rc.req(rc.rest.Get()).Name(name).SubResource(sub...).Params(&opts).DoRaw(ctx))
}

// List lists objects.
func (rc *ResourceClient) List(ctx context.Context, opts metav1.ListOptions) (*UnstructuredList, error) {
	raw, err := rc.req(rc.rest.Get()).Params(&opts).DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	l := &UnstructuredList{}
	if err := json.Unmarshal(raw, l); err != nil {
		return nil, fmt.Errorf("decode unstructured list: %w", err)
	}
	return l, nil
}

// Create creates obj.
func (rc *ResourceClient) Create(ctx context.Context, obj *Unstructured, opts metav1.CreateOptions, sub ...string) (*Unstructured, error) {
	body, err := encode(obj)
	if err != nil {
		return nil, err
	}
	r := rc.req(rc.rest.Post())
	if len(sub) > 0 {
		r = r.Name(obj.GetName()).SubResource(sub...)
	}
	return decodeInto(r.Params(&opts).Body(body).DoRaw(ctx))
}

// Update replaces obj (or its subresource).
func (rc *ResourceClient) Update(ctx context.Context, obj *Unstructured, opts metav1.UpdateOptions, sub ...string) (*Unstructured, error) {
	body, err := encode(obj)
	if err != nil {
		return nil, err
	}
	return decodeInto(rc.req(rc.rest.Put()).Name(obj.GetName()).SubResource(sub...).Params(&opts).Body(body).DoRaw(ctx))
}

// UpdateStatus replaces obj's status.
func (rc *ResourceClient) UpdateStatus(ctx context.Context, obj *Unstructured, opts metav1.UpdateOptions) (*Unstructured, error) {
	return rc.Update(ctx, obj, opts, "status")
}

// Patch patches the named object.
func (rc *ResourceClient) Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, sub ...string) (*Unstructured, error) {
	return decodeInto(rc.req(rc.rest.Patch(string(pt))).Name(name).SubResource(sub...).Params(&opts).Body(data).DoRaw(ctx))
}

// Apply server-side applies obj as fieldManager.
func (rc *ResourceClient) Apply(ctx context.Context, obj *Unstructured, fieldManager string, force bool) (*Unstructured, error) {
	body, err := encode(obj)
	if err != nil {
		return nil, err
	}
	opts := metav1.PatchOptions{FieldManager: fieldManager}
	if force {
		opts.Force = &force
	}
	return rc.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts)
}

// Delete deletes the named object.
func (rc *ResourceClient) Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	opts.Kind, opts.APIVersion = "DeleteOptions", "meta.k8s.io/v1"
	body, _ := json.Marshal(&opts)
	return rc.req(rc.rest.Delete()).Name(name).Body(body).Do(ctx).Error()
}

// DeleteCollection deletes the objects listOpts selects.
func (rc *ResourceClient) DeleteCollection(ctx context.Context, opts metav1.DeleteOptions, listOpts metav1.ListOptions) error {
	opts.Kind, opts.APIVersion = "DeleteOptions", "meta.k8s.io/v1"
	body, _ := json.Marshal(&opts)
	return rc.req(rc.rest.Delete()).Params(&listOpts).Body(body).Do(ctx).Error()
}

// Watch watches objects; events carry *Unstructured (ERROR: *metav1.Status).
func (rc *ResourceClient) Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	ctx, cancel := context.WithCancel(ctx)
	body, err := rc.req(rc.rest.Get()).Params(&opts).Param("watch", "true").Timeout(0).Stream(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	w := &jsonWatcher{body: body, cancel: cancel, result: make(chan watch.Event), done: make(chan struct{})}
	go w.receive()
	return w, nil
}

type jsonWatcher struct {
	body   io.ReadCloser
	cancel context.CancelFunc
	result chan watch.Event
	done   chan struct{}
	once   sync.Once
}

func (w *jsonWatcher) ResultChan() <-chan watch.Event { return w.result }

func (w *jsonWatcher) Stop() {
	w.once.Do(func() {
		close(w.done)
		w.cancel()
		w.body.Close()
	})
}

func (w *jsonWatcher) receive() {
	defer close(w.result)
	defer w.Stop()
	dec := json.NewDecoder(bufio.NewReader(w.body))
	for {
		var frame struct {
			Type   watch.EventType `json:"type"`
			Object json.RawMessage `json:"object"`
		}
		if err := dec.Decode(&frame); err != nil {
			if !errors.Is(err, io.EOF) {
				select {
				case <-w.done:
				default:
					st := apierrors.NewInternalError(fmt.Errorf("decode watch event: %w", err)).ErrStatus
					w.send(watch.Event{Type: watch.Error, Object: &st})
				}
			}
			return
		}
		var ev watch.Event
		if frame.Type == watch.Error {
			st := &metav1.Status{}
			_ = json.Unmarshal(frame.Object, st)
			ev = watch.Event{Type: watch.Error, Object: st}
		} else {
			u := &Unstructured{}
			if err := json.Unmarshal(frame.Object, u); err != nil {
				return
			}
			ev = watch.Event{Type: frame.Type, Object: u}
		}
		if !w.send(ev) {
			return
		}
	}
}

func (w *jsonWatcher) send(ev watch.Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-w.done:
		return false
	}
}
