package replicaset

import (
	"context"
	"fmt"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
)

// source abstracts the owner kind: ReplicaSets as they are, or
// ReplicationControllers viewed as ReplicaSets.
type source interface {
	// kind is the owner's group, version and kind (for ownerReferences).
	kind() schema.GroupVersionKind
	// get returns the cached owner as a ReplicaSet; never mutate it.
	get(ns, name string) (*appsv1.ReplicaSet, error)
	// list returns the cached owners of ns.
	list(ns string) ([]*appsv1.ReplicaSet, error)
	// fresh reads the owner from the apiserver.
	fresh(ctx context.Context, ns, name string) (*appsv1.ReplicaSet, error)
	// updateStatus writes rs.Status.
	updateStatus(ctx context.Context, rs *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error)
	// eventObject is the object events are recorded against.
	eventObject(rs *appsv1.ReplicaSet) runtime.Object
	// synced reports whether the owner cache has synced.
	synced() bool
	// onChange registers fn to be called with the key of any changed owner.
	onChange(fn func(rs *appsv1.ReplicaSet, deleted bool))
}

// rsSource serves ReplicaSets.
type rsSource struct {
	cs  *typed.Clientset
	inf *informers.ReplicaSetInformer
}

func (s rsSource) kind() schema.GroupVersionKind {
	return appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
}

func (s rsSource) get(ns, name string) (*appsv1.ReplicaSet, error) {
	return s.inf.Lister().Get(ns, name)
}

func (s rsSource) list(ns string) ([]*appsv1.ReplicaSet, error) {
	return s.inf.Lister().Namespace(ns).List(nil)
}

func (s rsSource) fresh(ctx context.Context, ns, name string) (*appsv1.ReplicaSet, error) {
	return s.cs.AppsV1().ReplicaSets(ns).Get(ctx, name, metav1.GetOptions{})
}

func (s rsSource) updateStatus(ctx context.Context, rs *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	return s.cs.AppsV1().ReplicaSets(rs.Namespace).UpdateStatus(ctx, rs, metav1.UpdateOptions{})
}

func (s rsSource) eventObject(rs *appsv1.ReplicaSet) runtime.Object { return rs }

func (s rsSource) synced() bool { return s.inf.HasSynced() }

func (s rsSource) onChange(fn func(rs *appsv1.ReplicaSet, deleted bool)) {
	s.inf.AddEventHandler(informers.HandlerFuncs[*appsv1.ReplicaSet]{
		AddFunc:    func(rs *appsv1.ReplicaSet, _ bool) { fn(rs, false) },
		UpdateFunc: func(_, rs *appsv1.ReplicaSet) { fn(rs, false) },
		DeleteFunc: func(rs *appsv1.ReplicaSet) { fn(rs, true) },
	})
}

// rcSource serves ReplicationControllers converted to ReplicaSets.
type rcSource struct {
	cs  *typed.Clientset
	inf *informers.ReplicationControllerInformer
}

func (s rcSource) kind() schema.GroupVersionKind {
	return corev1.SchemeGroupVersion.WithKind("ReplicationController")
}

// rcToRS views rc as a ReplicaSet; the result shares no memory with rc.
func rcToRS(rc *corev1.ReplicationController) *appsv1.ReplicaSet {
	rc = rc.DeepCopy()
	rs := &appsv1.ReplicaSet{ObjectMeta: rc.ObjectMeta}
	rs.Spec.Replicas = rc.Spec.Replicas
	rs.Spec.MinReadySeconds = rc.Spec.MinReadySeconds
	rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: rc.Spec.Selector}
	if rc.Spec.Template != nil {
		rs.Spec.Template = *rc.Spec.Template
	}
	rs.Status = appsv1.ReplicaSetStatus{
		Replicas: rc.Status.Replicas, FullyLabeledReplicas: rc.Status.FullyLabeledReplicas,
		ReadyReplicas: rc.Status.ReadyReplicas, AvailableReplicas: rc.Status.AvailableReplicas,
		ObservedGeneration: rc.Status.ObservedGeneration,
	}
	for _, c := range rc.Status.Conditions {
		rs.Status.Conditions = append(rs.Status.Conditions, appsv1.ReplicaSetCondition{
			Type: appsv1.ReplicaSetConditionType(c.Type), Status: c.Status,
			LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message,
		})
	}
	return rs
}

// rsToRC builds the ReplicationController carrying rs's metadata and status.
func rsToRC(rs *appsv1.ReplicaSet, base *corev1.ReplicationController) *corev1.ReplicationController {
	rc := base.DeepCopy()
	rc.ObjectMeta = *rs.ObjectMeta.DeepCopy()
	rc.Status = corev1.ReplicationControllerStatus{
		Replicas: rs.Status.Replicas, FullyLabeledReplicas: rs.Status.FullyLabeledReplicas,
		ReadyReplicas: rs.Status.ReadyReplicas, AvailableReplicas: rs.Status.AvailableReplicas,
		ObservedGeneration: rs.Status.ObservedGeneration,
	}
	for _, c := range rs.Status.Conditions {
		rc.Status.Conditions = append(rc.Status.Conditions, corev1.ReplicationControllerCondition{
			Type: corev1.ReplicationControllerConditionType(c.Type), Status: c.Status,
			LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message,
		})
	}
	return rc
}

func (s rcSource) get(ns, name string) (*appsv1.ReplicaSet, error) {
	rc, err := s.inf.Lister().Get(ns, name)
	if err != nil {
		return nil, err
	}
	return rcToRS(rc), nil
}

func (s rcSource) list(ns string) ([]*appsv1.ReplicaSet, error) {
	rcs, err := s.inf.Lister().Namespace(ns).List(nil)
	if err != nil {
		return nil, err
	}
	out := make([]*appsv1.ReplicaSet, 0, len(rcs))
	for _, rc := range rcs {
		out = append(out, rcToRS(rc))
	}
	return out, nil
}

func (s rcSource) fresh(ctx context.Context, ns, name string) (*appsv1.ReplicaSet, error) {
	rc, err := s.cs.CoreV1().ReplicationControllers(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return rcToRS(rc), nil
}

func (s rcSource) updateStatus(ctx context.Context, rs *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	base, err := s.inf.Lister().Get(rs.Namespace, rs.Name)
	if err != nil {
		return nil, fmt.Errorf("replication controller %s/%s: %w", rs.Namespace, rs.Name, err)
	}
	out, err := s.cs.CoreV1().ReplicationControllers(rs.Namespace).UpdateStatus(ctx, rsToRC(rs, base), metav1.UpdateOptions{})
	if err != nil {
		return nil, err
	}
	return rcToRS(out), nil
}

func (s rcSource) eventObject(rs *appsv1.ReplicaSet) runtime.Object {
	rc := &corev1.ReplicationController{ObjectMeta: *rs.ObjectMeta.DeepCopy()}
	rc.SetGroupVersionKind(s.kind())
	return rc
}

func (s rcSource) synced() bool { return s.inf.HasSynced() }

func (s rcSource) onChange(fn func(rs *appsv1.ReplicaSet, deleted bool)) {
	s.inf.AddEventHandler(informers.HandlerFuncs[*corev1.ReplicationController]{
		AddFunc:    func(rc *corev1.ReplicationController, _ bool) { fn(rcToRS(rc), false) },
		UpdateFunc: func(_, rc *corev1.ReplicationController) { fn(rcToRS(rc), false) },
		DeleteFunc: func(rc *corev1.ReplicationController) { fn(rcToRS(rc), true) },
	})
}
