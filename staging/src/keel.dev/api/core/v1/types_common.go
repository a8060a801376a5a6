package v1

import (
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
)

// Prefixes that qualify resource names.
const (
	ResourceDefaultNamespacePrefix  = "kubernetes.io/"
	ResourceHugePagesPrefix         = "hugepages-"
	ResourceAttachableVolumesPrefix = "attachable-volumes-"
)

// ResourceName names a compute or quota resource, such as "cpu" or "requests.memory".
type ResourceName string

// Values of ResourceName.
const (
	ResourceCPU                      ResourceName = "cpu"
	ResourceMemory                   ResourceName = "memory"
	ResourceStorage                  ResourceName = "storage"
	ResourceEphemeralStorage         ResourceName = "ephemeral-storage"
	ResourcePods                     ResourceName = "pods"
	ResourceServices                 ResourceName = "services"
	ResourceReplicationControllers   ResourceName = "replicationcontrollers"
	ResourceQuotas                   ResourceName = "resourcequotas"
	ResourceSecrets                  ResourceName = "secrets"
	ResourceConfigMaps               ResourceName = "configmaps"
	ResourcePersistentVolumeClaims   ResourceName = "persistentvolumeclaims"
	ResourceServicesNodePorts        ResourceName = "services.nodeports"
	ResourceServicesLoadBalancers    ResourceName = "services.loadbalancers"
	ResourceRequestsCPU              ResourceName = "requests.cpu"
	ResourceRequestsMemory           ResourceName = "requests.memory"
	ResourceRequestsStorage          ResourceName = "requests.storage"
	ResourceRequestsEphemeralStorage ResourceName = "requests.ephemeral-storage"
	ResourceLimitsCPU                ResourceName = "limits.cpu"
	ResourceLimitsMemory             ResourceName = "limits.memory"
	ResourceLimitsEphemeralStorage   ResourceName = "limits.ephemeral-storage"
)

// ResourceList maps resource names to amounts.
type ResourceList map[ResourceName]resource.Quantity

// ResourceRequirements holds a container's resource requests, limits and claims.
type ResourceRequirements struct {
	// Limits caps what the container may use of each resource.
	Limits ResourceList `json:"limits,omitempty" protobuf:"bytes,1,rep,name=limits,casttype=ResourceList,castkey=ResourceName"`
	// Requests is what the scheduler reserves for the container; it defaults to Limits.
	Requests ResourceList `json:"requests,omitempty" protobuf:"bytes,2,rep,name=requests,casttype=ResourceList,castkey=ResourceName"`
	// Claims names the pod resource claims this container uses.
	Claims []ResourceClaim `json:"claims,omitempty" protobuf:"bytes,3,opt,name=claims"`
}

// ResourceClaim names one entry of the pod's resourceClaims that a container uses.
type ResourceClaim struct {
	// Name matches an entry of the pod's spec.resourceClaims.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Request selects one request of the claim; empty means all of it.
	Request string `json:"request,omitempty" protobuf:"bytes,2,opt,name=request"`
}

// ObjectReference points at another object, optionally at a field inside it.
type ObjectReference struct {
	// Kind is the kind of the referenced object.
	Kind string `json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"`
	// Namespace is the namespace of the referenced object.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,2,opt,name=namespace"`
	// Name is the name of the referenced object.
	Name string `json:"name,omitempty" protobuf:"bytes,3,opt,name=name"`
	// UID is the UID of the referenced object.
	UID types.UID `json:"uid,omitempty" protobuf:"bytes,4,opt,name=uid,casttype=k8s.io/apimachinery/pkg/types.UID"`
	// APIVersion is the group/version of the referenced object.
	APIVersion string `json:"apiVersion,omitempty" protobuf:"bytes,5,opt,name=apiVersion"`
	// ResourceVersion is the version of the object the reference was made from.
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,6,opt,name=resourceVersion"`
	// FieldPath points at a part of the object, such as spec.containers{web}.
	FieldPath string `json:"fieldPath,omitempty" protobuf:"bytes,7,opt,name=fieldPath"`
}

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	// Name is the object's name.
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
}

// TypedLocalObjectReference names an object of a given group and kind in the same namespace.
type TypedLocalObjectReference struct {
	// APIGroup is the group of the kind; nil means the core group.
	APIGroup *string `json:"apiGroup" protobuf:"bytes,1,opt,name=apiGroup"`
	// Kind is the kind of the referenced object.
	Kind string `json:"kind" protobuf:"bytes,2,opt,name=kind"`
	// Name is the name of the referenced object.
	Name string `json:"name" protobuf:"bytes,3,opt,name=name"`
}

