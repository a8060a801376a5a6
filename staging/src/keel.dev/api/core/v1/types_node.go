package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// Node is a worker machine that runs pods.
type Node struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the node's metadata; nodes are cluster-scoped.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the desired configuration of the node.
	Spec NodeSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the node's most recently observed state.
	Status NodeStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// NodeList is a list of nodes.
type NodeList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the nodes.
	Items []Node `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// NodeSpec is the configuration of a node set by administrators and controllers.
type NodeSpec struct {
	// PodCIDR is the pod IP range of the node (the first of PodCIDRs).
	PodCIDR string `json:"podCIDR,omitempty" protobuf:"bytes,1,opt,name=podCIDR"`
	// PodCIDRs are the pod IP ranges of the node, at most one per IP family.
	PodCIDRs []string `json:"podCIDRs,omitempty" protobuf:"bytes,7,opt,name=podCIDRs" patchStrategy:"merge"`
	// ProviderID is the cloud provider's identifier of the machine.
	ProviderID string `json:"providerID,omitempty" protobuf:"bytes,3,opt,name=providerID"`
	// Unschedulable keeps new pods off the node (cordon).
	Unschedulable bool `json:"unschedulable,omitempty" protobuf:"varint,4,opt,name=unschedulable"`
	// Taints repel pods that do not tolerate them.
	Taints []Taint `json:"taints,omitempty" protobuf:"bytes,5,opt,name=taints"`
	// ConfigSource is the retired dynamic kubelet configuration reference.
	ConfigSource *NodeConfigSource `json:"configSource,omitempty" protobuf:"bytes,6,opt,name=configSource"`
	// DoNotUseExternalID is a deprecated field kept for wire compatibility.
	DoNotUseExternalID string `json:"externalID,omitempty" protobuf:"bytes,2,opt,name=externalID"`
	// PodPreemptionPolicy tunes which preemptions the node allows.
	PodPreemptionPolicy *NodePodPreemptionPolicy `json:"podPreemptionPolicy,omitempty" protobuf:"bytes,8,opt,name=podPreemptionPolicy"`
}

// NodePodPreemptionPolicy lists preemption kinds a node opts out of.
type NodePodPreemptionPolicy struct {
	// DisableResizePreemption names priority classes whose resizes may not preempt.
	DisableResizePreemption []string `json:"disableResizePreemption,omitempty" protobuf:"bytes,1,rep,name=disableResizePreemption"`
}

// NodeConfigSource points at a kubelet configuration source.
type NodeConfigSource struct {
	// ConfigMap is a config map holding kubelet configuration.
	ConfigMap *ConfigMapNodeConfigSource `json:"configMap,omitempty" protobuf:"bytes,2,opt,name=configMap"`
}

// ConfigMapNodeConfigSource names a config map used as a node config source.
type ConfigMapNodeConfigSource struct {
	// Namespace of the config map.
	Namespace string `json:"namespace" protobuf:"bytes,1,opt,name=namespace"`
	// Name of the config map.
	Name string `json:"name" protobuf:"bytes,2,opt,name=name"`
	// UID of the config map.
	UID types.UID `json:"uid,omitempty" protobuf:"bytes,3,opt,name=uid"`
	// ResourceVersion of the config map.
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,4,opt,name=resourceVersion"`
	// KubeletConfigKey is the data key holding the configuration.
	KubeletConfigKey string `json:"kubeletConfigKey" protobuf:"bytes,5,opt,name=kubeletConfigKey"`
}

// DaemonEndpoint is a port a node daemon listens on.
type DaemonEndpoint struct {
	// Port is the port number; its JSON name is capitalised for historical reasons.
	Port int32 `json:"Port" protobuf:"varint,1,opt,name=Port"`
}

// NodeDaemonEndpoints lists the endpoints of daemons running on the node.
type NodeDaemonEndpoints struct {
	// KubeletEndpoint is where the kubelet serves.
	KubeletEndpoint DaemonEndpoint `json:"kubeletEndpoint,omitempty" protobuf:"bytes,1,opt,name=kubeletEndpoint"`
}

