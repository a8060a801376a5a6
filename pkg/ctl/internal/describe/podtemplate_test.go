package describe

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

func ptr[T any](v T) *T { return &v }

func quantities(kv ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return l
}

// template returns a one-container template changed by edit.
func template(edit func(*corev1.PodTemplateSpec)) *corev1.PodTemplateSpec {
	t := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	if edit != nil {
		edit(t)
	}
	return t
}

func container(edit func(*corev1.Container)) *corev1.PodTemplateSpec {
	return template(func(t *corev1.PodTemplateSpec) { edit(&t.Spec.Containers[0]) })
}

func TestPodTemplateWholeOutput(t *testing.T) {
	cases := []struct {
		name string
		tmpl *corev1.PodTemplateSpec
		want string
	}{
		{name: "a missing template is unset without a newline", tmpl: nil, want: "Pod Template:\n  <unset>"},
		{name: "a bare template prints every always-present line", tmpl: template(nil), want: "Pod Template:\n" +
			"  Labels:\t<none>\n" +
			"  Containers:\n   c:\n    Image:\tbusybox\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n" +
			"  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"},
		{name: "no containers says none on the heading line", tmpl: template(func(t *corev1.PodTemplateSpec) { t.Spec.Containers = nil }), want: "Pod Template:\n" +
			"  Labels:\t<none>\n  Containers: <none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"},
		{name: "pod level fields come in kubectl's order", tmpl: template(func(t *corev1.PodTemplateSpec) {
			t.Labels = map[string]string{"b": "2", "a": "1"}
			t.Annotations = map[string]string{"note": "x"}
			t.Spec.ServiceAccountName = "sa"
			t.Spec.PriorityClassName = "high"
			t.Spec.NodeSelector = map[string]string{"zone": "a", "disk": "ssd"}
			t.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox:1"}}
		}), want: "Pod Template:\n" +
			"  Labels:\ta=1\n\tb=2\n" +
			"  Annotations:\tnote: x\n" +
			"  Service Account:\tsa\n" +
			"  Init Containers:\n   init:\n    Image:\tbusybox:1\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n" +
			"  Containers:\n   c:\n    Image:\tbusybox\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n" +
			"  Volumes:\t<none>\n  Priority Class Name:\thigh\n  Node-Selectors:\tdisk=ssd\n\tzone=a\n  Tolerations:\t<none>\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := PodTemplate(&b, tc.tmpl); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", b.String(), tc.want)
			}
		})
	}
}

