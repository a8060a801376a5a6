package podtopologyspread

import (
	"fmt"
	"strings"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/scheduler/framework"
)

// defaultSelector returns the selector that groups pod with its peers for
// default spreading: the union of the selectors of the Services selecting
// it, narrowed by the selector of its controlling ReplicationController,
// ReplicaSet or StatefulSet. It is empty when nothing groups the pod.
func (p *PodTopologySpread) defaultSelector(pod *corev1.Pod) (labels.Selector, error) {
	var api framework.WorkloadLister
	if p.h != nil {
		api = p.h.ClusterAPI().Workloads
	}
	if api == nil {
		return labels.Everything(), nil
	}
	set := labels.Set{}
	svcs, err := api.Services(pod.Namespace)
	if err != nil {
		return nil, fmt.Errorf("list services of namespace %q: %w", pod.Namespace, err)
	}
	podLabels := labels.Set(pod.Labels)
	for _, svc := range svcs {
		if len(svc.Spec.Selector) > 0 && labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
			for k, v := range svc.Spec.Selector {
				set[k] = v
			}
		}
	}
	ref := metav1.GetControllerOf(pod)
	if ref == nil {
		return set.AsSelector(), nil
	}
	group := ref.APIVersion
	if i := strings.Index(group, "/"); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	var extra *metav1.LabelSelector
	switch {
	case group == "" && ref.Kind == "ReplicationController":
		if rc, err := api.ReplicationController(pod.Namespace, ref.Name); err == nil {
			for k, v := range rc.Spec.Selector {
				set[k] = v
			}
		}
	case group == "apps" && ref.Kind == "ReplicaSet":
		if rs, err := api.ReplicaSet(pod.Namespace, ref.Name); err == nil {
			extra = rs.Spec.Selector
		}
	case group == "apps" && ref.Kind == "StatefulSet":
		if ss, err := api.StatefulSet(pod.Namespace, ref.Name); err == nil {
			extra = ss.Spec.Selector
		}
	}
	sel := set.AsSelector()
	if extra != nil {
		other, err := metav1.LabelSelectorAsSelector(extra)
		if err == nil {
			if reqs, ok := other.Requirements(); ok {
				sel = sel.Add(reqs...)
			}
		}
	}
	return sel, nil
}
