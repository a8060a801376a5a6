package cmd

import (
	"encoding/json"
	"fmt"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/ctl/internal/describe"
)

// decodeTyped converts an object's JSON form into a typed API value.
func decodeTyped(obj map[string]any, into any) error {
	raw, err := json.Marshal(obj)
	if err == nil {
		err = json.Unmarshal(raw, into)
	}
	if err != nil {
		return fmt.Errorf("decoding %v %q: %w", obj["kind"], metaString(obj, "name"), err)
	}
	return nil
}

// workload writes the kubectl layout of the apps/v1 workloads (up to their
// Events). It reports false for other kinds, which it leaves alone.
func (d *describer) workload(obj map[string]any) (bool, error) {
	if apiVersion, _ := obj["apiVersion"].(string); apiVersion != "apps/v1" {
		return false, nil
	}
	switch obj["kind"] {
	case "Deployment":
		var dep appsv1.Deployment
		if err := decodeTyped(obj, &dep); err != nil {
			return true, err
		}
		return true, describe.Deployment(d.w, &dep, d.replicaSets(&dep))
	case "ReplicaSet":
		var rs appsv1.ReplicaSet
		if err := decodeTyped(obj, &rs); err != nil {
			return true, err
		}
		return true, describe.ReplicaSet(d.w, &rs, d.podCounts(&rs.ObjectMeta, rs.Spec.Selector))
	case "DaemonSet":
		var ds appsv1.DaemonSet
		if err := decodeTyped(obj, &ds); err != nil {
			return true, err
		}
		return true, describe.DaemonSet(d.w, &ds, d.podCounts(&ds.ObjectMeta, ds.Spec.Selector))
	case "StatefulSet":
		var sts appsv1.StatefulSet
		if err := decodeTyped(obj, &sts); err != nil {
			return true, err
		}
		return true, describe.StatefulSet(d.w, &sts, d.podCounts(&sts.ObjectMeta, sts.Spec.Selector))
	}
	return false, nil
}

// listTyped lists resource in ns matching sel and decodes the items into
// out (a pointer to a slice of the typed kind).
func (d *describer) listTyped(resource, ns string, sel *metav1.LabelSelector, out any) error {
	info, err := d.f.Resolve(d.ctx, resource)
	if err != nil {
		return err
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return fmt.Errorf("converting the selector: %w", err)
	}
	items, _, err := listJSON(d.ctx, d.c, info, ns, listOptions{labelSelector: s.String()})
	if err != nil {
		return err
	}
	raw, err := json.Marshal(items)
	if err == nil {
		err = json.Unmarshal(raw, out)
	}
	if err != nil {
		return fmt.Errorf("decoding %s: %w", resource, err)
	}
	return nil
}

// podCounts counts the pods the workload controls by phase; a failed list
// counts nothing, as kubectl does not fail describe over it.
func (d *describer) podCounts(m *metav1.ObjectMeta, sel *metav1.LabelSelector) describe.PodCounts {
	var pods []corev1.Pod
	if err := d.listTyped("pods", m.Namespace, sel, &pods); err != nil {
		return describe.PodCounts{}
	}
	return describe.CountPods(pods, string(m.UID))
}

// replicaSets finds a deployment's old and new replica sets, or nil when
// they cannot be listed.
func (d *describer) replicaSets(dep *appsv1.Deployment) *describe.ReplicaSets {
	var all []appsv1.ReplicaSet
	if err := d.listTyped("replicasets", dep.Namespace, dep.Spec.Selector, &all); err != nil {
		return nil
	}
	rs := describe.SplitReplicaSets(dep, all)
	return &rs
}
