package registry

import (
	"context"
	"errors"
	"fmt"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv1 "keel.dev/api/autoscaling/v1"
	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// scaleAccess reads and writes the replica fields of a scalable kind.
type scaleAccess struct {
	get func(obj runtime.Object) (spec, status int32, selector string)
	set func(obj runtime.Object, replicas int32)
}

func labelSelectorString(ls *metav1.LabelSelector) string {
	if ls == nil {
		return ""
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return ""
	}
	return sel.String()
}

func deref(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

var scaleAccessors = map[string]scaleAccess{
	"Deployment": {
		get: func(o runtime.Object) (int32, int32, string) {
			d := o.(*appsv1.Deployment)
			return deref(d.Spec.Replicas, 1), d.Status.Replicas, labelSelectorString(d.Spec.Selector)
		},
		set: func(o runtime.Object, n int32) { o.(*appsv1.Deployment).Spec.Replicas = &n },
	},
	"ReplicaSet": {
		get: func(o runtime.Object) (int32, int32, string) {
			d := o.(*appsv1.ReplicaSet)
			return deref(d.Spec.Replicas, 1), d.Status.Replicas, labelSelectorString(d.Spec.Selector)
		},
		set: func(o runtime.Object, n int32) { o.(*appsv1.ReplicaSet).Spec.Replicas = &n },
	},
	"StatefulSet": {
		get: func(o runtime.Object) (int32, int32, string) {
			d := o.(*appsv1.StatefulSet)
			return deref(d.Spec.Replicas, 1), d.Status.Replicas, labelSelectorString(d.Spec.Selector)
		},
		set: func(o runtime.Object, n int32) { o.(*appsv1.StatefulSet).Spec.Replicas = &n },
	},
	"ReplicationController": {
		get: func(o runtime.Object) (int32, int32, string) {
			d := o.(*corev1.ReplicationController)
			return deref(d.Spec.Replicas, 1), d.Status.Replicas, labels.SelectorFromSet(labels.Set(d.Spec.Selector)).String()
		},
		set: func(o runtime.Object, n int32) { o.(*corev1.ReplicationController).Spec.Replicas = &n },
	},
}

// scaleStore serves the scale subresource as autoscaling/v1 Scale.
type scaleStore struct {
	parent *generic.Store
	access scaleAccess
}

var (
	_ rest.Getter  = (*scaleStore)(nil)
	_ rest.Updater = (*scaleStore)(nil)
)

func newScaleStore(parent *generic.Store, _ *runtime.Scheme) (rest.Storage, error) {
	acc, ok := scaleAccessors[parent.Kind.Kind]
	if !ok {
		return nil, fmt.Errorf("no scale accessor for %s", parent.Kind.Kind)
	}
	return &scaleStore{parent: parent, access: acc}, nil
}

// New implements rest.Storage.
func (s *scaleStore) New() runtime.Object {
	return &autoscalingv1.Scale{TypeMeta: metav1.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"}}
}

func (s *scaleStore) toScale(obj runtime.Object) *autoscalingv1.Scale {
	m, _ := obj.(metav1.Object)
	spec, status, sel := s.access.get(obj)
	sc := s.New().(*autoscalingv1.Scale)
	sc.ObjectMeta = metav1.ObjectMeta{Name: m.GetName(), Namespace: m.GetNamespace(), UID: m.GetUID(),
		ResourceVersion: m.GetResourceVersion(), CreationTimestamp: m.GetCreationTimestamp()}
	sc.Spec.Replicas = spec
	sc.Status = autoscalingv1.ScaleStatus{Replicas: status, Selector: sel}
	return sc
}

// Get implements rest.Getter.
func (s *scaleStore) Get(ctx context.Context, name string, opts *metav1.GetOptions) (runtime.Object, error) {
	obj, err := s.parent.Get(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	return s.toScale(obj), nil
}

// Update implements rest.Updater: it writes spec.replicas of the parent.
func (s *scaleStore) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, opts *metav1.UpdateOptions) (runtime.Object, bool, error) {
	parentInfo := rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
		if old == nil {
			return nil, apierrors.NewNotFound(s.parent.Resource, name)
		}
		cur := s.toScale(old)
		newObj, err := objInfo.UpdatedObject(ctx, cur.DeepCopyObject())
		if err != nil {
			return nil, err
		}
		sc, ok := newObj.(*autoscalingv1.Scale)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected input object type to be Scale, but %T", newObj))
		}
		var errs field.ErrorList
		if sc.Spec.Replicas < 0 {
			errs = append(errs, field.Invalid(field.NewPath("spec", "replicas"), sc.Spec.Replicas, "must be greater than or equal to 0"))
		}
		if sc.Name != "" && sc.Name != name {
			errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), sc.Name, "must match the name of the object"))
		}
		if len(errs) > 0 {
			return nil, apierrors.NewInvalid(autoscalingv1.SchemeGroupVersion.WithKind("Scale").GroupKind(), name, errs)
		}
		if rv := sc.ResourceVersion; rv != "" && rv != cur.ResourceVersion {
			return nil, apierrors.NewConflict(s.parent.Resource, name, errors.New(apierrors.OptimisticLockErrorMsg))
		}
		out := old.DeepCopyObject()
		s.access.set(out, sc.Spec.Replicas)
		// The scale's resourceVersion was checked; let the parent update
		// go through unconditionally against old.
		if m, ok := out.(metav1.Object); ok {
			m.SetResourceVersion(cur.ResourceVersion)
		}
		return out, nil
	})
	obj, _, err := s.parent.Update(ctx, name, parentInfo, opts)
	if err != nil {
		return nil, false, err
	}
	return s.toScale(obj), false, nil
}
