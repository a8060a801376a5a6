package fake

import (
	"encoding/json"
	"net/http"

	autoscalingv1 "keel.dev/api/autoscaling/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// bind sets a pod's spec.nodeName from a Binding.
func (s *server) bind(r route, body runtime.Object) (any, int, error) {
	b, ok := body.(*corev1.Binding)
	if !ok {
		return nil, 0, apierrors.NewBadRequest("expected a Binding")
	}
	t := s.c.tracker
	cur, err := t.Get(r.gvr, r.namespace, r.name)
	if err != nil {
		return nil, 0, err
	}
	pod, ok := cur.(*corev1.Pod)
	if !ok {
		return nil, 0, apierrors.NewBadRequest("binding applies to pods")
	}
	if pod.Spec.NodeName != "" {
		return nil, 0, apierrors.NewConflict(r.gvr.GroupResource(), r.name, errString("pod "+r.name+" is already assigned to node "+pod.Spec.NodeName))
	}
	pod.Spec.NodeName = b.Target.Name
	if _, err := t.Update(r.gvr, pod); err != nil {
		return nil, 0, err
	}
	return &metav1.Status{Status: metav1.StatusSuccess, Code: http.StatusCreated}, http.StatusCreated, nil
}

type errString string

func (e errString) Error() string { return string(e) }

// scale reads or writes spec.replicas of any object through its JSON.
func (s *server) scale(a Action, r route) (any, int, error) {
	t := s.c.tracker
	cur, err := t.Get(r.gvr, r.namespace, r.name)
	if err != nil {
		return nil, 0, err
	}
	doc, err := toMap(cur)
	if err != nil {
		return nil, 0, apierrors.NewInternalError(err)
	}
	spec, _ := doc["spec"].(map[string]any)
	if spec == nil {
		return nil, 0, apierrors.NewNotFound(r.gvr.GroupResource(), r.name)
	}
	if a.Verb == "update" {
		sc, ok := a.Object.(*autoscalingv1.Scale)
		if !ok {
			return nil, 0, apierrors.NewBadRequest("expected a Scale")
		}
		spec["replicas"] = sc.Spec.Replicas
		b, _ := json.Marshal(doc)
		obj, err := s.decodeLike(b, cur)
		if err != nil {
			return nil, 0, apierrors.NewInternalError(err)
		}
		if cur, err = t.Update(r.gvr, obj); err != nil {
			return nil, 0, err
		}
		doc, _ = toMap(cur)
		spec, _ = doc["spec"].(map[string]any)
	}
	m := cur.(metav1.Object)
	out := &autoscalingv1.Scale{}
	out.Name, out.Namespace, out.ResourceVersion, out.UID = m.GetName(), m.GetNamespace(), m.GetResourceVersion(), m.GetUID()
	if n, ok := spec["replicas"].(float64); ok {
		out.Spec.Replicas = int32(n)
	}
	if st, ok := doc["status"].(map[string]any); ok {
		if n, ok := st["replicas"].(float64); ok {
			out.Status.Replicas = int32(n)
		}
	}
	return out, http.StatusOK, nil
}

func toMap(obj runtime.Object) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}