func TestPodTemplateSections(t *testing.T) {
	long := strings.Repeat("0123456789", 16)
	cases := []struct {
		name string
		tmpl *corev1.PodTemplateSpec
		want string // consecutive lines the output must contain
	}{
		{name: "long and multi-line annotations move under their key and are cut", tmpl: template(func(t *corev1.PodTemplateSpec) {
			t.Annotations = map[string]string{"long": long, "multi": "a\nb\n", "short": "s", lastAppliedAnnotation: "{}"}
		}), want: "  Annotations:\tlong:\n\t  " + long[:138] + "...\n\tmulti:\n\t  a\n\t  b\n\tshort: s\n  Containers:\n"},
		{name: "only the last-applied annotation prints none", tmpl: template(func(t *corev1.PodTemplateSpec) {
			t.Annotations = map[string]string{lastAppliedAnnotation: "{}"}
		}), want: "  Labels:\t<none>\n  Annotations:\t<none>\n"},
		{name: "one port is singular", tmpl: container(func(c *corev1.Container) {
			c.Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: "TCP"}}
		}), want: "    Port:\t80/TCP\n    Host Port:\t0/TCP\n"},
		{name: "several ports are plural and comma separated", tmpl: container(func(c *corev1.Container) {
			c.Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: "TCP"}, {ContainerPort: 53, HostPort: 5353, Protocol: "UDP"}}
		}), want: "    Ports:\t80/TCP, 53/UDP\n    Host Ports:\t0/TCP, 5353/UDP\n"},
		{name: "a localhost seccomp profile names its file", tmpl: container(func(c *corev1.Container) {
			c.SecurityContext = &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr("p.json")}}
		}), want: "    Host Port:\t<none>\n    SeccompProfile:\tLocalhost\n      LocalhostProfile:\tp.json\n"},
		{name: "command and args print a line per line", tmpl: container(func(c *corev1.Container) {
			c.Command = []string{"sh", "-c", "echo a\necho b"}
			c.Args = []string{"--x"}
		}), want: "    Command:\n      sh\n      -c\n      echo a\n      echo b\n    Args:\n      --x\n"},
		{name: "limits and requests are sorted by name", tmpl: container(func(c *corev1.Container) {
			c.Resources = corev1.ResourceRequirements{Limits: quantities("memory", "128Mi", "cpu", "500m"), Requests: quantities("cpu", "0.25")}
		}), want: "    Limits:\n      cpu:\t500m\n      memory:\t128Mi\n    Requests:\n      cpu:\t250m\n"},
		{name: "probes print their action and timings", tmpl: container(func(c *corev1.Container) {
			c.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80), Scheme: "HTTP"}},
				TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
			c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}, InitialDelaySeconds: 5}
			c.StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ok"}}}}
		}), want: "    Liveness:\thttp-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3\n" +
			"    Readiness:\ttcp-socket :http delay=5s timeout=0s period=0s #success=0 #failure=0\n" +
			"    Startup:\texec [cat /tmp/ok] delay=0s timeout=0s period=0s #success=0 #failure=0\n"},
		{name: "env from sources show kind, prefix and optional", tmpl: container(func(c *corev1.Container) {
			c.EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
				{Prefix: "S_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Optional: ptr(true)}}}
		}), want: "    Environment Variables from:\n      cm\tConfigMap\tOptional: false\n      sec\tSecret with prefix 'S_'\tOptional: true\n    Environment:\t<none>\n"},
		{name: "each kind of env var", tmpl: container(func(c *corev1.Container) {
			c.Resources = corev1.ResourceRequirements{Limits: quantities("cpu", "500m"), Requests: quantities("memory", "64Mi", "hugepages-2Mi", "4Mi")}
			ref := func(res, div string) *corev1.EnvVarSource {
				s := &corev1.ResourceFieldSelector{Resource: res}
				if div != "" {
					s.Divisor = resource.MustParse(div)
				}
				return &corev1.EnvVarSource{ResourceFieldRef: s}
			}
			c.Env = []corev1.EnvVar{
				{Name: "PLAIN", Value: "v"},
				{Name: "ML", Value: "l1\nl2"},
				{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
				{Name: "CPU", ValueFrom: ref("limits.cpu", "1m")},
				{Name: "CPUUP", ValueFrom: ref("limits.cpu", "")},
				{Name: "MEM", ValueFrom: ref("requests.memory", "1Mi")},
				{Name: "NOMEM", ValueFrom: ref("limits.memory", "")},
				{Name: "EPH", ValueFrom: ref("limits.ephemeral-storage", "")},
				{Name: "HUGE", ValueFrom: ref("requests.hugepages-2Mi", "1Mi")},
				{Name: "ODD", ValueFrom: ref("limits.gpu", "")},
				{Name: "SEC", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Key: "k"}}},
				{Name: "CMK", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, Key: "k", Optional: ptr(true)}}},
			}
		}), want: "    Environment:\n" +
			"      PLAIN:\tv\n      ML:\tl1\n      \tl2\n" +
			"      POD:\t (v1:metadata.name)\n" +
			"      CPU:\t500 (limits.cpu)\n      CPUUP:\t1 (limits.cpu)\n" +
			"      MEM:\t64 (requests.memory)\n      NOMEM:\tnode allocatable (limits.memory)\n" +
			"      EPH:\t0 (limits.ephemeral-storage)\n      HUGE:\t4 (requests.hugepages-2Mi)\n      ODD:\t (limits.gpu)\n" +
			"      SEC:\t<set to the key 'k' in secret 'sec'>\tOptional: false\n" +
			"      CMK:\t<set to the key 'k' of config map 'cm'>\tOptional: true\n"},
		{name: "mounts are sorted by path with flags", tmpl: container(func(c *corev1.Container) {
			c.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}, {Name: "cfg", MountPath: "/cfg", ReadOnly: true, SubPath: "x"}}
		}), want: "    Mounts:\n      /cfg from cfg (ro,path=\"x\")\n      /data from data (rw)\n"},
		{name: "devices without mounts reuse the none marker", tmpl: container(func(c *corev1.Container) {
			c.VolumeDevices = []corev1.VolumeDevice{{Name: "b", DevicePath: "/dev/b"}, {Name: "a", DevicePath: "/dev/a"}}
		}), want: "    Mounts:\t<none>\n    Devices:\t<none>\n      /dev/a from a\n      /dev/b from b\n"},
		{name: "spread constraints are sorted by topology key", tmpl: template(func(t *corev1.PodTemplateSpec) {
			t.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{
				{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: "DoNotSchedule", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
				{MaxSkew: 2, TopologyKey: "host", WhenUnsatisfiable: "ScheduleAnyway"}}
		}), want: "  Volumes:\t<none>\n  Topology Spread Constraints:\thost:ScheduleAnyway when max skew 2 is exceeded\n  \tzone:DoNotSchedule when max skew 1 is exceeded for selector app=web\n  Node-Selectors:"},
		{name: "tolerations are sorted by key", tmpl: template(func(t *corev1.PodTemplateSpec) {
			t.Spec.Tolerations = []corev1.Toleration{
				{Key: "k1", Operator: "Equal", Value: "v1", Effect: "NoSchedule"},
				{Operator: "Exists"},
				{Key: "k2", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: ptr(int64(30))},
				{Key: "k0", Operator: "Exists"}}
		}), want: "  Tolerations:\top=Exists\n\tk0 op=Exists\n\tk1=v1:NoSchedule\n\tk2:NoExecute op=Exists for 30s\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := PodTemplate(&b, tc.tmpl); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("output lacks:\n%q\ngot:\n%q", tc.want, b.String())
			}
		})
	}
}