// ConditionStatus is the status of a condition: True, False or Unknown.
type ConditionStatus string

// Values of ConditionStatus.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// Protocol is a network protocol: TCP, UDP or SCTP.
type Protocol string

// Values of Protocol.
const (
	ProtocolTCP  Protocol = "TCP"
	ProtocolUDP  Protocol = "UDP"
	ProtocolSCTP Protocol = "SCTP"
)

// NodeSelector is a list of node selector terms, any of which may match.
type NodeSelector struct {
	// NodeSelectorTerms are ORed: a node matching any term matches.
	NodeSelectorTerms []NodeSelectorTerm `json:"nodeSelectorTerms" protobuf:"bytes,1,rep,name=nodeSelectorTerms"`
}

// NodeSelectorTerm matches nodes whose labels and fields satisfy every requirement.
type NodeSelectorTerm struct {
	// MatchExpressions are requirements on node labels, ANDed.
	MatchExpressions []NodeSelectorRequirement `json:"matchExpressions,omitempty" protobuf:"bytes,1,rep,name=matchExpressions"`
	// MatchFields are requirements on node fields (only metadata.name), ANDed.
	MatchFields []NodeSelectorRequirement `json:"matchFields,omitempty" protobuf:"bytes,2,rep,name=matchFields"`
}

// NodeSelectorRequirement compares a node label or field with a set of values.
type NodeSelectorRequirement struct {
	// Key is the label or field the requirement tests.
	Key string `json:"key" protobuf:"bytes,1,opt,name=key"`
	// Operator is how Key is compared with Values.
	Operator NodeSelectorOperator `json:"operator" protobuf:"bytes,2,opt,name=operator,casttype=NodeSelectorOperator"`
	// Values are the values compared; their number depends on Operator.
	Values []string `json:"values,omitempty" protobuf:"bytes,3,rep,name=values"`
}

// NodeSelectorOperator is the comparison used by a NodeSelectorRequirement.
type NodeSelectorOperator string

// Values of NodeSelectorOperator.
const (
	NodeSelectorOpIn           NodeSelectorOperator = "In"
	NodeSelectorOpNotIn        NodeSelectorOperator = "NotIn"
	NodeSelectorOpExists       NodeSelectorOperator = "Exists"
	NodeSelectorOpDoesNotExist NodeSelectorOperator = "DoesNotExist"
	NodeSelectorOpGt           NodeSelectorOperator = "Gt"
	NodeSelectorOpLt           NodeSelectorOperator = "Lt"
)

// TopologySelectorTerm matches a topology domain by label expressions.
type TopologySelectorTerm struct {
	// MatchLabelExpressions are ANDed label requirements.
	MatchLabelExpressions []TopologySelectorLabelRequirement `json:"matchLabelExpressions,omitempty" protobuf:"bytes,1,rep,name=matchLabelExpressions"`
}

// TopologySelectorLabelRequirement requires a topology label to take one of the given values.
type TopologySelectorLabelRequirement struct {
	// Key is the topology label.
	Key string `json:"key" protobuf:"bytes,1,opt,name=key"`
	// Values are the accepted label values.
	Values []string `json:"values" protobuf:"bytes,2,rep,name=values"`
}

// Taint marks a node so that pods without a matching toleration are kept away.
type Taint struct {
	// Key is the taint's key.
	Key string `json:"key" protobuf:"bytes,1,opt,name=key"`
	// Value is the taint's value.
	Value string `json:"value,omitempty" protobuf:"bytes,2,opt,name=value"`
	// Effect is what happens to pods that do not tolerate the taint.
	Effect TaintEffect `json:"effect" protobuf:"bytes,3,opt,name=effect,casttype=TaintEffect"`
	// TimeAdded is when a NoExecute taint was added.
	TimeAdded *metav1.Time `json:"timeAdded,omitempty" protobuf:"bytes,4,opt,name=timeAdded"`
}

// TaintEffect says what a taint does to pods that do not tolerate it.
type TaintEffect string

// Values of TaintEffect.
const (
	TaintEffectNoSchedule       TaintEffect = "NoSchedule"
	TaintEffectPreferNoSchedule TaintEffect = "PreferNoSchedule"
	TaintEffectNoExecute        TaintEffect = "NoExecute"
)

