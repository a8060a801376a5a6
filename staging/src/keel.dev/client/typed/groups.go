package typed

import (
	appsv1 "keel.dev/api/apps/v1"
	autoscalingv1 "keel.dev/api/autoscaling/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	batchv1 "keel.dev/api/batch/v1"
	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	eventsv1 "keel.dev/api/events/v1"
	networkingv1 "keel.dev/api/networking/v1"
	policyv1 "keel.dev/api/policy/v1"
	rbacv1 "keel.dev/api/rbac/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	storagev1 "keel.dev/api/storage/v1"
)

// CoreV1 is the core/v1 group version.
type CoreV1 struct{ cs *Clientset }

// CoreV1 returns the core/v1 group version.
func (cs *Clientset) CoreV1() CoreV1 { return CoreV1{cs} }

// Pods returns the client of Pods in namespace ("" for all).
func (g CoreV1) Pods(namespace string) *PodClient {
	return mustFor[*corev1.Pod, *corev1.PodList](g.cs, namespace)
}

// Services returns the client of Services in namespace ("" for all).
func (g CoreV1) Services(namespace string) *ServiceClient {
	return mustFor[*corev1.Service, *corev1.ServiceList](g.cs, namespace)
}

// Endpoints returns the client of Endpoints in namespace ("" for all).
func (g CoreV1) Endpoints(namespace string) *EndpointsClient {
	return mustFor[*corev1.Endpoints, *corev1.EndpointsList](g.cs, namespace)
}

// Nodes returns the client of Nodes.
func (g CoreV1) Nodes() *NodeClient { return mustFor[*corev1.Node, *corev1.NodeList](g.cs, "") }

// Namespaces returns the client of Namespaces.
func (g CoreV1) Namespaces() *NamespaceClient {
	return mustFor[*corev1.Namespace, *corev1.NamespaceList](g.cs, "")
}

// ConfigMaps returns the client of ConfigMaps in namespace ("" for all).
func (g CoreV1) ConfigMaps(namespace string) *ConfigMapClient {
	return mustFor[*corev1.ConfigMap, *corev1.ConfigMapList](g.cs, namespace)
}

// Secrets returns the client of Secrets in namespace ("" for all).
func (g CoreV1) Secrets(namespace string) *SecretClient {
	return mustFor[*corev1.Secret, *corev1.SecretList](g.cs, namespace)
}

// Events returns the client of Events in namespace ("" for all).
func (g CoreV1) Events(namespace string) *EventClient {
	return mustFor[*corev1.Event, *corev1.EventList](g.cs, namespace)
}

// ServiceAccounts returns the client of ServiceAccounts in namespace ("" for all).
func (g CoreV1) ServiceAccounts(namespace string) *ServiceAccountClient {
	return mustFor[*corev1.ServiceAccount, *corev1.ServiceAccountList](g.cs, namespace)
}

// PersistentVolumes returns the client of PersistentVolumes.
func (g CoreV1) PersistentVolumes() *PersistentVolumeClient {
	return mustFor[*corev1.PersistentVolume, *corev1.PersistentVolumeList](g.cs, "")
}

// PersistentVolumeClaims returns the client of PersistentVolumeClaims in namespace ("" for all).
func (g CoreV1) PersistentVolumeClaims(namespace string) *PersistentVolumeClaimClient {
	return mustFor[*corev1.PersistentVolumeClaim, *corev1.PersistentVolumeClaimList](g.cs, namespace)
}

// ResourceQuotas returns the client of ResourceQuotas in namespace ("" for all).
func (g CoreV1) ResourceQuotas(namespace string) *ResourceQuotaClient {
	return mustFor[*corev1.ResourceQuota, *corev1.ResourceQuotaList](g.cs, namespace)
}

// LimitRanges returns the client of LimitRanges in namespace ("" for all).
func (g CoreV1) LimitRanges(namespace string) *LimitRangeClient {
	return mustFor[*corev1.LimitRange, *corev1.LimitRangeList](g.cs, namespace)
}

// ReplicationControllers returns the client of ReplicationControllers in namespace ("" for all).
func (g CoreV1) ReplicationControllers(namespace string) *ReplicationControllerClient {
	return mustFor[*corev1.ReplicationController, *corev1.ReplicationControllerList](g.cs, namespace)
}

// PodTemplates returns the client of PodTemplates in namespace ("" for all).
func (g CoreV1) PodTemplates(namespace string) *PodTemplateClient {
	return mustFor[*corev1.PodTemplate, *corev1.PodTemplateList](g.cs, namespace)
}

// AppsV1 is the apps/v1 group version.
type AppsV1 struct{ cs *Clientset }

// AppsV1 returns the apps/v1 group version.
func (cs *Clientset) AppsV1() AppsV1 { return AppsV1{cs} }

// Deployments returns the client of Deployments in namespace ("" for all).
func (g AppsV1) Deployments(namespace string) *DeploymentClient {
	return mustFor[*appsv1.Deployment, *appsv1.DeploymentList](g.cs, namespace)
}

