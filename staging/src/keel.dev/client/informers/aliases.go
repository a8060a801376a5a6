package informers

import (
	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	networkingv1 "keel.dev/api/networking/v1"
	policyv1 "keel.dev/api/policy/v1"
	rbacv1 "keel.dev/api/rbac/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	storagev1 "keel.dev/api/storage/v1"
)

// PodInformer is the informer of corev1.Pod.
type PodInformer = Informer[*corev1.Pod]

// PodLister is the lister of corev1.Pod.
type PodLister = Lister[*corev1.Pod]

// Pods returns the shared Pod informer of f.
func Pods(f *Factory, opts ...ForOption) *PodInformer {
	return For[*corev1.Pod, *corev1.PodList](f, opts...)
}

// ServiceInformer is the informer of corev1.Service.
type ServiceInformer = Informer[*corev1.Service]

// ServiceLister is the lister of corev1.Service.
type ServiceLister = Lister[*corev1.Service]

// Services returns the shared Service informer of f.
func Services(f *Factory, opts ...ForOption) *ServiceInformer {
	return For[*corev1.Service, *corev1.ServiceList](f, opts...)
}

// EndpointsInformer is the informer of corev1.Endpoints.
type EndpointsInformer = Informer[*corev1.Endpoints]

// EndpointsLister is the lister of corev1.Endpoints.
type EndpointsLister = Lister[*corev1.Endpoints]

// EndpointsInformers returns the shared Endpoints informer of f.
func EndpointsInformers(f *Factory, opts ...ForOption) *EndpointsInformer {
	return For[*corev1.Endpoints, *corev1.EndpointsList](f, opts...)
}

// NodeInformer is the informer of corev1.Node.
type NodeInformer = Informer[*corev1.Node]

// NodeLister is the lister of corev1.Node.
type NodeLister = Lister[*corev1.Node]

// Nodes returns the shared Node informer of f.
func Nodes(f *Factory, opts ...ForOption) *NodeInformer {
	return For[*corev1.Node, *corev1.NodeList](f, opts...)
}

// NamespaceInformer is the informer of corev1.Namespace.
type NamespaceInformer = Informer[*corev1.Namespace]

// NamespaceLister is the lister of corev1.Namespace.
type NamespaceLister = Lister[*corev1.Namespace]

// Namespaces returns the shared Namespace informer of f.
func Namespaces(f *Factory, opts ...ForOption) *NamespaceInformer {
	return For[*corev1.Namespace, *corev1.NamespaceList](f, opts...)
}

// ConfigMapInformer is the informer of corev1.ConfigMap.
type ConfigMapInformer = Informer[*corev1.ConfigMap]

// ConfigMapLister is the lister of corev1.ConfigMap.
type ConfigMapLister = Lister[*corev1.ConfigMap]

// ConfigMaps returns the shared ConfigMap informer of f.
func ConfigMaps(f *Factory, opts ...ForOption) *ConfigMapInformer {
	return For[*corev1.ConfigMap, *corev1.ConfigMapList](f, opts...)
}

// SecretInformer is the informer of corev1.Secret.
type SecretInformer = Informer[*corev1.Secret]

// SecretLister is the lister of corev1.Secret.
type SecretLister = Lister[*corev1.Secret]

// Secrets returns the shared Secret informer of f.
func Secrets(f *Factory, opts ...ForOption) *SecretInformer {
	return For[*corev1.Secret, *corev1.SecretList](f, opts...)
}

// EventInformer is the informer of corev1.Event.
type EventInformer = Informer[*corev1.Event]

// EventLister is the lister of corev1.Event.
type EventLister = Lister[*corev1.Event]

// Events returns the shared Event informer of f.
func Events(f *Factory, opts ...ForOption) *EventInformer {
	return For[*corev1.Event, *corev1.EventList](f, opts...)
}

// ServiceAccountInformer is the informer of corev1.ServiceAccount.
type ServiceAccountInformer = Informer[*corev1.ServiceAccount]

// ServiceAccountLister is the lister of corev1.ServiceAccount.
type ServiceAccountLister = Lister[*corev1.ServiceAccount]

// ServiceAccounts returns the shared ServiceAccount informer of f.
func ServiceAccounts(f *Factory, opts ...ForOption) *ServiceAccountInformer {
	return For[*corev1.ServiceAccount, *corev1.ServiceAccountList](f, opts...)
}

// PersistentVolumeInformer is the informer of corev1.PersistentVolume.
type PersistentVolumeInformer = Informer[*corev1.PersistentVolume]

// PersistentVolumeLister is the lister of corev1.PersistentVolume.
type PersistentVolumeLister = Lister[*corev1.PersistentVolume]

