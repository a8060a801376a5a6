package resourcequota

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/dynamic"
)

// CountFunc counts the objects of gr in namespace ns; ok is false for a
// resource it cannot count (not served, not namespaced).
type CountFunc func(ctx context.Context, ns string, gr schema.GroupResource) (n int, ok bool, err error)

// typedCounts are the object-count names measured from the typed caches.
var typedCounts = map[corev1.ResourceName]bool{
	"count/pods": true, "count/services": true, "count/configmaps": true, "count/secrets": true,
	"count/persistentvolumeclaims": true, "count/replicationcontrollers": true, "count/resourcequotas": true,
}

// genericResources lists the resources that the unscoped quotas among
// quotas count with "count/<resource>.<group>" names the typed caches do
// not cover.
func genericResources(quotas []*corev1.ResourceQuota) []schema.GroupResource {
	var out []schema.GroupResource
	for _, q := range quotas {
		if len(scopeTerms(q)) > 0 {
			continue // scoped quotas only count pods and claims
		}
		for name := range q.Spec.Hard {
			if typedCounts[name] {
				continue
			}
			if gr, ok := ParseCountName(name); ok && !slices.Contains(out, gr) {
				out = append(out, gr)
			}
		}
	}
	return out
}

// pageSize bounds the lists that count a resource whose server does not
// report the number of remaining items.
const pageSize = 500

// dynamicCounter counts objects of the namespaced resources s knows, with
// a one-item list whose metadata.remainingItemCount gives the total.
func dynamicCounter(dyn *dynamic.Client, s *runtime.Scheme) CountFunc {
	gvrs := map[schema.GroupResource]schema.GroupVersionResource{}
	for _, info := range s.Resources() {
		gr := info.GroupVersionResource.GroupResource()
		if _, seen := gvrs[gr]; seen || !info.Namespaced || !slices.Contains(info.Verbs, "list") {
			continue
		}
		gvrs[gr] = info.GroupVersionResource
	}
	return func(ctx context.Context, ns string, gr schema.GroupResource) (int, bool, error) {
		gvr, ok := gvrs[gr]
		if !ok {
			return 0, false, nil
		}
		rc := dyn.Resource(gvr).Namespace(ns)
		list, err := rc.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				return 0, false, nil
			}
			return 0, false, fmt.Errorf("count %s in %s: %w", gr, ns, err)
		}
		n := len(list.Items)
		if list.GetContinue() == "" {
			return n, true, nil
		}
		if rest, ok := remainingItems(list); ok {
			return n + rest, true, nil
		}
		for cont := list.GetContinue(); cont != ""; cont = list.GetContinue() {
			list, err = rc.List(ctx, metav1.ListOptions{Limit: pageSize, Continue: cont})
			if err != nil {
				return 0, false, fmt.Errorf("count %s in %s: %w", gr, ns, err)
			}
			n += len(list.Items)
		}
		return n, true, nil
	}
}

// remainingItems reads metadata.remainingItemCount of a list page.
func remainingItems(l *dynamic.UnstructuredList) (int, bool) {
	meta, _ := l.Object["metadata"].(map[string]any)
	switch v := meta["remainingItemCount"].(type) {
	case float64:
		return int(v), true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}