// ReplicaSets returns the client of ReplicaSets in namespace ("" for all).
func (g AppsV1) ReplicaSets(namespace string) *ReplicaSetClient {
	return mustFor[*appsv1.ReplicaSet, *appsv1.ReplicaSetList](g.cs, namespace)
}

// DaemonSets returns the client of DaemonSets in namespace ("" for all).
func (g AppsV1) DaemonSets(namespace string) *DaemonSetClient {
	return mustFor[*appsv1.DaemonSet, *appsv1.DaemonSetList](g.cs, namespace)
}

// StatefulSets returns the client of StatefulSets in namespace ("" for all).
func (g AppsV1) StatefulSets(namespace string) *StatefulSetClient {
	return mustFor[*appsv1.StatefulSet, *appsv1.StatefulSetList](g.cs, namespace)
}

// ControllerRevisions returns the client of ControllerRevisions in namespace ("" for all).
func (g AppsV1) ControllerRevisions(namespace string) *ControllerRevisionClient {
	return mustFor[*appsv1.ControllerRevision, *appsv1.ControllerRevisionList](g.cs, namespace)
}

// BatchV1 is the batch/v1 group version.
type BatchV1 struct{ cs *Clientset }

// BatchV1 returns the batch/v1 group version.
func (cs *Clientset) BatchV1() BatchV1 { return BatchV1{cs} }

// Jobs returns the client of Jobs in namespace ("" for all).
func (g BatchV1) Jobs(namespace string) *JobClient {
	return mustFor[*batchv1.Job, *batchv1.JobList](g.cs, namespace)
}

// CronJobs returns the client of CronJobs in namespace ("" for all).
func (g BatchV1) CronJobs(namespace string) *CronJobClient {
	return mustFor[*batchv1.CronJob, *batchv1.CronJobList](g.cs, namespace)
}

// CoordinationV1 is the coordination/v1 group version.
type CoordinationV1 struct{ cs *Clientset }

// CoordinationV1 returns the coordination/v1 group version.
func (cs *Clientset) CoordinationV1() CoordinationV1 { return CoordinationV1{cs} }

// Leases returns the client of Leases in namespace ("" for all).
func (g CoordinationV1) Leases(namespace string) *LeaseClient {
	return mustFor[*coordinationv1.Lease, *coordinationv1.LeaseList](g.cs, namespace)
}

// PolicyV1 is the policy/v1 group version.
type PolicyV1 struct{ cs *Clientset }

// PolicyV1 returns the policy/v1 group version.
func (cs *Clientset) PolicyV1() PolicyV1 { return PolicyV1{cs} }

// PodDisruptionBudgets returns the client of PodDisruptionBudgets in namespace ("" for all).
func (g PolicyV1) PodDisruptionBudgets(namespace string) *PodDisruptionBudgetClient {
	return mustFor[*policyv1.PodDisruptionBudget, *policyv1.PodDisruptionBudgetList](g.cs, namespace)
}

// DiscoveryV1 is the discovery/v1 group version.
type DiscoveryV1 struct{ cs *Clientset }

// DiscoveryV1 returns the discovery/v1 group version.
func (cs *Clientset) DiscoveryV1() DiscoveryV1 { return DiscoveryV1{cs} }

// EndpointSlices returns the client of EndpointSlices in namespace ("" for all).
func (g DiscoveryV1) EndpointSlices(namespace string) *EndpointSliceClient {
	return mustFor[*discoveryv1.EndpointSlice, *discoveryv1.EndpointSliceList](g.cs, namespace)
}

// EventsV1 is the events/v1 group version.
type EventsV1 struct{ cs *Clientset }

// EventsV1 returns the events/v1 group version.
func (cs *Clientset) EventsV1() EventsV1 { return EventsV1{cs} }

// Events returns the client of Events in namespace ("" for all).
func (g EventsV1) Events(namespace string) *EventsV1EventClient {
	return mustFor[*eventsv1.Event, *eventsv1.EventList](g.cs, namespace)
}

// NetworkingV1 is the networking/v1 group version.
type NetworkingV1 struct{ cs *Clientset }

// NetworkingV1 returns the networking/v1 group version.
func (cs *Clientset) NetworkingV1() NetworkingV1 { return NetworkingV1{cs} }

// Ingresses returns the client of Ingresses in namespace ("" for all).
func (g NetworkingV1) Ingresses(namespace string) *IngressClient {
	return mustFor[*networkingv1.Ingress, *networkingv1.IngressList](g.cs, namespace)
}

// IngressClasses returns the client of IngressClasses.
func (g NetworkingV1) IngressClasses() *IngressClassClient {
	return mustFor[*networkingv1.IngressClass, *networkingv1.IngressClassList](g.cs, "")
}

// NetworkPolicies returns the client of NetworkPolicies in namespace ("" for all).
func (g NetworkingV1) NetworkPolicies(namespace string) *NetworkPolicyClient {
	return mustFor[*networkingv1.NetworkPolicy, *networkingv1.NetworkPolicyList](g.cs, namespace)
}

// IPAddresses returns the client of IPAddresses.
func (g NetworkingV1) IPAddresses() *IPAddressClient {
	return mustFor[*networkingv1.IPAddress, *networkingv1.IPAddressList](g.cs, "")
}

