package resourcequota

import (
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func rl(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func TestCountNames(t *testing.T) {
	for _, tc := range []struct {
		gr   schema.GroupResource
		name corev1.ResourceName
	}{
		{schema.GroupResource{Resource: "pods"}, "count/pods"},
		{schema.GroupResource{Group: "apps", Resource: "deployments"}, "count/deployments.apps"},
		{schema.GroupResource{Group: "networking.k8s.io", Resource: "ingresses"}, "count/ingresses.networking.k8s.io"},
	} {
		t.Run(string(tc.name), func(t *testing.T) {
			if got := countName(tc.gr); got != tc.name {
				t.Fatalf("countName = %q", got)
			}
			if got, ok := parseCountName(tc.name); !ok || got != tc.gr {
				t.Fatalf("parseCountName = %v %v", got, ok)
			}
		})
	}
	if _, ok := parseCountName("pods"); ok {
		t.Fatal("pods parsed as a count name")
	}
}

func TestMissingCompute(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init"}},
		Containers: []corev1.Container{
			{Name: "full", Resources: corev1.ResourceRequirements{Requests: rl("cpu", "1", "memory", "1Gi"), Limits: rl("cpu", "1", "memory", "1Gi")}},
			{Name: "reqonly", Resources: corev1.ResourceRequirements{Requests: rl("cpu", "1")}},
		}}}
	for _, tc := range []struct {
		name string
		hard corev1.ResourceList
		want string
	}{
		{"object counts need nothing", rl("pods", "3"), ""},
		{"cpu means requests", rl("cpu", "3"), "cpu for: init"},
		{"limits name each container", rl("limits.cpu", "3", "requests.memory", "1"),
			"limits.cpu for: init,reqonly; requests.memory for: init,reqonly"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := missingCompute(tc.hard, pod); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestObjectUsageHonoursScopes(t *testing.T) {
	q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"}, Spec: corev1.ResourceQuotaSpec{
		Hard: rl("pods", "5", "requests.cpu", "4", "services", "2")}}
	burstable := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c",
		Resources: corev1.ResourceRequirements{Requests: rl("cpu", "250m")}}}}}
	got := objectUsage(q, schema.GroupResource{Resource: "pods"}, burstable)
	if prettyPrint(got) != "pods=1,requests.cpu=250m" {
		t.Fatalf("unscoped usage %s", prettyPrint(got))
	}
	q.Spec.Scopes = []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort}
	if got := objectUsage(q, schema.GroupResource{Resource: "pods"}, burstable); len(got) != 0 {
		t.Fatalf("a BestEffort quota charged a burstable pod: %s", prettyPrint(got))
	}
	if podInScope(q, burstable) {
		t.Fatal("burstable pod in the BestEffort scope")
	}
}

func TestSubtractNonNegative(t *testing.T) {
	got := subtractNonNegative(rl("requests.storage", "5Gi", "persistentvolumeclaims", "1"), rl("requests.storage", "2Gi", "persistentvolumeclaims", "1"))
	if prettyPrint(got) != "requests.storage=3Gi" {
		t.Fatalf("got %s", prettyPrint(got))
	}
	if got := subtractNonNegative(rl("requests.storage", "1Gi"), rl("requests.storage", "2Gi")); len(got) != 0 {
		t.Fatalf("a shrink was charged: %s", prettyPrint(got))
	}
}
