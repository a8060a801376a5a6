package kubelet

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet/objcache"
	"keel.dev/keel/test/integration/framework"
)

// configMapRequests sums the apiserver's apiserver_request_total samples of
// configmaps by verb (GET, LIST, WATCH, ...). The registry is per process:
// callers take differences.
func configMapRequests(t *testing.T, s *framework.TestServer) map[string]float64 {
	t.Helper()
	resp := s.Get(t, "/metrics")
	framework.Expect(t, resp, 200, "metrics")
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(resp.Body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_request_total{") || !strings.Contains(line, `resource="configmaps"`) ||
			!strings.Contains(line, `subresource=""`) {
			continue
		}
		i := strings.Index(line, `verb="`)
		sp := strings.LastIndexByte(line, ' ')
		if i < 0 || sp < 0 {
			continue
		}
		verb := line[i+len(`verb="`):]
		verb = verb[:strings.IndexByte(verb, '"')]
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[verb] += v
	}
	return out
}

// TestTokenVolumesShareOneRootCAWatch runs 100 pods with service account
// token volumes on a fake-runtime node and changes kube-root-ca.crt three
// times. Every pod must see every change in its projected ca.crt, so each
// pod refreshes its volume at least once per change; reading the ConfigMap
// by GET on each refresh would cost at least 300 GETs, the shared watch
// costs none.
func TestTokenVolumesShareOneRootCAWatch(t *testing.T) {
	const pods, rounds = 100, 3
	s := framework.StartTestServer(t, framework.EnableServiceAccountAdmission)
	cs := client(t, s)
	ctx := context.Background()
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rootCA, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-root-ca.crt"}, Data: map[string]string{"ca.crt": "round-0"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := fakeOptions(t, s, "node-ca")
	o.FakeStartDelay = 0
	o.MaxParallelPodStarts = -1
	startKubelet(t, o)
	nodeReady(t, cs, "node-ca")

	files := make([]string, 0, pods)
	var dirs []string
	t.Cleanup(func() {
		// Projected volumes are tmpfs mounts when running as root: let the
		// kubelet tear them down before the temporary directory goes.
		zero := int64(0)
		for i := 0; i < pods; i++ {
			_ = cs.CoreV1().Pods("default").Delete(ctx, fmt.Sprintf("ca-%d", i), metav1.DeleteOptions{GracePeriodSeconds: &zero})
		}
		deadline := time.Now().Add(60 * time.Second)
		for _, d := range dirs {
			for time.Now().Before(deadline) {
				if _, err := os.Stat(d); os.IsNotExist(err) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})
	for i := 0; i < pods; i++ {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprintf("ca-%d", i)},
			Spec: corev1.PodSpec{NodeName: "node-ca", Containers: []corev1.Container{{
				Name: "app", Image: "keel.local/busybox:1.35", Command: []string{"sleep", "3600"}}}}}
		created, err := cs.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		vol := ""
		for _, v := range created.Spec.Volumes {
			if strings.HasPrefix(v.Name, "kube-api-access-") {
				vol = v.Name
			}
		}
		if vol == "" {
			t.Fatalf("admission added no token volume to %s: %+v", p.Name, created.Spec.Volumes)
		}
		dir := filepath.Join(o.RootDir, "pods", string(created.UID))
		dirs = append(dirs, dir)
		files = append(files, filepath.Join(dir, "volumes", "kubernetes.io~projected", vol, "ca.crt"))
	}
	allSee := func(want string) {
		t.Helper()
		eventually(t, fmt.Sprintf("every pod's ca.crt to read %q", want), 120*time.Second, func() (bool, string) {
			stale := 0
			for _, f := range files {
				if b, _ := os.ReadFile(f); string(b) != want {
					stale++
				}
			}
			return stale == 0, fmt.Sprintf("%d of %d pods not there yet", stale, pods)
		})
	}
	allSee("round-0")

	before := configMapRequests(t, s)
	for r := 1; r <= rounds; r++ {
		rootCA.Data["ca.crt"] = fmt.Sprintf("round-%d", r)
		if rootCA, err = cs.CoreV1().ConfigMaps("default").Update(ctx, rootCA, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		allSee(rootCA.Data["ca.crt"])
	}
	after := configMapRequests(t, s)
	gets, lists := after["GET"]-before["GET"], after["LIST"]-before["LIST"]
	t.Logf("configmap requests over %d changes seen by %d pods: GET %v LIST %v WATCH %v", rounds, pods, gets,
		lists, after["WATCH"]-before["WATCH"])
	if gets > rounds || lists > rounds {
		t.Errorf("the apiserver served %v configmap GETs and %v LISTs while %d pods saw %d changes; want at most %d each (one shared watch), per-pod GETs would be >= %d",
			gets, lists, pods, rounds, rounds, pods*rounds)
	}
	if after["PUT"]-before["PUT"] != rounds {
		t.Errorf("configmap PUTs = %v, want the test's %d (is the metric counted?)", after["PUT"]-before["PUT"], rounds)
	}
}

// TestEnvFromConfigMapCreatedLater starts a pod whose envFrom names a
// ConfigMap that does not exist yet: the container waits with the
// apiserver's NotFound message, and starts once the ConfigMap is created
// (delivered to the kubelet by the object's watch).
func TestEnvFromConfigMapCreatedLater(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	ctx := context.Background()
	startKubelet(t, fakeOptions(t, s, "node-env"))
	nodeReady(t, cs, "node-env")
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "env"},
		Spec: corev1.PodSpec{NodeName: "node-env", Containers: []corev1.Container{{
			Name: "app", Image: "keel.local/busybox:1.35", Command: []string{"sleep", "3600"},
			EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "late"}}}}}}}}
	if _, err := cs.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the container to wait for its ConfigMap", 30*time.Second, func() (bool, string) {
		got, err := cs.CoreV1().Pods("default").Get(ctx, "env", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, c := range got.Status.ContainerStatuses {
			if w := c.State.Waiting; w != nil && w.Reason == "CreateContainerConfigError" {
				return strings.Contains(w.Message, `configmaps "late" not found`), w.Message
			}
		}
		return false, fmt.Sprintf("%+v", got.Status.ContainerStatuses)
	})
	if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "late"}, Data: map[string]string{"MODE": "on"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(t, cs, "env")
}

