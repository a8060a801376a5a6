package kubelet

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/kubelet"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/pkg/kubelet/staticpod"
	"keel.dev/keel/pkg/kubelet/stats"
	"keel.dev/keel/test/integration/framework"
)

// staticManifest is a static pod manifest; its name becomes <name>-<node>.
func staticManifest(name, cmd string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: kube-system
  labels: {tier: control-plane}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: keel.local/busybox:1.35
    command: [sh, -c, %q]
`, name, cmd)
}

func writeManifest(t *testing.T, dir, file, data string) {
	t.Helper()
	tmp := filepath.Join(dir, "."+file+".tmp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, file)); err != nil {
		t.Fatal(err)
	}
}

// mirrorOf waits for the mirror pod ns/name with a config.mirror annotation
// other than notUID's hash and returns it.
func waitMirror(t *testing.T, cs *typed.Clientset, ns, name string, cond func(p *corev1.Pod) (bool, string)) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	eventually(t, "mirror pod "+ns+"/"+name, 45*time.Second, func() (bool, string) {
		p, err := cs.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		pod = p
		return cond(p)
	})
	return pod
}

// TestStaticPodsAndMirrors runs a static pod from a manifest directory on
// the fake runtime and follows its mirror pod through the API: created with
// the right annotations, owner and status, recreated after an API delete,
// replaced when the manifest changes, removed with the manifest.
func TestStaticPodsAndMirrors(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	ctx := context.Background()
	manifests := t.TempDir()
	writeManifest(t, manifests, "web.yaml", staticManifest("web", "sleep 3600"))
	o := fakeOptions(t, s, "node-s")
	o.PodManifestPath = manifests
	startKubelet(t, o)
	nodeReady(t, cs, "node-s")
	node := getNode(t, cs, "node-s")

	mirror := waitMirror(t, cs, "kube-system", "web-node-s", func(p *corev1.Pod) (bool, string) {
		return p.Status.Phase == corev1.PodRunning && podReady(p), fmt.Sprintf("phase %s conditions %+v", p.Status.Phase, p.Status.Conditions)
	})
	t.Run("the mirror pod is annotated and owned by the node", func(t *testing.T) {
		a := mirror.Annotations
		if a[staticpod.AnnotationConfigSource] != "file" || a[staticpod.AnnotationConfigMirror] == "" ||
			a[staticpod.AnnotationConfigMirror] != a[staticpod.AnnotationConfigHash] || string(mirror.UID) == a[staticpod.AnnotationConfigHash] {
			t.Errorf("annotations = %v uid %s", a, mirror.UID)
		}
		if len(mirror.OwnerReferences) != 1 || mirror.OwnerReferences[0].Kind != "Node" || mirror.OwnerReferences[0].UID != node.UID ||
			mirror.OwnerReferences[0].Controller == nil || !*mirror.OwnerReferences[0].Controller {
			t.Errorf("owners = %+v", mirror.OwnerReferences)
		}
		if mirror.Spec.NodeName != "node-s" || mirror.Labels["tier"] != "control-plane" {
			t.Errorf("spec.nodeName %q labels %v", mirror.Spec.NodeName, mirror.Labels)
		}
		if len(mirror.Status.ContainerStatuses) != 1 || mirror.Status.ContainerStatuses[0].State.Running == nil {
			t.Errorf("container statuses = %+v", mirror.Status.ContainerStatuses)
		}
	})
	containerID := mirror.Status.ContainerStatuses[0].ContainerID

	t.Run("deleting the mirror pod recreates it without restarting the pod", func(t *testing.T) {
		if err := cs.CoreV1().Pods("kube-system").Delete(ctx, "web-node-s", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		again := waitMirror(t, cs, "kube-system", "web-node-s", func(p *corev1.Pod) (bool, string) {
			return p.UID != mirror.UID && p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning,
				fmt.Sprintf("uid %s phase %s", p.UID, p.Status.Phase)
		})
		if got := again.Status.ContainerStatuses[0].ContainerID; got != containerID {
			t.Errorf("container %s replaced by %s", containerID, got)
		}
	})
	t.Run("changing the manifest replaces the pod and its mirror", func(t *testing.T) {
		writeManifest(t, manifests, "web.yaml", staticManifest("web", "sleep 7200"))
		changed := waitMirror(t, cs, "kube-system", "web-node-s", func(p *corev1.Pod) (bool, string) {
			ok := p.Annotations[staticpod.AnnotationConfigMirror] != mirror.Annotations[staticpod.AnnotationConfigMirror] &&
				p.Status.Phase == corev1.PodRunning && len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].ContainerID != containerID
			return ok, fmt.Sprintf("hash %s phase %s", p.Annotations[staticpod.AnnotationConfigMirror], p.Status.Phase)
		})
		if got := strings.Join(changed.Spec.Containers[0].Command, " "); got != "sh -c sleep 7200" {
			t.Errorf("command = %q", got)
		}
	})
	t.Run("the kubelet API serves the static pod under the mirror's name", func(t *testing.T) {
		sum := kubeletSummary(t, s, int(o.Port))
		found := false
		for _, p := range sum.Pods {
			found = found || p.PodRef.Name == "web-node-s" && p.PodRef.Namespace == "kube-system"
		}
		if !found {
			t.Errorf("summary pods = %+v", sum.Pods)
		}
	})
	t.Run("removing the manifest deletes the mirror", func(t *testing.T) {
		if err := os.Remove(filepath.Join(manifests, "web.yaml")); err != nil {
			t.Fatal(err)
		}
		eventually(t, "mirror pod deleted", 45*time.Second, func() (bool, string) {
			_, err := cs.CoreV1().Pods("kube-system").Get(ctx, "web-node-s", metav1.GetOptions{})
			return apierrors.IsNotFound(err), fmt.Sprint(err)
		})
	})
}

// kubeletSummary fetches /stats/summary from the kubelet API on port.
func kubeletSummary(t *testing.T, s *framework.TestServer, port int) *stats.Summary {
	t.Helper()
	var sum stats.Summary
	body := kubeletGet(t, s, port, "/stats/summary")
	if err := json.Unmarshal(body, &sum); err != nil {
		t.Fatalf("summary: %v: %s", err, body)
	}
	return &sum
}

// kubeletGet GETs path from the kubelet API with the admin client certificate.
func kubeletGet(t *testing.T, s *framework.TestServer, port int, path string) []byte {
	t.Helper()
	cert, err := tls.X509KeyPair(s.ClientCertPEM, s.ClientKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true}}} //nolint:gosec // the kubelet's certificate is self-signed
	resp, err := hc.Get(fmt.Sprintf("https://127.0.0.1:%d%s", port, path))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

// TestStaticPodRunsWithoutAPIServer starts a kubelet whose apiserver never
// answers and checks that its static pod runs anyway.
func TestStaticPodRunsWithoutAPIServer(t *testing.T) {
	root := t.TempDir()
	rt, err := fakeruntime.Start(context.Background(), root, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	manifests := t.TempDir()
	writeManifest(t, manifests, "etcd.yaml", staticManifest("etcd", "sleep 3600"))
	cs, err := typed.NewForConfig(&rest.Config{Host: fmt.Sprintf("https://127.0.0.1:%d", freePort(t)), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	k, err := kubelet.New(kubelet.Config{
		Client: cs, Runtime: rt.Service(), RuntimeName: rt.RuntimeName(), RootDir: root, PodLogsDir: root + "/logs",
		SimplifyProbes: true, Logger: quiet, PodManifestPath: manifests,
		Node: nodestatus.Config{NodeName: "lonely", NodeIP: "10.0.0.8",
			Machine: nodestatus.Machine{NumCPU: 2, MemoryBytes: 4 << 30, EphemeralBytes: 10 << 30, OperatingSystem: "linux", Architecture: "amd64"}},
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
	eventually(t, "the static pod's container running", 20*time.Second, func() (bool, string) {
		for _, c := range rt.Server.Containers("main") {
			if c.Config.Labels["io.kubernetes.pod.name"] == "etcd-lonely" && rt.Server.Running("main") == c.ID {
				return true, ""
			}
		}
		return false, fmt.Sprint(rt.Server.Calls())
	})
}
