package v1

import (
	"reflect"
	"testing"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"
)

func ptrTo[T any](v T) *T { return &v }

// defaultedPod returns a pod with one container after defaulting.
func defaultedPod(mutate func(*Pod)) *Pod {
	pod := &Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"},
		Spec:       PodSpec{Containers: []Container{{Name: "c", Image: "busybox:1.35"}}},
	}
	if mutate != nil {
		mutate(pod)
	}
	SetObjectDefaults_Pod(pod)
	return pod
}

func TestSetObjectDefaultsPod(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Pod)
		check  func(t *testing.T, pod *Pod)
	}{
		{"a bare pod gets Kubernetes' pod spec defaults", nil, func(t *testing.T, pod *Pod) {
			s := pod.Spec
			if s.RestartPolicy != RestartPolicyAlways || s.DNSPolicy != DNSClusterFirst || s.SchedulerName != "default-scheduler" {
				t.Errorf("restartPolicy=%q dnsPolicy=%q schedulerName=%q", s.RestartPolicy, s.DNSPolicy, s.SchedulerName)
			}
			if s.TerminationGracePeriodSeconds == nil || *s.TerminationGracePeriodSeconds != 30 {
				t.Errorf("terminationGracePeriodSeconds = %v, want 30", s.TerminationGracePeriodSeconds)
			}
			if s.SecurityContext == nil || !reflect.DeepEqual(*s.SecurityContext, PodSecurityContext{}) {
				t.Errorf("securityContext = %+v, want {}", s.SecurityContext)
			}
			if s.EnableServiceLinks == nil || !*s.EnableServiceLinks {
				t.Errorf("enableServiceLinks = %v, want true", s.EnableServiceLinks)
			}
		}},
		{"a container gets termination message and pull policy defaults", nil, func(t *testing.T, pod *Pod) {
			c := pod.Spec.Containers[0]
			if c.TerminationMessagePath != "/dev/termination-log" || c.TerminationMessagePolicy != TerminationMessageReadFile {
				t.Errorf("termination message = %q %q", c.TerminationMessagePath, c.TerminationMessagePolicy)
			}
			if c.ImagePullPolicy != PullIfNotPresent {
				t.Errorf("imagePullPolicy = %q, want IfNotPresent for a tagged image", c.ImagePullPolicy)
			}
		}},
		{"an image without a tag is pulled always", func(p *Pod) { p.Spec.Containers[0].Image = "registry:5000/busybox" }, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].ImagePullPolicy; got != PullAlways {
				t.Errorf("imagePullPolicy = %q, want Always", got)
			}
		}},
		{"an image tagged latest is pulled always", func(p *Pod) { p.Spec.Containers[0].Image = "nginx:latest" }, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].ImagePullPolicy; got != PullAlways {
				t.Errorf("imagePullPolicy = %q, want Always", got)
			}
		}},
		{"an image pinned by digest only is pulled if not present", func(p *Pod) {
			p.Spec.Containers[0].Image = "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		}, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].ImagePullPolicy; got != PullIfNotPresent {
				t.Errorf("imagePullPolicy = %q, want IfNotPresent", got)
			}
		}},
		{"an explicit pull policy is kept", func(p *Pod) { p.Spec.Containers[0].ImagePullPolicy = PullNever }, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].ImagePullPolicy; got != PullNever {
				t.Errorf("imagePullPolicy = %q, want Never", got)
			}
		}},
		{"ports default to TCP", func(p *Pod) { p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 80}} }, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].Ports[0]; got.Protocol != ProtocolTCP || got.HostPort != 0 {
				t.Errorf("port = %+v, want TCP without hostPort", got)
			}
		}},
		{"host network pods get hostPort equal to containerPort", func(p *Pod) {
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 8080}}
		}, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].Ports[0].HostPort; got != 8080 {
				t.Errorf("hostPort = %d, want 8080", got)
			}
		}},
		{"probes get timing defaults and HTTP path and scheme", func(p *Pod) {
			p.Spec.Containers[0].LivenessProbe = &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Port: intstr.FromInt32(80)}}}
		}, func(t *testing.T, pod *Pod) {
			pr := pod.Spec.Containers[0].LivenessProbe
			if pr.TimeoutSeconds != 1 || pr.PeriodSeconds != 10 || pr.SuccessThreshold != 1 || pr.FailureThreshold != 3 {
				t.Errorf("probe timings = %d %d %d %d", pr.TimeoutSeconds, pr.PeriodSeconds, pr.SuccessThreshold, pr.FailureThreshold)
			}
			if pr.HTTPGet.Path != "/" || pr.HTTPGet.Scheme != URISchemeHTTP {
				t.Errorf("httpGet = %q %q, want / HTTP", pr.HTTPGet.Path, pr.HTTPGet.Scheme)
			}
		}},
		{"limits without requests are copied into requests", func(p *Pod) {
			p.Spec.Containers[0].Resources.Limits = ResourceList{ResourceCPU: resource.MustParse("500m")}
		}, func(t *testing.T, pod *Pod) {
			req := pod.Spec.Containers[0].Resources.Requests
			if q, ok := req[ResourceCPU]; !ok || q.String() != "500m" {
				t.Errorf("requests = %v, want cpu 500m", req)
			}
		}},
		{"an explicit request is not overwritten by the limit", func(p *Pod) {
			p.Spec.Containers[0].Resources = ResourceRequirements{
				Limits:   ResourceList{ResourceMemory: resource.MustParse("1Gi")},
				Requests: ResourceList{ResourceMemory: resource.MustParse("512Mi")},
			}
		}, func(t *testing.T, pod *Pod) {
			if q := pod.Spec.Containers[0].Resources.Requests[ResourceMemory]; q.String() != "512Mi" {
				t.Errorf("memory request = %s, want 512Mi", q.String())
			}
		}},
		{"env field references default to apiVersion v1", func(p *Pod) {
			p.Spec.Containers[0].Env = []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{FieldPath: "metadata.name"}}}}
		}, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.Containers[0].Env[0].ValueFrom.FieldRef.APIVersion; got != "v1" {
				t.Errorf("fieldRef.apiVersion = %q, want v1", got)
			}
		}},
		{"a volume without a source becomes an emptyDir", func(p *Pod) { p.Spec.Volumes = []Volume{{Name: "v"}} }, func(t *testing.T, pod *Pod) {
			if pod.Spec.Volumes[0].EmptyDir == nil {
				t.Errorf("volume source = %+v, want emptyDir", pod.Spec.Volumes[0].VolumeSource)
			}
		}},
		{"secret, configMap and downwardAPI volumes get mode 0644", func(p *Pod) {
			p.Spec.Volumes = []Volume{
				{Name: "s", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{SecretName: "s"}}},
				{Name: "c", VolumeSource: VolumeSource{ConfigMap: &ConfigMapVolumeSource{LocalObjectReference: LocalObjectReference{Name: "c"}}}},
				{Name: "d", VolumeSource: VolumeSource{DownwardAPI: &DownwardAPIVolumeSource{}}},
			}
		}, func(t *testing.T, pod *Pod) {
			v := pod.Spec.Volumes
			for _, m := range []*int32{v[0].Secret.DefaultMode, v[1].ConfigMap.DefaultMode, v[2].DownwardAPI.DefaultMode} {
				if m == nil || *m != 0644 {
					t.Errorf("defaultMode = %v, want 0644", m)
				}
			}
		}},
		{"projected service account tokens last an hour", func(p *Pod) {
			p.Spec.Volumes = []Volume{{Name: "t", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{
				Sources: []VolumeProjection{{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token"}}},
			}}}}
		}, func(t *testing.T, pod *Pod) {
			pv := pod.Spec.Volumes[0].Projected
			if pv.DefaultMode == nil || *pv.DefaultMode != 0644 {
				t.Errorf("projected defaultMode = %v, want 0644", pv.DefaultMode)
			}
			if e := pv.Sources[0].ServiceAccountToken.ExpirationSeconds; e == nil || *e != 3600 {
				t.Errorf("expirationSeconds = %v, want 3600", e)
			}
		}},
		{"hostPath volumes get an empty type", func(p *Pod) {
			p.Spec.Volumes = []Volume{{Name: "h", VolumeSource: VolumeSource{HostPath: &HostPathVolumeSource{Path: "/tmp"}}}}
		}, func(t *testing.T, pod *Pod) {
			if ty := pod.Spec.Volumes[0].HostPath.Type; ty == nil || *ty != HostPathUnset {
				t.Errorf("hostPath.type = %v, want \"\"", ty)
			}
		}},
		{"a negative grace period becomes one second", func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = ptrTo(int64(-5)) }, func(t *testing.T, pod *Pod) {
			if g := pod.Spec.TerminationGracePeriodSeconds; g == nil || *g != 1 {
				t.Errorf("terminationGracePeriodSeconds = %v, want 1", g)
			}
		}},
		{"init and ephemeral containers get container defaults", func(p *Pod) {
			p.Spec.InitContainers = []Container{{Name: "i", Image: "busybox"}}
			p.Spec.EphemeralContainers = []EphemeralContainer{{EphemeralContainerCommon: EphemeralContainerCommon{Name: "e", Image: "busybox:1"}}}
		}, func(t *testing.T, pod *Pod) {
			if got := pod.Spec.InitContainers[0].ImagePullPolicy; got != PullAlways {
				t.Errorf("init imagePullPolicy = %q, want Always", got)
			}
			if got := pod.Spec.EphemeralContainers[0].TerminationMessagePolicy; got != TerminationMessageReadFile {
				t.Errorf("ephemeral terminationMessagePolicy = %q, want File", got)
			}
		}},
		{"the deprecated serviceAccount fills serviceAccountName and mirrors it", func(p *Pod) {
			p.Spec.DeprecatedServiceAccount = "builder"
		}, func(t *testing.T, pod *Pod) {
			if pod.Spec.ServiceAccountName != "builder" || pod.Spec.DeprecatedServiceAccount != "builder" {
				t.Errorf("serviceAccountName=%q serviceAccount=%q", pod.Spec.ServiceAccountName, pod.Spec.DeprecatedServiceAccount)
			}
		}},
		{"podIP fills podIPs and wins when they differ", func(p *Pod) {
			p.Status.PodIP = "10.0.0.2"
			p.Status.PodIPs = []PodIP{{IP: "10.0.0.9"}}
			p.Status.HostIPs = []HostIP{{IP: "192.168.1.1"}}
		}, func(t *testing.T, pod *Pod) {
			if len(pod.Status.PodIPs) != 1 || pod.Status.PodIPs[0].IP != "10.0.0.2" {
				t.Errorf("podIPs = %v, want [10.0.0.2]", pod.Status.PodIPs)
			}
			if pod.Status.HostIP != "192.168.1.1" {
				t.Errorf("hostIP = %q, want the first hostIPs entry", pod.Status.HostIP)
			}
		}},
		{"resource amounts are rounded up to milli precision", func(p *Pod) {
			p.Spec.Containers[0].Resources.Limits = ResourceList{ResourceCPU: resource.MustParse("0.0001")}
		}, func(t *testing.T, pod *Pod) {
			if q := pod.Spec.Containers[0].Resources.Limits[ResourceCPU]; q.String() != "1m" {
				t.Errorf("cpu limit = %s, want 1m", q.String())
			}
		}},
		{"pod-level limits default pod-level requests when no container requests", func(p *Pod) {
			p.Spec.Resources = &ResourceRequirements{Limits: ResourceList{ResourceCPU: resource.MustParse("1")}}
		}, func(t *testing.T, pod *Pod) {
			if q, ok := pod.Spec.Resources.Requests[ResourceCPU]; !ok || q.String() != "1" {
				t.Errorf("pod requests = %v, want cpu 1", pod.Spec.Resources.Requests)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, defaultedPod(tt.mutate))
		})
	}
}

