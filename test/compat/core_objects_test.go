package compat

import (
	"time"

	k8scorev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Hand-built Kubernetes objects with many fields set: times, quantities,
// int-or-strings, maps, pointers (some to zero values), nested slices.

func k8sContainer(name string) k8scorev1.Container {
	return k8scorev1.Container{
		Name:       name,
		Image:      "registry.local/web:1.2.3",
		Command:    []string{"/bin/sh", "-c"},
		Args:       []string{"exec httpd -f", ""},
		WorkingDir: "/srv",
		Ports: []k8scorev1.ContainerPort{
			{Name: "http", ContainerPort: 8080, Protocol: k8scorev1.ProtocolTCP},
			{ContainerPort: 53, HostPort: 5353, Protocol: k8scorev1.ProtocolUDP, HostIP: "0.0.0.0"},
		},
		EnvFrom: []k8scorev1.EnvFromSource{{Prefix: "CFG_", ConfigMapRef: &k8scorev1.ConfigMapEnvSource{LocalObjectReference: k8scorev1.LocalObjectReference{Name: "cfg"}, Optional: ptr(true)}}},
		Env: []k8scorev1.EnvVar{
			{Name: "PLAIN", Value: "v"},
			{Name: "EMPTY"},
			{Name: "FROM_FIELD", ValueFrom: &k8scorev1.EnvVarSource{FieldRef: &k8scorev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
			{Name: "FROM_RES", ValueFrom: &k8scorev1.EnvVarSource{ResourceFieldRef: &k8scorev1.ResourceFieldSelector{Resource: "limits.cpu", Divisor: resource.MustParse("1m")}}},
			{Name: "FROM_SECRET", ValueFrom: &k8scorev1.EnvVarSource{SecretKeyRef: &k8scorev1.SecretKeySelector{LocalObjectReference: k8scorev1.LocalObjectReference{Name: "s"}, Key: "k", Optional: ptr(false)}}},
		},
		Resources: k8scorev1.ResourceRequirements{
			Limits:   k8scorev1.ResourceList{k8scorev1.ResourceCPU: resource.MustParse("500m"), k8scorev1.ResourceMemory: resource.MustParse("128Mi"), "example.com/gpu": resource.MustParse("1")},
			Requests: k8scorev1.ResourceList{k8scorev1.ResourceCPU: resource.MustParse("0.25"), k8scorev1.ResourceMemory: resource.MustParse("64M")},
		},
		ResizePolicy:  []k8scorev1.ContainerResizePolicy{{ResourceName: k8scorev1.ResourceCPU, RestartPolicy: k8scorev1.NotRequired}},
		RestartPolicy: nil,
		VolumeMounts: []k8scorev1.VolumeMount{
			{Name: "data", MountPath: "/data", ReadOnly: true, SubPath: "x", MountPropagation: ptr(k8scorev1.MountPropagationHostToContainer)},
			{Name: "tmp", MountPath: "/tmp"},
		},
		LivenessProbe: &k8scorev1.Probe{
			ProbeHandler:        k8scorev1.ProbeHandler{HTTPGet: &k8scorev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http"), Scheme: k8scorev1.URISchemeHTTP, HTTPHeaders: []k8scorev1.HTTPHeader{{Name: "X", Value: "1"}}}},
			InitialDelaySeconds: 3, TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3,
			TerminationGracePeriodSeconds: ptr(int64(-1)),
		},
		ReadinessProbe: &k8scorev1.Probe{ProbeHandler: k8scorev1.ProbeHandler{TCPSocket: &k8scorev1.TCPSocketAction{Port: intstr.FromInt32(8080)}}},
		StartupProbe:   &k8scorev1.Probe{ProbeHandler: k8scorev1.ProbeHandler{Exec: &k8scorev1.ExecAction{Command: []string{"true"}}}},
		Lifecycle: &k8scorev1.Lifecycle{
			PreStop: &k8scorev1.LifecycleHandler{Sleep: &k8scorev1.SleepAction{Seconds: 5}},
		},
		TerminationMessagePath:   "/dev/termination-log",
		TerminationMessagePolicy: k8scorev1.TerminationMessageReadFile,
		ImagePullPolicy:          k8scorev1.PullIfNotPresent,
		SecurityContext: &k8scorev1.SecurityContext{
			Capabilities:             &k8scorev1.Capabilities{Add: []k8scorev1.Capability{"NET_ADMIN"}, Drop: []k8scorev1.Capability{"ALL"}},
			Privileged:               ptr(false),
			RunAsUser:                ptr(int64(1000)),
			RunAsNonRoot:             ptr(true),
			ReadOnlyRootFilesystem:   ptr(true),
			AllowPrivilegeEscalation: ptr(false),
			SeccompProfile:           &k8scorev1.SeccompProfile{Type: k8scorev1.SeccompProfileTypeRuntimeDefault},
		},
		Stdin: true, TTY: false,
	}
}

func k8sPod() *k8scorev1.Pod {
	started := k8smeta.NewTime(created.Add(time.Minute))
	return &k8scorev1.Pod{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: k8sObjectMeta(),
		Spec: k8scorev1.PodSpec{
			Volumes: []k8scorev1.Volume{
				{Name: "data", VolumeSource: k8scorev1.VolumeSource{PersistentVolumeClaim: &k8scorev1.PersistentVolumeClaimVolumeSource{ClaimName: "pvc"}}},
				{Name: "tmp", VolumeSource: k8scorev1.VolumeSource{EmptyDir: &k8scorev1.EmptyDirVolumeSource{Medium: k8scorev1.StorageMediumMemory, SizeLimit: ptr(resource.MustParse("1Gi"))}}},
				{Name: "cfg", VolumeSource: k8scorev1.VolumeSource{ConfigMap: &k8scorev1.ConfigMapVolumeSource{
					LocalObjectReference: k8scorev1.LocalObjectReference{Name: "cfg"},
					Items:                []k8scorev1.KeyToPath{{Key: "a", Path: "a.txt", Mode: ptr(int32(0o644))}},
					DefaultMode:          ptr(int32(0o400)),
				}}},
				{Name: "proj", VolumeSource: k8scorev1.VolumeSource{Projected: &k8scorev1.ProjectedVolumeSource{Sources: []k8scorev1.VolumeProjection{
					{ServiceAccountToken: &k8scorev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(3607))}},
					{DownwardAPI: &k8scorev1.DownwardAPIProjection{Items: []k8scorev1.DownwardAPIVolumeFile{{Path: "ns", FieldRef: &k8scorev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}}},
				}}}},
				{Name: "host", VolumeSource: k8scorev1.VolumeSource{HostPath: &k8scorev1.HostPathVolumeSource{Path: "/var/log", Type: ptr(k8scorev1.HostPathDirectory)}}},
			},
			InitContainers:                []k8scorev1.Container{{Name: "init", Image: "busybox", RestartPolicy: ptr(k8scorev1.ContainerRestartPolicyAlways)}},
			Containers:                    []k8scorev1.Container{k8sContainer("web"), {Name: "sidecar", Image: "s"}},
			RestartPolicy:                 k8scorev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: ptr(int64(30)),
			ActiveDeadlineSeconds:         ptr(int64(0)),
			DNSPolicy:                     k8scorev1.DNSClusterFirst,
			NodeSelector:                  map[string]string{"kubernetes.io/os": "linux", "disk": ""},
			ServiceAccountName:            "default",
			AutomountServiceAccountToken:  ptr(false),
			NodeName:                      "node-1",
			HostNetwork:                   true,
			ShareProcessNamespace:         ptr(true),
			SecurityContext: &k8scorev1.PodSecurityContext{
				RunAsUser: ptr(int64(0)), RunAsGroup: ptr(int64(3000)), FSGroup: ptr(int64(2000)),
				SupplementalGroups: []int64{1, 2, 70000}, Sysctls: []k8scorev1.Sysctl{{Name: "net.core.somaxconn", Value: "1024"}},
			},
			ImagePullSecrets: []k8scorev1.LocalObjectReference{{Name: "regcred"}},
			Hostname:         "web-0",
			Subdomain:        "web",
			Affinity: &k8scorev1.Affinity{
				NodeAffinity: &k8scorev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &k8scorev1.NodeSelector{NodeSelectorTerms: []k8scorev1.NodeSelectorTerm{{
					MatchExpressions: []k8scorev1.NodeSelectorRequirement{{Key: "zone", Operator: k8scorev1.NodeSelectorOpIn, Values: []string{"a", "b"}}},
				}}}},
				PodAntiAffinity: &k8scorev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []k8scorev1.WeightedPodAffinityTerm{{
					Weight:          100,
					PodAffinityTerm: k8scorev1.PodAffinityTerm{LabelSelector: &k8smeta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, TopologyKey: "kubernetes.io/hostname", MatchLabelKeys: []string{"pod-template-hash"}},
				}}},
			},
			SchedulerName: "default-scheduler",
			Tolerations: []k8scorev1.Toleration{
				{Key: "node.kubernetes.io/not-ready", Operator: k8scorev1.TolerationOpExists, Effect: k8scorev1.TaintEffectNoExecute, TolerationSeconds: ptr(int64(300))},
				{Operator: k8scorev1.TolerationOpExists},
			},
			HostAliases:               []k8scorev1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"a", "b"}}},
			PriorityClassName:         "high",
			Priority:                  ptr(int32(-5)),
			DNSConfig:                 &k8scorev1.PodDNSConfig{Nameservers: []string{"1.1.1.1"}, Options: []k8scorev1.PodDNSConfigOption{{Name: "ndots", Value: ptr("2")}, {Name: "edns0"}}},
			ReadinessGates:            []k8scorev1.PodReadinessGate{{ConditionType: "example.com/ready"}},
			RuntimeClassName:          ptr(""),
			EnableServiceLinks:        ptr(true),
			PreemptionPolicy:          ptr(k8scorev1.PreemptLowerPriority),
			Overhead:                  k8scorev1.ResourceList{k8scorev1.ResourceCPU: resource.MustParse("10m")},
			TopologySpreadConstraints: []k8scorev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: k8scorev1.DoNotSchedule, LabelSelector: &k8smeta.LabelSelector{}, MinDomains: ptr(int32(2))}},
			OS:                        &k8scorev1.PodOS{Name: k8scorev1.Linux},
		},
		Status: k8scorev1.PodStatus{
			Phase:              k8scorev1.PodRunning,
			ObservedGeneration: 42,
			Conditions: []k8scorev1.PodCondition{
				{Type: k8scorev1.PodReady, Status: k8scorev1.ConditionTrue, LastTransitionTime: started, LastProbeTime: k8smeta.Time{}},
				{Type: k8scorev1.PodScheduled, Status: k8scorev1.ConditionFalse, Reason: "Unschedulable", Message: "0/3 nodes"},
			},
			Message:   "m",
			Reason:    "r",
			HostIP:    "192.168.1.10",
			HostIPs:   []k8scorev1.HostIP{{IP: "192.168.1.10"}, {IP: "fd00::10"}},
			PodIP:     "10.244.0.5",
			PodIPs:    []k8scorev1.PodIP{{IP: "10.244.0.5"}},
			StartTime: &started,
			ContainerStatuses: []k8scorev1.ContainerStatus{
				{
					Name: "web", Ready: true, RestartCount: 2, Image: "registry.local/web:1.2.3", ImageID: "sha256:abc", ContainerID: "containerd://123", Started: ptr(true),
					State:                k8scorev1.ContainerState{Running: &k8scorev1.ContainerStateRunning{StartedAt: started}},
					LastTerminationState: k8scorev1.ContainerState{Terminated: &k8scorev1.ContainerStateTerminated{ExitCode: -1, Signal: 9, Reason: "OOMKilled", StartedAt: k8smeta.NewTime(created), FinishedAt: started, ContainerID: "containerd://122"}},
					AllocatedResources:   k8scorev1.ResourceList{k8scorev1.ResourceCPU: resource.MustParse("250m")},
					Resources:            &k8scorev1.ResourceRequirements{Limits: k8scorev1.ResourceList{k8scorev1.ResourceMemory: resource.MustParse("128Mi")}},
				},
				{Name: "sidecar", State: k8scorev1.ContainerState{Waiting: &k8scorev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}},
			},
			QOSClass: k8scorev1.PodQOSBurstable,
		},
	}
}

