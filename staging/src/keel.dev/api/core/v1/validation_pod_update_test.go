package v1

import (
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
)

// storedPod returns a valid pod as the store would hold it.
func storedPod() *Pod {
	p := validPod()
	p.ResourceVersion = "5"
	p.UID = "uid-1"
	return p
}

func TestValidatePodUpdate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Pod)
		want   []string
	}{
		{"an unchanged pod is valid", func(*Pod) {}, nil},
		{"changing a container image is allowed", func(p *Pod) { p.Spec.Containers[0].Image = "busybox:1.36" }, nil},
		{"labels may change", func(p *Pod) { p.Labels = map[string]string{"app": "web"} }, nil},
		{"adding a toleration is allowed", func(p *Pod) {
			p.Spec.Tolerations = append(p.Spec.Tolerations, Toleration{Key: "k", Operator: TolerationOpExists})
		}, nil},
		{"setting activeDeadlineSeconds is allowed", func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptrTo(int64(60)) }, nil},
		{"changing another spec field is forbidden with Kubernetes' message", func(p *Pod) { p.Spec.RestartPolicy = RestartPolicyNever },
			[]string{"spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"}},
		{"adding a container is forbidden", func(p *Pod) {
			c := p.Spec.Containers[0]
			c.Name = "other"
			p.Spec.Containers = append(p.Spec.Containers, c)
		}, []string{"spec.containers: Forbidden: pod updates may not add or remove containers"}},
		{"removing an image is rejected", func(p *Pod) { p.Spec.Containers[0].Image = "" },
			[]string{"spec.containers[0].image: Required value", "spec.containers[0].image: Required value"}},
		{"adding a scheduling gate is forbidden", func(p *Pod) { p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/g"}} },
			[]string{"spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/g'"}},
		{"changing the namespace is forbidden", func(p *Pod) { p.Namespace = "other" },
			[]string{"metadata.namespace: Invalid value: \"other\": field is immutable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := storedPod()
			updated := old.DeepCopy()
			tt.mutate(updated)
			checkErrors(t, ValidatePodUpdate(updated, old), tt.want)
		})
	}
}

func TestValidatePodUpdateActiveDeadlineSeconds(t *testing.T) {
	tests := []struct {
		name     string
		old, new *int64
		want     []string
	}{
		{"lowering the deadline is allowed", ptrTo(int64(100)), ptrTo(int64(50)), nil},
		{"raising the deadline is rejected", ptrTo(int64(50)), ptrTo(int64(100)),
			[]string{"spec.activeDeadlineSeconds: Invalid value: 100: must be less than or equal to previous value"}},
		{"clearing the deadline is rejected", ptrTo(int64(50)), nil,
			[]string{"spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := storedPod()
			old.Spec.ActiveDeadlineSeconds = tt.old
			updated := old.DeepCopy()
			updated.Spec.ActiveDeadlineSeconds = tt.new
			checkErrors(t, ValidatePodUpdate(updated, old), tt.want)
		})
	}
}

func TestValidatePodUpdateRemovingSchedulingGatesAndAddingNodeSelector(t *testing.T) {
	old := storedPod()
	old.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/a"}, {Name: "example.com/b"}}
	old.Spec.NodeSelector = map[string]string{"zone": "a"}
	updated := old.DeepCopy()
	updated.Spec.SchedulingGates = updated.Spec.SchedulingGates[1:]
	updated.Spec.NodeSelector["disk"] = "ssd"
	checkErrors(t, ValidatePodUpdate(updated, old), nil)

	updated.Spec.NodeSelector["zone"] = "b"
	checkErrors(t, ValidatePodUpdate(updated, old), []string{"spec.nodeSelector: Invalid value:"})
}

