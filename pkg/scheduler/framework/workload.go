package framework

import (
	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
)

// WorkloadLister reads the objects that group pods for default topology
// spreading: Services, and the ReplicationController, ReplicaSet or
// StatefulSet controlling a pod. Get methods return an error wrapping
// ErrNotFound for a missing object; results must not be modified. Safe for
// concurrent use.
type WorkloadLister interface {
	// Services returns the Services of a namespace.
	Services(namespace string) ([]*corev1.Service, error)
	// ReplicationController returns namespace/name.
	ReplicationController(namespace, name string) (*corev1.ReplicationController, error)
	// ReplicaSet returns namespace/name.
	ReplicaSet(namespace, name string) (*appsv1.ReplicaSet, error)
	// StatefulSet returns namespace/name.
	StatefulSet(namespace, name string) (*appsv1.StatefulSet, error)
}