func k8sNamespace() *k8scorev1.Namespace {
	m := k8sObjectMeta()
	m.Namespace = ""
	return &k8scorev1.Namespace{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: m,
		Spec:       k8scorev1.NamespaceSpec{Finalizers: []k8scorev1.FinalizerName{k8scorev1.FinalizerKubernetes}},
		Status: k8scorev1.NamespaceStatus{Phase: k8scorev1.NamespaceTerminating, Conditions: []k8scorev1.NamespaceCondition{
			{Type: k8scorev1.NamespaceDeletionContentFailure, Status: k8scorev1.ConditionTrue, LastTransitionTime: k8smeta.NewTime(deleted), Reason: "r", Message: "m"},
		}},
	}
}

func k8sService() *k8scorev1.Service {
	return &k8scorev1.Service{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: k8smeta.ObjectMeta{Name: "web", Namespace: "demo", Labels: map[string]string{"app": "web"}},
		Spec: k8scorev1.ServiceSpec{
			Ports: []k8scorev1.ServicePort{
				{Name: "http", Protocol: k8scorev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080, AppProtocol: ptr("http")},
				{Name: "dns", Protocol: k8scorev1.ProtocolUDP, Port: 53, TargetPort: intstr.FromInt32(5353)},
			},
			Selector:                      map[string]string{"app": "web"},
			ClusterIP:                     "10.96.0.10",
			ClusterIPs:                    []string{"10.96.0.10", "fd00::a"},
			Type:                          k8scorev1.ServiceTypeLoadBalancer,
			ExternalIPs:                   []string{"1.2.3.4"},
			SessionAffinity:               k8scorev1.ServiceAffinityClientIP,
			LoadBalancerSourceRanges:      []string{"10.0.0.0/8"},
			ExternalTrafficPolicy:         k8scorev1.ServiceExternalTrafficPolicyLocal,
			HealthCheckNodePort:           31000,
			PublishNotReadyAddresses:      true,
			SessionAffinityConfig:         &k8scorev1.SessionAffinityConfig{ClientIP: &k8scorev1.ClientIPConfig{TimeoutSeconds: ptr(int32(10800))}},
			IPFamilies:                    []k8scorev1.IPFamily{k8scorev1.IPv4Protocol, k8scorev1.IPv6Protocol},
			IPFamilyPolicy:                ptr(k8scorev1.IPFamilyPolicyPreferDualStack),
			AllocateLoadBalancerNodePorts: ptr(true),
			LoadBalancerClass:             ptr("example.com/lb"),
			InternalTrafficPolicy:         ptr(k8scorev1.ServiceInternalTrafficPolicyCluster),
			TrafficDistribution:           ptr("PreferClose"),
		},
		Status: k8scorev1.ServiceStatus{
			LoadBalancer: k8scorev1.LoadBalancerStatus{Ingress: []k8scorev1.LoadBalancerIngress{{IP: "1.2.3.4", IPMode: ptr(k8scorev1.LoadBalancerIPModeVIP), Ports: []k8scorev1.PortStatus{{Port: 80, Protocol: k8scorev1.ProtocolTCP, Error: ptr("x")}}}}},
			Conditions:   []k8smeta.Condition{{Type: "Ready", Status: k8smeta.ConditionTrue, LastTransitionTime: k8smeta.NewTime(created), Reason: "R", Message: "M"}},
		},
	}
}

