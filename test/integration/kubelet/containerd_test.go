package kubelet

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet"
	"keel.dev/keel/pkg/kubelet/cri/critest"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/test/integration/framework"
)

// TestBusyboxPodOnContainerd runs one host-network busybox pod through the
// real API on real containerd (root only; critest skips with the reason).
func TestBusyboxPodOnContainerd(t *testing.T) {
	rt := critest.Containerd(t)
	s := framework.StartTestServer(t)
	cs := client(t, s)
	root := t.TempDir()
	machine, err := nodestatus.ReadMachine(root)
	if err != nil {
		t.Fatal(err)
	}
	port, httpPort := freePort(t), freePort(t)
	cas := x509.NewCertPool()
	cas.AppendCertsFromPEM(s.CAPEM)
	k, err := kubelet.New(kubelet.Config{
		Client: cs, Runtime: rt, RuntimeName: rt.RuntimeName, RootDir: root, PodLogsDir: root + "/logs", Logger: quiet,
		ServerAddress: fmt.Sprintf("127.0.0.1:%d", port), ClientCAs: cas,
		Node: nodestatus.Config{NodeName: "real-node", NodeIP: "127.0.0.1", Machine: machine, UpdateFrequency: time.Second,
			KubeletPort: int32(port)},
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
	defer func() {
		cancel()
		<-done
	}()
	eventually(t, "node registered", 30*time.Second, func() (bool, string) {
		n, err := cs.CoreV1().Nodes().Get(context.Background(), "real-node", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return n.Status.NodeInfo.ContainerRuntimeVersion != "", n.Status.NodeInfo.ContainerRuntimeVersion
	})
	grace := int64(2)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "busybox"},
		Spec: corev1.PodSpec{NodeName: "real-node", HostNetwork: true, TerminationGracePeriodSeconds: &grace,
			Containers: []corev1.Container{{Name: "app", Image: critest.BusyboxImage, ImagePullPolicy: corev1.PullNever,
				Command: []string{"sh", "-c", fmt.Sprintf("echo hello-from-busybox; mkdir /tmp/www; echo pf-ok > /tmp/www/index.html; "+
					"httpd -p 127.0.0.1:%d -h /tmp/www; touch /tmp/ready; exec sleep 3600", httpPort)},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"test", "-f", "/tmp/ready"}}},
					PeriodSeconds: 1}}}},
	}
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := waitRunning(t, cs, "busybox")
	if id := p.Status.ContainerStatuses[0].ContainerID; len(id) < len("containerd://") || id[:len("containerd://")] != "containerd://" {
		t.Errorf("container ID = %q", id)
	}
	// pods/log goes apiserver -> kubelet API (client certificate) -> CRI log file.
	eventually(t, "pods/log through the apiserver", 20*time.Second, func() (bool, string) {
		resp := s.Get(t, "/api/v1/namespaces/default/pods/busybox/log")
		return resp.Code == 200 && string(resp.Body) == "hello-from-busybox\n", fmt.Sprintf("%d %q", resp.Code, resp.Body)
	})
	kubectlChecks(t, s.Kubeconfig, httpPort)
	if err := cs.CoreV1().Pods("default").Delete(context.Background(), "busybox", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pod busybox removed", 60*time.Second, func() (bool, string) {
		_, err := cs.CoreV1().Pods("default").Get(context.Background(), "busybox", metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
}

// kubectlChecks runs `kubectl logs` and `kubectl exec` against the pod
// when kubectl is installed.
func kubectlChecks(t *testing.T, kubeconfig string, httpPort int) {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Logf("kubectl not on PATH; skipping the kubectl checks")
		return
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"kubectl logs reads the container log", []string{"logs", "busybox"}, "hello-from-busybox\n"},
		{"kubectl exec runs a command in the container", []string{"exec", "busybox", "--", "echo", "exec-ok"}, "exec-ok\n"},
		{"kubectl exec passes stdin", []string{"exec", "-i", "busybox", "--", "cat"}, "from-stdin\n"},
	}
	t.Run("kubectl logs -f streams and keeps following", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "kubectl", "--kubeconfig", kubeconfig, "-n", "default", "logs", "-f", "busybox").Output()
		if ctx.Err() == nil {
			t.Errorf("kubectl logs -f returned before the timeout: %v", err)
		}
		if string(out) != "hello-from-busybox\n" {
			t.Errorf("kubectl logs -f printed %q", out)
		}
	})
	t.Run("kubectl port-forward reaches the pod", func(t *testing.T) {
		local := freePort(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		pf := exec.CommandContext(ctx, "kubectl", "--kubeconfig", kubeconfig, "-n", "default", "port-forward", "pod/busybox",
			fmt.Sprintf("%d:%d", local, httpPort))
		if err := pf.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = pf.Wait() }()
		defer cancel()
		eventually(t, "an HTTP answer through port-forward", 15*time.Second, func() (bool, string) {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/index.html", local))
			if err != nil {
				return false, err.Error()
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b) == "pf-ok\n", string(b)
		})
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "kubectl", append([]string{"--kubeconfig", kubeconfig, "-n", "default"}, c.args...)...)
			cmd.Stdin = strings.NewReader("from-stdin\n")
			out, err := cmd.CombinedOutput()
			if err != nil || string(out) != c.want {
				t.Errorf("kubectl %v: %v: %q", c.args, err, out)
			}
		})
	}
}