func TestPodTemplateDefaultsSkipPodOnlyDefaults(t *testing.T) {
	tmpl := &PodTemplate{Template: PodTemplateSpec{Spec: PodSpec{
		Containers: []Container{{Name: "c", Image: "x", Resources: ResourceRequirements{Limits: ResourceList{ResourceCPU: resource.MustParse("1")}}}},
	}}}
	SetObjectDefaults_PodTemplate(tmpl)
	spec := tmpl.Template.Spec
	if spec.RestartPolicy != RestartPolicyAlways || spec.Containers[0].ImagePullPolicy != PullAlways {
		t.Errorf("template spec defaults missing: restartPolicy=%q pull=%q", spec.RestartPolicy, spec.Containers[0].ImagePullPolicy)
	}
	if spec.EnableServiceLinks != nil {
		t.Errorf("enableServiceLinks = %v, want unset in templates", *spec.EnableServiceLinks)
	}
	if spec.Containers[0].Resources.Requests != nil {
		t.Errorf("requests = %v, want unset in templates", spec.Containers[0].Resources.Requests)
	}
}

func TestSchemeDefaultsPodsThroughRegisteredHooks(t *testing.T) {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		t.Fatalf("AddToScheme: %v", err)
	}
	pod := &Pod{Spec: PodSpec{Containers: []Container{{Name: "c", Image: "x:1"}}}}
	s.Default(pod)
	if pod.Spec.DNSPolicy != DNSClusterFirst || pod.Spec.Containers[0].ImagePullPolicy != PullIfNotPresent {
		t.Errorf("scheme defaulting did not run: dnsPolicy=%q pull=%q", pod.Spec.DNSPolicy, pod.Spec.Containers[0].ImagePullPolicy)
	}
	list := &PodList{Items: []Pod{{Spec: PodSpec{Containers: []Container{{Name: "c", Image: "x"}}}}}}
	s.Default(list)
	if list.Items[0].Spec.RestartPolicy != RestartPolicyAlways {
		t.Errorf("list item not defaulted")
	}
}