func TestPodTemplateVolumes(t *testing.T) {
	hostType := corev1.HostPathType("Directory")
	cases := []struct {
		name string
		src  corev1.VolumeSource
		want string
	}{
		{"host path with a type", corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var", Type: &hostType}},
			"    Type:\tHostPath (bare host directory volume)\n    Path:\t/var\n    HostPathType:\tDirectory\n"},
		{"host path without a type", corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp"}},
			"    Type:\tHostPath (bare host directory volume)\n    Path:\t/tmp\n    HostPathType:\t<none>\n"},
		{"empty dir defaults", corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}},
			"    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t\n    SizeLimit:\t<unset>\n"},
		{"empty dir in memory with a limit", corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: "Memory", SizeLimit: ptr(resource.MustParse("1Gi"))}},
			"    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\tMemory\n    SizeLimit:\t1Gi\n"},
		{"git repo", corev1.VolumeSource{GitRepo: &corev1.GitRepoVolumeSource{Repository: "r", Revision: "main"}},
			"    Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\tr\n    Revision:\tmain\n"},
		{"secret", corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", Optional: ptr(true)}},
			"    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\ts\n    Optional:\ttrue\n"},
		{"config map", corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
			"    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\tcm\n    Optional:\tfalse\n"},
		{"nfs", corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "srv", Path: "/x"}},
			"    Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\tsrv\n    Path:\t/x\n    ReadOnly:\tfalse\n"},
		{"claim", corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c1", ReadOnly: true}},
			"    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\tc1\n    ReadOnly:\ttrue\n"},
		{"downward api items", corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{
			{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
			{Path: "cpu", ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}}}},
			"    Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n      metadata.labels -> labels\n      limits.cpu -> cpu\n"},
		{"projected sources", corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
			{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}}},
			{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
			{DownwardAPI: &corev1.DownwardAPIProjection{}},
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "t", ExpirationSeconds: ptr(int64(3600))}}}}},
			"    Type:\tProjected (a volume that contains injected data from multiple sources)\n" +
				"    SecretName:\tsec\n    SecretOptionalName:\t<nil>\n    ConfigMapName:\tcm\n    ConfigMapOptional:\t<nil>\n" +
				"    DownwardAPI:\ttrue\n    TokenExpirationSeconds:\t3600\n"},
		{"csi with attributes", corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d", ReadOnly: ptr(true), FSType: ptr("ext4"),
			VolumeAttributes: map[string]string{"c": "d", "a": "b"}}},
			"    Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\td\n    FSType:\text4\n    ReadOnly:\ttrue\n" +
				"    VolumeAttributes:\t    a=b\n        \t    c=d\n"},
		{"csi without attributes", corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d"}},
			"    Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\td\n    FSType:\t\n    ReadOnly:\tfalse\n    VolumeAttributes:\t<none>\n"},
		{"image", corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "busybox", PullPolicy: "IfNotPresent"}},
			"    Type:\tImage (a container image or OCI artifact)\n    Reference:\tbusybox\n    PullPolicy:\tIfNotPresent\n"},
		{"a source without a describer", corev1.VolumeSource{}, "  <unknown>\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tmpl := template(func(t *corev1.PodTemplateSpec) { t.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: tc.src}} })
			if err := PodTemplate(&b, tmpl); err != nil {
				t.Fatal(err)
			}
			want := "  Volumes:\n   v:\n" + tc.want + "  Node-Selectors:"
			if !strings.Contains(b.String(), want) {
				t.Errorf("output lacks:\n%q\ngot:\n%q", want, b.String())
			}
		})
	}
}

func TestProbeFormats(t *testing.T) {
	cases := []struct {
		name  string
		probe corev1.Probe
		want  string
	}{
		{"https with a host", corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Host: "10.0.0.1", Port: intstr.FromString("web"), Scheme: "HTTPS", Path: "/x"}}},
			"http-get https://10.0.0.1:web/x delay=0s timeout=0s period=0s #success=0 #failure=0"},
		{"an ipv6 host is bracketed", corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Host: "::1", Port: intstr.FromInt32(8080)}}},
			"http-get //[::1]:8080 delay=0s timeout=0s period=0s #success=0 #failure=0"},
		{"grpc with a service", corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9000, Service: ptr("health")}}, PeriodSeconds: 3},
			"grpc <pod>:9000 health delay=0s timeout=0s period=3s #success=0 #failure=0"},
		{"no action", corev1.Probe{FailureThreshold: 2}, "unknown delay=0s timeout=0s period=0s #success=0 #failure=2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Probe(&tc.probe); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errWrite
	}
	w.n--
	return len(p), nil
}

var errWrite = &writeError{}

type writeError struct{}

func (*writeError) Error() string { return "disk full" }

func TestPodTemplateReportsWriteErrors(t *testing.T) {
	if err := PodTemplate(&failingWriter{n: 3}, template(nil)); !errors.Is(err, errWrite) {
		t.Errorf("got %v, want the writer's error", err)
	}
}
