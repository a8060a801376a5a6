package status

import (
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func run(id, name string, restarts int32) Container {
	return Container{ID: id, Name: name, State: runtimeapi.ContainerState_CONTAINER_RUNNING, StartedAt: t0, RestartCount: restarts, ImageRef: "sha256:abc"}
}

func dead(id, name string, code int32, reason string, restarts int32) Container {
	return Container{ID: id, Name: name, State: runtimeapi.ContainerState_CONTAINER_EXITED, StartedAt: t0, FinishedAt: t0.Add(time.Second),
		ExitCode: code, Reason: reason, RestartCount: restarts}
}

func pod(policy corev1.RestartPolicy, init []string, apps ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u"}, Spec: corev1.PodSpec{RestartPolicy: policy}}
	for _, n := range init {
		p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: n, Image: "img"})
	}
	for _, n := range apps {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: n, Image: "img"})
	}
	return p
}

func insts(cs ...Container) []Container { return cs }

func TestCompute(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	sidecarPod := pod(corev1.RestartPolicyNever, []string{"side"}, "app")
	sidecarPod.Spec.InitContainers[0].RestartPolicy = &always
	guaranteed := pod(corev1.RestartPolicyAlways, nil, "app")
	guaranteed.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi")}
	guaranteed.Spec.Containers[0].Resources.Requests = guaranteed.Spec.Containers[0].Resources.Limits

	cases := []struct {
		name       string
		pod        *corev1.Pod
		in         Input
		phase      corev1.PodPhase
		ready      corev1.ConditionStatus
		initd      corev1.ConditionStatus
		check      string // container to inspect
		state      string // waiting reason, "running", or terminated reason
		restarts   int32
		lastReason string
		qos        corev1.PodQOSClass
	}{
		{name: "a pod without any container instance is pending and creating", pod: pod(corev1.RestartPolicyAlways, nil, "app"),
			in: Input{}, phase: corev1.PodPending, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "app", state: "ContainerCreating"},
		{name: "a pod with init containers shows PodInitializing for apps", pod: pod(corev1.RestartPolicyAlways, []string{"init"}, "app"),
			in: Input{Containers: map[string][]Container{"init": insts(run("i1", "init", 0))}}, phase: corev1.PodPending, ready: corev1.ConditionFalse, initd: corev1.ConditionFalse, check: "app", state: "PodInitializing"},
		{name: "a running container makes the pod running and ready", pod: pod(corev1.RestartPolicyAlways, nil, "app"),
			in: Input{Containers: map[string][]Container{"app": insts(run("c1", "app", 0))}, Ready: map[string]bool{"c1": true}}, phase: corev1.PodRunning, ready: corev1.ConditionTrue, initd: corev1.ConditionTrue, check: "app", state: "running"},
		{name: "an unready running container keeps Ready false", pod: pod(corev1.RestartPolicyAlways, nil, "app"),
			in: Input{Containers: map[string][]Container{"app": insts(run("c1", "app", 0))}}, phase: corev1.PodRunning, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "app", state: "running"},
		{name: "all containers completing with Never succeeds", pod: pod(corev1.RestartPolicyNever, nil, "a", "b"),
			in: Input{Containers: map[string][]Container{"a": insts(dead("c1", "a", 0, "", 0)), "b": insts(dead("c2", "b", 0, "Completed", 0))}}, phase: corev1.PodSucceeded, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "Completed"},
		{name: "a failed container with Never fails the pod", pod: pod(corev1.RestartPolicyNever, nil, "a", "b"),
			in: Input{Containers: map[string][]Container{"a": insts(dead("c1", "a", 0, "", 0)), "b": insts(dead("c2", "b", 2, "", 0))}}, phase: corev1.PodFailed, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "b", state: "Error"},
		{name: "a failed container with OnFailure keeps the pod running", pod: pod(corev1.RestartPolicyOnFailure, nil, "a"),
			in: Input{Containers: map[string][]Container{"a": insts(dead("c1", "a", 1, "", 0))}}, phase: corev1.PodRunning, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "Error"},
		{name: "successful containers with OnFailure succeed", pod: pod(corev1.RestartPolicyOnFailure, nil, "a"),
			in: Input{Containers: map[string][]Container{"a": insts(dead("c1", "a", 0, "", 0))}}, phase: corev1.PodSucceeded, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "Completed"},
		{name: "exited containers with Always keep the pod running", pod: pod(corev1.RestartPolicyAlways, nil, "a"),
			in: Input{Containers: map[string][]Container{"a": insts(dead("c1", "a", 0, "", 0))}}, phase: corev1.PodRunning, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "Completed"},
		{name: "a crash-looping container waits with CrashLoopBackOff and its last state", pod: pod(corev1.RestartPolicyAlways, nil, "a"),
			in:    Input{Containers: map[string][]Container{"a": insts(dead("c3", "a", 1, "", 2), dead("c2", "a", 1, "", 1))}, Waiting: map[string]Waiting{"a": {Reason: "CrashLoopBackOff", Message: "back-off 20s"}}},
			phase: corev1.PodRunning, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "CrashLoopBackOff", restarts: 2, lastReason: "Error"},
		{name: "a restarted running container reports its previous termination", pod: pod(corev1.RestartPolicyAlways, nil, "a"),
			in:    Input{Containers: map[string][]Container{"a": insts(run("c2", "a", 1), dead("c1", "a", 137, "OOMKilled", 0))}, Ready: map[string]bool{"c2": true}},
			phase: corev1.PodRunning, ready: corev1.ConditionTrue, initd: corev1.ConditionTrue, check: "a", state: "running", restarts: 1, lastReason: "OOMKilled"},
		{name: "an OOM-killed container with Never fails the pod", pod: pod(corev1.RestartPolicyNever, nil, "a"),
			in: Input{Containers: map[string][]Container{"a": insts(dead("c1", "a", 137, "OOMKilled", 0))}}, phase: corev1.PodFailed, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "OOMKilled"},
		{name: "an image pull error shows as waiting ErrImagePull", pod: pod(corev1.RestartPolicyAlways, nil, "a"),
			in: Input{Waiting: map[string]Waiting{"a": {Reason: "ErrImagePull"}}}, phase: corev1.PodPending, ready: corev1.ConditionFalse, initd: corev1.ConditionTrue, check: "a", state: "ErrImagePull"},
		{name: "a failed init container with Never fails the pod", pod: pod(corev1.RestartPolicyNever, []string{"init"}, "app"),
			in: Input{Containers: map[string][]Container{"init": insts(dead("i1", "init", 1, "", 0))}}, phase: corev1.PodFailed, ready: corev1.ConditionFalse, initd: corev1.ConditionFalse, check: "init", state: "Error"},
		{name: "a failed init container with Always keeps the pod pending", pod: pod(corev1.RestartPolicyAlways, []string{"init"}, "app"),
			in: Input{Containers: map[string][]Container{"init": insts(dead("i1", "init", 1, "", 0))}}, phase: corev1.PodPending, ready: corev1.ConditionFalse, initd: corev1.ConditionFalse, check: "init", state: "Error"},
		{name: "completed init containers initialize the pod", pod: pod(corev1.RestartPolicyAlways, []string{"init"}, "app"),
			in:    Input{Containers: map[string][]Container{"init": insts(dead("i1", "init", 0, "", 0)), "app": insts(run("c1", "app", 0))}, Ready: map[string]bool{"c1": true}},
			phase: corev1.PodRunning, ready: corev1.ConditionTrue, initd: corev1.ConditionTrue, check: "init", state: "Completed"},
		{name: "a running started sidecar counts as initialized", pod: sidecarPod,
			in:    Input{Containers: map[string][]Container{"side": insts(run("s1", "side", 0)), "app": insts(run("c1", "app", 0))}, Ready: map[string]bool{"s1": true, "c1": true}},
			phase: corev1.PodRunning, ready: corev1.ConditionTrue, initd: corev1.ConditionTrue, check: "side", state: "running"},
		{name: "a sidecar whose startup probe has not passed keeps the pod initializing", pod: sidecarPod,
			in:    Input{Containers: map[string][]Container{"side": insts(run("s1", "side", 0))}, Started: map[string]bool{"s1": false}},
			phase: corev1.PodPending, ready: corev1.ConditionFalse, initd: corev1.ConditionFalse, check: "side", state: "running"},
		{name: "a guaranteed pod reports its QoS class", pod: guaranteed,
			in:    Input{Containers: map[string][]Container{"app": insts(run("c1", "app", 0))}, Ready: map[string]bool{"c1": true}},
			phase: corev1.PodRunning, ready: corev1.ConditionTrue, initd: corev1.ConditionTrue, check: "app", state: "running", qos: corev1.PodQOSGuaranteed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Now = t0
			tc.in.RuntimeName = "containerd"
			tc.in.SandboxReady = true
			tc.in.PodIPs = []string{"10.0.0.5"}
			tc.in.HostIPs = []string{"192.168.0.2"}
			st := Compute(tc.pod, tc.in)
			if st.Phase != tc.phase {
				t.Errorf("phase = %s, want %s", st.Phase, tc.phase)
			}
			if _, c := corev1.GetPodCondition(&st, corev1.PodReady); c == nil || c.Status != tc.ready {
				t.Errorf("Ready = %+v, want %s", c, tc.ready)
			}
			if _, c := corev1.GetPodCondition(&st, corev1.PodInitialized); c == nil || c.Status != tc.initd {
				t.Errorf("Initialized = %+v, want %s", c, tc.initd)
			}
			var cs *corev1.ContainerStatus
			for _, l := range [][]corev1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
				for i := range l {
					if l[i].Name == tc.check {
						cs = &l[i]
					}
				}
			}
			if cs == nil {
				t.Fatalf("no status for %s", tc.check)
			}
			got := ""
			switch {
			case cs.State.Running != nil:
				got = "running"
			case cs.State.Waiting != nil:
				got = cs.State.Waiting.Reason
			case cs.State.Terminated != nil:
				got = cs.State.Terminated.Reason
			}
			if got != tc.state {
				t.Errorf("state = %q, want %q", got, tc.state)
			}
			if cs.RestartCount != tc.restarts {
				t.Errorf("restartCount = %d, want %d", cs.RestartCount, tc.restarts)
			}
			lr := ""
			if cs.LastTerminationState.Terminated != nil {
				lr = cs.LastTerminationState.Terminated.Reason
			}
			if lr != tc.lastReason {
				t.Errorf("lastState reason = %q, want %q", lr, tc.lastReason)
			}
			want := tc.qos
			if want == "" {
				want = corev1.PodQOSBestEffort
			}
			if st.QOSClass != want {
				t.Errorf("qosClass = %s, want %s", st.QOSClass, want)
			}
			if st.PodIP != "10.0.0.5" || st.HostIP != "192.168.0.2" || st.StartTime == nil {
				t.Errorf("podIP/hostIP/startTime = %q %q %v", st.PodIP, st.HostIP, st.StartTime)
			}
		})
	}
}