// ServiceCIDRs returns the client of ServiceCIDRs.
func (g NetworkingV1) ServiceCIDRs() *ServiceCIDRClient {
	return mustFor[*networkingv1.ServiceCIDR, *networkingv1.ServiceCIDRList](g.cs, "")
}

// RbacV1 is the rbac/v1 group version.
type RbacV1 struct{ cs *Clientset }

// RbacV1 returns the rbac/v1 group version.
func (cs *Clientset) RbacV1() RbacV1 { return RbacV1{cs} }

// Roles returns the client of Roles in namespace ("" for all).
func (g RbacV1) Roles(namespace string) *RoleClient {
	return mustFor[*rbacv1.Role, *rbacv1.RoleList](g.cs, namespace)
}

// RoleBindings returns the client of RoleBindings in namespace ("" for all).
func (g RbacV1) RoleBindings(namespace string) *RoleBindingClient {
	return mustFor[*rbacv1.RoleBinding, *rbacv1.RoleBindingList](g.cs, namespace)
}

// ClusterRoles returns the client of ClusterRoles.
func (g RbacV1) ClusterRoles() *ClusterRoleClient {
	return mustFor[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList](g.cs, "")
}

// ClusterRoleBindings returns the client of ClusterRoleBindings.
func (g RbacV1) ClusterRoleBindings() *ClusterRoleBindingClient {
	return mustFor[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList](g.cs, "")
}

// SchedulingV1 is the scheduling/v1 group version.
type SchedulingV1 struct{ cs *Clientset }

// SchedulingV1 returns the scheduling/v1 group version.
func (cs *Clientset) SchedulingV1() SchedulingV1 { return SchedulingV1{cs} }

// PriorityClasses returns the client of PriorityClasses.
func (g SchedulingV1) PriorityClasses() *PriorityClassClient {
	return mustFor[*schedulingv1.PriorityClass, *schedulingv1.PriorityClassList](g.cs, "")
}

// StorageV1 is the storage/v1 group version.
type StorageV1 struct{ cs *Clientset }

// StorageV1 returns the storage/v1 group version.
func (cs *Clientset) StorageV1() StorageV1 { return StorageV1{cs} }

// StorageClasses returns the client of StorageClasses.
func (g StorageV1) StorageClasses() *StorageClassClient {
	return mustFor[*storagev1.StorageClass, *storagev1.StorageClassList](g.cs, "")
}

// VolumeAttachments returns the client of VolumeAttachments.
func (g StorageV1) VolumeAttachments() *VolumeAttachmentClient {
	return mustFor[*storagev1.VolumeAttachment, *storagev1.VolumeAttachmentList](g.cs, "")
}

// CSIDrivers returns the client of CSIDrivers.
func (g StorageV1) CSIDrivers() *CSIDriverClient {
	return mustFor[*storagev1.CSIDriver, *storagev1.CSIDriverList](g.cs, "")
}

// CSINodes returns the client of CSINodes.
func (g StorageV1) CSINodes() *CSINodeClient {
	return mustFor[*storagev1.CSINode, *storagev1.CSINodeList](g.cs, "")
}

// CSIStorageCapacities returns the client of CSIStorageCapacities in namespace ("" for all).
func (g StorageV1) CSIStorageCapacities(namespace string) *CSIStorageCapacityClient {
	return mustFor[*storagev1.CSIStorageCapacity, *storagev1.CSIStorageCapacityList](g.cs, namespace)
}

// VolumeAttributesClasses returns the client of VolumeAttributesClasses.
func (g StorageV1) VolumeAttributesClasses() *VolumeAttributesClassClient {
	return mustFor[*storagev1.VolumeAttributesClass, *storagev1.VolumeAttributesClassList](g.cs, "")
}

// AutoscalingV1 is the autoscaling/v1 group version.
type AutoscalingV1 struct{ cs *Clientset }

// AutoscalingV1 returns the autoscaling/v1 group version.
func (cs *Clientset) AutoscalingV1() AutoscalingV1 { return AutoscalingV1{cs} }

// HorizontalPodAutoscalers returns the client of HorizontalPodAutoscalers in namespace ("" for all).
func (g AutoscalingV1) HorizontalPodAutoscalers(namespace string) *HorizontalPodAutoscalerClient {
	return mustFor[*autoscalingv1.HorizontalPodAutoscaler, *autoscalingv1.HorizontalPodAutoscalerList](g.cs, namespace)
}

// AutoscalingV2 is the autoscaling/v2 group version.
type AutoscalingV2 struct{ cs *Clientset }

// AutoscalingV2 returns the autoscaling/v2 group version.
func (cs *Clientset) AutoscalingV2() AutoscalingV2 { return AutoscalingV2{cs} }

// HorizontalPodAutoscalers returns the client of HorizontalPodAutoscalers in namespace ("" for all).
func (g AutoscalingV2) HorizontalPodAutoscalers(namespace string) *HorizontalPodAutoscalerV2Client {
	return mustFor[*autoscalingv2.HorizontalPodAutoscaler, *autoscalingv2.HorizontalPodAutoscalerList](g.cs, namespace)
}
