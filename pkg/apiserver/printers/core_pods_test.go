package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

// Appendix B of KUBECTL.md: the real server's pods Table for a pending pod.
func TestPodTableMatchesTheRealServer(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p1", Namespace: "kcompat-probe", ResourceVersion: "16386", CreationTimestamp: ago(2 * time.Second)},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "p1", Image: "busybox"}}},
		Status:     corev1.PodStatus{Phase: corev1.PodPending},
	}
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "16387"}, Items: []corev1.Pod{*pod}}
	table := convert(t, core("pods"), list)
	wantCols := []columnShape{
		{"Name", "string", "name", 0},
		{"Ready", "string", "", 0},
		{"Status", "string", "", 0},
		{"Restarts", "string", "", 0},
		{"Age", "string", "", 0},
		{"IP", "string", "", 1},
		{"Node", "string", "", 1},
		{"Nominated Node", "string", "", 1},
		{"Readiness Gates", "string", "", 1},
	}
	if diff := cmp.Diff(wantCols, shapes(table.ColumnDefinitions)); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	for _, c := range table.ColumnDefinitions {
		if c.Description == "" {
			t.Errorf("column %q has no description", c.Name)
		}
	}
	want := []any{"p1", "0/1", "Pending", "0", "2s", "<none>", "<none>", "<none>", "<none>"}
	if diff := cmp.Diff(want, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if table.ResourceVersion != "16387" {
		t.Errorf("resourceVersion = %q, want 16387", table.ResourceVersion)
	}
	if table.Rows[0].Conditions != nil {
		t.Errorf("pending pod has row conditions %+v", table.Rows[0].Conditions)
	}
}

func running() corev1.ContainerState {
	return corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ago(time.Hour)}}
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func terminated(reason string, code, signal int32) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code, Signal: signal}}
}

// podWith builds a pod with one container per status and the given init
// containers (sidecars are named "sidecar*").
func podWith(phase corev1.PodPhase, inits []corev1.ContainerStatus, statuses []corev1.ContainerStatus) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", CreationTimestamp: ago(time.Hour)},
		Status:     corev1.PodStatus{Phase: phase, InitContainerStatuses: inits, ContainerStatuses: statuses},
	}
	for _, s := range inits {
		c := corev1.Container{Name: s.Name}
		if len(s.Name) >= 7 && s.Name[:7] == "sidecar" {
			c.RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
		}
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, c)
	}
	for _, s := range statuses {
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: s.Name})
	}
	if len(statuses) == 0 {
		pod.Spec.Containers = []corev1.Container{{Name: "main"}}
	}
	return pod
}

func withCondition(pod *corev1.Pod, t corev1.PodConditionType, s corev1.ConditionStatus, reason string) *corev1.Pod {
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: t, Status: s, Reason: reason})
	return pod
}

func deleting(pod *corev1.Pod) *corev1.Pod {
	pod.DeletionTimestamp = agoPtr(time.Second)
	return pod
}

