package kubelet

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/kubelet"
	"keel.dev/keel/pkg/kubelet/cri/critest"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/test/integration/framework"
)

// containerdNode runs a kubelet named node on a private containerd against
// s until the test ends; pods named in mine are deleted through it first.
func containerdNode(t *testing.T, s *framework.TestServer, node string, mine ...string) *typed.Clientset {
	t.Helper()
	rt := critest.PrivateContainerd(t)
	cs := client(t, s)
	root := t.TempDir()
	machine, err := nodestatus.ReadMachine(root)
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cas := x509.NewCertPool()
	cas.AppendCertsFromPEM(s.CAPEM)
	k, err := kubelet.New(kubelet.Config{
		Client: cs, Runtime: rt, RuntimeName: rt.RuntimeName, RootDir: root, PodLogsDir: root + "/logs", Logger: quiet,
		ServerAddress: fmt.Sprintf("127.0.0.1:%d", port), ClientCAs: cas,
		Node: nodestatus.Config{NodeName: node, NodeIP: "127.0.0.1", Machine: machine, UpdateFrequency: time.Second, KubeletPort: int32(port)},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = k.Run(ctx)
	}()
	t.Cleanup(func() {
		zero := int64(0)
		for _, name := range mine {
			_ = cs.CoreV1().Pods("default").Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			resp, err := rt.ListPodSandbox(context.Background(), &runtimeapi.ListPodSandboxRequest{})
			if err != nil || len(resp.Items) == 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		cancel()
		<-done
	})
	eventually(t, "node registered", 30*time.Second, func() (bool, string) {
		n, err := cs.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return n.Status.NodeInfo.ContainerRuntimeVersion != "", n.Status.NodeInfo.ContainerRuntimeVersion
	})
	return cs
}

// busyboxPod is a host-network busybox pod on node running script.
func busyboxPod(name, node, script string) *corev1.Pod {
	grace := int64(1)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec: corev1.PodSpec{NodeName: node, HostNetwork: true, TerminationGracePeriodSeconds: &grace,
			Containers: []corev1.Container{{Name: "main", Image: critest.BusyboxImage, ImagePullPolicy: corev1.PullNever,
				Command: []string{"sh", "-c", script}}}},
	}
}

// podEvents lists the events about pod name as "Type Reason Message" lines.
func podEvents(cs *typed.Clientset, name string) ([]string, error) {
	list, err := cs.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range list.Items {
		if e.InvolvedObject.Kind == "Pod" && e.InvolvedObject.Name == name {
			out = append(out, e.Type+" "+e.Reason+" "+e.Message)
		}
	}
	return out, nil
}

func hasEvent(events []string, prefix string) bool {
	for _, e := range events {
		if strings.HasPrefix(e, prefix) {
			return true
		}
	}
	return false
}

// TestProbeEventsOnContainerd checks, on real containerd, that failing
// liveness and readiness probes reach the API as Kubernetes' Unhealthy and
// Killing events and that the container is restarted. Root only.
func TestProbeEventsOnContainerd(t *testing.T) {
	s := framework.StartTestServer(t)
	const node = "probe-node"
	cs := containerdNode(t, s, node, "flaky", "unready")
	flaky := busyboxPod("flaky", node, "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600")
	flaky.Spec.Containers[0].LivenessProbe = &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
		InitialDelaySeconds: 1, PeriodSeconds: 1, FailureThreshold: 2,
	}
	unready := busyboxPod("unready", node, "exec sleep 3600")
	unready.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"sh", "-c", "echo not-ready-yet; exit 1"}}},
		PeriodSeconds: 1,
	}
	for _, p := range []*corev1.Pod{flaky, unready} {
		if _, err := cs.CoreV1().Pods("default").Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("liveness failure: Unhealthy and Killing events, restart", func(t *testing.T) {
		eventually(t, "flaky restarted", 90*time.Second, func() (bool, string) {
			p, err := cs.CoreV1().Pods("default").Get(context.Background(), "flaky", metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			if len(p.Status.ContainerStatuses) == 0 {
				return false, "no container status"
			}
			c := p.Status.ContainerStatuses[0]
			return c.RestartCount >= 1, fmt.Sprintf("restartCount=%d", c.RestartCount)
		})
		var got []string
		eventually(t, "probe events in the API", 30*time.Second, func() (bool, string) {
			var err error
			if got, err = podEvents(cs, "flaky"); err != nil {
				return false, err.Error()
			}
			return hasEvent(got, "Warning Unhealthy Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory") &&
				hasEvent(got, "Normal Killing Container main failed liveness probe, will be restarted"), strings.Join(got, "\n")
		})
		// the probe's kill is one Killing event, not a second "Stopping container".
		if hasEvent(got, "Normal Killing Stopping container") {
			t.Errorf("a liveness kill also recorded Stopping container:\n%s", strings.Join(got, "\n"))
		}
	})
	t.Run("readiness failure: Unhealthy event, no restart", func(t *testing.T) {
		var got []string
		eventually(t, "readiness event in the API", 30*time.Second, func() (bool, string) {
			var err error
			if got, err = podEvents(cs, "unready"); err != nil {
				return false, err.Error()
			}
			return hasEvent(got, "Warning Unhealthy Readiness probe failed: not-ready-yet"), strings.Join(got, "\n")
		})
		p, err := cs.CoreV1().Pods("default").Get(context.Background(), "unready", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if podReady(p) || len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].RestartCount != 0 {
			t.Errorf("unready pod: ready=%v statuses=%+v", podReady(p), p.Status.ContainerStatuses)
		}
		if hasEvent(got, "Normal Killing") {
			t.Errorf("readiness failure killed the container: %v", got)
		}
	})
}

// TestOOMKilledOnContainerd runs a memory hog under a 16Mi limit on real
// containerd: the kernel kills it, and the status reports OOMKilled with exit
// code 137 and a growing restart count. Root only.
func TestOOMKilledOnContainerd(t *testing.T) {
	s := framework.StartTestServer(t)
	const node = "oom-node"
	cs := containerdNode(t, s, node, "hog")
	// doubling a shell variable passes 16Mi after about 24 rounds.
	hog := busyboxPod("hog", node, "x=a; while :; do x=$x$x; done")
	hog.Spec.Containers[0].Resources = corev1.ResourceRequirements{
		Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("16Mi")},
	}
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), hog, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var last corev1.ContainerStatus
	eventually(t, "hog OOMKilled and restarted", 120*time.Second, func() (bool, string) {
		p, err := cs.CoreV1().Pods("default").Get(context.Background(), "hog", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		if len(p.Status.ContainerStatuses) == 0 {
			return false, "no container status"
		}
		last = p.Status.ContainerStatuses[0]
		return last.RestartCount >= 1 && last.LastTerminationState.Terminated != nil,
			fmt.Sprintf("restartCount=%d state=%+v last=%+v", last.RestartCount, last.State, last.LastTerminationState)
	})
	term := last.LastTerminationState.Terminated
	if term.Reason != "OOMKilled" || term.ExitCode != 137 {
		t.Errorf("lastState.terminated = reason %q exit %d, want OOMKilled 137", term.Reason, term.ExitCode)
	}
}