// TestObjectWatchesBeyondOneConnectionsStreams registers more objects than
// the apiserver allows HTTP/2 streams on one connection (250): every
// object's watch must still sync, the client opening more connections.
func TestObjectWatchesBeyondOneConnectionsStreams(t *testing.T) {
	const objects = 300
	s := framework.StartTestServer(t)
	cs := client(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "many", UID: "uid-many"}}
	for i := 0; i < objects; i++ {
		name := fmt.Sprintf("cm-%d", i)
		if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name},
			Data: map[string]string{"i": strconv.Itoa(i)}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: name, EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}}}})
	}
	m := objcache.New(ctx, cs, objcache.Options{SyncWait: time.Minute, Logger: quiet})
	m.RegisterPod(pod)
	if m.Watching() != objects {
		t.Fatalf("watching %d objects, want %d", m.Watching(), objects)
	}
	before := configMapRequests(t, s)
	for i := 0; i < objects; i++ {
		cm, err := m.GetConfigMap("default", fmt.Sprintf("cm-%d", i))
		if err != nil || cm.Data["i"] != strconv.Itoa(i) {
			t.Fatalf("cm-%d = %v, %v", i, cm, err)
		}
	}
	if gets := configMapRequests(t, s)["GET"] - before["GET"]; gets != 0 {
		t.Errorf("%v configmap GETs, want every read served by its watch", gets)
	}
	m.UnregisterPod(pod)
	if m.Watching() != 0 {
		t.Errorf("watching %d objects after the pod left", m.Watching())
	}
}