// NodeRuntimeHandlerFeatures lists what a runtime handler supports.
type NodeRuntimeHandlerFeatures struct {
	// RecursiveReadOnlyMounts says recursive read-only mounts are supported.
	RecursiveReadOnlyMounts *bool `json:"recursiveReadOnlyMounts,omitempty" protobuf:"varint,1,opt,name=recursiveReadOnlyMounts"`
	// UserNamespaces says user namespaces are supported.
	UserNamespaces *bool `json:"userNamespaces,omitempty" protobuf:"varint,2,opt,name=userNamespaces"`
}

// NodeRuntimeHandler is a container runtime handler available on the node.
type NodeRuntimeHandler struct {
	// Name of the handler; empty is the default handler.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Features the handler supports.
	Features *NodeRuntimeHandlerFeatures `json:"features,omitempty" protobuf:"bytes,2,opt,name=features"`
}

// NodeFeatures lists node-level features the kubelet supports.
type NodeFeatures struct {
	// SupplementalGroupsPolicy says the node honours pod supplementalGroupsPolicy.
	SupplementalGroupsPolicy *bool `json:"supplementalGroupsPolicy,omitempty" protobuf:"varint,1,opt,name=supplementalGroupsPolicy"`
}

// NodeSystemInfo identifies the node's machine and software.
type NodeSystemInfo struct {
	// MachineID is the host's machine-id.
	MachineID string `json:"machineID" protobuf:"bytes,1,opt,name=machineID"`
	// SystemUUID is the hardware UUID.
	SystemUUID string `json:"systemUUID" protobuf:"bytes,2,opt,name=systemUUID"`
	// BootID changes on every reboot.
	BootID string `json:"bootID" protobuf:"bytes,3,opt,name=bootID"`
	// KernelVersion is the output of uname -r.
	KernelVersion string `json:"kernelVersion" protobuf:"bytes,4,opt,name=kernelVersion"`
	// OSImage is the OS name from /etc/os-release.
	OSImage string `json:"osImage" protobuf:"bytes,5,opt,name=osImage"`
	// ContainerRuntimeVersion is runtime://version.
	ContainerRuntimeVersion string `json:"containerRuntimeVersion" protobuf:"bytes,6,opt,name=containerRuntimeVersion"`
	// KubeletVersion is the kubelet's version.
	KubeletVersion string `json:"kubeletVersion" protobuf:"bytes,7,opt,name=kubeletVersion"`
	// KubeProxyVersion is deprecated and left empty.
	KubeProxyVersion string `json:"kubeProxyVersion" protobuf:"bytes,8,opt,name=kubeProxyVersion"`
	// OperatingSystem is GOOS of the kubelet.
	OperatingSystem string `json:"operatingSystem" protobuf:"bytes,9,opt,name=operatingSystem"`
	// Architecture is GOARCH of the kubelet.
	Architecture string `json:"architecture" protobuf:"bytes,10,opt,name=architecture"`
	// Swap describes the node's swap memory.
	Swap *NodeSwapStatus `json:"swap,omitempty" protobuf:"bytes,11,opt,name=swap"`
	// RunningInUserNamespace says the kubelet runs inside a user namespace.
	RunningInUserNamespace *bool `json:"runningInUserNamespace,omitempty" protobuf:"varint,12,opt,name=runningInUserNamespace"`
}

// NodeSwapStatus describes swap memory on a node.
type NodeSwapStatus struct {
	// Capacity is the total swap in bytes.
	Capacity *int64 `json:"capacity,omitempty" protobuf:"varint,1,opt,name=capacity"`
}

// NodeConfigStatus reports the retired dynamic kubelet configuration state.
type NodeConfigStatus struct {
	// Assigned is the config source the node should use.
	Assigned *NodeConfigSource `json:"assigned,omitempty" protobuf:"bytes,1,opt,name=assigned"`
	// Active is the config source in use.
	Active *NodeConfigSource `json:"active,omitempty" protobuf:"bytes,2,opt,name=active"`
	// LastKnownGood is the fallback config source.
	LastKnownGood *NodeConfigSource `json:"lastKnownGood,omitempty" protobuf:"bytes,3,opt,name=lastKnownGood"`
	// Error describes a failure applying the configuration.
	Error string `json:"error,omitempty" protobuf:"bytes,4,opt,name=error"`
}