// Toleration lets a pod tolerate taints that match it.
type Toleration struct {
	// Key is the taint key tolerated; empty with Exists matches every taint.
	Key string `json:"key,omitempty" protobuf:"bytes,1,opt,name=key"`
	// Operator is Equal (the default) or Exists.
	Operator TolerationOperator `json:"operator,omitempty" protobuf:"bytes,2,opt,name=operator,casttype=TolerationOperator"`
	// Value is the taint value tolerated with Equal.
	Value string `json:"value,omitempty" protobuf:"bytes,3,opt,name=value"`
	// Effect limits the toleration to one effect; empty matches all.
	Effect TaintEffect `json:"effect,omitempty" protobuf:"bytes,4,opt,name=effect,casttype=TaintEffect"`
	// TolerationSeconds bounds how long a NoExecute taint is tolerated.
	TolerationSeconds *int64 `json:"tolerationSeconds,omitempty" protobuf:"varint,5,opt,name=tolerationSeconds"`
}

// TolerationOperator is how a toleration compares its value with a taint's.
type TolerationOperator string

// Values of TolerationOperator.
const (
	TolerationOpExists TolerationOperator = "Exists"
	TolerationOpEqual  TolerationOperator = "Equal"
	TolerationOpLt     TolerationOperator = "Lt"
	TolerationOpGt     TolerationOperator = "Gt"
)

// PreemptionPolicy says whether a pod may preempt lower-priority pods.
type PreemptionPolicy string

// Values of PreemptionPolicy.
const (
	PreemptLowerPriority PreemptionPolicy = "PreemptLowerPriority"
	PreemptNever         PreemptionPolicy = "Never"
)

// PullPolicy says when the kubelet pulls a container image.
type PullPolicy string

// Values of PullPolicy.
const (
	PullAlways       PullPolicy = "Always"
	PullNever        PullPolicy = "Never"
	PullIfNotPresent PullPolicy = "IfNotPresent"
)

// RestartPolicy says when the kubelet restarts a pod's containers.
type RestartPolicy string

// Values of RestartPolicy.
const (
	RestartPolicyAlways    RestartPolicy = "Always"
	RestartPolicyOnFailure RestartPolicy = "OnFailure"
	RestartPolicyNever     RestartPolicy = "Never"
)

// DNSPolicy says how a pod's DNS resolution is configured.
type DNSPolicy string

// Values of DNSPolicy.
const (
	DNSClusterFirstWithHostNet DNSPolicy = "ClusterFirstWithHostNet"
	DNSClusterFirst            DNSPolicy = "ClusterFirst"
	DNSDefault                 DNSPolicy = "Default"
	DNSNone                    DNSPolicy = "None"
)

// URIScheme is the scheme of an HTTP probe or hook: HTTP or HTTPS.
type URIScheme string

// Values of URIScheme.
const (
	URISchemeHTTP  URIScheme = "HTTP"
	URISchemeHTTPS URIScheme = "HTTPS"
)

// TerminationMessagePolicy says where a container's termination message comes from.
type TerminationMessagePolicy string

// Values of TerminationMessagePolicy.
const (
	TerminationMessageReadFile              TerminationMessagePolicy = "File"
	TerminationMessageFallbackToLogsOnError TerminationMessagePolicy = "FallbackToLogsOnError"
)

// HostPathType is the kind of host path a hostPath volume expects.
type HostPathType string

// Values of HostPathType.
const (
	HostPathUnset             HostPathType = ""
	HostPathDirectoryOrCreate HostPathType = "DirectoryOrCreate"
	HostPathDirectory         HostPathType = "Directory"
	HostPathFileOrCreate      HostPathType = "FileOrCreate"
	HostPathFile              HostPathType = "File"
	HostPathSocket            HostPathType = "Socket"
	HostPathCharDev           HostPathType = "CharDevice"
	HostPathBlockDev          HostPathType = "BlockDevice"
)

// MountPropagationMode says how mounts propagate between host and container.
type MountPropagationMode string

// Values of MountPropagationMode.
const (
	MountPropagationNone            MountPropagationMode = "None"
	MountPropagationHostToContainer MountPropagationMode = "HostToContainer"
	MountPropagationBidirectional   MountPropagationMode = "Bidirectional"
)

// Capability is a Linux capability name.
type Capability string

// StorageMedium is the medium backing an emptyDir volume.
type StorageMedium string

