package metrics

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/install"
	metricsv1beta1 "keel.dev/api/metrics/v1beta1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"

	cmapp "keel.dev/keel/pkg/controller-manager/app"
	ctlapp "keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/test/integration/framework"
)

// fakeKubelet serves /stats/summary over HTTPS to clients with a
// certificate of the cluster CA, from the usage set with setPod.
type fakeKubelet struct {
	srv  *httptest.Server
	mu   sync.Mutex
	pods map[string]podUsage // namespace/name
	user string              // client certificate CN of the last request
}

type podUsage struct {
	uid       string
	nanoCores uint64
	bytes     uint64
}

var sampleTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newFakeKubelet(t *testing.T, ca *x509.Certificate) *fakeKubelet {
	k := &fakeKubelet{pods: map[string]podUsage{}}
	k.srv = httptest.NewUnstartedServer(http.HandlerFunc(k.serve))
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	k.srv.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	k.srv.StartTLS()
	t.Cleanup(k.srv.Close)
	return k
}

func (k *fakeKubelet) setPod(ns, name, uid string, nanoCores, bytes uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.pods[ns+"/"+name] = podUsage{uid, nanoCores, bytes}
}

func (k *fakeKubelet) serve(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(r.TLS.PeerCertificates) > 0 {
		k.user = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	if r.URL.Path != "/stats/summary" {
		http.NotFound(w, r)
		return
	}
	sample := func(nano, bytes uint64) map[string]any {
		return map[string]any{
			"cpu":    map[string]any{"time": sampleTime, "usageNanoCores": nano, "usageCoreNanoSeconds": nano * 100},
			"memory": map[string]any{"time": sampleTime, "workingSetBytes": bytes, "usageBytes": bytes * 2},
		}
	}
	node := sample(1_500_000_000, 2<<30)
	node["nodeName"] = "n1"
	var pods []any
	for key, u := range k.pods {
		ns, name, _ := strings.Cut(key, "/")
		c := sample(u.nanoCores, u.bytes)
		c["name"] = "app"
		p := sample(u.nanoCores, u.bytes)
		p["podRef"] = map[string]any{"namespace": ns, "name": name, "uid": u.uid}
		p["containers"] = []any{c}
		pods = append(pods, p)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"node": node, "pods": pods})
}

type env struct {
	s       *framework.TestServer
	cs      *typed.Clientset
	kubelet *fakeKubelet
	ctx     context.Context
}

// setup starts the apiserver and a fake kubelet and registers node n1 at
// the kubelet's address with 4 CPUs and 8Gi of memory allocatable.
func setup(t *testing.T) *env {
	t.Helper()
	s := framework.StartTestServer(t)
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	k := newFakeKubelet(t, s.Running.Certificates().CA.Cert)
	host, p, _ := net.SplitHostPort(k.srv.Listener.Addr().String())
	port, _ := strconv.Atoi(p)
	ctx := context.Background()
	node, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"zone": "a"}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	node.Status = corev1.NodeStatus{
		Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: host}, {Type: corev1.NodeHostName, Address: "n1"}},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(port)}},
		Capacity:        corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi")},
		Allocatable:     corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi")},
	}
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return &env{s: s, cs: cs, kubelet: k, ctx: ctx}
}