// NodeStatus is the observed state of a node, written by the kubelet.
type NodeStatus struct {
	// Capacity is the node's total resources.
	Capacity ResourceList `json:"capacity,omitempty" protobuf:"bytes,1,rep,name=capacity,casttype=ResourceList,castkey=ResourceName"`
	// Allocatable is what remains for pods after system reservations.
	Allocatable ResourceList `json:"allocatable,omitempty" protobuf:"bytes,2,rep,name=allocatable,casttype=ResourceList,castkey=ResourceName"`
	// Phase is deprecated and unused.
	Phase NodePhase `json:"phase,omitempty" protobuf:"bytes,3,opt,name=phase,casttype=NodePhase"`
	// Conditions describe the node's health (Ready, MemoryPressure, …).
	Conditions []NodeCondition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,4,rep,name=conditions"`
	// Addresses are the node's reachable addresses.
	Addresses []NodeAddress `json:"addresses,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,5,rep,name=addresses"`
	// DaemonEndpoints are the ports of daemons on the node.
	DaemonEndpoints NodeDaemonEndpoints `json:"daemonEndpoints,omitempty" protobuf:"bytes,6,opt,name=daemonEndpoints"`
	// NodeInfo identifies the machine and its software.
	NodeInfo NodeSystemInfo `json:"nodeInfo,omitempty" protobuf:"bytes,7,opt,name=nodeInfo"`
	// Images are the container images present on the node.
	Images []ContainerImage `json:"images,omitempty" protobuf:"bytes,8,rep,name=images"`
	// VolumesInUse are the volumes mounted on the node.
	VolumesInUse []UniqueVolumeName `json:"volumesInUse,omitempty" protobuf:"bytes,9,rep,name=volumesInUse"`
	// VolumesAttached are the volumes attached to the node.
	VolumesAttached []AttachedVolume `json:"volumesAttached,omitempty" protobuf:"bytes,10,rep,name=volumesAttached"`
	// Config reports the dynamic kubelet configuration state.
	Config *NodeConfigStatus `json:"config,omitempty" protobuf:"bytes,11,opt,name=config"`
	// RuntimeHandlers are the runtime handlers available on the node.
	RuntimeHandlers []NodeRuntimeHandler `json:"runtimeHandlers,omitempty" protobuf:"bytes,12,rep,name=runtimeHandlers"`
	// Features lists node-level features the kubelet supports.
	Features *NodeFeatures `json:"features,omitempty" protobuf:"bytes,13,rep,name=features"`
	// DeclaredFeatures are feature names the node declares it supports.
	DeclaredFeatures []string `json:"declaredFeatures,omitempty" protobuf:"bytes,14,rep,name=declaredFeatures"`
}

// UniqueVolumeName identifies a volume attached to or mounted on a node.
type UniqueVolumeName string

// AttachedVolume is a volume attached to a node.
type AttachedVolume struct {
	// Name of the attached volume.
	Name UniqueVolumeName `json:"name" protobuf:"bytes,1,rep,name=name"`
	// DevicePath is where the volume's device appears on the node.
	DevicePath string `json:"devicePath" protobuf:"bytes,2,rep,name=devicePath"`
}

// AvoidPods is the legacy annotation payload asking the scheduler to avoid a node.
type AvoidPods struct {
	// PreferAvoidPods lists the pod signatures to keep away.
	PreferAvoidPods []PreferAvoidPodsEntry `json:"preferAvoidPods,omitempty" protobuf:"bytes,1,rep,name=preferAvoidPods"`
}

// PreferAvoidPodsEntry is one class of pods to keep off a node.
type PreferAvoidPodsEntry struct {
	// PodSignature identifies the pods.
	PodSignature PodSignature `json:"podSignature" protobuf:"bytes,1,opt,name=podSignature"`
	// EvictionTime is when the entry was added.
	EvictionTime metav1.Time `json:"evictionTime,omitempty" protobuf:"bytes,2,opt,name=evictionTime"`
	// Reason is a machine-readable cause.
	Reason string `json:"reason,omitempty" protobuf:"bytes,3,opt,name=reason"`
	// Message is a human-readable explanation.
	Message string `json:"message,omitempty" protobuf:"bytes,4,opt,name=message"`
}