// PersistentVolumes returns the shared PersistentVolume informer of f.
func PersistentVolumes(f *Factory, opts ...ForOption) *PersistentVolumeInformer {
	return For[*corev1.PersistentVolume, *corev1.PersistentVolumeList](f, opts...)
}

// PersistentVolumeClaimInformer is the informer of corev1.PersistentVolumeClaim.
type PersistentVolumeClaimInformer = Informer[*corev1.PersistentVolumeClaim]

// PersistentVolumeClaimLister is the lister of corev1.PersistentVolumeClaim.
type PersistentVolumeClaimLister = Lister[*corev1.PersistentVolumeClaim]

// PersistentVolumeClaims returns the shared PersistentVolumeClaim informer of f.
func PersistentVolumeClaims(f *Factory, opts ...ForOption) *PersistentVolumeClaimInformer {
	return For[*corev1.PersistentVolumeClaim, *corev1.PersistentVolumeClaimList](f, opts...)
}

// ResourceQuotaInformer is the informer of corev1.ResourceQuota.
type ResourceQuotaInformer = Informer[*corev1.ResourceQuota]

// ResourceQuotaLister is the lister of corev1.ResourceQuota.
type ResourceQuotaLister = Lister[*corev1.ResourceQuota]

// ResourceQuotas returns the shared ResourceQuota informer of f.
func ResourceQuotas(f *Factory, opts ...ForOption) *ResourceQuotaInformer {
	return For[*corev1.ResourceQuota, *corev1.ResourceQuotaList](f, opts...)
}

// LimitRangeInformer is the informer of corev1.LimitRange.
type LimitRangeInformer = Informer[*corev1.LimitRange]

// LimitRangeLister is the lister of corev1.LimitRange.
type LimitRangeLister = Lister[*corev1.LimitRange]

// LimitRanges returns the shared LimitRange informer of f.
func LimitRanges(f *Factory, opts ...ForOption) *LimitRangeInformer {
	return For[*corev1.LimitRange, *corev1.LimitRangeList](f, opts...)
}

// ReplicationControllerInformer is the informer of corev1.ReplicationController.
type ReplicationControllerInformer = Informer[*corev1.ReplicationController]

// ReplicationControllerLister is the lister of corev1.ReplicationController.
type ReplicationControllerLister = Lister[*corev1.ReplicationController]

// ReplicationControllers returns the shared ReplicationController informer of f.
func ReplicationControllers(f *Factory, opts ...ForOption) *ReplicationControllerInformer {
	return For[*corev1.ReplicationController, *corev1.ReplicationControllerList](f, opts...)
}

// DeploymentInformer is the informer of appsv1.Deployment.
type DeploymentInformer = Informer[*appsv1.Deployment]

// DeploymentLister is the lister of appsv1.Deployment.
type DeploymentLister = Lister[*appsv1.Deployment]

// Deployments returns the shared Deployment informer of f.
func Deployments(f *Factory, opts ...ForOption) *DeploymentInformer {
	return For[*appsv1.Deployment, *appsv1.DeploymentList](f, opts...)
}

// ReplicaSetInformer is the informer of appsv1.ReplicaSet.
type ReplicaSetInformer = Informer[*appsv1.ReplicaSet]

// ReplicaSetLister is the lister of appsv1.ReplicaSet.
type ReplicaSetLister = Lister[*appsv1.ReplicaSet]

// ReplicaSets returns the shared ReplicaSet informer of f.
func ReplicaSets(f *Factory, opts ...ForOption) *ReplicaSetInformer {
	return For[*appsv1.ReplicaSet, *appsv1.ReplicaSetList](f, opts...)
}

// DaemonSetInformer is the informer of appsv1.DaemonSet.
type DaemonSetInformer = Informer[*appsv1.DaemonSet]

// DaemonSetLister is the lister of appsv1.DaemonSet.
type DaemonSetLister = Lister[*appsv1.DaemonSet]

// DaemonSets returns the shared DaemonSet informer of f.
func DaemonSets(f *Factory, opts ...ForOption) *DaemonSetInformer {
	return For[*appsv1.DaemonSet, *appsv1.DaemonSetList](f, opts...)
}

// StatefulSetInformer is the informer of appsv1.StatefulSet.
type StatefulSetInformer = Informer[*appsv1.StatefulSet]

// StatefulSetLister is the lister of appsv1.StatefulSet.
type StatefulSetLister = Lister[*appsv1.StatefulSet]

// StatefulSets returns the shared StatefulSet informer of f.
func StatefulSets(f *Factory, opts ...ForOption) *StatefulSetInformer {
	return For[*appsv1.StatefulSet, *appsv1.StatefulSetList](f, opts...)
}

// ControllerRevisionInformer is the informer of appsv1.ControllerRevision.
type ControllerRevisionInformer = Informer[*appsv1.ControllerRevision]

