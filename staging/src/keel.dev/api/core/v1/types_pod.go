package v1

import (
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Defaults Kubernetes applies to pod specs.
const (
	DefaultTerminationGracePeriodSeconds = 30
	DefaultEnableServiceLinks            = true
	DefaultSchedulerName                 = "default-scheduler"
)

// Reasons recorded on pod conditions and statuses.
const (
	PodReasonUnschedulable         = "Unschedulable"
	PodReasonSchedulingGated       = "SchedulingGated"
	PodReasonSchedulerError        = "SchedulerError"
	PodReasonTerminationByKubelet  = "TerminationByKubelet"
	PodReasonPreemptionByScheduler = "PreemptionByScheduler"
	PodReasonDeferred              = "Deferred"
	PodReasonInfeasible            = "Infeasible"
	PodReasonError                 = "Error"
)

// Pod is a group of containers scheduled together onto one node.
type Pod struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// ObjectMeta is the pod's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the desired state.
	Spec PodSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the observed state.
	Status PodStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PodList is a list of pods.
type PodList struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// ListMeta is the list's metadata.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the pods.
	Items []Pod `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// PodSpec is the desired state of a pod.
type PodSpec struct {
	// Volumes are the volumes containers may mount.
	Volumes []Volume `json:"volumes,omitempty" patchStrategy:"merge,retainKeys" patchMergeKey:"name" protobuf:"bytes,1,rep,name=volumes"`
	// InitContainers run in order before the containers; sidecars keep running.
	InitContainers []Container `json:"initContainers,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,20,rep,name=initContainers"`
	// Containers are the application containers; at least one.
	Containers []Container `json:"containers" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,2,rep,name=containers"`
	// EphemeralContainers are debugging containers added later.
	EphemeralContainers []EphemeralContainer `json:"ephemeralContainers,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,34,rep,name=ephemeralContainers"`
	// RestartPolicy is Always, OnFailure or Never; default Always.
	RestartPolicy RestartPolicy `json:"restartPolicy,omitempty" protobuf:"bytes,3,opt,name=restartPolicy,casttype=RestartPolicy"`
	// TerminationGracePeriodSeconds is the time between the stop signal and the kill; default 30.
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty" protobuf:"varint,4,opt,name=terminationGracePeriodSeconds"`
	// ActiveDeadlineSeconds bounds the pod's run time.
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty" protobuf:"varint,5,opt,name=activeDeadlineSeconds"`
	// DNSPolicy is how DNS is configured; default ClusterFirst.
	DNSPolicy DNSPolicy `json:"dnsPolicy,omitempty" protobuf:"bytes,6,opt,name=dnsPolicy,casttype=DNSPolicy"`
	// NodeSelector are labels a node must have.
	NodeSelector map[string]string `json:"nodeSelector,omitempty" protobuf:"bytes,7,rep,name=nodeSelector"`
	// ServiceAccountName is the service account the pod runs as.
	ServiceAccountName string `json:"serviceAccountName,omitempty" protobuf:"bytes,8,opt,name=serviceAccountName"`
	// DeprecatedServiceAccount is the old name of ServiceAccountName.
	DeprecatedServiceAccount string `json:"serviceAccount,omitempty" protobuf:"bytes,9,opt,name=serviceAccount"`
	// AutomountServiceAccountToken controls mounting the API token.
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty" protobuf:"varint,21,opt,name=automountServiceAccountToken"`
	// NodeName is the node the pod is bound to.
	NodeName string `json:"nodeName,omitempty" protobuf:"bytes,10,opt,name=nodeName"`
	// HostNetwork runs the pod in the node's network namespace.
	HostNetwork bool `json:"hostNetwork,omitempty" protobuf:"varint,11,opt,name=hostNetwork"`
	// HostPID shares the node's PID namespace.
	HostPID bool `json:"hostPID,omitempty" protobuf:"varint,12,opt,name=hostPID"`
	// HostIPC shares the node's IPC namespace.
	HostIPC bool `json:"hostIPC,omitempty" protobuf:"varint,13,opt,name=hostIPC"`
	// ShareProcessNamespace shares one PID namespace between the containers.
	ShareProcessNamespace *bool `json:"shareProcessNamespace,omitempty" protobuf:"varint,27,opt,name=shareProcessNamespace"`
	// SecurityContext holds pod-wide security settings.
	SecurityContext *PodSecurityContext `json:"securityContext,omitempty" protobuf:"bytes,14,opt,name=securityContext"`
	// ImagePullSecrets are Secrets used to pull images.
	ImagePullSecrets []LocalObjectReference `json:"imagePullSecrets,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,15,rep,name=imagePullSecrets"`
	// Hostname is the pod's host name; default the pod name.
	Hostname string `json:"hostname,omitempty" protobuf:"bytes,16,opt,name=hostname"`
	// Subdomain makes the FQDN <hostname>.<subdomain>.<namespace>.svc.<domain>.
	Subdomain string `json:"subdomain,omitempty" protobuf:"bytes,17,opt,name=subdomain"`
	// Affinity holds scheduling affinity rules.
	Affinity *Affinity `json:"affinity,omitempty" protobuf:"bytes,18,opt,name=affinity"`
	// SchedulerName is the scheduler responsible; default default-scheduler.
	SchedulerName string `json:"schedulerName,omitempty" protobuf:"bytes,19,opt,name=schedulerName"`
	// Tolerations are the taints the pod tolerates.
	Tolerations []Toleration `json:"tolerations,omitempty" protobuf:"bytes,22,opt,name=tolerations"`
	// HostAliases are extra /etc/hosts entries.
	HostAliases []HostAlias `json:"hostAliases,omitempty" patchStrategy:"merge" patchMergeKey:"ip" protobuf:"bytes,23,rep,name=hostAliases"`
	// PriorityClassName names the pod's PriorityClass.
	PriorityClassName string `json:"priorityClassName,omitempty" protobuf:"bytes,24,opt,name=priorityClassName"`
	// Priority is the resolved priority value.
	Priority *int32 `json:"priority,omitempty" protobuf:"bytes,25,opt,name=priority"`
	// DNSConfig tunes resolv.conf.
	DNSConfig *PodDNSConfig `json:"dnsConfig,omitempty" protobuf:"bytes,26,opt,name=dnsConfig"`
	// ReadinessGates are extra conditions readiness waits for.
	ReadinessGates []PodReadinessGate `json:"readinessGates,omitempty" protobuf:"bytes,28,opt,name=readinessGates"`
	// RuntimeClassName names the RuntimeClass to run with.
	RuntimeClassName *string `json:"runtimeClassName,omitempty" protobuf:"bytes,29,opt,name=runtimeClassName"`
	// EnableServiceLinks injects service environment variables; default true.
	EnableServiceLinks *bool `json:"enableServiceLinks,omitempty" protobuf:"varint,30,opt,name=enableServiceLinks"`
	// PreemptionPolicy is PreemptLowerPriority or Never.
	PreemptionPolicy *PreemptionPolicy `json:"preemptionPolicy,omitempty" protobuf:"bytes,31,opt,name=preemptionPolicy"`
	// Overhead is the runtime's per-pod resource overhead.
	Overhead ResourceList `json:"overhead,omitempty" protobuf:"bytes,32,opt,name=overhead"`
	// TopologySpreadConstraints spread pods across domains.
	TopologySpreadConstraints []TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty" patchStrategy:"merge" patchMergeKey:"topologyKey" protobuf:"bytes,33,opt,name=topologySpreadConstraints"`
	// SetHostnameAsFQDN sets the host name to the FQDN.
	SetHostnameAsFQDN *bool `json:"setHostnameAsFQDN,omitempty" protobuf:"varint,35,opt,name=setHostnameAsFQDN"`
	// OS names the operating system the pod needs.
	OS *PodOS `json:"os,omitempty" protobuf:"bytes,36,opt,name=os"`
	// HostUsers runs the pod in the host user namespace when true or unset.
	HostUsers *bool `json:"hostUsers,omitempty" protobuf:"bytes,37,opt,name=hostUsers"`
	// SchedulingGates block scheduling while present.
	SchedulingGates []PodSchedulingGate `json:"schedulingGates,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,38,opt,name=schedulingGates"`
	// ResourceClaims are the dynamic resources the pod uses.
	ResourceClaims []PodResourceClaim `json:"resourceClaims,omitempty" patchStrategy:"merge,retainKeys" patchMergeKey:"name" protobuf:"bytes,39,rep,name=resourceClaims"`
	// Resources are pod-level requests and limits.
	Resources *ResourceRequirements `json:"resources,omitempty" protobuf:"bytes,40,opt,name=resources"`
	// HostnameOverride sets the pod's host name explicitly.
	HostnameOverride *string `json:"hostnameOverride,omitempty" protobuf:"bytes,41,opt,name=hostnameOverride"`
	// SchedulingGroup names the pod group scheduled together.
	SchedulingGroup *PodSchedulingGroup `json:"schedulingGroup,omitempty" protobuf:"bytes,43,opt,name=schedulingGroup"`
	// EvictionResponders are components that handle eviction of the pod.
	EvictionResponders []EvictionResponder `json:"evictionResponders,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,44,rep,name=evictionResponders"`
}

