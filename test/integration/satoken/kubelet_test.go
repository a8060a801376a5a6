package satoken

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"

	"keel.dev/keel/pkg/controller/rootcacertpublisher"
	kubeletapp "keel.dev/keel/pkg/kubelet/app"
	"keel.dev/keel/test/integration/framework"
)

// TestPodGetsWorkingCredentials runs the whole chain with a fake-runtime
// kubelet: admission adds the volume, the root CA publisher provides
// kube-root-ca.crt, and the kubelet's token manager writes a pod-bound
// token that authenticates as the pod's service account.
func TestPodGetsWorkingCredentials(t *testing.T) {
	s := framework.StartTestServer(t, withServiceAccountAdmission)
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	f := informers.NewFactory(cs, 0)
	pub, err := rootcacertpublisher.New(cs, f, rootcacertpublisher.Options{RootCA: s.CAPEM,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.Start(ctx)
	go func() { _ = pub.Run(ctx, 1) }()
	t.Cleanup(f.Shutdown)
	createServiceAccount(t, s, "default", "default")

	root := t.TempDir()
	o := kubeletapp.NewOptions()
	o.Kubeconfig = s.Kubeconfig
	o.Runtime = kubeletapp.RuntimeFake
	o.HostnameOverride = "sa-node"
	o.NodeIP = "10.0.0.9"
	o.RootDir = root
	o.HealthzPort = 0
	o.StatusUpdateFreq = 500 * time.Millisecond
	o.FakeStartDelay = 10 * time.Millisecond
	o.Address = "127.0.0.1"
	o.Port = int32(freePort(t))
	done := make(chan error, 1)
	kctx, kcancel := context.WithCancel(context.Background())
	go func() { done <- kubeletapp.Run(kctx, o, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	t.Cleanup(func() {
		kcancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("kubelet did not stop")
		}
	})

	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "client", Namespace: "default"},
		Spec: corev1.PodSpec{NodeName: "sa-node", Containers: []corev1.Container{{Name: "app", Image: "keel.local/busybox:1.35", Command: []string{"sleep", "3600"}}}}}
	created, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var volume string
	for _, v := range created.Spec.Volumes {
		if strings.HasPrefix(v.Name, "kube-api-access-") {
			volume = v.Name
		}
	}
	if volume == "" {
		t.Fatalf("admission added no token volume: %+v", created.Spec.Volumes)
	}
	dir := filepath.Join(root, "pods", string(created.UID), "volumes", "kubernetes.io~projected", volume)
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	eventually(t, "the projected token, CA and namespace are written", func() bool {
		return read("token") != "" && read("ca.crt") != "" && read("namespace") != ""
	})
	t.Cleanup(func() { removePod(t, cs, created, filepath.Join(root, "pods", string(created.UID))) })
	if read("ca.crt") != string(s.CAPEM) {
		t.Errorf("ca.crt is not the cluster CA:\n%s", read("ca.crt"))
	}
	if read("namespace") != "default" {
		t.Errorf("namespace = %q", read("namespace"))
	}
	code, review := whoami(t, s, read("token"))
	if code != http.StatusCreated {
		t.Fatalf("whoami with the pod's token: HTTP %d %v", code, review)
	}
	if framework.String(review, "status.userInfo.username") != "system:serviceaccount:default:default" {
		t.Errorf("user = %v", review["status"])
	}
	extra, _ := framework.Field(review, "status.userInfo.extra").(map[string]any)
	if got, _ := extra["authentication.kubernetes.io/pod-name"].([]any); len(got) != 1 || got[0] != "client" {
		t.Errorf("extra = %v, want pod-name client", extra)
	}
	if got, _ := extra["authentication.kubernetes.io/node-name"].([]any); len(got) != 1 || got[0] != "sa-node" {
		t.Errorf("extra = %v, want node-name sa-node", extra)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// removePod deletes the pod and waits for the kubelet to tear its volumes
// down (projected volumes are tmpfs mounts when running as root), so the
// temporary directory can be removed.
func removePod(t *testing.T, cs *typed.Clientset, pod *corev1.Pod, dir string) {
	zero := int64(0)
	_ = cs.CoreV1().Pods(pod.Namespace).Delete(context.Background(), pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the kubelet did not remove %s", dir)
}
