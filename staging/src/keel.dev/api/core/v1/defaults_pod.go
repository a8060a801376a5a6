package v1

import (
	"strings"

	"keel.dev/apimachinery/pkg/runtime"
)

// RegisterPodDefaultsAndValidation registers the defaulters and validators of
// Pod, PodTemplate and Binding (and their lists) with s. AddToScheme calls it.
func RegisterPodDefaultsAndValidation(s *runtime.Scheme) {
	addPodDefaulters(s)
	addPodValidators(s)
}

// addPodDefaulters registers the defaulting functions of the pod kinds.
func addPodDefaulters(s *runtime.Scheme) {
	runtime.AddTypedDefaulter(s, SetObjectDefaults_Pod)
	runtime.AddTypedDefaulter(s, func(l *PodList) {
		for i := range l.Items {
			SetObjectDefaults_Pod(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_PodTemplate)
	runtime.AddTypedDefaulter(s, func(l *PodTemplateList) {
		for i := range l.Items {
			SetObjectDefaults_PodTemplate(&l.Items[i])
		}
	})
}

// SetObjectDefaults_Pod applies every default Kubernetes gives a pod: the
// pod-only ones (requests from limits, enableServiceLinks, host-network
// ports) and then those of its spec.
func SetObjectDefaults_Pod(pod *Pod) {
	SetDefaults_Pod(pod)
	SetDefaults_PodSpec(&pod.Spec)
}

// SetObjectDefaults_PodTemplate applies the defaults of a stored pod template.
func SetObjectDefaults_PodTemplate(t *PodTemplate) {
	SetDefaults_PodTemplateSpec(&t.Template)
}

// SetDefaults_PodTemplateSpec applies the pod spec defaults to a template;
// the pod-only defaults of SetDefaults_Pod are not applied to templates.
func SetDefaults_PodTemplateSpec(t *PodTemplateSpec) {
	SetDefaults_PodSpec(&t.Spec)
}

// SetDefaults_Pod applies the defaults that only pods, not templates, get.
// It does not recurse into the spec; SetObjectDefaults_Pod does both.
func SetDefaults_Pod(pod *Pod) {
	spec := &pod.Spec
	for i := range spec.Containers {
		defaultRequestsFromLimits(&spec.Containers[i].Resources)
	}
	for i := range spec.InitContainers {
		defaultRequestsFromLimits(&spec.InitContainers[i].Resources)
	}
	defaultPodLevelRequests(spec)
	if spec.EnableServiceLinks == nil {
		v := DefaultEnableServiceLinks
		spec.EnableServiceLinks = &v
	}
	if spec.HostNetwork {
		defaultHostNetworkPorts(spec.Containers)
		defaultHostNetworkPorts(spec.InitContainers)
	}
	normalizePodStatusIPs(&pod.Status)
	// Kubernetes treats a negative grace period of a pod as 1 second.
	if g := spec.TerminationGracePeriodSeconds; g != nil && *g < 0 {
		one := int64(1)
		spec.TerminationGracePeriodSeconds = &one
	}
}

// normalizePodStatusIPs keeps podIP/podIPs and hostIP/hostIPs in step the
// way Kubernetes' conversion does: the singular field wins when both are set
// and differ, and fills the list when the list is empty.
func normalizePodStatusIPs(st *PodStatus) {
	switch {
	case st.PodIP != "" && (len(st.PodIPs) == 0 || st.PodIPs[0].IP != st.PodIP):
		st.PodIPs = []PodIP{{IP: st.PodIP}}
	case st.PodIP == "" && len(st.PodIPs) > 0:
		st.PodIP = st.PodIPs[0].IP
	}
	switch {
	case st.HostIP != "" && (len(st.HostIPs) == 0 || st.HostIPs[0].IP != st.HostIP):
		st.HostIPs = []HostIP{{IP: st.HostIP}}
	case st.HostIP == "" && len(st.HostIPs) > 0:
		st.HostIP = st.HostIPs[0].IP
	}
}

// defaultRequestsFromLimits copies every limit that has no request into the
// requests.
func defaultRequestsFromLimits(r *ResourceRequirements) {
	if r.Limits == nil {
		return
	}
	if r.Requests == nil {
		r.Requests = ResourceList{}
	}
	for name, limit := range r.Limits {
		if _, ok := r.Requests[name]; !ok {
			r.Requests[name] = limit.DeepCopy()
		}
	}
}

// podLevelResource reports whether pod-level requests are defaulted for name.
func podLevelResource(name ResourceName) bool {
	return name == ResourceCPU || name == ResourceMemory ||
		strings.HasPrefix(string(name), ResourceHugePagesPrefix)
}

// defaultPodLevelRequests defaults spec.resources.requests from the pod-level
// limits for the resources no container requests.
// TODO: when containers do request the resource, Kubernetes sets the pod
// request to the containers' aggregate request; that needs Quantity
// arithmetic and is left unset here.
func defaultPodLevelRequests(spec *PodSpec) {
	if spec.Resources == nil || len(spec.Resources.Limits) == 0 {
		return
	}
	requested := map[ResourceName]bool{}
	for _, list := range [][]Container{spec.Containers, spec.InitContainers} {
		for i := range list {
			for name := range list[i].Resources.Requests {
				requested[name] = true
			}
		}
	}
	for name, limit := range spec.Resources.Limits {
		if !podLevelResource(name) || requested[name] {
			continue
		}
		if _, ok := spec.Resources.Requests[name]; ok {
			continue
		}
		if spec.Resources.Requests == nil {
			spec.Resources.Requests = ResourceList{}
		}
		spec.Resources.Requests[name] = limit.DeepCopy()
	}
}

// defaultHostNetworkPorts sets each port's hostPort to its containerPort.
func defaultHostNetworkPorts(containers []Container) {
	for i := range containers {
		for j := range containers[i].Ports {
			if containers[i].Ports[j].HostPort == 0 {
				containers[i].Ports[j].HostPort = containers[i].Ports[j].ContainerPort
			}
		}
	}
}

// SetDefaults_PodSpec applies the defaults of a pod spec and everything in
// it: containers, probes, volumes and the pod security context. apps and batch
// call it for their pod templates.
func SetDefaults_PodSpec(spec *PodSpec) {
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = DNSClusterFirst
	}
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = RestartPolicyAlways
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &PodSecurityContext{}
	}
	if spec.TerminationGracePeriodSeconds == nil {
		v := int64(DefaultTerminationGracePeriodSeconds)
		spec.TerminationGracePeriodSeconds = &v
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = DefaultSchedulerName
	}
	// serviceAccount is the deprecated alias of serviceAccountName; Kubernetes
	// reads it when the new field is empty and always writes both.
	if spec.ServiceAccountName == "" {
		spec.ServiceAccountName = spec.DeprecatedServiceAccount
	}
	spec.DeprecatedServiceAccount = spec.ServiceAccountName
	for i := range spec.Volumes {
		SetDefaults_Volume(&spec.Volumes[i])
	}
	for i := range spec.InitContainers {
		SetDefaults_Container(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		SetDefaults_Container(&spec.Containers[i])
	}
	if spec.Resources != nil {
		SetDefaults_ResourceList(spec.Resources.Limits)
		SetDefaults_ResourceList(spec.Resources.Requests)
	}
	SetDefaults_ResourceList(spec.Overhead)
	for i := range spec.EphemeralContainers {
		c := Container(spec.EphemeralContainers[i].EphemeralContainerCommon)
		SetDefaults_Container(&c)
		spec.EphemeralContainers[i].EphemeralContainerCommon = EphemeralContainerCommon(c)
	}
}

// SetDefaults_Container applies the defaults of one container: pull policy,
// termination message, port protocols, env field references and probes.
func SetDefaults_Container(c *Container) {
	if c.ImagePullPolicy == "" {
		if imageTag(c.Image) == "latest" {
			c.ImagePullPolicy = PullAlways
		} else {
			c.ImagePullPolicy = PullIfNotPresent
		}
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = TerminationMessageReadFile
	}
	SetDefaults_ResourceList(c.Resources.Limits)
	SetDefaults_ResourceList(c.Resources.Requests)
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = ProtocolTCP
		}
	}
	for i := range c.Env {
		if src := c.Env[i].ValueFrom; src != nil && src.FieldRef != nil {
			SetDefaults_ObjectFieldSelector(src.FieldRef)
		}
	}
	for _, p := range []*Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p != nil {
			SetDefaults_Probe(p)
		}
	}
	if c.Lifecycle != nil {
		for _, h := range []*LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop} {
			if h != nil && h.HTTPGet != nil {
				SetDefaults_HTTPGetAction(h.HTTPGet)
			}
		}
	}
}