func k8sConfigMap() *k8scorev1.ConfigMap {
	return &k8scorev1.ConfigMap{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: k8smeta.ObjectMeta{Name: "cfg", Namespace: "demo", CreationTimestamp: k8smeta.NewTime(created)},
		Immutable:  ptr(false),
		Data:       map[string]string{"b.conf": "x=1\n", "a.conf": "", "z": "ünï"},
		BinaryData: map[string][]byte{"bin": {0, 1, 2, 255}, "empty": {}},
	}
}

func k8sSecret() *k8scorev1.Secret {
	return &k8scorev1.Secret{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: k8smeta.ObjectMeta{Name: "s", Namespace: "demo"},
		Immutable:  ptr(true),
		Data:       map[string][]byte{"password": []byte("hunter2"), "blank": {}},
		StringData: map[string]string{"user": "admin"},
		Type:       k8scorev1.SecretTypeOpaque,
	}
}

func k8sNode() *k8scorev1.Node {
	hb := k8smeta.NewTime(created.Add(time.Hour))
	return &k8scorev1.Node{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: k8smeta.ObjectMeta{Name: "node-1", Labels: map[string]string{"kubernetes.io/hostname": "node-1"}},
		Spec: k8scorev1.NodeSpec{
			PodCIDR: "10.244.0.0/24", PodCIDRs: []string{"10.244.0.0/24", "fd00:1::/64"}, ProviderID: "keel://node-1",
			Unschedulable: true,
			Taints: []k8scorev1.Taint{
				{Key: "node.kubernetes.io/unschedulable", Effect: k8scorev1.TaintEffectNoSchedule, TimeAdded: &hb},
				{Key: "k", Value: "v", Effect: k8scorev1.TaintEffectPreferNoSchedule},
			},
		},
		Status: k8scorev1.NodeStatus{
			Capacity:    k8scorev1.ResourceList{k8scorev1.ResourceCPU: resource.MustParse("4"), k8scorev1.ResourceMemory: resource.MustParse("16302088Ki"), k8scorev1.ResourcePods: resource.MustParse("110")},
			Allocatable: k8scorev1.ResourceList{k8scorev1.ResourceCPU: resource.MustParse("3800m"), k8scorev1.ResourceEphemeralStorage: resource.MustParse("95G")},
			Phase:       k8scorev1.NodeRunning,
			Conditions: []k8scorev1.NodeCondition{
				{Type: k8scorev1.NodeReady, Status: k8scorev1.ConditionTrue, LastHeartbeatTime: hb, LastTransitionTime: k8smeta.NewTime(created), Reason: "KubeletReady", Message: "kubelet is posting ready status"},
				{Type: k8scorev1.NodeMemoryPressure, Status: k8scorev1.ConditionFalse},
			},
			Addresses:       []k8scorev1.NodeAddress{{Type: k8scorev1.NodeInternalIP, Address: "192.168.1.10"}, {Type: k8scorev1.NodeHostName, Address: "node-1"}},
			DaemonEndpoints: k8scorev1.NodeDaemonEndpoints{KubeletEndpoint: k8scorev1.DaemonEndpoint{Port: 10250}},
			NodeInfo: k8scorev1.NodeSystemInfo{
				MachineID: "m", SystemUUID: "u", BootID: "b", KernelVersion: "6.1.0", OSImage: "Debian GNU/Linux 12",
				ContainerRuntimeVersion: "containerd://1.7.24", KubeletVersion: "v1.32.4", KubeProxyVersion: "", OperatingSystem: "linux", Architecture: "amd64",
				Swap: &k8scorev1.NodeSwapStatus{Capacity: ptr(int64(0))},
			},
			Images:          []k8scorev1.ContainerImage{{Names: []string{"keel.local/pause:3"}, SizeBytes: 311000}},
			VolumesInUse:    []k8scorev1.UniqueVolumeName{"kubernetes.io/csi/x"},
			VolumesAttached: []k8scorev1.AttachedVolume{{Name: "kubernetes.io/csi/x", DevicePath: "/dev/sdb"}},
			Config:          &k8scorev1.NodeConfigStatus{},
			RuntimeHandlers: []k8scorev1.NodeRuntimeHandler{{Name: "runc", Features: &k8scorev1.NodeRuntimeHandlerFeatures{RecursiveReadOnlyMounts: ptr(true), UserNamespaces: ptr(false)}}},
			Features:        &k8scorev1.NodeFeatures{SupplementalGroupsPolicy: ptr(true)},
		},
	}
}
