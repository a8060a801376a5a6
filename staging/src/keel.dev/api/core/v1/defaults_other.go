package v1

import (
	"slices"

	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// LabelMetadataName is the label every namespace carries with its own name.
const LabelMetadataName = "kubernetes.io/metadata.name"

// registerDefaults registers the defaulters of the non-pod kinds and their lists.
func registerDefaults(s *runtime.Scheme) {
	addDefaulter(s, SetObjectDefaults_Service, func(l *ServiceList) []Service { return l.Items })
	addDefaulter(s, SetObjectDefaults_Endpoints, func(l *EndpointsList) []Endpoints { return l.Items })
	addDefaulter(s, SetObjectDefaults_Namespace, func(l *NamespaceList) []Namespace { return l.Items })
	addDefaulter(s, SetObjectDefaults_Node, func(l *NodeList) []Node { return l.Items })
	addDefaulter(s, SetObjectDefaults_Secret, func(l *SecretList) []Secret { return l.Items })
	addDefaulter(s, SetObjectDefaults_PersistentVolume, func(l *PersistentVolumeList) []PersistentVolume { return l.Items })
	addDefaulter(s, SetObjectDefaults_PersistentVolumeClaim, func(l *PersistentVolumeClaimList) []PersistentVolumeClaim { return l.Items })
	addDefaulter(s, SetObjectDefaults_ReplicationController, func(l *ReplicationControllerList) []ReplicationController { return l.Items })
	addDefaulter(s, SetObjectDefaults_LimitRange, func(l *LimitRangeList) []LimitRange { return l.Items })
	addDefaulter(s, SetObjectDefaults_ResourceQuota, func(l *ResourceQuotaList) []ResourceQuota { return l.Items })
}

// SetDefaults_ResourceList rounds every quantity up to milli precision, as
// Kubernetes does for every resource list it decodes.
func SetDefaults_ResourceList(l ResourceList) {
	for name, q := range l {
		q.RoundUp(resource.Milli)
		l[name] = q
	}
}

// addDefaulter registers fn for the kind T and applies it to every item of
// the list kind L.
func addDefaulter[T any, PT interface {
	*T
	runtime.Object
}, PL runtime.Object](s *runtime.Scheme, fn func(PT), items func(PL) []T) {
	runtime.AddTypedDefaulter(s, fn)
	runtime.AddTypedDefaulter(s, func(l PL) {
		list := items(l)
		for i := range list {
			fn(PT(&list[i]))
		}
	})
}

// SetObjectDefaults_Service applies every default of a service.
func SetObjectDefaults_Service(svc *Service) {
	SetDefaults_Service(svc)
}

// SetDefaults_Service defaults the type (ClusterIP), session affinity (None,
// with a 10800 s timeout for ClientIP), port protocols (TCP) and target ports
// (the port), the traffic policies (Cluster), allocateLoadBalancerNodePorts
// (true for LoadBalancer) and the load balancer ingress IP mode (VIP).
func SetDefaults_Service(svc *Service) {
	spec := &svc.Spec
	if spec.SessionAffinity == "" {
		spec.SessionAffinity = ServiceAffinityNone
	}
	switch spec.SessionAffinity {
	case ServiceAffinityNone:
		spec.SessionAffinityConfig = nil
	case ServiceAffinityClientIP:
		c := spec.SessionAffinityConfig
		if c == nil || c.ClientIP == nil || c.ClientIP.TimeoutSeconds == nil {
			timeout := DefaultClientIPServiceAffinitySeconds
			spec.SessionAffinityConfig = &SessionAffinityConfig{ClientIP: &ClientIPConfig{TimeoutSeconds: &timeout}}
		}
	}
	if spec.Type == "" {
		spec.Type = ServiceTypeClusterIP
	}
	for i := range spec.Ports {
		p := &spec.Ports[i]
		if p.Protocol == "" {
			p.Protocol = ProtocolTCP
		}
		if unsetTargetPort(p.TargetPort) {
			p.TargetPort = intstr.FromInt32(p.Port)
		}
	}
	if externallyAccessible(svc) && spec.ExternalTrafficPolicy == "" {
		spec.ExternalTrafficPolicy = ServiceExternalTrafficPolicyCluster
	}
	if spec.InternalTrafficPolicy == nil {
		switch spec.Type {
		case ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer:
			policy := ServiceInternalTrafficPolicyCluster
			spec.InternalTrafficPolicy = &policy
		}
	}
	if spec.Type == ServiceTypeLoadBalancer {
		if spec.AllocateLoadBalancerNodePorts == nil {
			allocate := true
			spec.AllocateLoadBalancerNodePorts = &allocate
		}
		for i := range svc.Status.LoadBalancer.Ingress {
			ing := &svc.Status.LoadBalancer.Ingress[i]
			if ing.IP != "" && ing.IPMode == nil {
				mode := LoadBalancerIPModeVIP
				ing.IPMode = &mode
			}
		}
	}
}

// unsetTargetPort reports whether a target port is the zero number or the
// empty name.
func unsetTargetPort(p intstr.IntOrString) bool {
	if p.Type == intstr.String {
		return p.StrVal == ""
	}
	return p.IntVal == 0
}

// externallyAccessible reports whether a service is reachable from outside
// the cluster: NodePort, LoadBalancer, or ClusterIP with external IPs.
func externallyAccessible(svc *Service) bool {
	switch svc.Spec.Type {
	case ServiceTypeNodePort, ServiceTypeLoadBalancer:
		return true
	case ServiceTypeClusterIP:
		return len(svc.Spec.ExternalIPs) > 0
	}
	return false
}

// SetObjectDefaults_Endpoints defaults the protocol of every port to TCP.
func SetObjectDefaults_Endpoints(ep *Endpoints) {
	for i := range ep.Subsets {
		ports := ep.Subsets[i].Ports
		for j := range ports {
			if ports[j].Protocol == "" {
				ports[j].Protocol = ProtocolTCP
			}
		}
	}
}

// SetObjectDefaults_Namespace labels a named namespace with its name and
// defaults its phase to Active. The "kubernetes" finalizer is not a default
// (it may be removed later in the namespace's life): the apiserver adds it on
// create with PrepareNamespaceForCreate.
func SetObjectDefaults_Namespace(ns *Namespace) {
	if ns.Name != "" {
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[LabelMetadataName] = ns.Name
	}
	if ns.Status.Phase == "" {
		ns.Status.Phase = NamespaceActive
	}
}

// PrepareNamespaceForCreate is what the apiserver does to a namespace it is
// about to create: the status is reset to Active and the "kubernetes"
// finalizer is added when missing.
func PrepareNamespaceForCreate(ns *Namespace) {
	ns.Status = NamespaceStatus{Phase: NamespaceActive}
	for _, f := range ns.Spec.Finalizers {
		if f == FinalizerKubernetes {
			return
		}
	}
	ns.Spec.Finalizers = append(ns.Spec.Finalizers, FinalizerKubernetes)
}

// SetObjectDefaults_Node defaults allocatable to capacity when unset.
func SetObjectDefaults_Node(node *Node) {
	st := &node.Status
	if st.Allocatable == nil && st.Capacity != nil {
		st.Allocatable = make(ResourceList, len(st.Capacity))
		for name, q := range st.Capacity {
			st.Allocatable[name] = q.DeepCopy()
		}
	}
	SetDefaults_ResourceList(st.Capacity)
	SetDefaults_ResourceList(st.Allocatable)
}

// SetObjectDefaults_Secret merges stringData into data (stringData is
// write-only: Kubernetes folds it in when decoding) and defaults the type to
// Opaque.
func SetObjectDefaults_Secret(secret *Secret) {
	if len(secret.StringData) > 0 {
		if secret.Data == nil {
			secret.Data = make(map[string][]byte, len(secret.StringData))
		}
		for k, v := range secret.StringData {
			secret.Data[k] = []byte(v)
		}
	}
	secret.StringData = nil
	if secret.Type == "" {
		secret.Type = SecretTypeOpaque
	}
}

// SetObjectDefaults_PersistentVolume defaults the phase (Pending), reclaim
// policy (Retain), volume mode (Filesystem) and the fields of its source.
func SetObjectDefaults_PersistentVolume(pv *PersistentVolume) {
	if pv.Status.Phase == "" {
		pv.Status.Phase = VolumePending
	}
	if pv.Spec.PersistentVolumeReclaimPolicy == "" {
		pv.Spec.PersistentVolumeReclaimPolicy = PersistentVolumeReclaimRetain
	}
	if pv.Spec.VolumeMode == nil {
		mode := PersistentVolumeFilesystem
		pv.Spec.VolumeMode = &mode
	}
	SetDefaults_PersistentVolumeSource(&pv.Spec.PersistentVolumeSource)
	SetDefaults_ResourceList(pv.Spec.Capacity)
}

// SetDefaults_PersistentVolumeSource defaults the fields of the storage
// backends that have defaults (host path type, Azure disk, iSCSI interface,
// RBD pool/user/keyring, ScaleIO mode and filesystem).
func SetDefaults_PersistentVolumeSource(src *PersistentVolumeSource) {
	if src.HostPath != nil {
		SetDefaults_HostPathVolumeSource(src.HostPath)
	}
	if src.AzureDisk != nil {
		SetDefaults_AzureDiskVolumeSource(src.AzureDisk)
	}
	if s := src.ISCSI; s != nil && s.ISCSIInterface == "" {
		s.ISCSIInterface = "default"
	}
	if s := src.RBD; s != nil {
		if s.RBDPool == "" {
			s.RBDPool = "rbd"
		}
		if s.RadosUser == "" {
			s.RadosUser = "admin"
		}
		if s.Keyring == "" {
			s.Keyring = "/etc/ceph/keyring"
		}
	}
	if s := src.ScaleIO; s != nil {
		if s.StorageMode == "" {
			s.StorageMode = "ThinProvisioned"
		}
		if s.FSType == "" {
			s.FSType = "xfs"
		}
	}
}

// SetObjectDefaults_PersistentVolumeClaim defaults the phase (Pending) and
// the volume mode (Filesystem).
func SetObjectDefaults_PersistentVolumeClaim(pvc *PersistentVolumeClaim) {
	if pvc.Status.Phase == "" {
		pvc.Status.Phase = ClaimPending
	}
	SetDefaults_PersistentVolumeClaimSpec(&pvc.Spec)
	SetDefaults_ResourceList(pvc.Status.Capacity)
	SetDefaults_ResourceList(pvc.Status.AllocatedResources)
}

// SetDefaults_PersistentVolumeClaimSpec defaults the volume mode to
// Filesystem and rounds the resource amounts.
func SetDefaults_PersistentVolumeClaimSpec(spec *PersistentVolumeClaimSpec) {
	if spec.VolumeMode == nil {
		mode := PersistentVolumeFilesystem
		spec.VolumeMode = &mode
	}
	SetDefaults_ResourceList(spec.Resources.Limits)
	SetDefaults_ResourceList(spec.Resources.Requests)
}

// SetObjectDefaults_ReplicationController defaults the selector and the
// object's labels from the template's labels, replicas to 1, and the pod
// template's own defaults.
func SetObjectDefaults_ReplicationController(rc *ReplicationController) {
	if t := rc.Spec.Template; t != nil && t.Labels != nil {
		if len(rc.Spec.Selector) == 0 {
			rc.Spec.Selector = t.Labels
		}
		if len(rc.Labels) == 0 {
			rc.Labels = t.Labels
		}
	}
	if rc.Spec.Replicas == nil {
		one := int32(1)
		rc.Spec.Replicas = &one
	}
	if rc.Spec.Template != nil {
		SetDefaults_PodTemplateSpec(rc.Spec.Template)
	}
}

// SetObjectDefaults_LimitRange fills the defaults of container limits: the
// default limit from max, and the default request from the default limit,
// then from min.
func SetObjectDefaults_LimitRange(lr *LimitRange) {
	for i := range lr.Spec.Limits {
		item := &lr.Spec.Limits[i]
		SetDefaults_LimitRangeItem(item)
		for _, l := range []ResourceList{item.Max, item.Min, item.Default, item.DefaultRequest, item.MaxLimitRequestRatio} {
			SetDefaults_ResourceList(l)
		}
	}
}

// SetObjectDefaults_ResourceQuota rounds the quota's resource amounts.
func SetObjectDefaults_ResourceQuota(rq *ResourceQuota) {
	SetDefaults_ResourceList(rq.Spec.Hard)
	SetDefaults_ResourceList(rq.Status.Hard)
	SetDefaults_ResourceList(rq.Status.Used)
}

// SetDefaults_LimitRangeItem defaults one limit range item (Container items only).
func SetDefaults_LimitRangeItem(item *LimitRangeItem) {
	if item.Type != LimitTypeContainer {
		return
	}
	if item.Default == nil {
		item.Default = ResourceList{}
	}
	if item.DefaultRequest == nil {
		item.DefaultRequest = ResourceList{}
	}
	fill := func(dst, src ResourceList) {
		for name, q := range src {
			if _, ok := dst[name]; !ok {
				dst[name] = q.DeepCopy()
			}
		}
	}
	fill(item.Default, item.Max)
	fill(item.DefaultRequest, item.Default)
	fill(item.DefaultRequest, item.Min)
}

// NormalizeServiceClusterIPs keeps spec.clusterIP and spec.clusterIPs in
// step before validation, the way Kubernetes' service strategy does: old
// clients send only clusterIP, and patches may drop clusterIPs. old is nil
// on create.
func NormalizeServiceClusterIPs(svc, old *Service) {
	spec := &svc.Spec
	if old == nil {
		if spec.ClusterIP != "" && len(spec.ClusterIPs) == 0 {
			spec.ClusterIPs = []string{spec.ClusterIP}
		}
		return
	}
	if len(old.Spec.ClusterIPs) > 0 && len(spec.ClusterIPs) == 0 && old.Spec.ClusterIP == spec.ClusterIP {
		spec.ClusterIPs = old.Spec.ClusterIPs
	}
	if old.Spec.ClusterIP == spec.ClusterIP {
		return
	}
	same := slices.Equal(old.Spec.ClusterIPs, spec.ClusterIPs)
	if old.Spec.ClusterIP != "" && spec.ClusterIP == "" && same {
		spec.ClusterIPs = nil
	}
	if spec.ClusterIP != "" && same {
		spec.ClusterIPs = []string{spec.ClusterIP}
	}
}