// Values of StorageMedium.
const (
	StorageMediumDefault         StorageMedium = ""
	StorageMediumMemory          StorageMedium = "Memory"
	StorageMediumHugePages       StorageMedium = "HugePages"
	StorageMediumHugePagesPrefix StorageMedium = "HugePages-"
)

// HostPathVolumeSource mounts a file or directory of the node.
type HostPathVolumeSource struct {
	// Path is the path on the node.
	Path string `json:"path" protobuf:"bytes,1,opt,name=path"`
	// Type is what the path must be; "" checks nothing.
	Type *HostPathType `json:"type,omitempty" protobuf:"bytes,2,opt,name=type"`
}

// GCEPersistentDiskVolumeSource is a Google Compute Engine persistent disk.
type GCEPersistentDiskVolumeSource struct {
	// PDName is the disk's name.
	PDName string `json:"pdName" protobuf:"bytes,1,opt,name=pdName"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// Partition is the partition to mount; 0 means the whole disk.
	Partition int32 `json:"partition,omitempty" protobuf:"varint,3,opt,name=partition"`
	// ReadOnly mounts the disk read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
}

// AWSElasticBlockStoreVolumeSource is an AWS EBS volume.
type AWSElasticBlockStoreVolumeSource struct {
	// VolumeID is the EBS volume ID.
	VolumeID string `json:"volumeID" protobuf:"bytes,1,opt,name=volumeID"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// Partition is the partition to mount; 0 means the whole volume.
	Partition int32 `json:"partition,omitempty" protobuf:"varint,3,opt,name=partition"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
}

// NFSVolumeSource is an NFS export.
type NFSVolumeSource struct {
	// Server is the NFS server's host name or address.
	Server string `json:"server" protobuf:"bytes,1,opt,name=server"`
	// Path is the exported path.
	Path string `json:"path" protobuf:"bytes,2,opt,name=path"`
	// ReadOnly mounts the export read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
}

// FCVolumeSource is a Fibre Channel volume.
type FCVolumeSource struct {
	// TargetWWNs are the target worldwide names.
	TargetWWNs []string `json:"targetWWNs,omitempty" protobuf:"bytes,1,rep,name=targetWWNs"`
	// Lun is the logical unit number.
	Lun *int32 `json:"lun,omitempty" protobuf:"varint,2,opt,name=lun"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,3,opt,name=fsType"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
	// WWIDs are the volume's worldwide identifiers, an alternative to TargetWWNs and Lun.
	WWIDs []string `json:"wwids,omitempty" protobuf:"bytes,5,rep,name=wwids"`
}

// FlockerVolumeSource is a Flocker dataset.
type FlockerVolumeSource struct {
	// DatasetName is the dataset's name.
	DatasetName string `json:"datasetName,omitempty" protobuf:"bytes,1,opt,name=datasetName"`
	// DatasetUUID is the dataset's UUID.
	DatasetUUID string `json:"datasetUUID,omitempty" protobuf:"bytes,2,opt,name=datasetUUID"`
}

// VsphereVirtualDiskVolumeSource is a vSphere virtual disk.
type VsphereVirtualDiskVolumeSource struct {
	// VolumePath is the path of the disk.
	VolumePath string `json:"volumePath" protobuf:"bytes,1,opt,name=volumePath"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// StoragePolicyName is the storage policy's name.
	StoragePolicyName string `json:"storagePolicyName,omitempty" protobuf:"bytes,3,opt,name=storagePolicyName"`
	// StoragePolicyID is the storage policy's ID.
	StoragePolicyID string `json:"storagePolicyID,omitempty" protobuf:"bytes,4,opt,name=storagePolicyID"`
}

// QuobyteVolumeSource is a Quobyte volume.
type QuobyteVolumeSource struct {
	// Registry lists the Quobyte registries as host:port.
	Registry string `json:"registry" protobuf:"bytes,1,opt,name=registry"`
	// Volume is the Quobyte volume.
	Volume string `json:"volume" protobuf:"bytes,2,opt,name=volume"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// User is the user the volume is accessed as.
	User string `json:"user,omitempty" protobuf:"bytes,4,opt,name=user"`
	// Group is the group the volume is accessed as.
	Group string `json:"group,omitempty" protobuf:"bytes,5,opt,name=group"`
	// Tenant is the tenant owning the volume.
	Tenant string `json:"tenant,omitempty" protobuf:"bytes,6,opt,name=tenant"`
}

// AzureDataDiskCachingMode is the host caching mode of an Azure data disk.
type AzureDataDiskCachingMode string