func TestPodStatusColumn(t *testing.T) {
	main := func(st corev1.ContainerState, ready bool) corev1.ContainerStatus {
		return corev1.ContainerStatus{Name: "main", State: st, Ready: ready}
	}
	named := func(name string, st corev1.ContainerState, ready bool) corev1.ContainerStatus {
		return corev1.ContainerStatus{Name: name, State: st, Ready: ready}
	}
	evicted := podWith(corev1.PodFailed, nil, nil)
	evicted.Status.Reason = "Evicted"
	nodeLost := podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{main(running(), true)})
	nodeLost.Status.Reason = "NodeLost"
	sidecar := named("sidecar", running(), true)
	sidecar.Started = ptr(true)

	cases := []struct {
		name        string
		pod         *corev1.Pod
		ready, want string
	}{
		{"a pending pod without statuses shows Pending", podWith(corev1.PodPending, nil, nil), "0/1", "Pending"},
		{"a running ready container shows Running", podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{main(running(), true)}), "1/1", "Running"},
		{"a running unready container still shows Running", podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{main(running(), false)}), "0/1", "Running"},
		{"a container being created shows ContainerCreating", podWith(corev1.PodPending, nil, []corev1.ContainerStatus{main(waiting("ContainerCreating"), false)}), "0/1", "ContainerCreating"},
		{"a crashing container shows CrashLoopBackOff", podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{main(waiting("CrashLoopBackOff"), false)}), "0/1", "CrashLoopBackOff"},
		{"a failed pull shows ErrImagePull", podWith(corev1.PodPending, nil, []corev1.ContainerStatus{main(waiting("ErrImagePull"), false)}), "0/1", "ErrImagePull"},
		{"a pull back-off shows ImagePullBackOff", podWith(corev1.PodPending, nil, []corev1.ContainerStatus{main(waiting("ImagePullBackOff"), false)}), "0/1", "ImagePullBackOff"},
		{"a succeeded pod shows Completed", podWith(corev1.PodSucceeded, nil, []corev1.ContainerStatus{main(terminated("Completed", 0, 0), false)}), "0/1", "Completed"},
		{"a failed container shows Error", podWith(corev1.PodFailed, nil, []corev1.ContainerStatus{main(terminated("Error", 1, 0), false)}), "0/1", "Error"},
		{"an out-of-memory kill shows OOMKilled", podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{main(terminated("OOMKilled", 137, 0), false)}), "0/1", "OOMKilled"},
		{"a termination without reason shows the exit code", podWith(corev1.PodFailed, nil, []corev1.ContainerStatus{main(terminated("", 2, 0), false)}), "0/1", "ExitCode:2"},
		{"a termination by signal without reason shows the signal", podWith(corev1.PodFailed, nil, []corev1.ContainerStatus{main(terminated("", 0, 9), false)}), "0/1", "Signal:9"},
		{"an init container not yet started shows Init:0/1", podWith(corev1.PodPending, []corev1.ContainerStatus{named("init", waiting("PodInitializing"), false)}, []corev1.ContainerStatus{main(waiting("PodInitializing"), false)}), "0/1", "Init:0/1"},
		{"the second of two init containers running shows Init:1/2", podWith(corev1.PodPending, []corev1.ContainerStatus{named("i1", terminated("Completed", 0, 0), false), named("i2", running(), false)}, []corev1.ContainerStatus{main(waiting("PodInitializing"), false)}), "0/1", "Init:1/2"},
		{"a failed init container shows Init:Error", podWith(corev1.PodPending, []corev1.ContainerStatus{named("init", terminated("Error", 1, 0), false)}, []corev1.ContainerStatus{main(waiting("PodInitializing"), false)}), "0/1", "Init:Error"},
		{"a crashing init container shows Init:CrashLoopBackOff", podWith(corev1.PodPending, []corev1.ContainerStatus{named("init", waiting("CrashLoopBackOff"), false)}, nil), "0/1", "Init:CrashLoopBackOff"},
		{"an init container failing without reason shows Init:ExitCode", podWith(corev1.PodPending, []corev1.ContainerStatus{named("init", terminated("", 3, 0), false)}, nil), "0/1", "Init:ExitCode:3"},
		{"an init container killed by a signal shows Init:Signal", podWith(corev1.PodPending, []corev1.ContainerStatus{named("init", terminated("", 143, 15), false)}, nil), "0/1", "Init:Signal:15"},
		{"finished init containers and a waiting main container show PodInitializing", podWith(corev1.PodPending, []corev1.ContainerStatus{named("init", terminated("Completed", 0, 0), false)}, []corev1.ContainerStatus{main(waiting("PodInitializing"), false)}), "0/1", "PodInitializing"},
		{"a deleted running pod shows Terminating", deleting(podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{main(running(), true)})), "1/1", "Terminating"},
		{"a deleted succeeded pod keeps Completed", deleting(podWith(corev1.PodSucceeded, nil, []corev1.ContainerStatus{main(terminated("Completed", 0, 0), false)})), "0/1", "Completed"},
		{"a deleted pod on a lost node shows Unknown", deleting(nodeLost.DeepCopy()), "1/1", "Unknown"},
		{"a pod on a lost node not yet deleted shows NodeLost", nodeLost, "1/1", "NodeLost"},
		{"an evicted pod shows Evicted", evicted, "0/1", "Evicted"},
		{"a completed container next to a running one shows NotReady without the Ready condition",
			withCondition(podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{named("a", terminated("Completed", 0, 0), false), named("b", running(), true)}), corev1.PodReady, corev1.ConditionFalse, ""),
			"1/2", "NotReady"},
		{"a completed container next to a running one shows Running with the Ready condition",
			withCondition(podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{named("a", terminated("Completed", 0, 0), false), named("b", running(), true)}), corev1.PodReady, corev1.ConditionTrue, ""),
			"1/2", "Running"},
		{"a scheduling-gated pod shows SchedulingGated",
			withCondition(podWith(corev1.PodPending, nil, nil), corev1.PodScheduled, corev1.ConditionFalse, "SchedulingGated"), "0/1", "SchedulingGated"},
		{"a started ready sidecar counts as a ready container",
			withCondition(podWith(corev1.PodRunning, []corev1.ContainerStatus{sidecar}, []corev1.ContainerStatus{main(running(), true)}), corev1.PodInitialized, corev1.ConditionTrue, ""),
			"2/2", "Running"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cells := rowCells(t, core("pods"), tc.pod)
			if cells[1] != tc.ready || cells[2] != tc.want {
				t.Errorf("ready, status = %v, %v; want %s, %s", cells[1], cells[2], tc.ready, tc.want)
			}
		})
	}
}

