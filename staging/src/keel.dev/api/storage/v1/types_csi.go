package v1

import (
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

// CSIDriver describes a CSI volume driver installed in the cluster.
type CSIDriver struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata; the name is the driver's name.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec describes the driver.
	Spec CSIDriverSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
}

// CSIDriverList is a list of CSI drivers.
type CSIDriverList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the CSI drivers.
	Items []CSIDriver `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// CSIDriverSpec is how Kubernetes should treat a CSI driver.
type CSIDriverSpec struct {
	// AttachRequired says the driver needs an attach step; defaults to true.
	AttachRequired *bool `json:"attachRequired,omitempty" protobuf:"varint,1,opt,name=attachRequired"`
	// PodInfoOnMount passes pod details to the driver on mount.
	PodInfoOnMount *bool `json:"podInfoOnMount,omitempty" protobuf:"bytes,2,opt,name=podInfoOnMount"`
	// VolumeLifecycleModes lists the volume modes the driver supports.
	VolumeLifecycleModes []VolumeLifecycleMode `json:"volumeLifecycleModes,omitempty" protobuf:"bytes,3,opt,name=volumeLifecycleModes"`
	// StorageCapacity makes the scheduler consider reported capacity.
	StorageCapacity *bool `json:"storageCapacity,omitempty" protobuf:"bytes,4,opt,name=storageCapacity"`
	// FSGroupPolicy says whether volume ownership follows the pod's fsGroup.
	FSGroupPolicy *FSGroupPolicy `json:"fsGroupPolicy,omitempty" protobuf:"bytes,5,opt,name=fsGroupPolicy"`
	// TokenRequests are service account tokens the kubelet hands the driver.
	TokenRequests []TokenRequest `json:"tokenRequests,omitempty" protobuf:"bytes,6,opt,name=tokenRequests"`
	// RequiresRepublish asks the kubelet to call publish periodically.
	RequiresRepublish *bool `json:"requiresRepublish,omitempty" protobuf:"varint,7,opt,name=requiresRepublish"`
	// SELinuxMount says the driver supports the SELinux context mount option.
	SELinuxMount *bool `json:"seLinuxMount,omitempty" protobuf:"varint,8,opt,name=seLinuxMount"`
	// NodeAllocatableUpdatePeriodSeconds is how often the node's attach
	// limit is refreshed.
	NodeAllocatableUpdatePeriodSeconds *int64 `json:"nodeAllocatableUpdatePeriodSeconds,omitempty" protobuf:"varint,9,opt,name=nodeAllocatableUpdatePeriodSeconds"`
	// ServiceAccountTokenInSecrets passes tokens in the secrets field.
	ServiceAccountTokenInSecrets *bool `json:"serviceAccountTokenInSecrets,omitempty" protobuf:"varint,10,opt,name=serviceAccountTokenInSecrets"`
	// PreventPodSchedulingIfMissing keeps pods off nodes where the driver
	// is not installed.
	PreventPodSchedulingIfMissing *bool `json:"preventPodSchedulingIfMissing,omitempty" protobuf:"varint,11,opt,name=preventPodSchedulingIfMissing"`
}

// FSGroupPolicy says how a driver's volumes take the pod's fsGroup.
type FSGroupPolicy string

// FS group policies.
const (
	// ReadWriteOnceWithFSTypeFSGroupPolicy applies fsGroup only to RWO
	// volumes with an fsType.
	ReadWriteOnceWithFSTypeFSGroupPolicy FSGroupPolicy = "ReadWriteOnceWithFSType"
	// FileFSGroupPolicy always applies fsGroup.
	FileFSGroupPolicy FSGroupPolicy = "File"
	// NoneFSGroupPolicy never changes ownership.
	NoneFSGroupPolicy FSGroupPolicy = "None"
)

// VolumeLifecycleMode is a way a CSI volume can be used.
type VolumeLifecycleMode string

// Volume lifecycle modes.
const (
	// VolumeLifecyclePersistent is a volume backed by a PV/PVC.
	VolumeLifecyclePersistent VolumeLifecycleMode = "Persistent"
	// VolumeLifecycleEphemeral is an inline volume living with its pod.
	VolumeLifecycleEphemeral VolumeLifecycleMode = "Ephemeral"
)

// TokenRequest asks for a service account token for a driver.
type TokenRequest struct {
	// Audience of the token.
	Audience string `json:"audience" protobuf:"bytes,1,opt,name=audience"`
	// ExpirationSeconds is the token's lifetime.
	ExpirationSeconds *int64 `json:"expirationSeconds,omitempty" protobuf:"varint,2,opt,name=expirationSeconds"`
}

// CSINode lists the CSI drivers installed on a node; its name is the node's.
type CSINode struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec lists the drivers.
	Spec CSINodeSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	// Status reports storage health seen by the node.
	Status CSINodeStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// CSINodeSpec lists a node's CSI drivers.
type CSINodeSpec struct {
	// Drivers are the registered drivers.
	Drivers []CSINodeDriver `json:"drivers" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,1,rep,name=drivers"`
}