// runningPod creates a Running pod on n1 requesting cpuRequest and tells
// the kubelet its usage.
func (e *env) runningPod(t *testing.T, name string, labels map[string]string, cpuRequest string, nanoCores, bytes uint64) {
	t.Helper()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "x", Labels: labels},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "app", Image: "busybox",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpuRequest)}}}}},
	}
	created, err := e.cs.CoreV1().Pods("x").Create(e.ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Status.Phase = corev1.PodRunning
	created.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if _, err := e.cs.CoreV1().Pods("x").UpdateStatus(e.ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.kubelet.setPod("x", name, string(created.UID), nanoCores, bytes)
}

func TestMetricsAPI(t *testing.T) {
	e := setup(t)
	e.runningPod(t, "web-0", map[string]string{"app": "web"}, "100m", 90_000_000, 20<<20)
	e.runningPod(t, "db-0", map[string]string{"app": "db"}, "1", 250_000_000, 300<<20)

	t.Run("pod metrics list", func(t *testing.T) {
		resp := e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods")
		framework.Expect(t, resp, 200, "list pod metrics")
		obj := resp.Object(t)
		if framework.String(obj, "kind") != "PodMetricsList" || framework.String(obj, "apiVersion") != "metrics.k8s.io/v1beta1" {
			t.Errorf("list kind %v", obj)
		}
		got := map[string]string{}
		for _, it := range framework.Items(obj) {
			cs := it["containers"].([]any)
			c := cs[0].(map[string]any)
			u := c["usage"].(map[string]any)
			got[framework.String(it, "metadata.name")] = fmt.Sprintf("%s %s %s %s", c["name"], u["cpu"], u["memory"], it["window"])
			if framework.String(it, "timestamp") != "2026-01-02T03:04:05Z" || framework.String(it, "metadata.namespace") != "x" {
				t.Errorf("item %v", it)
			}
		}
		want := map[string]string{"web-0": "app 90m 20Mi 10s", "db-0": "app 250m 300Mi 10s"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("usage %v, want %v", got, want)
		}
		if e.kubelet.user != "kube-apiserver-kubelet-client" {
			t.Errorf("kubelet client %q", e.kubelet.user)
		}
	})
	t.Run("label selector and get", func(t *testing.T) {
		resp := e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods?labelSelector=app%3Dweb")
		framework.Expect(t, resp, 200, "select")
		if items := framework.Items(resp.Object(t)); len(items) != 1 || framework.String(items[0], "metadata.name") != "web-0" {
			t.Errorf("selected %v", items)
		}
		resp = e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods?fieldSelector=metadata.name%3Ddb-0")
		framework.Expect(t, resp, 200, "field select")
		if items := framework.Items(resp.Object(t)); len(items) != 1 || framework.String(items[0], "metadata.name") != "db-0" {
			t.Errorf("field-selected %v", items)
		}
		resp = e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods/web-0")
		framework.Expect(t, resp, 200, "get")
		if framework.String(resp.Object(t), "kind") != "PodMetrics" {
			t.Errorf("get %s", resp.Body)
		}
		resp = e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods/nosuch")
		framework.Expect(t, resp, 404, "get missing")
		if msg := framework.String(resp.Object(t), "message"); msg != `podmetrics.metrics.k8s.io "x/nosuch" not found` {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("node metrics", func(t *testing.T) {
		resp := e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/nodes")
		framework.Expect(t, resp, 200, "list node metrics")
		items := framework.Items(resp.Object(t))
		if len(items) != 1 || framework.String(items[0], "metadata.name") != "n1" ||
			framework.String(items[0], "usage.cpu") != "1500m" || framework.String(items[0], "usage.memory") != "2Gi" {
			t.Errorf("node metrics %v", items)
		}
		resp = e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/nodes/nosuch")
		framework.Expect(t, resp, 404, "get missing node")
	})
	t.Run("protobuf", func(t *testing.T) {
		resp := e.s.Do(t, framework.Request{Method: "GET", Path: "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods/web-0",
			Accept: runtime.ContentTypeProtobuf})
		framework.Expect(t, resp, 200, "get as protobuf")
		scheme := install.NewScheme()
		if err := metricsv1beta1.AddToScheme(scheme); err != nil {
			t.Fatal(err)
		}
		obj, _, err := serializer.NewCodecFactory(scheme).UniversalDeserializer().Decode(resp.Body, nil, nil)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		m, ok := obj.(*metricsv1beta1.PodMetrics)
		if !ok || len(m.Containers) != 1 || m.Containers[0].Usage.Cpu().MilliValue() != 90 || m.Window.Duration != 10*time.Second {
			t.Errorf("decoded %#v", obj)
		}
	})
	t.Run("table", func(t *testing.T) {
		resp := e.s.Do(t, framework.Request{Method: "GET", Path: "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods",
			Accept: "application/json;as=Table;v=v1;g=meta.k8s.io"})
		framework.Expect(t, resp, 200, "list as a table")
		obj := resp.Object(t)
		if framework.String(obj, "kind") != "Table" {
			t.Fatalf("kind %q", framework.String(obj, "kind"))
		}
		if rows, _ := obj["rows"].([]any); len(rows) != 2 {
			t.Errorf("rows %v", obj["rows"])
		}
	})
	t.Run("watch is not served", func(t *testing.T) {
		resp := e.s.Get(t, "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods?watch=true")
		framework.Expect(t, resp, 405, "watch")
	})
	t.Run("discovery", func(t *testing.T) {
		resp := e.s.Get(t, "/apis/metrics.k8s.io/v1beta1")
		framework.Expect(t, resp, 200, "group version discovery")
		res := map[string]string{}
		for _, r := range resp.Object(t)["resources"].([]any) {
			m := r.(map[string]any)
			res[m["name"].(string)] = fmt.Sprintf("%v %v %v", m["kind"], m["namespaced"], m["verbs"])
		}
		want := map[string]string{"nodes": "NodeMetrics false [get list]", "pods": "PodMetrics true [get list]"}
		if fmt.Sprint(res) != fmt.Sprint(want) {
			t.Errorf("resources %v, want %v", res, want)
		}
		agg := e.s.Do(t, framework.Request{Method: "GET", Path: "/apis",
			Accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"})
		framework.Expect(t, agg, 200, "aggregated discovery")
		if !strings.Contains(string(agg.Body), `"name":"metrics.k8s.io"`) {
			t.Errorf("aggregated discovery lacks metrics.k8s.io")
		}
	})
	t.Run("nodes proxy", func(t *testing.T) {
		resp := e.s.Get(t, "/api/v1/nodes/n1/proxy/stats/summary")
		framework.Expect(t, resp, 200, "summary through nodes/proxy")
		if framework.String(resp.Object(t), "node.nodeName") != "n1" {
			t.Errorf("summary %s", resp.Body)
		}
		resp = e.s.Get(t, "/api/v1/nodes/nosuch/proxy/stats/summary")
		framework.Expect(t, resp, 404, "missing node")
	})
	t.Run("kubectl top", func(t *testing.T) {
		kubectl, err := exec.LookPath("kubectl")
		if err != nil {
			t.Skip("kubectl is not on PATH")
		}
		run := func(args ...string) string {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, kubectl, args...)
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+e.s.Kubeconfig)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("kubectl %v: %v\n%s", args, err, out)
			}
			return string(out)
		}
		pods := run("top", "pods", "-n", "x")
		t.Logf("kubectl top pods -n x:\n%s", pods)
		mustMatch(t, pods,
			`(?m)^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$`, `(?m)^web-0\s+90m\s+20Mi\s*$`, `(?m)^db-0\s+250m\s+300Mi\s*$`)
		mustMatch(t, run("top", "pods", "-n", "x", "-l", "app=web", "--no-headers"), `^web-0\s+90m\s+20Mi\s*$`)
		nodes := run("top", "nodes")
		t.Logf("kubectl top nodes:\n%s", nodes)
		mustMatch(t, nodes,
			`(?m)^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$`, `(?m)^n1\s+1500m\s+37%\s+2048Mi\s+25%\s*$`)
	})
	t.Run("ctl top", func(t *testing.T) {
		ctl := func(args ...string) string {
			t.Helper()
			t.Setenv("KUBECONFIG", e.s.Kubeconfig)
			t.Setenv("HOME", t.TempDir())
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if code := ctlapp.Run(ctx, args, strings.NewReader(""), &out, &errOut); code != 0 {
				t.Fatalf("ctl %v: exit %d: %s", args, code, errOut.String())
			}
			return out.String()
		}
		mustMatch(t, ctl("top", "pods", "-n", "x"), `(?m)^web-0\s+90m\s+20Mi\s*$`, `(?m)^db-0\s+250m\s+300Mi\s*$`)
		mustMatch(t, ctl("top", "nodes"), `(?m)^n1\s+1500m\s+37%\s+2048Mi\s+25%\s*$`)
	})
}

func mustMatch(t *testing.T, out string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(out) {
			t.Errorf("output does not match %s:\n%s", p, out)
		}
	}
}

// TestAutoscalerScalesOnPodMetrics runs the controller-manager's HPA with
// its default metrics source: two pods of a Deployment use 90% of their
// CPU request against a 50% target, so it scales the Deployment to
// ceil(2 * 90/50) = 4.
func TestAutoscalerScalesOnPodMetrics(t *testing.T) {
	e := setup(t)
	web := map[string]string{"app": "web"}
	two := int32(2)
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "x"},
		Spec: appsv1.DeploymentSpec{Replicas: &two, Selector: &metav1.LabelSelector{MatchLabels: web},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: web},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox"}}}}},
	}
	if _, err := e.cs.AppsV1().Deployments("x").Create(e.ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.runningPod(t, "web-a", web, "100m", 90_000_000, 10<<20)
	e.runningPod(t, "web-b", web, "100m", 90_000_000, 10<<20)
	minR, target := int32(1), int32(50)
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "x"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			MinReplicas:    &minR, MaxReplicas: 10,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target}}}},
		},
	}
	if _, err := e.cs.AutoscalingV2().HorizontalPodAutoscalers("x").Create(e.ctx, hpa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	rc, err := kubeconfig.BuildConfig(e.s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(cmapp.WithLogger(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))))
	o := cmapp.NewOptions()
	o.LeaderElect = false
	o.SecurePort = 0
	o.Controllers = []string{"horizontalpodautoscaling"}
	done := make(chan error, 1)
	go func() { done <- cmapp.Run(ctx, o, rc) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("controller-manager: %v", err)
		}
	}()

	// Wait for the autoscaler's decision (not for a duration: the loop
	// ends as soon as the status says what it did).
	var last *autoscalingv2.HorizontalPodAutoscaler
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		h, err := e.cs.AutoscalingV2().HorizontalPodAutoscalers("x").Get(e.ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		last = h
		if h.Status.DesiredReplicas != 0 {
			break
		}
	}
	if last.Status.DesiredReplicas != 4 {
		t.Fatalf("desired replicas %d; status %+v", last.Status.DesiredReplicas, last.Status)
	}
	if len(last.Status.CurrentMetrics) != 1 || last.Status.CurrentMetrics[0].Resource == nil ||
		last.Status.CurrentMetrics[0].Resource.Current.AverageUtilization == nil || *last.Status.CurrentMetrics[0].Resource.Current.AverageUtilization != 90 {
		t.Errorf("current metrics %+v", last.Status.CurrentMetrics)
	}
	got, err := e.cs.AppsV1().Deployments("x").Get(e.ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *got.Spec.Replicas != 4 {
		t.Errorf("deployment replicas %d, want 4", *got.Spec.Replicas)
	}
}
