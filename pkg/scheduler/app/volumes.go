package app

import (
	"context"
	"encoding/json"
	"fmt"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/scheduler"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/volumebinding"
)

// notFound turns an informer lister's NotFound into framework.ErrNotFound.
func notFound(err error) error {
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%w: %w", framework.ErrNotFound, err)
	}
	return err
}

// volumeLister is framework.VolumeLister over the scheduler's informers.
type volumeLister struct {
	pvcs    *informers.PersistentVolumeClaimInformer
	pvs     *informers.PersistentVolumeInformer
	classes *informers.StorageClassInformer
}

var _ framework.VolumeLister = (*volumeLister)(nil)

// GetPVC returns a cached claim.
func (l *volumeLister) GetPVC(namespace, name string) (*corev1.PersistentVolumeClaim, error) {
	c, err := l.pvcs.Lister().Get(namespace, name)
	return c, notFound(err)
}

// GetPV returns a cached volume.
func (l *volumeLister) GetPV(name string) (*corev1.PersistentVolume, error) {
	pv, err := l.pvs.Lister().Get("", name)
	return pv, notFound(err)
}

// ListPVs returns every cached volume.
func (l *volumeLister) ListPVs() ([]*corev1.PersistentVolume, error) {
	return l.pvs.Lister().List(labels.Everything())
}

// GetStorageClass returns a cached class.
func (l *volumeLister) GetStorageClass(name string) (*storagev1.StorageClass, error) {
	sc, err := l.classes.Lister().Get("", name)
	return sc, notFound(err)
}

// claimWriter patches claims' annotations.
type claimWriter struct{ cs *typed.Clientset }

// SetSelectedNode merge-patches the selected-node annotation (no
// resourceVersion precondition: the PV controller annotating the claim
// meanwhile must not fail the pod's binding).
func (w claimWriter) SetSelectedNode(ctx context.Context, claim *corev1.PersistentVolumeClaim, nodeName string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{volumebinding.AnnSelectedNode: nodeName},
	}})
	if err != nil {
		return err
	}
	_, err = w.cs.CoreV1().PersistentVolumeClaims(claim.Namespace).Patch(ctx, claim.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	return err
}

// watchVolumes creates the claim, volume and class informers VolumeBinding
// reads, trimmed of managedFields.
func (w *wiring) watchVolumes() *volumeLister {
	w.vols = &volumeLister{
		pvcs: informers.PersistentVolumeClaims(w.factory, informers.Transform(func(c *corev1.PersistentVolumeClaim) *corev1.PersistentVolumeClaim {
			c.ManagedFields = nil
			return c
		})),
		pvs: informers.PersistentVolumes(w.factory, informers.Transform(func(pv *corev1.PersistentVolume) *corev1.PersistentVolume {
			pv.ManagedFields = nil
			return pv
		})),
		classes: informers.StorageClasses(w.factory),
	}
	return w.vols
}

// volumeEvents forwards claim, volume and class changes to the queue.
func (w *wiring) volumeEvents(s *scheduler.Scheduler) {
	if w.vols == nil {
		return
	}
	w.vols.pvcs.AddEventHandler(eventHandler[*corev1.PersistentVolumeClaim](s, framework.PersistentVolumeClaim))
	w.vols.pvs.AddEventHandler(eventHandler[*corev1.PersistentVolume](s, framework.PersistentVolume))
	w.vols.classes.AddEventHandler(eventHandler[*storagev1.StorageClass](s, framework.StorageClass))
}

// eventHandler turns an informer's notifications into cluster events.
func eventHandler[T informers.Object](s *scheduler.Scheduler, r framework.EventResource) informers.HandlerFuncs[T] {
	return informers.HandlerFuncs[T]{
		AddFunc: func(T, bool) {
			s.OnClusterEvent(framework.ClusterEvent{Resource: r, ActionType: framework.Add, Label: string(r) + "Add"})
		},
		UpdateFunc: func(_, _ T) {
			s.OnClusterEvent(framework.ClusterEvent{Resource: r, ActionType: framework.Update, Label: string(r) + "Update"})
		},
		DeleteFunc: func(T) {
			s.OnClusterEvent(framework.ClusterEvent{Resource: r, ActionType: framework.Delete, Label: string(r) + "Delete"})
		},
	}
}

// workloadLister is framework.WorkloadLister over the scheduler's informers.
type workloadLister struct {
	services *informers.ServiceInformer
	rcs      *informers.ReplicationControllerInformer
	rss      *informers.ReplicaSetInformer
	stss     *informers.StatefulSetInformer
}

var _ framework.WorkloadLister = (*workloadLister)(nil)

// Services returns the cached Services of namespace.
func (l *workloadLister) Services(namespace string) ([]*corev1.Service, error) {
	return l.services.Lister().Namespace(namespace).List(labels.Everything())
}

// ReplicationController returns a cached ReplicationController.
func (l *workloadLister) ReplicationController(namespace, name string) (*corev1.ReplicationController, error) {
	rc, err := l.rcs.Lister().Get(namespace, name)
	return rc, notFound(err)
}

// ReplicaSet returns a cached ReplicaSet.
func (l *workloadLister) ReplicaSet(namespace, name string) (*appsv1.ReplicaSet, error) {
	rs, err := l.rss.Lister().Get(namespace, name)
	return rs, notFound(err)
}

// StatefulSet returns a cached StatefulSet.
func (l *workloadLister) StatefulSet(namespace, name string) (*appsv1.StatefulSet, error) {
	ss, err := l.stss.Lister().Get(namespace, name)
	return ss, notFound(err)
}

// watchWorkloads creates the informers default spreading reads; they keep
// only names, labels and selectors (pod templates are dropped).
func (w *wiring) watchWorkloads() *workloadLister {
	return &workloadLister{
		services: informers.Services(w.factory, informers.Transform(func(s *corev1.Service) *corev1.Service {
			return &corev1.Service{ObjectMeta: slimMeta(s.ObjectMeta), Spec: corev1.ServiceSpec{Selector: s.Spec.Selector}}
		})),
		rcs: informers.ReplicationControllers(w.factory, informers.Transform(func(rc *corev1.ReplicationController) *corev1.ReplicationController {
			return &corev1.ReplicationController{ObjectMeta: slimMeta(rc.ObjectMeta), Spec: corev1.ReplicationControllerSpec{Selector: rc.Spec.Selector}}
		})),
		rss: informers.ReplicaSets(w.factory, informers.Transform(func(rs *appsv1.ReplicaSet) *appsv1.ReplicaSet {
			return &appsv1.ReplicaSet{ObjectMeta: slimMeta(rs.ObjectMeta), Spec: appsv1.ReplicaSetSpec{Selector: rs.Spec.Selector}}
		})),
		stss: informers.StatefulSets(w.factory, informers.Transform(func(ss *appsv1.StatefulSet) *appsv1.StatefulSet {
			return &appsv1.StatefulSet{ObjectMeta: slimMeta(ss.ObjectMeta), Spec: appsv1.StatefulSetSpec{Selector: ss.Spec.Selector}}
		})),
	}
}

// slimMeta keeps what a lister and its indexes need.
func slimMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion, Labels: m.Labels}
}
