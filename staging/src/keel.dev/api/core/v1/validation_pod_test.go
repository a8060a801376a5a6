package v1

import (
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// validPod returns a defaulted pod that passes validation.
func validPod() *Pod {
	return defaultedPod(func(p *Pod) {
		p.Spec.Volumes = []Volume{{Name: "data", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}}}
		p.Spec.Containers[0].VolumeMounts = []VolumeMount{{Name: "data", MountPath: "/data"}}
		p.Spec.Containers[0].Ports = []ContainerPort{{Name: "http", ContainerPort: 80}}
	})
}

// checkErrors asserts that errs renders exactly the wanted messages, in any
// order; each wanted entry must be a prefix of one error's text.
func checkErrors(t *testing.T, errs field.ErrorList, want []string) {
	t.Helper()
	got := make([]string, len(errs))
	for i, e := range errs {
		got[i] = e.Error()
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n got: %s\nwant: %s", len(got), len(want), strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && strings.HasPrefix(g, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("no error starts with %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestValidatePodCreate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Pod)
		want   []string
	}{
		{"a valid pod has no errors", func(*Pod) {}, nil},
		{"a pod without containers is rejected", func(p *Pod) { p.Spec.Containers = nil },
			[]string{"spec.containers: Required value"}},
		{"an invalid pod name is a lowercase RFC 1123 subdomain error", func(p *Pod) { p.Name = "Bad_Name" },
			[]string{`metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of`}},
		{"a container needs a name and an image", func(p *Pod) { p.Spec.Containers[0].Name, p.Spec.Containers[0].Image = "", "" },
			[]string{"spec.containers[0].name: Required value", "spec.containers[0].image: Required value"}},
		{"container names are DNS labels", func(p *Pod) { p.Spec.Containers[0].Name = "Web_1" },
			[]string{`spec.containers[0].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of`}},
		{"container names are unique across containers and init containers", func(p *Pod) {
			p.Spec.Containers = append(p.Spec.Containers, p.Spec.Containers[0])
			p.Spec.InitContainers = []Container{p.Spec.Containers[0]}
		}, []string{`spec.containers[1].name: Duplicate value: "c"`, `spec.initContainers[0].name: Duplicate value: "c"`}},
		{"an image with surrounding spaces is rejected for pods", func(p *Pod) { p.Spec.Containers[0].Image = " busybox " },
			[]string{`spec.containers[0].image: Invalid value: " busybox ": must not have leading or trailing whitespace`}},
		{"container ports must be in range", func(p *Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 70000 },
			[]string{`spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`}},
		{"a container port is required", func(p *Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 0 },
			[]string{"spec.containers[0].ports[0].containerPort: Required value"}},
		{"port protocols are TCP, UDP or SCTP", func(p *Pod) { p.Spec.Containers[0].Ports[0].Protocol = "ICMP" },
			[]string{`spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`}},
		{"port names are IANA service names and unique", func(p *Pod) {
			p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports,
				ContainerPort{Name: "http", ContainerPort: 81, Protocol: ProtocolTCP},
				ContainerPort{Name: "Not_Valid", ContainerPort: 82, Protocol: ProtocolTCP})
		}, []string{`spec.containers[0].ports[1].name: Duplicate value: "http"`, `spec.containers[0].ports[2].name: Invalid value: "Not_Valid"`}},
		{"a host port may be used only once per protocol", func(p *Pod) {
			p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 80, HostPort: 8080, Protocol: ProtocolTCP}, {ContainerPort: 81, HostPort: 8080, Protocol: ProtocolTCP}}
		}, []string{`spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//8080"`}},
		{"env var names are printable ASCII without '='", func(p *Pod) {
			p.Spec.Containers[0].Env = []EnvVar{{Name: "A=B", Value: "x"}, {Name: ""}, {Name: "1.ok-name", Value: "y"}}
		}, []string{
			`spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
			"spec.containers[0].env[1].name: Required value",
			`spec.containers[0].env[1].name: Invalid value: "": environment variable name must be non-empty`,
		}},
		{"env valueFrom needs exactly one source and no value", func(p *Pod) {
			p.Spec.Containers[0].Env = []EnvVar{
				{Name: "A", ValueFrom: &EnvVarSource{}},
				{Name: "B", Value: "v", ValueFrom: &EnvVarSource{SecretKeyRef: &SecretKeySelector{LocalObjectReference: LocalObjectReference{Name: "s"}, Key: "k"}}},
			}
		}, []string{
			"spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
			"spec.containers[0].env[1].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty",
		}},
		{"env field references accept only downward API fields", func(p *Pod) {
			p.Spec.Containers[0].Env = []EnvVar{
				{Name: "A", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.phase"}}},
				{Name: "B", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels['app']"}}},
			}
		}, []string{`spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase"`}},
		{"envFrom needs a configMapRef or a secretRef", func(p *Pod) { p.Spec.Containers[0].EnvFrom = []EnvFromSource{{Prefix: "P_"}} },
			[]string{"spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"}},
		{"volume mounts must name an existing volume", func(p *Pod) { p.Spec.Containers[0].VolumeMounts[0].Name = "missing" },
			[]string{`spec.containers[0].volumeMounts[0].name: Not found: "missing"`}},
		{"mount paths are unique within a container", func(p *Pod) {
			p.Spec.Containers[0].VolumeMounts = append(p.Spec.Containers[0].VolumeMounts, VolumeMount{Name: "data", MountPath: "/data"})
		}, []string{`spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique`}},
		{"volume names are unique", func(p *Pod) { p.Spec.Volumes = append(p.Spec.Volumes, p.Spec.Volumes[0]) },
			[]string{`spec.volumes[1].name: Duplicate value: "data"`}},
		{"a volume needs exactly one source", func(p *Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes,
				Volume{Name: "none"},
				Volume{Name: "two", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}, HostPath: &HostPathVolumeSource{Path: "/x"}}})
		}, []string{"spec.volumes[1]: Required value: must specify a volume type", "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type"}},
		{"volume sources check their required fields", func(p *Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes,
				Volume{Name: "pvc", VolumeSource: VolumeSource{PersistentVolumeClaim: &PersistentVolumeClaimVolumeSource{}}},
				Volume{Name: "nfs", VolumeSource: VolumeSource{NFS: &NFSVolumeSource{Server: "s", Path: "rel"}}},
				Volume{Name: "sec", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{SecretName: "s", DefaultMode: ptrTo(int32(01000))}}},
				Volume{Name: "cm", VolumeSource: VolumeSource{ConfigMap: &ConfigMapVolumeSource{LocalObjectReference: LocalObjectReference{Name: "c"}, Items: []KeyToPath{{Key: "k", Path: "../x"}}}}})
		}, []string{
			"spec.volumes[1].persistentVolumeClaim.claimName: Required value",
			`spec.volumes[2].nfs.path: Invalid value: "rel": must be an absolute path`,
			"spec.volumes[3].secret.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive",
			`spec.volumes[4].configMap.items[0].path: Invalid value: "../x": must not contain '..'`,
		}},
		{"requests may not exceed limits", func(p *Pod) {
			p.Spec.Containers[0].Resources = ResourceRequirements{
				Limits:   ResourceList{ResourceCPU: resource.MustParse("500m")},
				Requests: ResourceList{ResourceCPU: resource.MustParse("1")},
			}
		}, []string{`spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m`}},
		{"resource amounts may not be negative", func(p *Pod) {
			p.Spec.Containers[0].Resources = ResourceRequirements{Requests: ResourceList{ResourceMemory: resource.MustParse("-1Mi")}}
		}, []string{`spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0`}},
		{"containers may request only standard resources or extended ones", func(p *Pod) {
			p.Spec.Containers[0].Resources = ResourceRequirements{Requests: ResourceList{"gpu": resource.MustParse("1")}}
		}, []string{
			`spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified`,
			`spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
		}},
		{"extended resources need a limit equal to the request", func(p *Pod) {
			p.Spec.Containers[0].Resources = ResourceRequirements{Requests: ResourceList{"example.com/gpu": resource.MustParse("1")}}
		}, []string{"spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"}},
		{"a probe needs exactly one handler", func(p *Pod) {
			p.Spec.Containers[0].LivenessProbe = &Probe{SuccessThreshold: 1}
			p.Spec.Containers[0].ReadinessProbe = &Probe{ProbeHandler: ProbeHandler{
				Exec: &ExecAction{Command: []string{"true"}}, TCPSocket: &TCPSocketAction{Port: intstr.FromInt32(80)}}}
		}, []string{
			"spec.containers[0].livenessProbe: Required value: must specify a handler type",
			"spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
		}},
		{"liveness probes must have successThreshold 1", func(p *Pod) {
			p.Spec.Containers[0].LivenessProbe = &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}, SuccessThreshold: 2, PeriodSeconds: -1}
		}, []string{
			"spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
			"spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
		}},
		{"HTTP probes need a valid port and scheme", func(p *Pod) {
			p.Spec.Containers[0].ReadinessProbe = &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Path: "/", Port: intstr.FromInt32(0), Scheme: "FTP"}}}
		}, []string{
			"spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
			`spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`,
		}},
		{"restartPolicy and dnsPolicy have fixed values", func(p *Pod) { p.Spec.RestartPolicy, p.Spec.DNSPolicy = "Sometimes", "Google" },
			[]string{
				`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
				`spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`,
			}},
		{"dnsPolicy None needs a dnsConfig", func(p *Pod) { p.Spec.DNSPolicy = DNSNone },
			[]string{"spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"}},
		{"activeDeadlineSeconds must be positive", func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptrTo(int64(0)) },
			[]string{"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"}},
		{"nodeSelector keys and values are labels", func(p *Pod) { p.Spec.NodeSelector = map[string]string{"disk": "fast ssd"} },
			[]string{`spec.nodeSelector: Invalid value: "fast ssd"`}},
		{"tolerations with an empty key must use Exists", func(p *Pod) {
			p.Spec.Tolerations = []Toleration{{Operator: TolerationOpEqual, Value: "x"}, {Key: "k", Operator: TolerationOpExists, Value: "v"}, {Key: "k", TolerationSeconds: ptrTo(int64(5)), Effect: TaintEffectNoSchedule}}
		}, []string{
			"spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty",
			"spec.tolerations[1].operator: Invalid value:",
			"spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
		}},
		{"node affinity needs at least one term with valid operators", func(p *Pod) {
			p.Spec.Affinity = &Affinity{NodeAffinity: &NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{
					MatchExpressions: []NodeSelectorRequirement{{Key: "zone", Operator: NodeSelectorOpIn}},
				}}},
				PreferredDuringSchedulingIgnoredDuringExecution: []PreferredSchedulingTerm{{Weight: 101}},
			}}
		}, []string{
			"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
			"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100",
		}},
		{"pod affinity terms need a topology key", func(p *Pod) {
			p.Spec.Affinity = &Affinity{PodAntiAffinity: &PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			}}}}
		}, []string{"spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty"}},
		{"topology spread constraints check maxSkew and whenUnsatisfiable", func(p *Pod) {
			p.Spec.TopologySpreadConstraints = []TopologySpreadConstraint{{MaxSkew: 0, TopologyKey: "zone", WhenUnsatisfiable: "Maybe"}}
		}, []string{
			"spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
			`spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"`,
		}},
		{"only init containers may be sidecars", func(p *Pod) {
			p.Spec.Containers[0].RestartPolicy = ptrTo(ContainerRestartPolicyAlways)
			p.Spec.InitContainers = []Container{
				{Name: "side", Image: "x", RestartPolicy: ptrTo(ContainerRestartPolicyAlways), ImagePullPolicy: PullAlways, TerminationMessagePolicy: TerminationMessageReadFile,
					ReadinessProbe: &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}, SuccessThreshold: 1}},
				{Name: "init", Image: "x", ImagePullPolicy: PullAlways, TerminationMessagePolicy: TerminationMessageReadFile,
					ReadinessProbe: &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}}},
				{Name: "bad", Image: "x", RestartPolicy: ptrTo(ContainerRestartPolicy("Never")), ImagePullPolicy: PullAlways, TerminationMessagePolicy: TerminationMessageReadFile},
			}
		}, []string{
			"spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
			"spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
			`spec.initContainers[2].restartPolicy: Unsupported value: "Never": supported values: "Always"`,
		}},
		{"ephemeral containers may not be set on create", func(p *Pod) {
			p.Spec.EphemeralContainers = []EphemeralContainer{{EphemeralContainerCommon: EphemeralContainerCommon{
				Name: "debug", Image: "busybox", ImagePullPolicy: PullAlways, TerminationMessagePolicy: TerminationMessageReadFile}}}
		}, []string{"spec.ephemeralContainers: Forbidden: cannot be set on create"}},
		{"scheduling gates are unique qualified names and block nodeName", func(p *Pod) {
			p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/gate"}, {Name: "example.com/gate"}}
			p.Spec.NodeName = "node-1"
		}, []string{
			`spec.schedulingGates[1]: Duplicate value: "example.com/gate"`,
			"spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared",
		}},
		{"security contexts reject bad ids and seccomp combinations", func(p *Pod) {
			p.Spec.SecurityContext.RunAsUser = ptrTo(int64(-1))
			p.Spec.Containers[0].SecurityContext = &SecurityContext{SeccompProfile: &SeccompProfile{Type: SeccompProfileTypeLocalhost}}
		}, []string{
			"spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
			"spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := validPod()
			tt.mutate(pod)
			checkErrors(t, ValidatePodCreate(pod), tt.want)
		})
	}
}