// ControllerRevisionLister is the lister of appsv1.ControllerRevision.
type ControllerRevisionLister = Lister[*appsv1.ControllerRevision]

// ControllerRevisions returns the shared ControllerRevision informer of f.
func ControllerRevisions(f *Factory, opts ...ForOption) *ControllerRevisionInformer {
	return For[*appsv1.ControllerRevision, *appsv1.ControllerRevisionList](f, opts...)
}

// JobInformer is the informer of batchv1.Job.
type JobInformer = Informer[*batchv1.Job]

// JobLister is the lister of batchv1.Job.
type JobLister = Lister[*batchv1.Job]

// Jobs returns the shared Job informer of f.
func Jobs(f *Factory, opts ...ForOption) *JobInformer {
	return For[*batchv1.Job, *batchv1.JobList](f, opts...)
}

// CronJobInformer is the informer of batchv1.CronJob.
type CronJobInformer = Informer[*batchv1.CronJob]

// CronJobLister is the lister of batchv1.CronJob.
type CronJobLister = Lister[*batchv1.CronJob]

// CronJobs returns the shared CronJob informer of f.
func CronJobs(f *Factory, opts ...ForOption) *CronJobInformer {
	return For[*batchv1.CronJob, *batchv1.CronJobList](f, opts...)
}

// LeaseInformer is the informer of coordinationv1.Lease.
type LeaseInformer = Informer[*coordinationv1.Lease]

// LeaseLister is the lister of coordinationv1.Lease.
type LeaseLister = Lister[*coordinationv1.Lease]

// Leases returns the shared Lease informer of f.
func Leases(f *Factory, opts ...ForOption) *LeaseInformer {
	return For[*coordinationv1.Lease, *coordinationv1.LeaseList](f, opts...)
}

// PodDisruptionBudgetInformer is the informer of policyv1.PodDisruptionBudget.
type PodDisruptionBudgetInformer = Informer[*policyv1.PodDisruptionBudget]

// PodDisruptionBudgetLister is the lister of policyv1.PodDisruptionBudget.
type PodDisruptionBudgetLister = Lister[*policyv1.PodDisruptionBudget]

// PodDisruptionBudgets returns the shared PodDisruptionBudget informer of f.
func PodDisruptionBudgets(f *Factory, opts ...ForOption) *PodDisruptionBudgetInformer {
	return For[*policyv1.PodDisruptionBudget, *policyv1.PodDisruptionBudgetList](f, opts...)
}

// EndpointSliceInformer is the informer of discoveryv1.EndpointSlice.
type EndpointSliceInformer = Informer[*discoveryv1.EndpointSlice]

// EndpointSliceLister is the lister of discoveryv1.EndpointSlice.
type EndpointSliceLister = Lister[*discoveryv1.EndpointSlice]

// EndpointSlices returns the shared EndpointSlice informer of f.
func EndpointSlices(f *Factory, opts ...ForOption) *EndpointSliceInformer {
	return For[*discoveryv1.EndpointSlice, *discoveryv1.EndpointSliceList](f, opts...)
}

// IngressInformer is the informer of networkingv1.Ingress.
type IngressInformer = Informer[*networkingv1.Ingress]

// IngressLister is the lister of networkingv1.Ingress.
type IngressLister = Lister[*networkingv1.Ingress]

// Ingresses returns the shared Ingress informer of f.
func Ingresses(f *Factory, opts ...ForOption) *IngressInformer {
	return For[*networkingv1.Ingress, *networkingv1.IngressList](f, opts...)
}

// IngressClassInformer is the informer of networkingv1.IngressClass.
type IngressClassInformer = Informer[*networkingv1.IngressClass]

// IngressClassLister is the lister of networkingv1.IngressClass.
type IngressClassLister = Lister[*networkingv1.IngressClass]

// IngressClasses returns the shared IngressClass informer of f.
func IngressClasses(f *Factory, opts ...ForOption) *IngressClassInformer {
	return For[*networkingv1.IngressClass, *networkingv1.IngressClassList](f, opts...)
}

// NetworkPolicyInformer is the informer of networkingv1.NetworkPolicy.
type NetworkPolicyInformer = Informer[*networkingv1.NetworkPolicy]

// NetworkPolicyLister is the lister of networkingv1.NetworkPolicy.
type NetworkPolicyLister = Lister[*networkingv1.NetworkPolicy]

// NetworkPolicies returns the shared NetworkPolicy informer of f.
func NetworkPolicies(f *Factory, opts ...ForOption) *NetworkPolicyInformer {
	return For[*networkingv1.NetworkPolicy, *networkingv1.NetworkPolicyList](f, opts...)
}

