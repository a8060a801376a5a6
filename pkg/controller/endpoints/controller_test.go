package endpoints

import (
	"context"
	"fmt"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func service(ns, name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"team": "a"}},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []corev1.ServicePort{
			{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}}},
	}
}

func pod(name, ip string, ready bool, port int32) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name), Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: port}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

func run(t *testing.T, key string, objs ...runtime.Object) (*fake.Clientset, error) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	cs.ClearActions()
	return cs, c.sync(ctx, key)
}

func TestSubsets(t *testing.T) {
	cs, err := run(t, "ns/web", service("ns", "web"),
		pod("a", "10.0.0.2", true, 8080), pod("b", "10.0.0.1", false, 8080), pod("c", "10.0.0.3", true, 9090), pod("noip", "", true, 8080))
	if err != nil {
		t.Fatal(err)
	}
	ep, err := cs.CoreV1().Endpoints("ns").Get(context.Background(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ep.Labels["team"] != "a" {
		t.Errorf("labels = %v, want the service's", ep.Labels)
	}
	got := map[int32]string{}
	for _, s := range ep.Subsets {
		got[s.Ports[0].Port] = fmt.Sprintf("ready=%d notReady=%d", len(s.Addresses), len(s.NotReadyAddresses))
	}
	want := map[int32]string{8080: "ready=1 notReady=1", 9090: "ready=1 notReady=0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("subsets = %v, want %v", got, want)
	}
}

func TestSkips(t *testing.T) {
	noSelector := service("ns", "manual")
	noSelector.Spec.Selector = nil
	tests := []struct {
		name string
		key  string
		objs []runtime.Object
	}{
		{"the apiserver's kubernetes service is left alone", "default/kubernetes", []runtime.Object{service("default", "kubernetes")}},
		{"a service without selector is left alone", "ns/manual", []runtime.Object{noSelector}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := run(t, tc.key, tc.objs...)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range cs.Actions() {
				if a.Resource.Resource == "endpoints" && a.Verb != "list" && a.Verb != "watch" {
					t.Errorf("unexpected %s of endpoints", a.Verb)
				}
			}
		})
	}
}

func TestDeletedServiceLosesItsEndpoints(t *testing.T) {
	existing := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "gone", Namespace: "ns"}}
	cs, err := run(t, "ns/gone", existing)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Endpoints("ns").Get(context.Background(), "gone", metav1.GetOptions{}); err == nil {
		t.Error("endpoints of a deleted service still exist")
	}
}

func TestSteadyStateWritesNothing(t *testing.T) {
	svc := service("ns", "web")
	p := pod("a", "10.0.0.2", true, 8080)
	subsets, _ := buildSubsets(svc, []*corev1.Pod{p})
	existing := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", Labels: map[string]string{"team": "a"}}, Subsets: subsets}
	cs, err := run(t, "ns/web", svc, p, existing)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range cs.Actions() {
		if a.Verb == "update" || a.Verb == "create" {
			t.Errorf("unexpected %s", a.Verb)
		}
	}
}
