package v2

import (
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

// HorizontalPodAutoscaler scales a workload between bounds to hold metrics
// at their targets.
type HorizontalPodAutoscaler struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the configuration.
	Spec HorizontalPodAutoscalerSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the observed state.
	Status HorizontalPodAutoscalerStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// HorizontalPodAutoscalerSpec is the configuration of an autoscaler.
type HorizontalPodAutoscalerSpec struct {
	// ScaleTargetRef is the scaled resource.
	ScaleTargetRef CrossVersionObjectReference `json:"scaleTargetRef" protobuf:"bytes,1,opt,name=scaleTargetRef"`
	// MinReplicas is the lower bound; defaults to 1.
	MinReplicas *int32 `json:"minReplicas,omitempty" protobuf:"varint,2,opt,name=minReplicas"`
	// MaxReplicas is the upper bound.
	MaxReplicas int32 `json:"maxReplicas" protobuf:"varint,3,opt,name=maxReplicas"`
	// Metrics are the targets; the largest proposed replica count wins.
	// Defaults to 80% average CPU utilisation.
	Metrics []MetricSpec `json:"metrics,omitempty" protobuf:"bytes,4,rep,name=metrics"`
	// Behavior tunes how fast the autoscaler scales up and down.
	Behavior *HorizontalPodAutoscalerBehavior `json:"behavior,omitempty" protobuf:"bytes,5,opt,name=behavior"`
}

// CrossVersionObjectReference names an object by kind, name and API version.
type CrossVersionObjectReference struct {
	// Kind of the referent.
	Kind string `json:"kind" protobuf:"bytes,1,opt,name=kind"`
	// Name of the referent.
	Name string `json:"name" protobuf:"bytes,2,opt,name=name"`
	// APIVersion of the referent.
	APIVersion string `json:"apiVersion,omitempty" protobuf:"bytes,3,opt,name=apiVersion"`
}

// MetricSpec is one metric target; Type says which source field is set.
type MetricSpec struct {
	// Type is the metric source type.
	Type MetricSourceType `json:"type" protobuf:"bytes,1,name=type"`
	// Object is a metric of one object.
	Object *ObjectMetricSource `json:"object,omitempty" protobuf:"bytes,2,opt,name=object"`
	// Pods is a per-pod metric averaged over the pods.
	Pods *PodsMetricSource `json:"pods,omitempty" protobuf:"bytes,3,opt,name=pods"`
	// Resource is a resource (CPU, memory) usage of the pods.
	Resource *ResourceMetricSource `json:"resource,omitempty" protobuf:"bytes,4,opt,name=resource"`
	// ContainerResource is a resource usage of one container of the pods.
	ContainerResource *ContainerResourceMetricSource `json:"containerResource,omitempty" protobuf:"bytes,7,opt,name=containerResource"`
	// External is a metric from outside the cluster.
	External *ExternalMetricSource `json:"external,omitempty" protobuf:"bytes,5,opt,name=external"`
}

// HorizontalPodAutoscalerBehavior holds the scaling rules of both
// directions.
type HorizontalPodAutoscalerBehavior struct {
	// ScaleUp are the rules for scaling up.
	ScaleUp *HPAScalingRules `json:"scaleUp,omitempty" protobuf:"bytes,1,opt,name=scaleUp"`
	// ScaleDown are the rules for scaling down.
	ScaleDown *HPAScalingRules `json:"scaleDown,omitempty" protobuf:"bytes,2,opt,name=scaleDown"`
}

// ScalingPolicySelect says which policy's proposal wins.
type ScalingPolicySelect string

// Policy selections.
const (
	// MaxChangePolicySelect picks the largest change.
	MaxChangePolicySelect ScalingPolicySelect = "Max"
	// MinChangePolicySelect picks the smallest change.
	MinChangePolicySelect ScalingPolicySelect = "Min"
	// DisabledPolicySelect turns scaling in this direction off.
	DisabledPolicySelect ScalingPolicySelect = "Disabled"
)

// HPAScalingRules limit scaling in one direction.
type HPAScalingRules struct {
	// StabilizationWindowSeconds is how far back recommendations are
	// considered.
	StabilizationWindowSeconds *int32 `json:"stabilizationWindowSeconds,omitempty" protobuf:"varint,3,opt,name=stabilizationWindowSeconds"`
	// SelectPolicy picks among the policies; defaults to Max.
	SelectPolicy *ScalingPolicySelect `json:"selectPolicy,omitempty" protobuf:"bytes,1,opt,name=selectPolicy"`
	// Policies bound the change per period.
	Policies []HPAScalingPolicy `json:"policies,omitempty" listType:"atomic" protobuf:"bytes,2,rep,name=policies"`
	// Tolerance is the relative metric deviation ignored before scaling.
	Tolerance *resource.Quantity `json:"tolerance,omitempty" protobuf:"bytes,4,opt,name=tolerance"`
}

// HPAScalingPolicyType is the unit of a scaling policy.
type HPAScalingPolicyType string

// Scaling policy types.
const (
	// PodsScalingPolicy limits the change to a number of pods.
	PodsScalingPolicy HPAScalingPolicyType = "Pods"
	// PercentScalingPolicy limits the change to a share of current pods.
	PercentScalingPolicy HPAScalingPolicyType = "Percent"
)

// HPAScalingPolicy bounds the change during one period.
type HPAScalingPolicy struct {
	// Type is the unit of Value.
	Type HPAScalingPolicyType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=HPAScalingPolicyType"`
	// Value is the largest allowed change.
	Value int32 `json:"value" protobuf:"varint,2,opt,name=value"`
	// PeriodSeconds is the window the change is measured over.
	PeriodSeconds int32 `json:"periodSeconds" protobuf:"varint,3,opt,name=periodSeconds"`
}

// MetricSourceType is a kind of metric source.
type MetricSourceType string

// Metric source types.
const (
	// ObjectMetricSourceType is a metric of a Kubernetes object.
	ObjectMetricSourceType MetricSourceType = "Object"
	// PodsMetricSourceType is a per-pod metric.
	PodsMetricSourceType MetricSourceType = "Pods"
	// ResourceMetricSourceType is a pod resource usage.
	ResourceMetricSourceType MetricSourceType = "Resource"
	// ContainerResourceMetricSourceType is a container resource usage.
	ContainerResourceMetricSourceType MetricSourceType = "ContainerResource"
	// ExternalMetricSourceType is an external metric.
	ExternalMetricSourceType MetricSourceType = "External"
)

// ObjectMetricSource is a metric describing one object.
type ObjectMetricSource struct {
	// DescribedObject is the object the metric describes.
	DescribedObject CrossVersionObjectReference `json:"describedObject" protobuf:"bytes,1,name=describedObject"`
	// Target is the wanted value.
	Target MetricTarget `json:"target" protobuf:"bytes,2,name=target"`
	// Metric names the metric.
	Metric MetricIdentifier `json:"metric" protobuf:"bytes,3,name=metric"`
}

// PodsMetricSource is a per-pod metric averaged over the pods.
type PodsMetricSource struct {
	// Metric names the metric.
	Metric MetricIdentifier `json:"metric" protobuf:"bytes,1,name=metric"`
	// Target is the wanted average value.
	Target MetricTarget `json:"target" protobuf:"bytes,2,name=target"`
}

// ResourceMetricSource is a resource usage of the pods.
type ResourceMetricSource struct {
	// Name is the resource.
	Name corev1.ResourceName `json:"name" protobuf:"bytes,1,name=name"`
	// Target is the wanted usage.
	Target MetricTarget `json:"target" protobuf:"bytes,2,name=target"`
}

// ContainerResourceMetricSource is a resource usage of one container.
type ContainerResourceMetricSource struct {
	// Name is the resource.
	Name corev1.ResourceName `json:"name" protobuf:"bytes,1,name=name"`
	// Target is the wanted usage.
	Target MetricTarget `json:"target" protobuf:"bytes,2,name=target"`
	// Container is the container's name.
	Container string `json:"container" protobuf:"bytes,3,opt,name=container"`
}

// ExternalMetricSource is a metric from outside the cluster.
type ExternalMetricSource struct {
	// Metric names the metric.
	Metric MetricIdentifier `json:"metric" protobuf:"bytes,1,name=metric"`
	// Target is the wanted value.
	Target MetricTarget `json:"target" protobuf:"bytes,2,name=target"`
}

// MetricIdentifier names a metric and narrows it by labels.
type MetricIdentifier struct {
	// Name is the metric's name.
	Name string `json:"name" protobuf:"bytes,1,name=name"`
	// Selector narrows the metric's series.
	Selector *metav1.LabelSelector `json:"selector,omitempty" protobuf:"bytes,2,name=selector"`
}

// MetricTarget is the wanted value of a metric.
type MetricTarget struct {
	// Type says which of the value fields is used.
	Type MetricTargetType `json:"type" protobuf:"bytes,1,name=type"`
	// Value is a raw value.
	Value *resource.Quantity `json:"value,omitempty" protobuf:"bytes,2,opt,name=value"`
	// AverageValue is a value averaged over the pods.
	AverageValue *resource.Quantity `json:"averageValue,omitempty" protobuf:"bytes,3,opt,name=averageValue"`
	// AverageUtilization is a percentage of the pods' requests.
	AverageUtilization *int32 `json:"averageUtilization,omitempty" protobuf:"bytes,4,opt,name=averageUtilization"`
}

// MetricTargetType is the kind of a metric target.
type MetricTargetType string

// Metric target types.
const (
	// UtilizationMetricType targets a percentage of requests.
	UtilizationMetricType MetricTargetType = "Utilization"
	// ValueMetricType targets a raw value.
	ValueMetricType MetricTargetType = "Value"
	// AverageValueMetricType targets a per-pod average.
	AverageValueMetricType MetricTargetType = "AverageValue"
)
