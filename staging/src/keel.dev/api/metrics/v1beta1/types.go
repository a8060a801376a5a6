package v1beta1

import (
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// NodeMetrics is the resource usage of one node, sampled over
// [Timestamp-Window, Timestamp].
type NodeMetrics struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta carries the node's name and labels.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Timestamp is the end of the sampling window.
	Timestamp metav1.Time `json:"timestamp" protobuf:"bytes,2,opt,name=timestamp"`
	// Window is the length of the sampling window.
	Window metav1.Duration `json:"window" protobuf:"bytes,3,opt,name=window"`
	// Usage holds cpu (cores) and memory (working set bytes).
	Usage corev1.ResourceList `json:"usage" protobuf:"bytes,4,rep,name=usage"`
}

// NodeMetricsList is a list of NodeMetrics.
type NodeMetricsList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta is the list's metadata.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the node metrics.
	Items []NodeMetrics `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// PodMetrics is the resource usage of the containers of one pod, sampled
// over [Timestamp-Window, Timestamp].
type PodMetrics struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta carries the pod's name, namespace and labels.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Timestamp is the end of the sampling window.
	Timestamp metav1.Time `json:"timestamp" protobuf:"bytes,2,opt,name=timestamp"`
	// Window is the length of the sampling window.
	Window metav1.Duration `json:"window" protobuf:"bytes,3,opt,name=window"`
	// Containers holds the usage of each running container.
	Containers []ContainerMetrics `json:"containers" protobuf:"bytes,4,rep,name=containers"`
}

// PodMetricsList is a list of PodMetrics.
type PodMetricsList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta is the list's metadata.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the pod metrics.
	Items []PodMetrics `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// ContainerMetrics is the usage of one container of a pod.
type ContainerMetrics struct {
	// Name is the container's name in the pod spec.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Usage holds cpu (cores) and memory (working set bytes).
	Usage corev1.ResourceList `json:"usage" protobuf:"bytes,2,rep,name=usage"`
}
