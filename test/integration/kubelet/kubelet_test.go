package kubelet

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/kubelet/app"
	"keel.dev/keel/test/integration/framework"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func client(t *testing.T, s *framework.TestServer) *typed.Clientset {
	t.Helper()
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// fakeOptions are kubelet flags for a fake-runtime kubelet against s.
func fakeOptions(t *testing.T, s *framework.TestServer, name string) *app.Options {
	o := app.NewOptions()
	o.Kubeconfig = s.Kubeconfig
	o.Runtime = app.RuntimeFake
	o.HostnameOverride = name
	o.NodeIP = "10.0.0.9"
	o.RootDir = t.TempDir()
	o.HealthzPort = 0
	o.StatusUpdateFreq = 500 * time.Millisecond
	o.FakeStartDelay = 50 * time.Millisecond
	o.Address = "127.0.0.1"
	o.Port = int32(freePort(t))
	return o
}

// startKubelet runs app.Run until the test ends.
func startKubelet(t *testing.T, o *app.Options) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, o, quiet) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("kubelet: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("kubelet did not stop")
		}
	})
}

func eventually(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		ok, msg := cond()
		if ok {
			return
		}
		last = msg
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last: %s", what, last)
}

func nodeReady(t *testing.T, cs *typed.Clientset, name string) {
	t.Helper()
	eventually(t, "node "+name+" Ready", 30*time.Second, func() (bool, string) {
		n, err := cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				return c.Status == corev1.ConditionTrue, c.Message
			}
		}
		return false, "no Ready condition"
	})
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func newPod(name, node string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{
			Name: "app", Image: "keel.local/busybox:1.35", Command: []string{"sleep", "3600"},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intOrStr(80)}},
				PeriodSeconds: 1},
		}}},
	}
}

func waitRunning(t *testing.T, cs *typed.Clientset, name string) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	eventually(t, "pod "+name+" Running and Ready", 30*time.Second, func() (bool, string) {
		p, err := cs.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		pod = p
		return p.Status.Phase == corev1.PodRunning && p.Status.PodIP != "" && podReady(p),
			fmt.Sprintf("phase=%s ip=%q conditions=%+v", p.Status.Phase, p.Status.PodIP, p.Status.Conditions)
	})
	return pod
}

func TestFakeKubeletRegistersAndRunsPods(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	ctx := context.Background()
	// The node IPAM controller's job: the node exists with a podCIDR; the kubelet adopts it.
	if _, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-a"},
		Spec: corev1.NodeSpec{PodCIDR: "10.244.5.0/24"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	o := fakeOptions(t, s, "node-a")
	startKubelet(t, o)
	nodeReady(t, cs, "node-a")

	n, err := cs.CoreV1().Nodes().Get(ctx, "node-a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Labels["kubernetes.io/hostname"] != "node-a" || n.Status.Addresses[0].Address != "10.0.0.9" ||
		n.Status.DaemonEndpoints.KubeletEndpoint.Port != o.Port {
		t.Errorf("node = labels %v addresses %v endpoints %+v", n.Labels, n.Status.Addresses, n.Status.DaemonEndpoints)
	}
	var lease *coordinationv1.Lease
	eventually(t, "lease of node-a", 10*time.Second, func() (bool, string) {
		var err error
		lease, err = cs.CoordinationV1().Leases("kube-node-lease").Get(ctx, "node-a", metav1.GetOptions{})
		return err == nil, fmt.Sprint(err)
	})
	if *lease.Spec.HolderIdentity != "node-a" || len(lease.OwnerReferences) != 1 || lease.OwnerReferences[0].UID != n.UID {
		t.Errorf("lease = %+v owners %+v", lease.Spec, lease.OwnerReferences)
	}

	// Unchanged status is not rewritten on every --node-status-update-frequency tick (500ms here).
	time.Sleep(time.Second)
	rv1 := getNode(t, cs, "node-a").ResourceVersion
	time.Sleep(1500 * time.Millisecond)
	if rv2 := getNode(t, cs, "node-a").ResourceVersion; rv2 != rv1 {
		t.Errorf("node rewritten without a change: resourceVersion %s -> %s", rv1, rv2)
	}

	if _, err := cs.CoreV1().Pods("default").Create(ctx, newPod("web", "node-a"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := waitRunning(t, cs, "web")
	if !strings.HasPrefix(p.Status.PodIP, "10.244.5.") || p.Status.HostIP != "10.0.0.9" {
		t.Errorf("podIP %q hostIP %q", p.Status.PodIP, p.Status.HostIP)
	}
	if len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].State.Running == nil {
		t.Errorf("container statuses = %+v", p.Status.ContainerStatuses)
	}

	if err := cs.CoreV1().Pods("default").Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pod web removed", 30*time.Second, func() (bool, string) {
		_, err := cs.CoreV1().Pods("default").Get(ctx, "web", metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
}

func TestHollowNodesRegisterWithLeases(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	o := fakeOptions(t, s, "box")
	o.HollowNodes = 3
	startKubelet(t, o)
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("box-hollow-%d", i)
		nodeReady(t, cs, name)
		eventually(t, "lease of "+name, 10*time.Second, func() (bool, string) {
			_, err := cs.CoordinationV1().Leases("kube-node-lease").Get(context.Background(), name, metav1.GetOptions{})
			return err == nil, fmt.Sprint(err)
		})
	}
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), newPod("h", "box-hollow-2"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(t, cs, "h")
}

func getNode(t *testing.T, cs *typed.Clientset, name string) *corev1.Node {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