func TestPodRowConditionsMarkFinishedPods(t *testing.T) {
	cases := []struct {
		name   string
		phase  corev1.PodPhase
		reason string
	}{
		{"a succeeded pod is Completed with reason Succeeded", corev1.PodSucceeded, "Succeeded"},
		{"a failed pod is Completed with reason Failed", corev1.PodFailed, "Failed"},
		{"a running pod has no condition", corev1.PodRunning, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			table := convert(t, core("pods"), podWith(tc.phase, nil, nil))
			conds := table.Rows[0].Conditions
			if tc.reason == "" {
				if len(conds) != 0 {
					t.Errorf("conditions = %+v, want none", conds)
				}
				return
			}
			if len(conds) != 1 || conds[0].Type != metav1.RowCompleted || conds[0].Status != metav1.ConditionTrue || conds[0].Reason != tc.reason {
				t.Errorf("conditions = %+v, want Completed=True reason %s", conds, tc.reason)
			}
		})
	}
}

func TestPodRestartsAndWideColumns(t *testing.T) {
	restarted := podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{
		{Name: "a", State: running(), Ready: true, RestartCount: 2, LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: ago(10 * time.Minute)}}},
		{Name: "b", State: waiting("CrashLoopBackOff"), RestartCount: 1, LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: ago(5 * time.Minute)}}},
	})
	restarted.Spec.NodeName = "node-1"
	restarted.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.7"}, {IP: "fd00::7"}}
	restarted.Status.PodIP = "10.0.0.7"
	restarted.Status.NominatedNodeName = "node-2"
	restarted.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/a"}, {ConditionType: "example.com/b"}}
	restarted.Status.Conditions = []corev1.PodCondition{{Type: "example.com/a", Status: corev1.ConditionTrue}, {Type: "example.com/b", Status: corev1.ConditionFalse}}

	noTime := podWith(corev1.PodRunning, nil, []corev1.ContainerStatus{{Name: "a", State: running(), Ready: true, RestartCount: 4}})

	sidecar := corev1.ContainerStatus{Name: "sidecar", State: running(), Ready: true, Started: ptr(true), RestartCount: 1,
		LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: ago(3 * time.Hour)}}}
	withSidecar := withCondition(podWith(corev1.PodRunning, []corev1.ContainerStatus{sidecar}, []corev1.ContainerStatus{{Name: "a", State: running(), Ready: true}}), corev1.PodInitialized, corev1.ConditionTrue, "")

	runGolden(t, []goldenCase{
		{"restarts sum all containers and show the latest restart", core("pods"), restarted,
			[]any{"p", "1/2", "CrashLoopBackOff", "3 (5m ago)", "60m", "10.0.0.7", "node-1", "node-2", "1/2"}},
		{"restarts without a termination time show only the count", core("pods"), noTime,
			[]any{"p", "1/1", "Running", "4", "60m", "<none>", "<none>", "<none>", "<none>"}},
		{"sidecar restarts count once the pod is initialized", core("pods"), withSidecar,
			[]any{"p", "2/2", "Running", "1 (3h ago)", "60m", "<none>", "<none>", "<none>", "<none>"}},
	})
}
