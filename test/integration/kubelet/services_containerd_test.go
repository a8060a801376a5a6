package kubelet

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet"
	"keel.dev/keel/pkg/kubelet/cri/critest"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/pkg/kubelet/staticpod"
	"keel.dev/keel/test/integration/framework"
)

// TestNodeServicesOnContainerd runs, on real containerd, a pod burning CPU
// (its usage must show in /stats/summary), a static pod from a manifest
// directory (its mirror must appear in the API) and a pod writing a lot of
// log (its log must be rotated with a small --container-log-max-size).
// Root only; critest skips with the reason otherwise.
func TestNodeServicesOnContainerd(t *testing.T) {
	// a private containerd: local clusters started and stopped by others
	// remove every sandbox of the system one when they go down.
	rt := critest.PrivateContainerd(t)
	s := framework.StartTestServer(t)
	cs := client(t, s)
	root := t.TempDir()
	logs := filepath.Join(root, "logs")
	machine, err := nodestatus.ReadMachine(root)
	if err != nil {
		t.Fatal(err)
	}
	manifests := t.TempDir()
	writeManifest(t, manifests, "static-web.yaml", staticManifest("static-web", "echo static-ok; exec sleep 3600"))
	port := freePort(t)
	cas := x509.NewCertPool()
	cas.AppendCertsFromPEM(s.CAPEM)
	const node = "svc-node"
	k, err := kubelet.New(kubelet.Config{
		Client: cs, Runtime: rt, RuntimeName: rt.RuntimeName, RootDir: root, PodLogsDir: logs, Logger: quiet,
		ServerAddress: fmt.Sprintf("127.0.0.1:%d", port), ClientCAs: cas,
		PodManifestPath: manifests, ContainerLogMaxSize: 32 << 10, ContainerLogMaxFiles: 3, ContainerLogCheckPeriod: time.Second,
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
	defer func() {
		cancel()
		<-done
	}()
	// The runtime may be shared (the system containerd): stop this test's
	// pods through the kubelet while it still runs, then remove leftovers.
	defer func() {
		zero := int64(0)
		for _, name := range []string{"burner", "chatty"} {
			_ = cs.CoreV1().Pods("default").Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		}
		_ = os.Remove(filepath.Join(manifests, "static-web.yaml"))
		mine := map[string]bool{"burner": true, "chatty": true, "static-web-" + node: true}
		sandboxes := func() []*runtimeapi.PodSandbox {
			var out []*runtimeapi.PodSandbox
			if resp, err := rt.ListPodSandbox(context.Background(), &runtimeapi.ListPodSandboxRequest{}); err == nil {
				for _, sb := range resp.Items {
					if mine[sb.GetMetadata().GetName()] {
						out = append(out, sb)
					}
				}
			}
			return out
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(sandboxes()) > 0 && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		for _, sb := range sandboxes() {
			t.Logf("removing leftover sandbox %s (%s)", sb.Id, sb.Metadata.Name)
			_, _ = rt.StopPodSandbox(context.Background(), &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.Id})
			_, _ = rt.RemovePodSandbox(context.Background(), &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.Id})
		}
	}()
	// a private containerd has no CNI config, so the node is not Ready;
	// host-network pods run all the same.
	eventually(t, "node registered", 30*time.Second, func() (bool, string) {
		n, err := cs.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return n.Status.NodeInfo.ContainerRuntimeVersion != "", n.Status.NodeInfo.ContainerRuntimeVersion
	})
	grace := int64(1)
	hostPod := func(name, script string) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
			Spec: corev1.PodSpec{NodeName: node, HostNetwork: true, TerminationGracePeriodSeconds: &grace,
				Containers: []corev1.Container{{Name: "main", Image: critest.BusyboxImage, ImagePullPolicy: corev1.PullNever,
					Command: []string{"sh", "-c", script}}}},
		}
	}
	for _, p := range []*corev1.Pod{
		hostPod("burner", "while :; do :; done"),
		// one 40 KiB line a second: past a 32 KiB limit within a rotation period or two.
		hostPod("chatty", "while :; do dd if=/dev/zero bs=1024 count=40 2>/dev/null | tr '\\000' x; echo; sleep 1; done"),
	} {
		if _, err := cs.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitPhase := func(name string) *corev1.Pod {
		var pod *corev1.Pod
		eventually(t, name+" running", 60*time.Second, func() (bool, string) {
			p, err := cs.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			pod = p
			return p.Status.Phase == corev1.PodRunning, string(p.Status.Phase)
		})
		return pod
	}
	waitPhase("burner")
	waitPhase("chatty")

	t.Run("the CPU burner shows in /stats/summary", func(t *testing.T) {
		var last []byte
		eventually(t, "burner usage over 100m", 60*time.Second, func() (bool, string) {
			last = kubeletGet(t, s, port, "/stats/summary")
			var sum struct {
				Pods []struct {
					PodRef struct{ Name, Namespace string } `json:"podRef"`
					CPU    *struct {
						UsageNanoCores *uint64 `json:"usageNanoCores"`
					} `json:"cpu"`
					Memory *struct {
						WorkingSetBytes *uint64 `json:"workingSetBytes"`
					} `json:"memory"`
					Containers []struct {
						Name string `json:"name"`
						CPU  *struct {
							UsageNanoCores *uint64 `json:"usageNanoCores"`
						} `json:"cpu"`
					} `json:"containers"`
				} `json:"pods"`
			}
			if err := json.Unmarshal(last, &sum); err != nil {
				return false, err.Error()
			}
			for _, p := range sum.Pods {
				if p.PodRef.Name != "burner" {
					continue
				}
				if p.CPU == nil || p.CPU.UsageNanoCores == nil || p.Memory == nil || p.Memory.WorkingSetBytes == nil || len(p.Containers) != 1 ||
					p.Containers[0].CPU == nil || p.Containers[0].CPU.UsageNanoCores == nil {
					return false, fmt.Sprintf("incomplete: %s", last)
				}
				return *p.CPU.UsageNanoCores > 100_000_000 && *p.Containers[0].CPU.UsageNanoCores > 100_000_000 && *p.Memory.WorkingSetBytes > 0,
					fmt.Sprintf("pod cpu %d container cpu %d working set %d", *p.CPU.UsageNanoCores, *p.Containers[0].CPU.UsageNanoCores, *p.Memory.WorkingSetBytes)
			}
			return false, "no burner in the summary"
		})
		if dir := os.Getenv("KEEL_SUMMARY_OUT"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, "summary.json"), last, 0o644)
			_ = os.WriteFile(filepath.Join(dir, "metrics-resource.txt"), kubeletGet(t, s, port, "/metrics/resource"), 0o644)
		}
		// the cumulative counter agrees: over 100m of CPU time per second.
		total := func() uint64 {
			sum := kubeletSummary(t, s, port)
			if p := podStats(sum, "default", "burner"); p != nil && p.CPU != nil && p.CPU.UsageCoreNanoSeconds != nil {
				return *p.CPU.UsageCoreNanoSeconds
			}
			t.Fatalf("no burner cpu in %+v", sum.Pods)
			return 0
		}
		t0, c0 := time.Now(), total()
		time.Sleep(2 * time.Second)
		if d, dt := total()-c0, time.Since(t0); float64(d) < 0.1*float64(dt.Nanoseconds()) {
			t.Errorf("burner used %v of CPU in %v", time.Duration(d), dt)
		}
		metrics := string(kubeletGet(t, s, port, "/metrics/resource"))
		if !strings.Contains(metrics, `container_cpu_usage_seconds_total{container="main",namespace="default",pod="burner"} `) {
			t.Errorf("/metrics/resource lacks the burner:\n%s", metrics)
		}
	})

	t.Run("the static pod runs and its mirror appears in the API", func(t *testing.T) {
		mirror := waitMirror(t, cs, "kube-system", "static-web-"+node, func(p *corev1.Pod) (bool, string) {
			return p.Status.Phase == corev1.PodRunning, string(p.Status.Phase)
		})
		if mirror.Annotations[staticpod.AnnotationConfigMirror] == "" || mirror.Annotations[staticpod.AnnotationConfigSource] != "file" {
			t.Errorf("mirror annotations = %v", mirror.Annotations)
		}
		// pods/log of the mirror reaches the static pod's container.
		eventually(t, "static pod log through the apiserver", 30*time.Second, func() (bool, string) {
			resp := s.Get(t, "/api/v1/namespaces/kube-system/pods/static-web-"+node+"/log")
			return resp.Code == 200 && string(resp.Body) == "static-ok\n", fmt.Sprintf("%d %q", resp.Code, resp.Body)
		})
	})

	t.Run("a chatty container's log is rotated", func(t *testing.T) {
		chatty, err := cs.CoreV1().Pods("default").Get(ctx, "chatty", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(logs, fmt.Sprintf("default_chatty_%s", chatty.UID), "main")
		var names []string
		eventually(t, "rotated and compressed logs", 60*time.Second, func() (bool, string) {
			entries, err := os.ReadDir(dir)
			if err != nil {
				return false, err.Error()
			}
			names = names[:0]
			gz, plain := 0, 0
			for _, e := range entries {
				names = append(names, e.Name())
				switch {
				case strings.HasSuffix(e.Name(), ".gz"):
					gz++
				case strings.HasPrefix(e.Name(), "0.log."):
					plain++
				}
			}
			return gz >= 1 && plain == 1 && len(entries) <= 3, strings.Join(names, " ")
		})
		// the runtime reopened the live file and keeps writing to it.
		eventually(t, "the live log growing again", 30*time.Second, func() (bool, string) {
			fi, err := os.Stat(filepath.Join(dir, "0.log"))
			if err != nil {
				return false, err.Error()
			}
			return fi.Size() > 0, fmt.Sprint(fi.Size())
		})
		// pods/log reads only the live file.
		resp := s.Get(t, "/api/v1/namespaces/default/pods/chatty/log")
		if resp.Code != 200 || len(resp.Body) > 64<<10 {
			t.Errorf("pods/log: %d, %d bytes (more than the live file can hold): %.200s", resp.Code, len(resp.Body), resp.Body)
		}
	})
}
