package v2

import (
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

// HorizontalPodAutoscalerStatus is the observed state of an autoscaler.
type HorizontalPodAutoscalerStatus struct {
	// ObservedGeneration is the generation the status reflects.
	ObservedGeneration *int64 `json:"observedGeneration,omitempty" protobuf:"varint,1,opt,name=observedGeneration"`
	// LastScaleTime is when the autoscaler last scaled.
	LastScaleTime *metav1.Time `json:"lastScaleTime,omitempty" protobuf:"bytes,2,opt,name=lastScaleTime"`
	// CurrentReplicas is the current number of pods.
	CurrentReplicas int32 `json:"currentReplicas,omitempty" protobuf:"varint,3,opt,name=currentReplicas"`
	// DesiredReplicas is the number of pods wanted.
	DesiredReplicas int32 `json:"desiredReplicas" protobuf:"varint,4,opt,name=desiredReplicas"`
	// CurrentMetrics are the last measured metric values.
	CurrentMetrics []MetricStatus `json:"currentMetrics" protobuf:"bytes,5,rep,name=currentMetrics"`
	// Conditions describe the autoscaler's state.
	Conditions []HorizontalPodAutoscalerCondition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" listType:"map" protobuf:"bytes,6,rep,name=conditions"`
}

// HorizontalPodAutoscalerConditionType is a kind of autoscaler condition.
type HorizontalPodAutoscalerConditionType string

// Autoscaler condition types.
const (
	// ScalingActive says the autoscaler can compute scales.
	ScalingActive HorizontalPodAutoscalerConditionType = "ScalingActive"
	// AbleToScale says the target can be scaled now.
	AbleToScale HorizontalPodAutoscalerConditionType = "AbleToScale"
	// ScalingLimited says the wanted scale hit a bound.
	ScalingLimited HorizontalPodAutoscalerConditionType = "ScalingLimited"
	// ScaledToZero says the target was scaled to zero replicas.
	ScaledToZero HorizontalPodAutoscalerConditionType = "ScaledToZero"
)

// HorizontalPodAutoscalerCondition is one condition of an autoscaler.
type HorizontalPodAutoscalerCondition struct {
	// Type of the condition.
	Type HorizontalPodAutoscalerConditionType `json:"type" protobuf:"bytes,1,name=type"`
	// Status is True, False or Unknown.
	Status corev1.ConditionStatus `json:"status" protobuf:"bytes,2,name=status"`
	// LastTransitionTime is when the status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,3,opt,name=lastTransitionTime"`
	// Reason is a short machine-readable cause.
	Reason string `json:"reason,omitempty" protobuf:"bytes,4,opt,name=reason"`
	// Message explains the condition.
	Message string `json:"message,omitempty" protobuf:"bytes,5,opt,name=message"`
	// ObservedGeneration is the generation the condition reflects.
	ObservedGeneration *int64 `json:"observedGeneration,omitempty" protobuf:"varint,6,opt,name=observedGeneration"`
}

// MetricStatus is the last reading of one metric; Type says which source
// field is set.
type MetricStatus struct {
	// Type is the metric source type.
	Type MetricSourceType `json:"type" protobuf:"bytes,1,name=type"`
	// Object is an object metric reading.
	Object *ObjectMetricStatus `json:"object,omitempty" protobuf:"bytes,2,opt,name=object"`
	// Pods is a per-pod metric reading.
	Pods *PodsMetricStatus `json:"pods,omitempty" protobuf:"bytes,3,opt,name=pods"`
	// Resource is a resource usage reading.
	Resource *ResourceMetricStatus `json:"resource,omitempty" protobuf:"bytes,4,opt,name=resource"`
	// ContainerResource is a container resource usage reading.
	ContainerResource *ContainerResourceMetricStatus `json:"containerResource,omitempty" protobuf:"bytes,7,opt,name=containerResource"`
	// External is an external metric reading.
	External *ExternalMetricStatus `json:"external,omitempty" protobuf:"bytes,5,opt,name=external"`
}

// ObjectMetricStatus is a reading of an object metric.
type ObjectMetricStatus struct {
	// Metric names the metric.
	Metric MetricIdentifier `json:"metric" protobuf:"bytes,1,name=metric"`
	// Current is the reading.
	Current MetricValueStatus `json:"current" protobuf:"bytes,2,name=current"`
	// DescribedObject is the object measured.
	DescribedObject CrossVersionObjectReference `json:"describedObject" protobuf:"bytes,3,name=describedObject"`
}

// PodsMetricStatus is a reading of a per-pod metric.
type PodsMetricStatus struct {
	// Metric names the metric.
	Metric MetricIdentifier `json:"metric" protobuf:"bytes,1,name=metric"`
	// Current is the reading.
	Current MetricValueStatus `json:"current" protobuf:"bytes,2,name=current"`
}

// ResourceMetricStatus is a reading of a pod resource usage.
type ResourceMetricStatus struct {
	// Name is the resource.
	Name corev1.ResourceName `json:"name" protobuf:"bytes,1,name=name"`
	// Current is the reading.
	Current MetricValueStatus `json:"current" protobuf:"bytes,2,name=current"`
}

// ContainerResourceMetricStatus is a reading of a container resource usage.
type ContainerResourceMetricStatus struct {
	// Name is the resource.
	Name corev1.ResourceName `json:"name" protobuf:"bytes,1,name=name"`
	// Current is the reading.
	Current MetricValueStatus `json:"current" protobuf:"bytes,2,name=current"`
	// Container is the container's name.
	Container string `json:"container" protobuf:"bytes,3,opt,name=container"`
}

// ExternalMetricStatus is a reading of an external metric.
type ExternalMetricStatus struct {
	// Metric names the metric.
	Metric MetricIdentifier `json:"metric" protobuf:"bytes,1,name=metric"`
	// Current is the reading.
	Current MetricValueStatus `json:"current" protobuf:"bytes,2,name=current"`
}

// MetricValueStatus is a metric value in the form of its target.
type MetricValueStatus struct {
	// Value is the raw value.
	Value *resource.Quantity `json:"value,omitempty" protobuf:"bytes,1,opt,name=value"`
	// AverageValue is the per-pod average.
	AverageValue *resource.Quantity `json:"averageValue,omitempty" protobuf:"bytes,2,opt,name=averageValue"`
	// AverageUtilization is the percentage of requests used.
	AverageUtilization *int32 `json:"averageUtilization,omitempty" protobuf:"bytes,3,opt,name=averageUtilization"`
}

// HorizontalPodAutoscalerList is a list of autoscalers.
type HorizontalPodAutoscalerList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the autoscalers.
	Items []HorizontalPodAutoscaler `json:"items" protobuf:"bytes,2,rep,name=items"`
}
