package resourcequota

import (
	"context"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func claim(name, class, size string) *corev1.PersistentVolumeClaim {
	c := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}}}}
	if class != "" {
		c.Spec.StorageClassName = &class
	}
	return c
}

func TestUsageOfClassesCountsAndExtendedResources(t *testing.T) {
	gpuPod := podWith("g", corev1.PodRunning, "1", "1Mi", "")
	gpuPod.Spec.Containers[0].Resources.Requests["example.com/gpu"] = resource.MustParse("2")
	gpuPod.Spec.Containers[0].Resources.Requests[corev1.ResourceEphemeralStorage] = resource.MustParse("1Gi")
	legacy := claim("legacy", "", "5Gi")
	legacy.Annotations = map[string]string{corev1.BetaStorageClassAnnotation: "gold"}
	objs := Objects{
		Pods:                   []*corev1.Pod{gpuPod},
		PersistentVolumeClaims: []*corev1.PersistentVolumeClaim{claim("a", "gold", "1Gi"), claim("b", "gold", "2Gi"), claim("c", "silver", "4Gi"), legacy},
		Counts:                 map[schema.GroupResource]int{{Group: "apps", Resource: "deployments"}: 3, {Resource: "events"}: 0},
	}
	tests := []struct {
		name     string
		resource corev1.ResourceName
		want     string // "" means not measured
	}{
		{"claims of a class", "gold.storageclass.storage.k8s.io/persistentvolumeclaims", "3"},
		{"storage of a class", "gold.storageclass.storage.k8s.io/requests.storage", "8Gi"},
		{"a class without claims", "bronze.storageclass.storage.k8s.io/requests.storage", "0"},
		{"generic count of a group resource", "count/deployments.apps", "3"},
		{"generic count of a core resource", "count/events", "0"},
		{"generic count not measured", "count/widgets.example.com", ""},
		{"extended resource requests", "requests.example.com/gpu", "2"},
		{"ephemeral storage", "requests.ephemeral-storage", "1Gi"},
		{"an unknown name", "example.com/whatever", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			used := Usage(corev1.ResourceList{tc.resource: resource.MustParse("100")}, objs)
			got, ok := used[tc.resource]
			if tc.want == "" {
				if ok {
					t.Errorf("%s measured as %s, want left out", tc.resource, got.String())
				}
				return
			}
			if !ok {
				t.Fatalf("%s not measured", tc.resource)
			}
			if want := resource.MustParse(tc.want); got.Cmp(want) != 0 {
				t.Errorf("%s = %s, want %s", tc.resource, got.String(), tc.want)
			}
		})
	}
}

func TestParseNames(t *testing.T) {
	if gr, ok := ParseCountName("count/deployments.apps"); !ok || gr != (schema.GroupResource{Group: "apps", Resource: "deployments"}) {
		t.Errorf("count/deployments.apps = %v, %v", gr, ok)
	}
	if gr, ok := ParseCountName("count/ingresses.networking.k8s.io"); !ok || gr.Group != "networking.k8s.io" {
		t.Errorf("count/ingresses.networking.k8s.io = %v, %v", gr, ok)
	}
	for _, bad := range []corev1.ResourceName{"count/", "pods", "count/.apps"} {
		if _, ok := ParseCountName(bad); ok {
			t.Errorf("ParseCountName(%q) accepted", bad)
		}
	}
	if c, w, ok := ParseClassName("gold.storageclass.storage.k8s.io/requests.storage"); !ok || c != "gold" || w != corev1.ResourceRequestsStorage {
		t.Errorf("class name = %q %q %v", c, w, ok)
	}
	for _, bad := range []corev1.ResourceName{".storageclass.storage.k8s.io/requests.storage", "gold.storageclass.storage.k8s.io/requests.cpu"} {
		if _, _, ok := ParseClassName(bad); ok {
			t.Errorf("ParseClassName(%q) accepted", bad)
		}
	}
}

func TestGenericResourcesSkipsTypedAndScopedQuotas(t *testing.T) {
	plain := quota("count/deployments.apps", "5", "count/pods", "5", "count/jobs.batch", "2")
	scopedQ := quota("count/statefulsets.apps", "1")
	scopedQ.Spec.Scopes = []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort}
	got := genericResources([]*corev1.ResourceQuota{plain, scopedQ})
	want := map[schema.GroupResource]bool{{Group: "apps", Resource: "deployments"}: true, {Group: "batch", Resource: "jobs"}: true}
	if len(got) != len(want) {
		t.Fatalf("generic resources = %v, want %v", got, want)
	}
	for _, gr := range got {
		if !want[gr] {
			t.Errorf("unexpected %v", gr)
		}
	}
}

func TestDynamicCounterUsesRemainingItemCount(t *testing.T) {
	d := func(name string) appsv1.Deployment {
		return appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}
	}
	cs := fake.NewClientset()
	rest := int64(41)
	lists := 0
	cs.PrependReactor("list", "deployments", func(fake.Action) (bool, runtime.Object, error) {
		lists++
		return true, &appsv1.DeploymentList{TypeMeta: metav1.TypeMeta{Kind: "DeploymentList", APIVersion: "apps/v1"},
			ListMeta: metav1.ListMeta{Continue: "next", RemainingItemCount: &rest}, Items: []appsv1.Deployment{d("a")}}, nil
	})
	count := dynamicCounter(dynamic.New(cs.REST()), cs.REST().Scheme())
	n, ok, err := count(t.Context(), "ns", schema.GroupResource{Group: "apps", Resource: "deployments"})
	if err != nil || !ok || n != 42 {
		t.Fatalf("count = %d, %v, %v; want 42", n, ok, err)
	}
	if lists != 1 {
		t.Errorf("%d list requests, want one page", lists)
	}
	if _, ok, err := count(t.Context(), "ns", schema.GroupResource{Group: "example.com", Resource: "widgets"}); ok || err != nil {
		t.Errorf("unknown resource counted: %v, %v", ok, err)
	}
}

func TestSyncMeasuresEveryNameOfHard(t *testing.T) {
	q := quota("count/deployments.apps", "10", "gold.storageclass.storage.k8s.io/requests.storage", "10Gi",
		"gold.storageclass.storage.k8s.io/persistentvolumeclaims", "4", "requests.example.com/gpu", "4")
	cs := fake.NewClientset(q, claim("a", "gold", "1Gi"), claim("b", "silver", "1Gi"),
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d1", Namespace: "ns"}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d2", Namespace: "ns"}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Namespace: "other"}})
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Clock: clock.NewFake(time.Unix(0, 0))})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	if err := c.sync(ctx, "ns"); err != nil {
		t.Fatal(err)
	}
	got, err := cs.CoreV1().ResourceQuotas("ns").Get(ctx, "q", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[corev1.ResourceName]string{
		"count/deployments.apps":                                  "2",
		"gold.storageclass.storage.k8s.io/requests.storage":       "1Gi",
		"gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
		"requests.example.com/gpu":                                "0",
	}
	for name := range got.Spec.Hard {
		u, ok := got.Status.Used[name]
		if !ok {
			t.Errorf("status.used lacks %s", name)
			continue
		}
		if u.Cmp(resource.MustParse(want[name])) != 0 {
			t.Errorf("used[%s] = %s, want %s", name, u.String(), want[name])
		}
	}
}