// PodStatus is the observed state of a pod.
type PodStatus struct {
	// ObservedGeneration is the pod generation this status describes.
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,17,opt,name=observedGeneration"`
	// Phase is Pending, Running, Succeeded, Failed or Unknown.
	Phase PodPhase `json:"phase,omitempty" protobuf:"bytes,1,opt,name=phase,casttype=PodPhase"`
	// Conditions are the pod's conditions.
	Conditions []PodCondition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,2,rep,name=conditions"`
	// Message explains the pod's state.
	Message string `json:"message,omitempty" protobuf:"bytes,3,opt,name=message"`
	// Reason is a short CamelCase reason, such as Evicted.
	Reason string `json:"reason,omitempty" protobuf:"bytes,4,opt,name=reason"`
	// NominatedNodeName is the node preemption made room on.
	NominatedNodeName string `json:"nominatedNodeName,omitempty" protobuf:"bytes,11,opt,name=nominatedNodeName"`
	// HostIP is the node's primary address.
	HostIP string `json:"hostIP,omitempty" protobuf:"bytes,5,opt,name=hostIP"`
	// HostIPs are the node's addresses, one per family.
	HostIPs []HostIP `json:"hostIPs,omitempty" protobuf:"bytes,16,rep,name=hostIPs" patchStrategy:"merge" patchMergeKey:"ip"`
	// PodIP is the pod's primary address.
	PodIP string `json:"podIP,omitempty" protobuf:"bytes,6,opt,name=podIP"`
	// PodIPs are the pod's addresses, one per family.
	PodIPs []PodIP `json:"podIPs,omitempty" protobuf:"bytes,12,rep,name=podIPs" patchStrategy:"merge" patchMergeKey:"ip"`
	// StartTime is when the kubelet accepted the pod.
	StartTime *metav1.Time `json:"startTime,omitempty" protobuf:"bytes,7,opt,name=startTime"`
	// InitContainerStatuses report the init containers.
	InitContainerStatuses []ContainerStatus `json:"initContainerStatuses,omitempty" protobuf:"bytes,10,rep,name=initContainerStatuses"`
	// ContainerStatuses report the containers.
	ContainerStatuses []ContainerStatus `json:"containerStatuses,omitempty" protobuf:"bytes,8,rep,name=containerStatuses"`
	// QOSClass is the pod's QoS class.
	QOSClass PodQOSClass `json:"qosClass,omitempty" protobuf:"bytes,9,rep,name=qosClass"`
	// EphemeralContainerStatuses report the ephemeral containers.
	EphemeralContainerStatuses []ContainerStatus `json:"ephemeralContainerStatuses,omitempty" protobuf:"bytes,13,rep,name=ephemeralContainerStatuses"`
	// Resize reports an in-place resize (deprecated).
	Resize PodResizeStatus `json:"resize,omitempty" protobuf:"bytes,14,opt,name=resize,casttype=PodResizeStatus"`
	// ResourceClaimStatuses report the generated ResourceClaims.
	ResourceClaimStatuses []PodResourceClaimStatus `json:"resourceClaimStatuses,omitempty" patchStrategy:"merge,retainKeys" patchMergeKey:"name" protobuf:"bytes,15,rep,name=resourceClaimStatuses"`
	// ExtendedResourceClaimStatus reports the claim made for extended resources.
	ExtendedResourceClaimStatus *PodExtendedResourceClaimStatus `json:"extendedResourceClaimStatus,omitempty" protobuf:"bytes,18,opt,name=extendedResourceClaimStatus"`
	// AllocatedResources are the pod-level resources allocated.
	AllocatedResources ResourceList `json:"allocatedResources,omitempty" protobuf:"bytes,19,rep,name=allocatedResources,casttype=ResourceList,castkey=ResourceName"`
	// Resources are the pod-level resources applied.
	Resources *ResourceRequirements `json:"resources,omitempty" protobuf:"bytes,20,opt,name=resources"`
	// NodeAllocatableResourceClaimStatuses report node-allocatable resources from claims.
	NodeAllocatableResourceClaimStatuses []NodeAllocatableResourceClaimStatus `json:"nodeAllocatableResourceClaimStatuses,omitempty" patchStrategy:"merge" patchMergeKey:"resourceClaimName" protobuf:"bytes,21,rep,name=nodeAllocatableResourceClaimStatuses"`
	// VolumeHealth reports the health of the pod's volumes.
	VolumeHealth []PodVolumeHealth `json:"volumeHealth,omitempty" protobuf:"bytes,22,rep,name=volumeHealth"`
}

