package namespace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/dynamic"
)

// progress is what the controller learned while emptying one namespace.
// Nothing can be created in a terminating namespace, so a resource once
// seen empty stays empty and is not asked about again.
type progress struct {
	uid types.UID
	// empty holds the resources known to have no object left.
	empty map[schema.GroupResource]bool
	// issued holds the resources whose objects were all asked to go; only
	// a list checks them from then on.
	issued map[schema.GroupResource]bool
	// waits counts the consecutive passes that left content behind.
	waits int
	// finalized is set once the kubernetes finalizer was removed: the
	// updates still arriving for this namespace need no further pass.
	finalized bool
}

func newProgress(uid types.UID) *progress {
	return &progress{uid: uid, empty: map[schema.GroupResource]bool{}, issued: map[schema.GroupResource]bool{}}
}

// pass is the outcome of one round over a namespace's content.
type pass struct {
	// failures describe the resources that could not be emptied.
	failures []string
	// left counts remaining objects per "resource.group".
	left map[string]int
	// finalizers counts remaining objects per finalizer they carry.
	finalizers map[string]int
	// until is the latest deletion deadline (deletionTimestamp) among the
	// remaining objects, zero when none has one.
	until time.Time
}

func (p *pass) remaining() bool { return len(p.left) > 0 }

// label renders gr the way namespace conditions name resources
// ("pods.", "deployments.apps").
func label(gr schema.GroupResource) string { return gr.Resource + "." + gr.Group }

// emptyContent asks every resource not yet known empty to delete its
// objects in namespace ns, and accounts for what is left.
func (c *Controller) emptyContent(ctx context.Context, ns string, st *progress, resources []Resource) *pass {
	out := &pass{left: map[string]int{}, finalizers: map[string]int{}}
	for _, r := range resources {
		gr := r.GVR.GroupResource()
		if st.empty[gr] {
			continue
		}
		left, err := c.emptyResource(ctx, ns, st, r)
		if err != nil {
			if gone(err) {
				st.empty[gr] = true // not served (any more)
				continue
			}
			out.failures = append(out.failures, fmt.Sprintf("%s: %v", label(gr), err))
			continue
		}
		if len(left) == 0 {
			st.empty[gr] = true
			continue
		}
		out.left[label(gr)] = len(left)
		for i := range left {
			meta := metaOf(&left[i])
			for _, f := range meta.Finalizers {
				out.finalizers[f]++
			}
			if meta.DeletionTimestamp != nil && meta.DeletionTimestamp.After(out.until) {
				out.until = meta.DeletionTimestamp.Time
			}
		}
	}
	return out
}

// gone reports a resource the apiserver does not serve (any more).
func gone(err error) bool {
	return apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err)
}

// emptyResource deletes the objects of r in ns and returns those that may
// still exist: one DELETE of the collection on the first pass (its answer
// lists what was deleted or only marked), a list on later passes or when
// the answer does not say.
func (c *Controller) emptyResource(ctx context.Context, ns string, st *progress, r Resource) ([]dynamic.Unstructured, error) {
	gr := r.GVR.GroupResource()
	if !st.issued[gr] && r.DeleteCollection {
		items, known, err := c.deleteCollection(ctx, ns, r.GVR)
		switch {
		case err == nil:
			st.issued[gr] = true
			if known {
				return marked(items), nil
			}
		case !apierrors.IsMethodNotSupported(err):
			return nil, err
		}
	}
	rc := c.dyn.Resource(r.GVR).Namespace(ns)
	list, err := rc.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	// Objects not yet marked are those the collection delete did not
	// reach (or the resource has no collection delete): delete them.
	var errs []error
	for i := range list.Items {
		if metaOf(&list.Items[i]).DeletionTimestamp != nil {
			continue
		}
		if err := rc.Delete(ctx, list.Items[i].GetName(), backgroundDelete()); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	st.issued[gr] = true
	return list.Items, errors.Join(errs...)
}

func backgroundDelete() metav1.DeleteOptions {
	bg := metav1.DeletePropagationBackground
	return metav1.DeleteOptions{TypeMeta: metav1.TypeMeta{Kind: "DeleteOptions", APIVersion: "meta.k8s.io/v1"}, PropagationPolicy: &bg}
}

// deleteCollection sends DELETE on the collection of gvr in ns. known
// reports whether the answer listed the affected objects (a bare Status
// does not).
func (c *Controller) deleteCollection(ctx context.Context, ns string, gvr schema.GroupVersionResource) (items []dynamic.Unstructured, known bool, err error) {
	body, err := json.Marshal(backgroundDelete())
	if err != nil {
		return nil, false, fmt.Errorf("encode delete options: %w", err)
	}
	raw, err := c.cs.REST().Delete().GroupVersion(gvr.GroupVersion()).Namespace(ns).Resource(gvr.Resource).
		SetHeader("Accept", "application/json").Body(body).DoRaw(ctx)
	if err != nil {
		return nil, false, err
	}
	var head metav1.TypeMeta
	if err := json.Unmarshal(raw, &head); err != nil || head.Kind == "Status" || head.Kind == "" {
		return nil, false, nil
	}
	list := &dynamic.UnstructuredList{}
	if err := json.Unmarshal(raw, list); err != nil {
		return nil, false, nil
	}
	return list.Items, true, nil
}

// marked keeps the objects of a collection delete's answer that still
// exist: those only marked for deletion (graceful or held by finalizers).
func marked(items []dynamic.Unstructured) []dynamic.Unstructured {
	var out []dynamic.Unstructured
	for i := range items {
		if metaOf(&items[i]).DeletionTimestamp != nil {
			out = append(out, items[i])
		}
	}
	return out
}

// objectMeta holds the metadata fields deletion progress depends on.
type objectMeta struct {
	DeletionTimestamp *metav1.Time
	Finalizers        []string
}

// metaOf reads the deletion-related metadata of an unstructured object.
func metaOf(u *dynamic.Unstructured) objectMeta {
	var m objectMeta
	if v, ok := u.NestedField("metadata", "deletionTimestamp"); ok {
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				m.DeletionTimestamp = &metav1.Time{Time: t}
			}
		}
	}
	if v, ok := u.NestedField("metadata", "finalizers"); ok {
		if l, ok := v.([]any); ok {
			for _, f := range l {
				if s, ok := f.(string); ok {
					m.Finalizers = append(m.Finalizers, s)
				}
			}
		}
	}
	return m
}
