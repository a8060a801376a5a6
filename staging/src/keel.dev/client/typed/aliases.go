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

// PodClient is the client of corev1.Pod.
type PodClient = Client[*corev1.Pod, *corev1.PodList]

// ServiceClient is the client of corev1.Service.
type ServiceClient = Client[*corev1.Service, *corev1.ServiceList]

// EndpointsClient is the client of corev1.Endpoints.
type EndpointsClient = Client[*corev1.Endpoints, *corev1.EndpointsList]

// NodeClient is the client of corev1.Node.
type NodeClient = Client[*corev1.Node, *corev1.NodeList]

// NamespaceClient is the client of corev1.Namespace.
type NamespaceClient = Client[*corev1.Namespace, *corev1.NamespaceList]

// ConfigMapClient is the client of corev1.ConfigMap.
type ConfigMapClient = Client[*corev1.ConfigMap, *corev1.ConfigMapList]

// SecretClient is the client of corev1.Secret.
type SecretClient = Client[*corev1.Secret, *corev1.SecretList]

// EventClient is the client of corev1.Event.
type EventClient = Client[*corev1.Event, *corev1.EventList]

// ServiceAccountClient is the client of corev1.ServiceAccount.
type ServiceAccountClient = Client[*corev1.ServiceAccount, *corev1.ServiceAccountList]

// PersistentVolumeClient is the client of corev1.PersistentVolume.
type PersistentVolumeClient = Client[*corev1.PersistentVolume, *corev1.PersistentVolumeList]

// PersistentVolumeClaimClient is the client of corev1.PersistentVolumeClaim.
type PersistentVolumeClaimClient = Client[*corev1.PersistentVolumeClaim, *corev1.PersistentVolumeClaimList]

// ResourceQuotaClient is the client of corev1.ResourceQuota.
type ResourceQuotaClient = Client[*corev1.ResourceQuota, *corev1.ResourceQuotaList]

// LimitRangeClient is the client of corev1.LimitRange.
type LimitRangeClient = Client[*corev1.LimitRange, *corev1.LimitRangeList]

// ReplicationControllerClient is the client of corev1.ReplicationController.
type ReplicationControllerClient = Client[*corev1.ReplicationController, *corev1.ReplicationControllerList]

// PodTemplateClient is the client of corev1.PodTemplate.
type PodTemplateClient = Client[*corev1.PodTemplate, *corev1.PodTemplateList]

// DeploymentClient is the client of appsv1.Deployment.
type DeploymentClient = Client[*appsv1.Deployment, *appsv1.DeploymentList]

// ReplicaSetClient is the client of appsv1.ReplicaSet.
type ReplicaSetClient = Client[*appsv1.ReplicaSet, *appsv1.ReplicaSetList]

// DaemonSetClient is the client of appsv1.DaemonSet.
type DaemonSetClient = Client[*appsv1.DaemonSet, *appsv1.DaemonSetList]

// StatefulSetClient is the client of appsv1.StatefulSet.
type StatefulSetClient = Client[*appsv1.StatefulSet, *appsv1.StatefulSetList]

// ControllerRevisionClient is the client of appsv1.ControllerRevision.
type ControllerRevisionClient = Client[*appsv1.ControllerRevision, *appsv1.ControllerRevisionList]

// JobClient is the client of batchv1.Job.
type JobClient = Client[*batchv1.Job, *batchv1.JobList]

// CronJobClient is the client of batchv1.CronJob.
type CronJobClient = Client[*batchv1.CronJob, *batchv1.CronJobList]

// LeaseClient is the client of coordinationv1.Lease.
type LeaseClient = Client[*coordinationv1.Lease, *coordinationv1.LeaseList]

// PodDisruptionBudgetClient is the client of policyv1.PodDisruptionBudget.
type PodDisruptionBudgetClient = Client[*policyv1.PodDisruptionBudget, *policyv1.PodDisruptionBudgetList]

// EndpointSliceClient is the client of discoveryv1.EndpointSlice.
type EndpointSliceClient = Client[*discoveryv1.EndpointSlice, *discoveryv1.EndpointSliceList]

// EventsV1EventClient is the client of eventsv1.Event.
type EventsV1EventClient = Client[*eventsv1.Event, *eventsv1.EventList]

// IngressClient is the client of networkingv1.Ingress.
type IngressClient = Client[*networkingv1.Ingress, *networkingv1.IngressList]

// IngressClassClient is the client of networkingv1.IngressClass.
type IngressClassClient = Client[*networkingv1.IngressClass, *networkingv1.IngressClassList]

// NetworkPolicyClient is the client of networkingv1.NetworkPolicy.
type NetworkPolicyClient = Client[*networkingv1.NetworkPolicy, *networkingv1.NetworkPolicyList]

// IPAddressClient is the client of networkingv1.IPAddress.
type IPAddressClient = Client[*networkingv1.IPAddress, *networkingv1.IPAddressList]

// ServiceCIDRClient is the client of networkingv1.ServiceCIDR.
type ServiceCIDRClient = Client[*networkingv1.ServiceCIDR, *networkingv1.ServiceCIDRList]

// RoleClient is the client of rbacv1.Role.
type RoleClient = Client[*rbacv1.Role, *rbacv1.RoleList]

// RoleBindingClient is the client of rbacv1.RoleBinding.
type RoleBindingClient = Client[*rbacv1.RoleBinding, *rbacv1.RoleBindingList]

// ClusterRoleClient is the client of rbacv1.ClusterRole.
type ClusterRoleClient = Client[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList]

// ClusterRoleBindingClient is the client of rbacv1.ClusterRoleBinding.
type ClusterRoleBindingClient = Client[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList]

// PriorityClassClient is the client of schedulingv1.PriorityClass.
type PriorityClassClient = Client[*schedulingv1.PriorityClass, *schedulingv1.PriorityClassList]

// StorageClassClient is the client of storagev1.StorageClass.
type StorageClassClient = Client[*storagev1.StorageClass, *storagev1.StorageClassList]

// VolumeAttachmentClient is the client of storagev1.VolumeAttachment.
type VolumeAttachmentClient = Client[*storagev1.VolumeAttachment, *storagev1.VolumeAttachmentList]

// CSIDriverClient is the client of storagev1.CSIDriver.
type CSIDriverClient = Client[*storagev1.CSIDriver, *storagev1.CSIDriverList]

// CSINodeClient is the client of storagev1.CSINode.
type CSINodeClient = Client[*storagev1.CSINode, *storagev1.CSINodeList]

// CSIStorageCapacityClient is the client of storagev1.CSIStorageCapacity.
type CSIStorageCapacityClient = Client[*storagev1.CSIStorageCapacity, *storagev1.CSIStorageCapacityList]

// VolumeAttributesClassClient is the client of storagev1.VolumeAttributesClass.
type VolumeAttributesClassClient = Client[*storagev1.VolumeAttributesClass, *storagev1.VolumeAttributesClassList]

// HorizontalPodAutoscalerClient is the client of autoscalingv1.HorizontalPodAutoscaler.
type HorizontalPodAutoscalerClient = Client[*autoscalingv1.HorizontalPodAutoscaler, *autoscalingv1.HorizontalPodAutoscalerList]

// HorizontalPodAutoscalerV2Client is the client of autoscalingv2.HorizontalPodAutoscaler.
type HorizontalPodAutoscalerV2Client = Client[*autoscalingv2.HorizontalPodAutoscaler, *autoscalingv2.HorizontalPodAutoscalerList]