// imageTag returns the tag an image reference resolves to: its explicit tag,
// "latest" when it has neither tag nor digest, and "" for digest-only or empty
// references.
func imageTag(image string) string {
	if image == "" {
		return ""
	}
	name, _, hasDigest := strings.Cut(image, "@")
	last := name
	if i := strings.LastIndex(name, "/"); i >= 0 {
		last = name[i+1:]
	}
	if _, tag, ok := strings.Cut(last, ":"); ok {
		return tag
	}
	if hasDigest {
		return ""
	}
	return "latest"
}

// SetDefaults_Probe applies the timing defaults of a probe and of its HTTP
// action.
func SetDefaults_Probe(p *Probe) {
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
	if p.HTTPGet != nil {
		SetDefaults_HTTPGetAction(p.HTTPGet)
	}
}

// SetDefaults_HTTPGetAction defaults the path to "/" and the scheme to HTTP.
func SetDefaults_HTTPGetAction(a *HTTPGetAction) {
	if a.Path == "" {
		a.Path = "/"
	}
	if a.Scheme == "" {
		a.Scheme = URISchemeHTTP
	}
}

// SetDefaults_ObjectFieldSelector defaults the apiVersion to "v1".
func SetDefaults_ObjectFieldSelector(s *ObjectFieldSelector) {
	if s.APIVersion == "" {
		s.APIVersion = "v1"
	}
}