// PodSignature identifies a group of pods by their controller.
type PodSignature struct {
	// PodController is the owner of the pods.
	PodController *metav1.OwnerReference `json:"podController,omitempty" protobuf:"bytes,1,opt,name=podController"`
}

// ContainerImage is an image stored on a node.
type ContainerImage struct {
	// Names are the image's references (tags and digests).
	Names []string `json:"names" protobuf:"bytes,1,rep,name=names"`
	// SizeBytes is the image size.
	SizeBytes int64 `json:"sizeBytes,omitempty" protobuf:"varint,2,opt,name=sizeBytes"`
}

// NodePhase is the deprecated lifecycle phase of a node.
type NodePhase string

// Node phases.
const (
	// NodePending means the node is being set up.
	NodePending NodePhase = "Pending"
	// NodeRunning means the node is in service.
	NodeRunning NodePhase = "Running"
	// NodeTerminated means the node was removed.
	NodeTerminated NodePhase = "Terminated"
)

// NodeConditionType names a node condition.
type NodeConditionType string

// Node condition types.
const (
	// NodeReady means the kubelet is healthy and can run pods.
	NodeReady NodeConditionType = "Ready"
	// NodeMemoryPressure means memory is low.
	NodeMemoryPressure NodeConditionType = "MemoryPressure"
	// NodeDiskPressure means disk space is low.
	NodeDiskPressure NodeConditionType = "DiskPressure"
	// NodePIDPressure means process IDs are running out.
	NodePIDPressure NodeConditionType = "PIDPressure"
	// NodeNetworkUnavailable means the node's network is not set up.
	NodeNetworkUnavailable NodeConditionType = "NetworkUnavailable"
	// NodeGracefulNodeShutdownInProgress means the node is shutting down.
	NodeGracefulNodeShutdownInProgress NodeConditionType = "GracefulNodeShutdownInProgress"
	// NodeDrainInProgress means pods are being drained from the node.
	NodeDrainInProgress NodeConditionType = "DrainInProgress"
	// NodeDrained means the node has been drained.
	NodeDrained NodeConditionType = "Drained"
	// NodeMaintenancePlanned means maintenance is scheduled.
	NodeMaintenancePlanned NodeConditionType = "MaintenancePlanned"
	// NodeMaintenanceInProgress means maintenance is under way.
	NodeMaintenanceInProgress NodeConditionType = "MaintenanceInProgress"
)

// NodeCondition is one aspect of a node's health.
type NodeCondition struct {
	// Type of the condition.
	Type NodeConditionType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=NodeConditionType"`
	// Status is True, False or Unknown.
	Status ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status,casttype=ConditionStatus"`
	// LastHeartbeatTime is when the kubelet last reported the condition.
	LastHeartbeatTime metav1.Time `json:"lastHeartbeatTime,omitempty" protobuf:"bytes,3,opt,name=lastHeartbeatTime"`
	// LastTransitionTime is when Status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,4,opt,name=lastTransitionTime"`
	// Reason is a machine-readable cause.
	Reason string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	// Message is a human-readable explanation.
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// NodeAddressType names the kind of a node address.
type NodeAddressType string

// Node address types.
const (
	// NodeHostName is the node's host name.
	NodeHostName NodeAddressType = "Hostname"
	// NodeInternalIP is an IP reachable inside the cluster.
	NodeInternalIP NodeAddressType = "InternalIP"
	// NodeExternalIP is an IP reachable from outside the cluster.
	NodeExternalIP NodeAddressType = "ExternalIP"
	// NodeInternalDNS is a DNS name resolvable inside the cluster.
	NodeInternalDNS NodeAddressType = "InternalDNS"
	// NodeExternalDNS is a DNS name resolvable from outside the cluster.
	NodeExternalDNS NodeAddressType = "ExternalDNS"
)

// NodeAddress is one address of a node.
type NodeAddress struct {
	// Type of the address.
	Type NodeAddressType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=NodeAddressType"`
	// Address is the IP or name.
	Address string `json:"address" protobuf:"bytes,2,opt,name=address"`
}

// NodeProxyOptions are the query parameters of the nodes/proxy subresource.
type NodeProxyOptions struct {
	metav1.TypeMeta `json:",inline"`
	// Path is the URL path to forward to the node.
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
}