func TestValidatePodTemplateSpecPaths(t *testing.T) {
	tmpl := &PodTemplateSpec{Spec: PodSpec{}}
	SetDefaults_PodTemplateSpec(tmpl)
	errs := ValidatePodTemplateSpec(tmpl, field.NewPath("spec", "template"))
	checkErrors(t, errs, []string{"spec.template.spec.containers: Required value"})
}

func TestValidatePodBinding(t *testing.T) {
	tests := []struct {
		name   string
		target ObjectReference
		want   []string
	}{
		{"a binding to a node is valid", ObjectReference{Kind: "Node", Name: "n1"}, nil},
		{"a binding without a target name is rejected", ObjectReference{}, []string{"target.name: Required value"}},
		{"a binding to something other than a node is rejected", ObjectReference{Kind: "Pod", Name: "x"},
			[]string{`target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, ValidatePodBinding(&Binding{Target: tt.target}), tt.want)
		})
	}
}

func TestValidateProjectedAndDownwardAPIVolumes(t *testing.T) {
	tests := []struct {
		name string
		vs   VolumeSource
		want []string
	}{
		{"a projected token with a short lifetime is rejected", VolumeSource{Projected: &ProjectedVolumeSource{Sources: []VolumeProjection{
			{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptrTo(int64(60))}},
		}}}, []string{"spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"}},
		{"projected sources may not write the same path twice", VolumeSource{Projected: &ProjectedVolumeSource{Sources: []VolumeProjection{
			{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token"}},
			{ConfigMap: &ConfigMapProjection{LocalObjectReference: LocalObjectReference{Name: "c"}, Items: []KeyToPath{{Key: "k", Path: "token"}}}},
		}}}, []string{`spec.volumes[1].projected.sources[1].configMap.items[0].path: Invalid value: "token": conflicting duplicate paths`}},
		{"a downward API file needs exactly one reference", VolumeSource{DownwardAPI: &DownwardAPIVolumeSource{Items: []DownwardAPIVolumeFile{
			{Path: "a"},
			{Path: "b", FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.nodeName"}},
			{Path: "c", ResourceFieldRef: &ResourceFieldSelector{Resource: "limits.cpu"}},
		}}}, []string{
			"spec.volumes[1].downwardAPI.items[0]: Required value: one of fieldRef and resourceFieldRef is required",
			`spec.volumes[1].downwardAPI.items[1].fieldRef.fieldPath: Unsupported value: "spec.nodeName"`,
			"spec.volumes[1].downwardAPI.items[2].resourceFieldRef.containerName: Required value",
		}},
		{"a hostPath with an unknown type is rejected", VolumeSource{HostPath: &HostPathVolumeSource{Path: "/x", Type: ptrTo(HostPathType("Pipe"))}},
			[]string{`spec.volumes[1].hostPath.type: Unsupported value: "Pipe"`}},
		{"an awsElasticBlockStore volume needs a volume ID", VolumeSource{AWSElasticBlockStore: &AWSElasticBlockStoreVolumeSource{}},
			[]string{"spec.volumes[1].awsElasticBlockStore.volumeID: Required value"}},
		{"an ephemeral volume needs a claim template", VolumeSource{Ephemeral: &EphemeralVolumeSource{}},
			[]string{"spec.volumes[1].ephemeral.volumeClaimTemplate: Required value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := validPod()
			pod.Spec.Volumes = append(pod.Spec.Volumes, Volume{Name: "extra", VolumeSource: tt.vs})
			checkErrors(t, ValidatePodCreate(pod), tt.want)
		})
	}
}
