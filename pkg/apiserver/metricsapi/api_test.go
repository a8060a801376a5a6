package metricsapi

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metricsv1beta1 "keel.dev/api/metrics/v1beta1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// fakeNodes and fakePods are in-memory node and pod storages.
type fakeNodes []corev1.Node

func (f fakeNodes) New() runtime.Object     { return &corev1.Node{} }
func (f fakeNodes) NewList() runtime.Object { return &corev1.NodeList{} }
func (f fakeNodes) Get(_ context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	for i := range f {
		if f[i].Name == name {
			return &f[i], nil
		}
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "nodes"}, name)
}
func (f fakeNodes) List(_ context.Context, o *rest.ListOptions) (runtime.Object, error) {
	out := &corev1.NodeList{}
	for _, n := range f {
		if o.LabelSelector == nil || o.LabelSelector.Matches(labels.Set(n.Labels)) {
			out.Items = append(out.Items, n)
		}
	}
	return out, nil
}

type fakePods []corev1.Pod

func (f fakePods) New() runtime.Object     { return &corev1.Pod{} }
func (f fakePods) NewList() runtime.Object { return &corev1.PodList{} }
func (f fakePods) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	for i := range f {
		if f[i].Name == name && f[i].Namespace == rest.NamespaceFrom(ctx) {
			return &f[i], nil
		}
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, name)
}
func (f fakePods) List(ctx context.Context, o *rest.ListOptions) (runtime.Object, error) {
	out := &corev1.PodList{}
	ns := rest.NamespaceFrom(ctx)
	for _, p := range f {
		if (ns == "" || p.Namespace == ns) && (o.LabelSelector == nil || o.LabelSelector.Matches(labels.Set(p.Labels))) {
			out.Items = append(out.Items, p)
		}
	}
	return out, nil
}

// fakeKubelets serves canned summaries by node name and counts calls.
type fakeKubelets struct {
	mu    sync.Mutex
	sums  map[string]*Summary
	calls map[string]int
}

func (f *fakeKubelets) Summary(_ context.Context, n *corev1.Node) (*Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[n.Name]++
	s, ok := f.sums[n.Name]
	if !ok {
		return nil, errors.New("connection refused")
	}
	return s, nil
}

func u64(v uint64) *uint64 { return &v }

var sampleTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func sample(nanoCores, bytes uint64) (*CPUStats, *MemoryStats) {
	return &CPUStats{Time: sampleTime, UsageNanoCores: u64(nanoCores)}, &MemoryStats{Time: sampleTime, WorkingSetBytes: u64(bytes)}
}

func container(name string, nanoCores, bytes uint64) ContainerStats {
	cpu, mem := sample(nanoCores, bytes)
	return ContainerStats{Name: name, CPU: cpu, Memory: mem}
}