// CSINodeDriver is one driver on a node.
type CSINodeDriver struct {
	// Name is the driver's name.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// NodeID is the node's id as the driver knows it.
	NodeID string `json:"nodeID" protobuf:"bytes,2,opt,name=nodeID"`
	// TopologyKeys are the node label keys the driver uses for topology.
	TopologyKeys []string `json:"topologyKeys" protobuf:"bytes,3,rep,name=topologyKeys"`
	// Allocatable is how many of the driver's volumes the node can hold.
	Allocatable *VolumeNodeResources `json:"allocatable,omitempty" protobuf:"bytes,4,opt,name=allocatable"`
}

// VolumeNodeResources is a per-node volume limit.
type VolumeNodeResources struct {
	// Count is the maximum number of volumes; nil means unbounded.
	Count *int32 `json:"count,omitempty" protobuf:"varint,1,opt,name=count"`
}

// StorageHealthStatusType is a kind of storage health problem.
type StorageHealthStatusType string

// Storage health states.
const (
	// StorageUnreachable means the node cannot reach the storage.
	StorageUnreachable StorageHealthStatusType = "StorageUnreachable"
	// StorageDegraded means the storage works with reduced capability.
	StorageDegraded StorageHealthStatusType = "StorageDegraded"
)

// StorageHealthCondition is one health problem of a driver's storage.
type StorageHealthCondition struct {
	// Status is the kind of problem.
	Status StorageHealthStatusType `json:"status" protobuf:"bytes,1,opt,name=status,casttype=StorageHealthStatusType"`
	// Reason is a short machine-readable cause.
	Reason string `json:"reason" protobuf:"bytes,2,opt,name=reason"`
	// Message explains the problem.
	Message string `json:"message,omitempty" protobuf:"bytes,3,opt,name=message"`
	// AccessMode narrows the problem to one access mode.
	AccessMode *corev1.PersistentVolumeAccessMode `json:"accessMode,omitempty" protobuf:"bytes,4,opt,name=accessMode,casttype=k8s.io/api/core/v1.PersistentVolumeAccessMode"`
	// VolumeMode narrows the problem to one volume mode.
	VolumeMode *corev1.PersistentVolumeMode `json:"volumeMode,omitempty" protobuf:"bytes,5,opt,name=volumeMode,casttype=k8s.io/api/core/v1.PersistentVolumeMode"`
	// LastTransitionTime is when the condition last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,6,opt,name=lastTransitionTime"`
}

// StorageHealth is the health of one driver's storage on a node.
type StorageHealth struct {
	// Name is the driver's name.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// HealthConditions are the current problems.
	HealthConditions []StorageHealthCondition `json:"healthConditions,omitempty" protobuf:"bytes,2,rep,name=healthConditions"`
}

// CSINodeStatus reports storage health of a node.
type CSINodeStatus struct {
	// StorageHealth lists health per driver.
	StorageHealth []StorageHealth `json:"storageHealth,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,1,rep,name=storageHealth"`
}

// CSINodeList is a list of CSI nodes.
type CSINodeList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the CSI nodes.
	Items []CSINode `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// CSIStorageCapacity reports the capacity a driver has for a storage class
// in one topology segment.
type CSIStorageCapacity struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// NodeTopology selects the nodes that can reach the storage.
	NodeTopology *metav1.LabelSelector `json:"nodeTopology,omitempty" protobuf:"bytes,2,opt,name=nodeTopology"`
	// StorageClassName is the class the capacity applies to.
	StorageClassName string `json:"storageClassName" protobuf:"bytes,3,name=storageClassName"`
	// Capacity is the free capacity reported by the driver.
	Capacity *resource.Quantity `json:"capacity,omitempty" protobuf:"bytes,4,opt,name=capacity"`
	// MaximumVolumeSize is the largest volume that can be created.
	MaximumVolumeSize *resource.Quantity `json:"maximumVolumeSize,omitempty" protobuf:"bytes,5,opt,name=maximumVolumeSize"`
}

// CSIStorageCapacityList is a list of capacity objects.
type CSIStorageCapacityList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the capacity objects.
	Items []CSIStorageCapacity `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// VolumeAttributesClass is a named set of mutable volume attributes a CSI
// driver applies.
type VolumeAttributesClass struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// DriverName is the CSI driver the class is for; immutable.
	DriverName string `json:"driverName" protobuf:"bytes,2,opt,name=driverName"`
	// Parameters are passed to the driver; immutable.
	Parameters map[string]string `json:"parameters,omitempty" protobuf:"bytes,3,rep,name=parameters"`
}

// VolumeAttributesClassList is a list of volume attributes classes.
type VolumeAttributesClassList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the volume attributes classes.
	Items []VolumeAttributesClass `json:"items" protobuf:"bytes,2,rep,name=items"`
}