func TestConditionTransitionTimesArePreserved(t *testing.T) {
	p := pod(corev1.RestartPolicyAlways, nil, "app")
	earlier := metav1.NewTime(t0.Add(-time.Hour))
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: earlier},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: earlier}}
	st := Compute(p, Input{Now: t0, Containers: map[string][]Container{"app": insts(run("c1", "app", 0))}})
	_, r := corev1.GetPodCondition(&st, corev1.PodReady)
	if !r.LastTransitionTime.Time.Equal(earlier.Time) {
		t.Errorf("unchanged Ready lost its transition time: %v", r.LastTransitionTime)
	}
	st2 := Compute(p, Input{Now: t0, Containers: map[string][]Container{"app": insts(run("c1", "app", 0))}, Ready: map[string]bool{"c1": true}})
	_, r = corev1.GetPodCondition(&st2, corev1.PodReady)
	if r.Status != corev1.ConditionTrue || !r.LastTransitionTime.Time.Equal(t0) {
		t.Errorf("Ready transition = %+v", r)
	}
	if _, s := corev1.GetPodCondition(&st2, corev1.PodScheduled); s == nil || !s.LastTransitionTime.Time.Equal(earlier.Time) {
		t.Errorf("PodScheduled = %+v", s)
	}
	if cs := st2.ContainerStatuses[0]; cs.ContainerID != "containerd://c1" || cs.ImageID != "sha256:abc" || cs.Image != "img" {
		t.Errorf("ids = %q %q %q", cs.ContainerID, cs.ImageID, cs.Image)
	}
}