// RoleInformer is the informer of rbacv1.Role.
type RoleInformer = Informer[*rbacv1.Role]

// RoleLister is the lister of rbacv1.Role.
type RoleLister = Lister[*rbacv1.Role]

// Roles returns the shared Role informer of f.
func Roles(f *Factory, opts ...ForOption) *RoleInformer {
	return For[*rbacv1.Role, *rbacv1.RoleList](f, opts...)
}

// RoleBindingInformer is the informer of rbacv1.RoleBinding.
type RoleBindingInformer = Informer[*rbacv1.RoleBinding]

// RoleBindingLister is the lister of rbacv1.RoleBinding.
type RoleBindingLister = Lister[*rbacv1.RoleBinding]

// RoleBindings returns the shared RoleBinding informer of f.
func RoleBindings(f *Factory, opts ...ForOption) *RoleBindingInformer {
	return For[*rbacv1.RoleBinding, *rbacv1.RoleBindingList](f, opts...)
}

// ClusterRoleInformer is the informer of rbacv1.ClusterRole.
type ClusterRoleInformer = Informer[*rbacv1.ClusterRole]

// ClusterRoleLister is the lister of rbacv1.ClusterRole.
type ClusterRoleLister = Lister[*rbacv1.ClusterRole]

// ClusterRoles returns the shared ClusterRole informer of f.
func ClusterRoles(f *Factory, opts ...ForOption) *ClusterRoleInformer {
	return For[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList](f, opts...)
}

// ClusterRoleBindingInformer is the informer of rbacv1.ClusterRoleBinding.
type ClusterRoleBindingInformer = Informer[*rbacv1.ClusterRoleBinding]

// ClusterRoleBindingLister is the lister of rbacv1.ClusterRoleBinding.
type ClusterRoleBindingLister = Lister[*rbacv1.ClusterRoleBinding]

// ClusterRoleBindings returns the shared ClusterRoleBinding informer of f.
func ClusterRoleBindings(f *Factory, opts ...ForOption) *ClusterRoleBindingInformer {
	return For[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList](f, opts...)
}

// PriorityClassInformer is the informer of schedulingv1.PriorityClass.
type PriorityClassInformer = Informer[*schedulingv1.PriorityClass]

// PriorityClassLister is the lister of schedulingv1.PriorityClass.
type PriorityClassLister = Lister[*schedulingv1.PriorityClass]

// PriorityClasses returns the shared PriorityClass informer of f.
func PriorityClasses(f *Factory, opts ...ForOption) *PriorityClassInformer {
	return For[*schedulingv1.PriorityClass, *schedulingv1.PriorityClassList](f, opts...)
}

// StorageClassInformer is the informer of storagev1.StorageClass.
type StorageClassInformer = Informer[*storagev1.StorageClass]

// StorageClassLister is the lister of storagev1.StorageClass.
type StorageClassLister = Lister[*storagev1.StorageClass]

// StorageClasses returns the shared StorageClass informer of f.
func StorageClasses(f *Factory, opts ...ForOption) *StorageClassInformer {
	return For[*storagev1.StorageClass, *storagev1.StorageClassList](f, opts...)
}

// VolumeAttachmentInformer is the informer of storagev1.VolumeAttachment.
type VolumeAttachmentInformer = Informer[*storagev1.VolumeAttachment]

// VolumeAttachmentLister is the lister of storagev1.VolumeAttachment.
type VolumeAttachmentLister = Lister[*storagev1.VolumeAttachment]

// VolumeAttachments returns the shared VolumeAttachment informer of f.
func VolumeAttachments(f *Factory, opts ...ForOption) *VolumeAttachmentInformer {
	return For[*storagev1.VolumeAttachment, *storagev1.VolumeAttachmentList](f, opts...)
}

// CSIDriverInformer is the informer of storagev1.CSIDriver.
type CSIDriverInformer = Informer[*storagev1.CSIDriver]

// CSIDriverLister is the lister of storagev1.CSIDriver.
type CSIDriverLister = Lister[*storagev1.CSIDriver]

// CSIDrivers returns the shared CSIDriver informer of f.
func CSIDrivers(f *Factory, opts ...ForOption) *CSIDriverInformer {
	return For[*storagev1.CSIDriver, *storagev1.CSIDriverList](f, opts...)
}

// CSINodeInformer is the informer of storagev1.CSINode.
type CSINodeInformer = Informer[*storagev1.CSINode]

// CSINodeLister is the lister of storagev1.CSINode.
type CSINodeLister = Lister[*storagev1.CSINode]

// CSINodes returns the shared CSINode informer of f.
func CSINodes(f *Factory, opts ...ForOption) *CSINodeInformer {
	return For[*storagev1.CSINode, *storagev1.CSINodeList](f, opts...)
}
