package resourcequota

import (
	"context"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func podWith(name string, phase corev1.PodPhase, cpu, mem string, initCPU string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Status: corev1.PodStatus{Phase: phase}}
	p.Spec.Containers = []corev1.Container{{Name: "a", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)},
	}}}
	if initCPU != "" {
		p.Spec.InitContainers = []corev1.Container{{Name: "i", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(initCPU)},
		}}}
	}
	return p
}

func quota(hard ...string) *corev1.ResourceQuota {
	q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", Namespace: "ns"}, Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{}}}
	for i := 0; i+1 < len(hard); i += 2 {
		q.Spec.Hard[corev1.ResourceName(hard[i])] = resource.MustParse(hard[i+1])
	}
	return q
}

func TestUsage(t *testing.T) {
	objs := Objects{
		Pods: []*corev1.Pod{
			podWith("a", corev1.PodRunning, "100m", "64Mi", ""),
			podWith("b", corev1.PodPending, "200m", "64Mi", "500m"),
			podWith("done", corev1.PodSucceeded, "1", "1Gi", ""),
		},
		Services: []*corev1.Service{
			{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 80}, {Port: 443}}}},
			{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080}}}},
			{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP}},
		},
		PersistentVolumeClaims: []*corev1.PersistentVolumeClaim{
			{Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}},
			{Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("2Gi")}}}},
		},
	}
	tests := []struct {
		name     string
		resource corev1.ResourceName
		want     string
	}{
		{"pods counts only non-terminal pods", "pods", "2"},
		{"count/pods is the same as pods", "count/pods", "2"},
		{"services counts every service", "services", "3"},
		{"node ports are counted per port", "services.nodeports", "3"},
		{"load balancers are counted", "services.loadbalancers", "1"},
		{"requests.cpu applies the init container max rule", "requests.cpu", "600m"},
		{"cpu is the same as requests.cpu", "cpu", "600m"},
		{"requests.memory sums the containers", "requests.memory", "128Mi"},
		{"limits.cpu sums container limits", "limits.cpu", "300m"},
		{"requests.storage sums claims", "requests.storage", "3Gi"},
		{"configmaps with none is zero", "configmaps", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			used := Usage(corev1.ResourceList{tc.resource: resource.MustParse("100")}, objs)
			got, ok := used[tc.resource]
			if !ok {
				t.Fatalf("%s not measured", tc.resource)
			}
			if want := resource.MustParse(tc.want); got.Cmp(want) != 0 {
				t.Errorf("%s = %s, want %s", tc.resource, got.String(), tc.want)
			}
		})
	}
}

func TestSyncWritesStatus(t *testing.T) {
	tests := []struct {
		name       string
		objs       []runtime.Object
		wantUpdate bool
		wantUsed   map[string]string
	}{
		{"a fresh quota gets hard and used",
			[]runtime.Object{quota("pods", "10", "requests.cpu", "2"), podWith("a", corev1.PodRunning, "250m", "1Mi", "")},
			true, map[string]string{"pods": "1", "requests.cpu": "250m"}},
		{"an up-to-date quota is left alone",
			[]runtime.Object{func() *corev1.ResourceQuota {
				q := quota("configmaps", "5")
				q.Status.Hard = corev1.ResourceList{"configmaps": resource.MustParse("5")}
				q.Status.Used = corev1.ResourceList{"configmaps": resource.MustParse("0")}
				return q
			}()},
			false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset(tc.objs...)
			f := informers.NewFactory(cs.Clientset, 0)
			c := New(cs.Clientset, f, Options{Clock: clock.NewFake(time.Unix(0, 0))})
			ctx, cancel := context.WithCancel(context.Background())
			defer func() { cancel(); f.Shutdown() }()
			f.Start(ctx)
			f.WaitForCacheSync(ctx)
			cs.ClearActions()
			if err := c.sync(ctx, "ns"); err != nil {
				t.Fatal(err)
			}
			var got *corev1.ResourceQuota
			for _, a := range cs.Actions() {
				if a.Matches("update", "resourcequotas") && a.Subresource == "status" {
					got = a.Object.(*corev1.ResourceQuota)
				}
			}
			if (got != nil) != tc.wantUpdate {
				t.Fatalf("status updated = %v, want %v", got != nil, tc.wantUpdate)
			}
			if got == nil {
				return
			}
			if !equalLists(got.Status.Hard, got.Spec.Hard) {
				t.Errorf("status.hard = %v, want spec.hard %v", got.Status.Hard, got.Spec.Hard)
			}
			for k, v := range tc.wantUsed {
				q := got.Status.Used[corev1.ResourceName(k)]
				if q.Cmp(resource.MustParse(v)) != 0 {
					t.Errorf("used[%s] = %s, want %s", k, q.String(), v)
				}
			}
		})
	}
}

func TestRunRecomputesWhenAPodAppears(t *testing.T) {
	cs := fake.NewClientset(quota("pods", "10"))
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	go func() { _ = c.Run(ctx, 1) }()
	if _, err := cs.CoreV1().Pods("ns").Create(ctx, podWith("a", corev1.PodRunning, "1m", "1Mi", ""), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		q, err := cs.CoreV1().ResourceQuotas("ns").Get(ctx, "q", metav1.GetOptions{})
		if err == nil {
			if u, ok := q.Status.Used["pods"]; ok && u.CmpInt64(1) == 0 {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("status.used.pods never reached 1")
}
