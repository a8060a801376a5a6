package replicaset

import (
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/controller/ownerref"
)

// podFromTemplate builds a pod for rs: generateName "<rs>-", the
// template's labels, annotations, finalizers and spec, and a controller
// ownerReference.
func podFromTemplate(rs *appsv1.ReplicaSet, gvk schema.GroupVersionKind) *corev1.Pod {
	t := rs.Spec.Template.DeepCopy()
	prefix := rs.Name + "-"
	if len(prefix) > 58 {
		prefix = prefix[:58]
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName:    prefix,
			Namespace:       rs.Namespace,
			Labels:          t.Labels,
			Annotations:     t.Annotations,
			Finalizers:      t.Finalizers,
			OwnerReferences: []metav1.OwnerReference{ownerref.NewControllerRef(rs, gvk)},
		},
		Spec: t.Spec,
	}
}

// secs converts seconds to a duration.
func secs(s int32) time.Duration { return time.Duration(s) * time.Second }
