package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "apps"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// subresourceVerbs are the verbs of the status and scale subresources.
var subresourceVerbs = []string{"get", "patch", "update"}

// AddToScheme registers the kinds and resources of apps/v1 with their
// defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&Deployment{}, &DeploymentList{},
		&ReplicaSet{}, &ReplicaSetList{},
		&DaemonSet{}, &DaemonSetList{},
		&StatefulSet{}, &StatefulSetList{},
		&ControllerRevision{}, &ControllerRevisionList{},
	)
	s.AddResources(resources()...)
	registerDefaults(s)
	registerValidation(s)
	return nil
}

func resources() []runtime.ResourceInfo {
	status := runtime.SubresourceInfo{Name: "status", Verbs: subresourceVerbs}
	scale := runtime.SubresourceInfo{
		Name:  "scale",
		Kind:  schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"},
		Verbs: subresourceVerbs,
	}
	workload := func(plural, kind, singular, short string, subs ...runtime.SubresourceInfo) runtime.ResourceInfo {
		return runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource(plural),
			Kind:                 kind,
			Singular:             singular,
			ShortNames:           []string{short},
			Categories:           []string{"all"},
			Namespaced:           true,
			Subresources:         subs,
		}
	}
	return []runtime.ResourceInfo{
		{
			GroupVersionResource: SchemeGroupVersion.WithResource("controllerrevisions"),
			Kind:                 "ControllerRevision",
			Singular:             "controllerrevision",
			Namespaced:           true,
		},
		workload("daemonsets", "DaemonSet", "daemonset", "ds", status),
		workload("deployments", "Deployment", "deployment", "deploy", scale, status),
		workload("replicasets", "ReplicaSet", "replicaset", "rs", scale, status),
		workload("statefulsets", "StatefulSet", "statefulset", "sts", scale, status),
	}
}

func registerValidation(s *runtime.Scheme) {
	runtime.AddTypedValidator(s, func(obj, old *Deployment) field.ErrorList {
		if old == nil {
			return ValidateDeployment(obj)
		}
		return ValidateDeploymentUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ReplicaSet) field.ErrorList {
		if old == nil {
			return ValidateReplicaSet(obj)
		}
		return ValidateReplicaSetUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *DaemonSet) field.ErrorList {
		if old == nil {
			return ValidateDaemonSet(obj)
		}
		return ValidateDaemonSetUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *StatefulSet) field.ErrorList {
		if old == nil {
			return ValidateStatefulSet(obj)
		}
		return ValidateStatefulSetUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ControllerRevision) field.ErrorList {
		if old == nil {
			return ValidateControllerRevision(obj)
		}
		return ValidateControllerRevisionUpdate(obj, old)
	})
}
