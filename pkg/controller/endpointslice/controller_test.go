package endpointslice

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func service(name string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: "svc-uid"},
		Spec:       corev1.ServiceSpec{Selector: map[string]string{"app": name}, Ports: ports},
	}
}

func pod(name, app, ip string, ready bool, mutate ...func(*corev1.Pod)) *corev1.Pod {
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name), Labels: map[string]string{"app": app}},
		Spec: corev1.PodSpec{NodeName: "node-a", Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{
			{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: status}}},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

// harness runs the controller's informers against a fake clientset.
type harness struct {
	cs *fake.Clientset
	c  *Controller
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{cs: cs, c: c}
}

func (h *harness) sync(t *testing.T, key string) []discoveryv1.EndpointSlice {
	t.Helper()
	if err := h.c.sync(context.Background(), key); err != nil {
		t.Fatalf("sync: %v", err)
	}
	l, err := h.cs.DiscoveryV1().EndpointSlices("ns").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// waitSlices waits until the informer holds n slices.
func (h *harness) waitSlices(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if l, _ := h.c.slices.List(nil); len(l) == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("informer never saw %d slices", n)
}

func endpointsByPod(slices []discoveryv1.EndpointSlice) map[string]discoveryv1.Endpoint {
	out := map[string]discoveryv1.Endpoint{}
	for _, s := range slices {
		for _, ep := range s.Endpoints {
			out[ep.TargetRef.Name] = ep
		}
	}
	return out
}

func TestConditions(t *testing.T) {
	deleting := func(p *corev1.Pod) { now := metav1.Now(); p.DeletionTimestamp = &now }
	tests := []struct {
		name                        string
		pod                         *corev1.Pod
		publishNotReady             bool
		ready, serving, terminating bool
	}{
		{"a ready pod is ready and serving", pod("p", "web", "10.0.0.1", true), false, true, true, false},
		{"an unready pod is neither ready nor serving", pod("p", "web", "10.0.0.1", false), false, false, false, false},
		{"a terminating ready pod is serving but not ready", pod("p", "web", "10.0.0.1", true, deleting), false, false, true, true},
		{"publishNotReadyAddresses makes an unready pod ready", pod("p", "web", "10.0.0.1", false), true, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := service("web", corev1.ServicePort{Name: "http", Port: 80, TargetPort: intstr.FromInt(8080)})
			svc.Spec.PublishNotReadyAddresses = tc.publishNotReady
			node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-a", Labels: map[string]string{LabelTopologyZone: "z1"}}}
			h := newHarness(t, svc, tc.pod, node)
			got := h.sync(t, "ns/web")
			if len(got) != 1 {
				t.Fatalf("got %d slices, want 1", len(got))
			}
			s := got[0]
			if s.Labels[discoveryv1.LabelServiceName] != "web" || s.Labels[discoveryv1.LabelManagedBy] != ControllerName {
				t.Errorf("labels = %v", s.Labels)
			}
			if len(s.OwnerReferences) != 1 || s.OwnerReferences[0].Kind != "Service" || s.OwnerReferences[0].UID != "svc-uid" {
				t.Errorf("ownerReferences = %+v", s.OwnerReferences)
			}
			if s.Annotations[AnnotationTriggerTime] == "" {
				t.Errorf("missing %s", AnnotationTriggerTime)
			}
			ep := s.Endpoints[0]
			if *ep.Conditions.Ready != tc.ready || *ep.Conditions.Serving != tc.serving || *ep.Conditions.Terminating != tc.terminating {
				t.Errorf("conditions ready=%v serving=%v terminating=%v, want %v %v %v", *ep.Conditions.Ready,
					*ep.Conditions.Serving, *ep.Conditions.Terminating, tc.ready, tc.serving, tc.terminating)
			}
			if ep.Zone == nil || *ep.Zone != "z1" || ep.NodeName == nil || *ep.NodeName != "node-a" {
				t.Errorf("zone/node = %v/%v", ep.Zone, ep.NodeName)
			}
		})
	}
}