// PodPhase is the coarse lifecycle phase of a pod.
type PodPhase string

// Values of PodPhase.
const (
	PodPending   PodPhase = "Pending"
	PodRunning   PodPhase = "Running"
	PodSucceeded PodPhase = "Succeeded"
	PodFailed    PodPhase = "Failed"
	PodUnknown   PodPhase = "Unknown"
)

// PodConditionType names a pod condition.
type PodConditionType string

// Values of PodConditionType.
const (
	ContainersReady           PodConditionType = "ContainersReady"
	PodInitialized            PodConditionType = "Initialized"
	PodReady                  PodConditionType = "Ready"
	PodScheduled              PodConditionType = "PodScheduled"
	DisruptionTarget          PodConditionType = "DisruptionTarget"
	PodReadyToStartContainers PodConditionType = "PodReadyToStartContainers"
	PodResizePending          PodConditionType = "PodResizePending"
	PodResizeInProgress       PodConditionType = "PodResizeInProgress"
	AllContainersRestarting   PodConditionType = "AllContainersRestarting"
)

// PodCondition is one condition of a pod.
type PodCondition struct {
	// Type names the condition.
	Type PodConditionType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=PodConditionType"`
	// ObservedGeneration is the pod generation the condition was set for.
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,7,opt,name=observedGeneration"`
	// Status is True, False or Unknown.
	Status ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status,casttype=ConditionStatus"`
	// LastProbeTime is when the condition was last checked.
	LastProbeTime metav1.Time `json:"lastProbeTime,omitempty" protobuf:"bytes,3,opt,name=lastProbeTime"`
	// LastTransitionTime is when the status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,4,opt,name=lastTransitionTime"`
	// Reason is a short CamelCase reason.
	Reason string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	// Message explains the condition.
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// PodResizeStatus reports the progress of an in-place resize.
type PodResizeStatus string

// Values of PodResizeStatus.
const (
	PodResizeStatusInProgress PodResizeStatus = "InProgress"
	PodResizeStatusDeferred   PodResizeStatus = "Deferred"
	PodResizeStatusInfeasible PodResizeStatus = "Infeasible"
)

// PodQOSClass is a pod's quality-of-service class.
type PodQOSClass string

// Values of PodQOSClass.
const (
	PodQOSGuaranteed PodQOSClass = "Guaranteed"
	PodQOSBurstable  PodQOSClass = "Burstable"
	PodQOSBestEffort PodQOSClass = "BestEffort"
)

// PodIP is one IP address assigned to a pod.
type PodIP struct {
	// IP is the address.
	IP string `json:"ip" protobuf:"bytes,1,opt,name=ip"`
}

// HostIP is one IP address of the node a pod runs on.
type HostIP struct {
	// IP is the address.
	IP string `json:"ip" protobuf:"bytes,1,opt,name=ip"`
}

// PodReadinessGate names an extra condition that must be true for a pod to be ready.
type PodReadinessGate struct {
	// ConditionType is the pod condition to wait for.
	ConditionType PodConditionType `json:"conditionType" protobuf:"bytes,1,opt,name=conditionType,casttype=PodConditionType"`
}

// PodSchedulingGate blocks scheduling of a pod until it is removed.
type PodSchedulingGate struct {
	// Name is the gate's unique name.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
}

// PodSchedulingGroup names the pod group a pod is scheduled with.
type PodSchedulingGroup struct {
	// PodGroupName names the pod group.
	PodGroupName *string `json:"podGroupName,omitempty" protobuf:"bytes,1,opt,name=podGroupName"`
}

// OSName is an operating system name.
type OSName string

// Values of OSName.
const (
	Linux   OSName = "linux"
	Windows OSName = "windows"
)

// PodOS names the operating system a pod's containers need.
type PodOS struct {
	// Name is linux or windows.
	Name OSName `json:"name" protobuf:"bytes,1,opt,name=name"`
}

// PodDNSConfig tunes the resolv.conf of a pod.
type PodDNSConfig struct {
	// Nameservers are extra DNS servers.
	Nameservers []string `json:"nameservers,omitempty" protobuf:"bytes,1,rep,name=nameservers"`
	// Searches are extra search domains.
	Searches []string `json:"searches,omitempty" protobuf:"bytes,2,rep,name=searches"`
	// Options are resolver options.
	Options []PodDNSConfigOption `json:"options,omitempty" protobuf:"bytes,3,rep,name=options"`
}

// PodDNSConfigOption is one resolver option.
type PodDNSConfigOption struct {
	// Name is the option.
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// Value is the option's value, if any.
	Value *string `json:"value,omitempty" protobuf:"bytes,2,opt,name=value"`
}

// HostAlias adds a line to a pod's /etc/hosts.
type HostAlias struct {
	// IP is the address.
	IP string `json:"ip" protobuf:"bytes,1,opt,name=ip"`
	// Hostnames are the names for it.
	Hostnames []string `json:"hostnames,omitempty" protobuf:"bytes,2,rep,name=hostnames"`
}

// PodResourceClaim references a ResourceClaim or ResourceClaimTemplate a pod uses.
type PodResourceClaim struct {
	// Name identifies the claim inside the pod.
	Name string `json:"name" protobuf:"bytes,1,name=name"`
	// ResourceClaimName names an existing ResourceClaim.
	ResourceClaimName *string `json:"resourceClaimName,omitempty" protobuf:"bytes,3,opt,name=resourceClaimName"`
	// ResourceClaimTemplateName names a template a claim is created from.
	ResourceClaimTemplateName *string `json:"resourceClaimTemplateName,omitempty" protobuf:"bytes,4,opt,name=resourceClaimTemplateName"`
}

// PodResourceClaimStatus reports the ResourceClaim generated for a pod resource claim.
type PodResourceClaimStatus struct {
	// Name matches an entry of spec.resourceClaims.
	Name string `json:"name" protobuf:"bytes,1,name=name"`
	// ResourceClaimName is the generated claim's name.
	ResourceClaimName *string `json:"resourceClaimName,omitempty" protobuf:"bytes,2,opt,name=resourceClaimName"`
}

// PodExtendedResourceClaimStatus reports the ResourceClaim created for a pod's extended resources.
type PodExtendedResourceClaimStatus struct {
	// RequestMappings map container resources to device requests.
	RequestMappings []ContainerExtendedResourceRequest `json:"requestMappings" protobuf:"bytes,1,rep,name=requestMappings"`
	// ResourceClaimName is the claim's name.
	ResourceClaimName string `json:"resourceClaimName" protobuf:"bytes,2,name=resourceClaimName"`
}

// ContainerExtendedResourceRequest maps a container's extended resource to a device request.
type ContainerExtendedResourceRequest struct {
	// ContainerName is the container.
	ContainerName string `json:"containerName" protobuf:"bytes,1,name=containerName"`
	// ResourceName is the extended resource.
	ResourceName string `json:"resourceName" protobuf:"bytes,2,name=resourceName"`
	// RequestName is the device request in the claim.
	RequestName string `json:"requestName" protobuf:"bytes,3,name=requestName"`
}

// EvictionResponder names a component that handles eviction requests for a pod.
type EvictionResponder struct {
	// Name identifies the responder.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Priority orders the responders.
	Priority *int32 `json:"priority" protobuf:"varint,2,opt,name=priority"`
}

// PodTemplateSpec is the pod a controller creates: metadata and spec.
type PodTemplateSpec struct {
	// ObjectMeta is the metadata of pods made from the template.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the spec of pods made from the template.
	Spec PodSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// PodTemplate is a stored pod template.
type PodTemplate struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// ObjectMeta is the template object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Template is the pod template.
	Template PodTemplateSpec `json:"template,omitempty" protobuf:"bytes,2,opt,name=template"`
}

// PodTemplateList is a list of pod templates.
type PodTemplateList struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// ListMeta is the list's metadata.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the templates.
	Items []PodTemplate `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// Binding assigns a pod to a node; it is posted to a pod's binding subresource.
type Binding struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// ObjectMeta names the pod being bound.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Target is the node to bind to.
	Target ObjectReference `json:"target" protobuf:"bytes,2,opt,name=target"`
}

// PodLogOptions are the query parameters of the pods/log subresource.
type PodLogOptions struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// Container is the container whose log is read.
	Container string `json:"container,omitempty" protobuf:"bytes,1,opt,name=container"`
	// Follow streams the log.
	Follow bool `json:"follow,omitempty" protobuf:"varint,2,opt,name=follow"`
	// Previous reads the previous run's log.
	Previous bool `json:"previous,omitempty" protobuf:"varint,3,opt,name=previous"`
	// SinceSeconds starts that many seconds back.
	SinceSeconds *int64 `json:"sinceSeconds,omitempty" protobuf:"varint,4,opt,name=sinceSeconds"`
	// SinceTime starts at this time.
	SinceTime *metav1.Time `json:"sinceTime,omitempty" protobuf:"bytes,5,opt,name=sinceTime"`
	// Timestamps prefixes lines with timestamps.
	Timestamps bool `json:"timestamps,omitempty" protobuf:"varint,6,opt,name=timestamps"`
	// TailLines starts that many lines from the end.
	TailLines *int64 `json:"tailLines,omitempty" protobuf:"varint,7,opt,name=tailLines"`
	// LimitBytes stops after that many bytes.
	LimitBytes *int64 `json:"limitBytes,omitempty" protobuf:"varint,8,opt,name=limitBytes"`
	// InsecureSkipTLSVerifyBackend skips verifying the kubelet's certificate.
	InsecureSkipTLSVerifyBackend bool `json:"insecureSkipTLSVerifyBackend,omitempty" protobuf:"varint,9,opt,name=insecureSkipTLSVerifyBackend"`
	// Stream is Stdout, Stderr or All.
	Stream *string `json:"stream,omitempty" protobuf:"varint,10,opt,name=stream"`
}

// PodAttachOptions are the query parameters of the pods/attach subresource.
type PodAttachOptions struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// Stdin attaches stdin.
	Stdin bool `json:"stdin,omitempty" protobuf:"varint,1,opt,name=stdin"`
	// Stdout attaches stdout.
	Stdout bool `json:"stdout,omitempty" protobuf:"varint,2,opt,name=stdout"`
	// Stderr attaches stderr.
	Stderr bool `json:"stderr,omitempty" protobuf:"varint,3,opt,name=stderr"`
	// TTY uses a terminal.
	TTY bool `json:"tty,omitempty" protobuf:"varint,4,opt,name=tty"`
	// Container is the container to attach to.
	Container string `json:"container,omitempty" protobuf:"bytes,5,opt,name=container"`
}

// PodExecOptions are the query parameters of the pods/exec subresource.
type PodExecOptions struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// Stdin passes stdin.
	Stdin bool `json:"stdin,omitempty" protobuf:"varint,1,opt,name=stdin"`
	// Stdout returns stdout.
	Stdout bool `json:"stdout,omitempty" protobuf:"varint,2,opt,name=stdout"`
	// Stderr returns stderr.
	Stderr bool `json:"stderr,omitempty" protobuf:"varint,3,opt,name=stderr"`
	// TTY uses a terminal.
	TTY bool `json:"tty,omitempty" protobuf:"varint,4,opt,name=tty"`
	// Container is the container to run in.
	Container string `json:"container,omitempty" protobuf:"bytes,5,opt,name=container"`
	// Command is the command and its arguments.
	Command []string `json:"command" protobuf:"bytes,6,rep,name=command"`
}

// PodPortForwardOptions are the query parameters of the pods/portforward subresource.
type PodPortForwardOptions struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// Ports are the pod ports to forward.
	Ports []int32 `json:"ports,omitempty" protobuf:"varint,1,rep,name=ports"`
}

// PodProxyOptions are the query parameters of the pods/proxy subresource.
type PodProxyOptions struct {
	// TypeMeta carries apiVersion and kind.
	metav1.TypeMeta `json:""`
	// Path is the path to proxy to.
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
}

// PodVolumeHealth reports the health of one volume of a pod.
type PodVolumeHealth struct {
	// Name is the volume.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// HealthConditions are the volume's health conditions.
	HealthConditions []VolumeHealthCondition `json:"healthConditions,omitempty" patchStrategy:"merge" patchMergeKey:"status" protobuf:"bytes,2,rep,name=healthConditions"`
	// LastTransitionTime is when the health last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,3,opt,name=lastTransitionTime"`
}