// SetDefaults_Volume turns a volume without a source into an emptyDir and
// applies the defaults of its source.
func SetDefaults_Volume(v *Volume) {
	if v.VolumeSource == (VolumeSource{}) {
		v.VolumeSource.EmptyDir = &EmptyDirVolumeSource{}
	}
	vs := &v.VolumeSource
	if vs.HostPath != nil {
		SetDefaults_HostPathVolumeSource(vs.HostPath)
	}
	if vs.Secret != nil && vs.Secret.DefaultMode == nil {
		vs.Secret.DefaultMode = int32Ptr(SecretVolumeSourceDefaultMode)
	}
	if vs.ConfigMap != nil && vs.ConfigMap.DefaultMode == nil {
		vs.ConfigMap.DefaultMode = int32Ptr(ConfigMapVolumeSourceDefaultMode)
	}
	if vs.DownwardAPI != nil {
		if vs.DownwardAPI.DefaultMode == nil {
			vs.DownwardAPI.DefaultMode = int32Ptr(DownwardAPIVolumeSourceDefaultMode)
		}
		defaultDownwardAPIFiles(vs.DownwardAPI.Items)
	}
	if vs.Projected != nil {
		SetDefaults_ProjectedVolumeSource(vs.Projected)
	}
	if vs.ISCSI != nil && vs.ISCSI.ISCSIInterface == "" {
		vs.ISCSI.ISCSIInterface = "default"
	}
	if vs.RBD != nil {
		if vs.RBD.RBDPool == "" {
			vs.RBD.RBDPool = "rbd"
		}
		if vs.RBD.RadosUser == "" {
			vs.RBD.RadosUser = "admin"
		}
		if vs.RBD.Keyring == "" {
			vs.RBD.Keyring = "/etc/ceph/keyring"
		}
	}
	if vs.AzureDisk != nil {
		SetDefaults_AzureDiskVolumeSource(vs.AzureDisk)
	}
	if vs.ScaleIO != nil {
		if vs.ScaleIO.StorageMode == "" {
			vs.ScaleIO.StorageMode = "ThinProvisioned"
		}
		if vs.ScaleIO.FSType == "" {
			vs.ScaleIO.FSType = "xfs"
		}
	}
	if e := vs.Ephemeral; e != nil && e.VolumeClaimTemplate != nil {
		SetDefaults_PersistentVolumeClaimSpec(&e.VolumeClaimTemplate.Spec)
	}
}

// SetDefaults_HostPathVolumeSource defaults the type to "" (no check).
func SetDefaults_HostPathVolumeSource(s *HostPathVolumeSource) {
	if s.Type == nil {
		t := HostPathUnset
		s.Type = &t
	}
}

// SetDefaults_AzureDiskVolumeSource defaults caching to ReadWrite, kind to
// Shared, fsType to ext4 and readOnly to false.
func SetDefaults_AzureDiskVolumeSource(s *AzureDiskVolumeSource) {
	if s.CachingMode == nil {
		m := AzureDataDiskCachingReadWrite
		s.CachingMode = &m
	}
	if s.Kind == nil {
		k := AzureSharedBlobDisk
		s.Kind = &k
	}
	if s.FSType == nil {
		f := "ext4"
		s.FSType = &f
	}
	if s.ReadOnly == nil {
		r := false
		s.ReadOnly = &r
	}
}

// SetDefaults_ProjectedVolumeSource defaults the file mode and the
// service account token lifetime (one hour).
func SetDefaults_ProjectedVolumeSource(s *ProjectedVolumeSource) {
	if s.DefaultMode == nil {
		s.DefaultMode = int32Ptr(ProjectedVolumeSourceDefaultMode)
	}
	for i := range s.Sources {
		src := &s.Sources[i]
		if t := src.ServiceAccountToken; t != nil && t.ExpirationSeconds == nil {
			v := int64(3600)
			t.ExpirationSeconds = &v
		}
		if src.DownwardAPI != nil {
			defaultDownwardAPIFiles(src.DownwardAPI.Items)
		}
	}
}

// defaultDownwardAPIFiles defaults the field references of downward API files.
func defaultDownwardAPIFiles(items []DownwardAPIVolumeFile) {
	for i := range items {
		if items[i].FieldRef != nil {
			SetDefaults_ObjectFieldSelector(items[i].FieldRef)
		}
	}
}

func int32Ptr(v int32) *int32 { return &v }