func TestNamedPortsAreResolvedPerPod(t *testing.T) {
	svc := service("web", corev1.ServicePort{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("http")})
	other := pod("b", "web", "10.0.0.2", true, func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 9090 })
	h := newHarness(t, svc, pod("a", "web", "10.0.0.1", true), other)
	got := h.sync(t, "ns/web")
	if len(got) != 2 {
		t.Fatalf("got %d slices, want one per resolved port", len(got))
	}
	ports := map[string]int32{}
	for _, s := range got {
		ports[s.Endpoints[0].TargetRef.Name] = *s.Ports[0].Port
	}
	if ports["a"] != 8080 || ports["b"] != 9090 {
		t.Errorf("ports = %v, want a:8080 b:9090", ports)
	}
}

func TestHostnameAndPodsWithoutIPs(t *testing.T) {
	svc := service("web")
	sub := pod("a", "web", "10.0.0.1", true, func(p *corev1.Pod) { p.Spec.Hostname, p.Spec.Subdomain = "a", "web" })
	h := newHarness(t, svc, sub, pod("noip", "web", "", true), pod("done", "web", "10.0.0.9", false,
		func(p *corev1.Pod) { p.Status.Phase = corev1.PodSucceeded }))
	eps := endpointsByPod(h.sync(t, "ns/web"))
	if len(eps) != 1 {
		t.Fatalf("endpoints = %v, want only the pod with an IP", eps)
	}
	if h := eps["a"].Hostname; h == nil || *h != "a" {
		t.Errorf("hostname = %v, want a", h)
	}
}

func TestHundredEndpointsPerSlice(t *testing.T) {
	objs := []runtime.Object{service("web", corev1.ServicePort{Name: "http", Port: 80, TargetPort: intstr.FromInt(8080)})}
	for i := range 250 {
		objs = append(objs, pod(fmt.Sprintf("p%03d", i), "web", fmt.Sprintf("10.0.%d.%d", i/200, i%200+1), true))
	}
	h := newHarness(t, objs...)
	got := h.sync(t, "ns/web")
	sizes := map[int]int{}
	for _, s := range got {
		sizes[len(s.Endpoints)]++
	}
	if len(got) != 3 || sizes[100] != 2 || sizes[50] != 1 {
		t.Fatalf("slice sizes = %v, want 100,100,50", sizes)
	}
	if len(endpointsByPod(got)) != 250 {
		t.Errorf("not every pod has one endpoint")
	}

	// A second sync with nothing changed writes nothing.
	h.waitSlices(t, 3)
	h.cs.ClearActions()
	h.sync(t, "ns/web")
	for _, a := range h.cs.Actions() {
		if a.Verb != "list" && a.Verb != "get" && a.Verb != "watch" {
			t.Errorf("unexpected %s %s on a steady state", a.Verb, a.Resource.Resource)
		}
	}
}

func TestMinimalChurnUpdatesOnlyTheAffectedSlice(t *testing.T) {
	svc := service("web")
	objs := []runtime.Object{svc}
	for i := range 150 {
		objs = append(objs, pod(fmt.Sprintf("p%03d", i), "web", fmt.Sprintf("10.0.0.%d", i+1), true))
	}
	h := newHarness(t, objs...)
	h.sync(t, "ns/web")
	h.waitSlices(t, 2)
	if err := h.cs.CoreV1().Pods("ns").Delete(context.Background(), "p140", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := h.c.pods.Get("ns", "p140"); err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.cs.ClearActions()
	got := h.sync(t, "ns/web")
	updates := 0
	for _, a := range h.cs.Actions() {
		if a.Verb == "update" || a.Verb == "create" || a.Verb == "delete" {
			updates++
		}
	}
	if updates != 1 {
		t.Errorf("got %d writes, want 1 update of the slice holding the pod", updates)
	}
	if _, ok := endpointsByPod(got)["p140"]; ok || len(endpointsByPod(got)) != 149 {
		t.Errorf("deleted pod still listed or endpoints lost")
	}
}

func TestServiceWithoutPodsGetsAPlaceholderAndNoSelectorIsIgnored(t *testing.T) {
	manual := service("manual")
	manual.Spec.Selector = nil
	h := newHarness(t, service("web"), manual)
	if got := h.sync(t, "ns/web"); len(got) != 1 || len(got[0].Endpoints) != 0 {
		t.Fatalf("got %+v, want one empty placeholder slice", got)
	}
	if got := h.sync(t, "ns/manual"); len(got) != 1 {
		t.Errorf("a service without selector got slices: %d total", len(got))
	}
}