// Values of AzureDataDiskCachingMode.
const (
	AzureDataDiskCachingNone      AzureDataDiskCachingMode = "None"
	AzureDataDiskCachingReadOnly  AzureDataDiskCachingMode = "ReadOnly"
	AzureDataDiskCachingReadWrite AzureDataDiskCachingMode = "ReadWrite"
)

// AzureDataDiskKind is the kind of an Azure data disk.
type AzureDataDiskKind string

// Values of AzureDataDiskKind.
const (
	AzureSharedBlobDisk    AzureDataDiskKind = "Shared"
	AzureDedicatedBlobDisk AzureDataDiskKind = "Dedicated"
	AzureManagedDisk       AzureDataDiskKind = "Managed"
)

// AzureDiskVolumeSource is an Azure data disk.
type AzureDiskVolumeSource struct {
	// DiskName is the disk's name.
	DiskName string `json:"diskName" protobuf:"bytes,1,opt,name=diskName"`
	// DataDiskURI is the disk's URI.
	DataDiskURI string `json:"diskURI" protobuf:"bytes,2,opt,name=diskURI"`
	// CachingMode is the host caching mode.
	CachingMode *AzureDataDiskCachingMode `json:"cachingMode,omitempty" protobuf:"bytes,3,opt,name=cachingMode,casttype=AzureDataDiskCachingMode"`
	// FSType is the filesystem to mount.
	FSType *string `json:"fsType,omitempty" protobuf:"bytes,4,opt,name=fsType"`
	// ReadOnly mounts the disk read-only.
	ReadOnly *bool `json:"readOnly,omitempty" protobuf:"varint,5,opt,name=readOnly"`
	// Kind is the kind of disk.
	Kind *AzureDataDiskKind `json:"kind,omitempty" protobuf:"bytes,6,opt,name=kind,casttype=AzureDataDiskKind"`
}

// PhotonPersistentDiskVolumeSource is a Photon Controller persistent disk.
type PhotonPersistentDiskVolumeSource struct {
	// PdID is the disk's ID.
	PdID string `json:"pdID" protobuf:"bytes,1,opt,name=pdID"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
}

// PortworxVolumeSource is a Portworx volume.
type PortworxVolumeSource struct {
	// VolumeID is the Portworx volume ID.
	VolumeID string `json:"volumeID" protobuf:"bytes,1,opt,name=volumeID"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
}

// String returns the resource name as a plain string.
func (rn ResourceName) String() string { return string(rn) }

// Cpu returns the "cpu" amount, or zero when absent.
func (rl *ResourceList) Cpu() *resource.Quantity {
	return rl.Name(ResourceCPU, resource.DecimalSI)
}

// Memory returns the "memory" amount, or zero when absent.
func (rl *ResourceList) Memory() *resource.Quantity {
	return rl.Name(ResourceMemory, resource.BinarySI)
}

// Storage returns the "storage" amount, or zero when absent.
func (rl *ResourceList) Storage() *resource.Quantity {
	return rl.Name(ResourceStorage, resource.BinarySI)
}

// Pods returns the "pods" amount, or zero when absent.
func (rl *ResourceList) Pods() *resource.Quantity {
	return rl.Name(ResourcePods, resource.DecimalSI)
}

// StorageEphemeral returns the "ephemeral-storage" amount, or zero when absent.
func (rl *ResourceList) StorageEphemeral() *resource.Quantity {
	return rl.Name(ResourceEphemeralStorage, resource.BinarySI)
}

// Name returns a copy of the amount stored under name, or a zero quantity
// written in defaultFormat when absent.
func (rl *ResourceList) Name(name ResourceName, defaultFormat resource.Format) *resource.Quantity {
	if rl != nil {
		if q, ok := (*rl)[name]; ok {
			c := q.DeepCopy()
			return &c
		}
	}
	return &resource.Quantity{Format: defaultFormat}
}

// SetGroupVersionKind records gvk in the reference's apiVersion and kind.
func (obj *ObjectReference) SetGroupVersionKind(gvk schema.GroupVersionKind) {
	obj.APIVersion, obj.Kind = gvk.ToAPIVersionAndKind()
}

// GroupVersionKind parses the reference's apiVersion and kind.
func (obj *ObjectReference) GroupVersionKind() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(obj.APIVersion, obj.Kind)
}

// GetObjectKind lets an ObjectReference serve as its own schema.ObjectKind.
func (obj *ObjectReference) GetObjectKind() schema.ObjectKind { return obj }