// NodeAllocatableResourceClaimStatus reports node-allocatable resources a pod got through a ResourceClaim.
type NodeAllocatableResourceClaimStatus struct {
	// ResourceClaimName is the claim.
	ResourceClaimName string `json:"resourceClaimName" protobuf:"bytes,1,opt,name=resourceClaimName"`
	// Containers are the containers using it.
	Containers []string `json:"containers,omitempty" protobuf:"bytes,2,rep,name=containers"`
	// Mapping maps devices to node-allocatable amounts.
	Mapping []NodeAllocatableMappedResources `json:"mapping,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,4,rep,name=mapping"`
	// Overhead is the overhead accounted.
	Overhead []NodeAllocatableOverheadResources `json:"overhead,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,5,rep,name=overhead"`
}

// NodeAllocatableMappedResources maps a claim's devices to an amount of a node-allocatable resource.
type NodeAllocatableMappedResources struct {
	// Name is the node-allocatable resource.
	Name ResourceName `json:"name" protobuf:"bytes,1,opt,name=name,casttype=ResourceName"`
	// Quantity is the amount.
	Quantity *resource.Quantity `json:"quantity" protobuf:"bytes,2,opt,name=quantity"`
}

// NodeAllocatableOverheadResources is the per-pod and per-container overhead of a node-allocatable resource.
type NodeAllocatableOverheadResources struct {
	// Name is the node-allocatable resource.
	Name ResourceName `json:"name" protobuf:"bytes,1,opt,name=name,casttype=ResourceName"`
	// PerPod is the overhead per pod.
	PerPod *resource.Quantity `json:"perPod,omitempty" protobuf:"bytes,2,opt,name=perPod"`
	// PerContainer is the overhead per container.
	PerContainer *resource.Quantity `json:"perContainer,omitempty" protobuf:"bytes,3,opt,name=perContainer"`
}