type fixture struct {
	api      *API
	kubelets *fakeKubelets
	now      *time.Time
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	addr := func(ip string) corev1.NodeStatus {
		return corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}}
	}
	nodes := fakeNodes{
		{ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"zone": "a"}}, Status: addr("10.0.0.1")},
		{ObjectMeta: metav1.ObjectMeta{Name: "n2", Labels: map[string]string{"zone": "b"}}, Status: addr("10.0.0.2")},
		{ObjectMeta: metav1.ObjectMeta{Name: "down"}, Status: addr("10.0.0.3")},
	}
	pod := func(ns, name, node, uid string, l map[string]string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(uid), Labels: l}, Spec: corev1.PodSpec{NodeName: node}}
	}
	web := map[string]string{"app": "web"}
	pods := fakePods{
		pod("x", "web-1", "n1", "u1", web),
		pod("x", "web-2", "n2", "u2", web),
		pod("x", "db", "n1", "u3", map[string]string{"app": "db"}),
		pod("x", "pending", "", "u4", web),
		pod("x", "on-down-node", "down", "u5", web),
		pod("x", "recreated", "n1", "new-uid", nil),
		pod("y", "web-1", "n2", "u6", web),
	}
	n1cpu, n1mem := sample(1_500_000_000, 2<<30)
	n2cpu, n2mem := sample(250_000_000, 1<<30)
	kubelets := &fakeKubelets{calls: map[string]int{}, sums: map[string]*Summary{
		"n1": {Node: NodeStats{NodeName: "n1", CPU: n1cpu, Memory: n1mem}, Pods: []PodStats{
			{PodRef: PodReference{Namespace: "x", Name: "web-1", UID: "u1"}, Containers: []ContainerStats{container("sidecar", 1_000_000, 1<<20), container("app", 450_000_000, 100<<20)}},
			{PodRef: PodReference{Namespace: "x", Name: "db", UID: "u3"}, Containers: []ContainerStats{{Name: "nostats"}}},
			{PodRef: PodReference{Namespace: "x", Name: "recreated", UID: "old-uid"}, Containers: []ContainerStats{container("c", 1, 1)}},
		}},
		"n2": {Node: NodeStats{NodeName: "n2", CPU: n2cpu, Memory: n2mem}, Pods: []PodStats{
			{PodRef: PodReference{Namespace: "x", Name: "web-2", UID: "u2"}, Containers: []ContainerStats{container("app", 90_000_000, 50<<20)}},
			{PodRef: PodReference{Namespace: "y", Name: "web-1", UID: "u6"}, Containers: []ContainerStats{container("app", 5_000_000, 10<<20)}},
		}},
	}}
	now := sampleTime.Add(time.Second)
	api, err := New(Config{Nodes: nodes, Pods: pods, Kubelets: kubelets, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{api: api, kubelets: kubelets, now: &now}
}

func (f fixture) storage(t *testing.T, res string) interface {
	rest.Getter
	rest.Lister
} {
	t.Helper()
	st, ok := f.api.For(metricsv1beta1.SchemeGroupVersion.WithResource(res), "")
	if !ok {
		t.Fatalf("no storage for %s", res)
	}
	return st.(interface {
		rest.Getter
		rest.Lister
	})
}

// usageJSON renders a usage list as its wire form.
func usageJSON(t *testing.T, l corev1.ResourceList) string {
	t.Helper()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPodMetricsList(t *testing.T) {
	f := newFixture(t)
	pods := f.storage(t, "pods")
	cases := []struct {
		name     string
		ns       string
		selector string
		want     []string // namespace/name of the items, in order
	}{
		{"one namespace", "x", "", []string{"x/web-1", "x/web-2"}},
		{"all namespaces", "", "", []string{"x/web-1", "x/web-2", "y/web-1"}},
		{"label selector", "", "app=web", []string{"x/web-1", "x/web-2", "y/web-1"}},
		{"selector matching only pods without samples", "x", "app=db", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := &rest.ListOptions{}
			if c.selector != "" {
				sel, err := labels.Parse(c.selector)
				if err != nil {
					t.Fatal(err)
				}
				opts.LabelSelector = sel
			}
			obj, err := pods.List(rest.WithNamespace(context.Background(), c.ns), opts)
			if err != nil {
				t.Fatal(err)
			}
			list := obj.(*metricsv1beta1.PodMetricsList)
			var got []string
			for _, it := range list.Items {
				got = append(got, it.Namespace+"/"+it.Name)
			}
			if len(got) != len(c.want) {
				t.Fatalf("items %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("items %v, want %v", got, c.want)
				}
			}
		})
	}
	// One scrape per node despite four lists; the down node was tried.
	if f.kubelets.calls["n1"] != 1 || f.kubelets.calls["n2"] != 1 || f.kubelets.calls["down"] != 1 {
		t.Errorf("kubelet calls %v", f.kubelets.calls)
	}
}

func TestPodMetricsContent(t *testing.T) {
	f := newFixture(t)
	obj, err := f.storage(t, "pods").Get(rest.WithNamespace(context.Background(), "x"), "web-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	m := obj.(*metricsv1beta1.PodMetrics)
	if m.Namespace != "x" || m.Name != "web-1" || m.Labels["app"] != "web" {
		t.Errorf("metadata %+v", m.ObjectMeta)
	}
	if !m.Timestamp.Time.Equal(sampleTime) || m.Window.Duration != DefaultWindow {
		t.Errorf("timestamp %v window %v", m.Timestamp, m.Window)
	}
	if len(m.Containers) != 2 || m.Containers[0].Name != "app" || m.Containers[1].Name != "sidecar" {
		t.Fatalf("containers %+v", m.Containers)
	}
	if got := usageJSON(t, m.Containers[0].Usage); got != `{"cpu":"450m","memory":"100Mi"}` {
		t.Errorf("app usage %s", got)
	}
	if got := usageJSON(t, m.Containers[1].Usage); got != `{"cpu":"1m","memory":"1Mi"}` {
		t.Errorf("sidecar usage %s", got)
	}
}

func TestPodMetricsGetNotFound(t *testing.T) {
	f := newFixture(t)
	pods := f.storage(t, "pods")
	for _, name := range []string{"nosuch", "pending", "db", "on-down-node", "recreated"} {
		t.Run(name, func(t *testing.T) {
			_, err := pods.Get(rest.WithNamespace(context.Background(), "x"), name, nil)
			if !apierrors.IsNotFound(err) || err.Error() != `podmetrics.metrics.k8s.io "x/`+name+`" not found` {
				t.Errorf("err %v", err)
			}
		})
	}
}

func TestNodeMetrics(t *testing.T) {
	f := newFixture(t)
	nodes := f.storage(t, "nodes")
	obj, err := nodes.List(context.Background(), &rest.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	list := obj.(*metricsv1beta1.NodeMetricsList)
	if len(list.Items) != 2 || list.Items[0].Name != "n1" || list.Items[1].Name != "n2" {
		t.Fatalf("items %+v", list.Items)
	}
	if got := usageJSON(t, list.Items[0].Usage); got != `{"cpu":"1500m","memory":"2Gi"}` {
		t.Errorf("n1 usage %s", got)
	}
	sel, _ := labels.Parse("zone=b")
	obj, err = nodes.List(context.Background(), &rest.ListOptions{LabelSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	if l := obj.(*metricsv1beta1.NodeMetricsList); len(l.Items) != 1 || l.Items[0].Name != "n2" || l.Items[0].Labels["zone"] != "b" {
		t.Errorf("selected %+v", l.Items)
	}
	obj, err = nodes.Get(context.Background(), "n2", nil)
	if err != nil || obj.(*metricsv1beta1.NodeMetrics).Usage.Cpu().MilliValue() != 250 {
		t.Errorf("get n2: %v %v", obj, err)
	}
	for _, name := range []string{"nosuch", "down"} {
		_, err := nodes.Get(context.Background(), name, nil)
		if !apierrors.IsNotFound(err) || err.Error() != `nodemetrics.metrics.k8s.io "`+name+`" not found` {
			t.Errorf("get %s: %v", name, err)
		}
	}
}

func TestSummariesAreCachedForTheTTL(t *testing.T) {
	f := newFixture(t)
	nodes := f.storage(t, "nodes")
	get := func() {
		t.Helper()
		if _, err := nodes.Get(context.Background(), "n1", nil); err != nil {
			t.Fatal(err)
		}
	}
	get()
	get()
	if f.kubelets.calls["n1"] != 1 {
		t.Fatalf("calls within the TTL: %d", f.kubelets.calls["n1"])
	}
	*f.now = f.now.Add(DefaultCacheTTL)
	get()
	if f.kubelets.calls["n1"] != 2 {
		t.Fatalf("calls after the TTL: %d", f.kubelets.calls["n1"])
	}
}

func TestForServesOnlyTheMetricsResources(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		gvr schema.GroupVersionResource
		sub string
		ok  bool
	}{
		{metricsv1beta1.SchemeGroupVersion.WithResource("nodes"), "", true},
		{metricsv1beta1.SchemeGroupVersion.WithResource("pods"), "", true},
		{metricsv1beta1.SchemeGroupVersion.WithResource("pods"), "status", false},
		{schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "", false},
	}
	for _, c := range cases {
		if _, ok := f.api.For(c.gvr, c.sub); ok != c.ok {
			t.Errorf("For(%v, %q) = %v", c.gvr, c.sub, ok)
		}
	}
}