func TestValidatePodStatusUpdate(t *testing.T) {
	tests := []struct {
		name   string
		policy RestartPolicy
		mutate func(*Pod)
		want   []string
	}{
		{"reporting a running container is valid", RestartPolicyNever, func(p *Pod) {
			p.Status.Phase = PodRunning
			p.Status.PodIP = "10.0.0.5"
			p.Status.PodIPs = []PodIP{{IP: "10.0.0.5"}}
		}, nil},
		{"the node name cannot change through status", RestartPolicyAlways, func(p *Pod) { p.Spec.NodeName = "n2" },
			[]string{"status.nodeName: Forbidden: may not be changed directly"}},
		{"an invalid pod IP is rejected", RestartPolicyAlways, func(p *Pod) { p.Status.PodIPs = []PodIP{{IP: "not-an-ip"}} },
			[]string{`status.podIPs[0]: Invalid value: "not-an-ip"`}},
		{"a terminated container of a Never pod cannot run again", RestartPolicyNever, func(p *Pod) {
			p.Status.ContainerStatuses = []ContainerStatus{{Name: "c", State: ContainerState{Running: &ContainerStateRunning{}}}}
		}, []string{"status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"}},
		{"a failed container of an OnFailure pod may run again", RestartPolicyOnFailure, func(p *Pod) {
			p.Status.ContainerStatuses = []ContainerStatus{{Name: "c", State: ContainerState{Running: &ContainerStateRunning{}}}}
		}, nil},
		{"the QoS class is immutable", RestartPolicyAlways, func(p *Pod) { p.Status.QOSClass = PodQOSGuaranteed },
			[]string{`status.qosClass: Invalid value: "Guaranteed": field is immutable`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := storedPod()
			old.Spec.RestartPolicy = tt.policy
			old.Spec.NodeName = "n1"
			old.Status.QOSClass = PodQOSBestEffort
			old.Status.ContainerStatuses = []ContainerStatus{{Name: "c", State: ContainerState{Terminated: &ContainerStateTerminated{ExitCode: 1}}}}
			updated := old.DeepCopy()
			tt.mutate(updated)
			checkErrors(t, ValidatePodStatusUpdate(updated, old), tt.want)
		})
	}
}

func TestSchemeValidatesPodsOnCreateAndUpdate(t *testing.T) {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		t.Fatalf("AddToScheme: %v", err)
	}
	bad := &Pod{}
	bad.Name, bad.Namespace = "p", "default"
	s.Default(bad)
	errs := s.Validate(bad, nil)
	if len(errs) != 1 || errs[0].Error() != "spec.containers: Required value" {
		t.Errorf("create errors = %v, want only spec.containers: Required value", errs)
	}
	old := storedPod()
	updated := old.DeepCopy()
	updated.Spec.Hostname = "changed"
	errs = s.Validate(updated, old)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "spec: Forbidden: pod updates may not change fields") {
		t.Errorf("update errors = %v, want the immutable spec error", errs)
	}
	tmpl := &PodTemplate{}
	tmpl.Name, tmpl.Namespace = "t", "default"
	s.Default(tmpl)
	errs = s.Validate(tmpl, nil)
	if len(errs) != 1 || errs[0].Error() != "template.spec.containers: Required value" {
		t.Errorf("pod template errors = %v", errs)
	}
}

func TestValidatePodEphemeralContainersUpdate(t *testing.T) {
	debug := EphemeralContainer{EphemeralContainerCommon: EphemeralContainerCommon{
		Name: "debug", Image: "busybox", ImagePullPolicy: PullAlways, TerminationMessagePolicy: TerminationMessageReadFile,
	}, TargetContainerName: "c"}
	tests := []struct {
		name   string
		old    []EphemeralContainer
		mutate func(*Pod)
		want   []string
	}{
		{"adding an ephemeral container is allowed", nil, func(p *Pod) {
			p.Spec.EphemeralContainers = []EphemeralContainer{debug}
		}, nil},
		{"an ephemeral container may not declare ports or probes", nil, func(p *Pod) {
			ec := debug
			ec.Ports = []ContainerPort{{ContainerPort: 80, Protocol: ProtocolTCP}}
			ec.ReadinessProbe = &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}}
			p.Spec.EphemeralContainers = []EphemeralContainer{ec}
		}, []string{
			"spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
			"spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container",
		}},
		{"an ephemeral container must target an existing container", nil, func(p *Pod) {
			ec := debug
			ec.TargetContainerName = "nope"
			p.Spec.EphemeralContainers = []EphemeralContainer{ec}
		}, []string{`spec.ephemeralContainers[0].targetContainerName: Not found: "nope"`}},
		{"an existing ephemeral container may not be removed", []EphemeralContainer{debug}, func(p *Pod) {
			p.Spec.EphemeralContainers = nil
		}, []string{`spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be removed`}},
		{"an ephemeral container may not reuse a container name", nil, func(p *Pod) {
			ec := debug
			ec.Name = "c"
			p.Spec.EphemeralContainers = []EphemeralContainer{ec}
		}, []string{`spec.ephemeralContainers[0].name: Duplicate value: "c"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := storedPod()
			old.Spec.EphemeralContainers = tt.old
			updated := old.DeepCopy()
			tt.mutate(updated)
			checkErrors(t, ValidatePodEphemeralContainersUpdate(updated, old), tt.want)
		})
	}
}
