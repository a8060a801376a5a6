package resourcequota

import (
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestQuotaUsageHonoursScopes(t *testing.T) {
	deadline := int64(60)
	withCPU := func(p *corev1.Pod) {
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}
	}
	mk := func(name string, mutate ...func(*corev1.Pod)) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}}
		for _, m := range mutate {
			m(p)
		}
		return p
	}
	pods := []*corev1.Pod{
		mk("besteffort"),
		mk("burstable", withCPU),
		mk("terminating", withCPU, func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = &deadline }),
		mk("high", withCPU, func(p *corev1.Pod) { p.Spec.PriorityClassName = "high" }),
		mk("low", func(p *corev1.Pod) { p.Spec.PriorityClassName = "low" }),
		mk("cross", func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{Namespaces: []string{"other"}, TopologyKey: "zone"}}}}
		}),
		mk("done", withCPU, func(p *corev1.Pod) { p.Status.Phase = corev1.PodSucceeded }),
	}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}}
	expr := func(scope corev1.ResourceQuotaScope, op corev1.ScopeSelectorOperator, values ...string) *corev1.ScopeSelector {
		return &corev1.ScopeSelector{MatchExpressions: []corev1.ScopedResourceSelectorRequirement{{ScopeName: scope, Operator: op, Values: values}}}
	}
	tests := []struct {
		name     string
		scopes   []corev1.ResourceQuotaScope
		selector *corev1.ScopeSelector
		wantPods int64
		wantCPU  string
	}{
		{"an unscoped quota counts every active pod", nil, nil, 6, "300m"},
		{"Terminating counts pods with activeDeadlineSeconds", []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeTerminating}, nil, 1, "100m"},
		{"NotTerminating counts pods without it", []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotTerminating}, nil, 5, "200m"},
		{"BestEffort counts pods without requests or limits", []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort}, nil, 3, "0"},
		{"NotBestEffort counts the others", []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotBestEffort}, nil, 3, "300m"},
		{"scopes are ANDed", []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotBestEffort, corev1.ResourceQuotaScopeNotTerminating}, nil, 2, "200m"},
		{"PriorityClass In selects the listed classes", nil, expr(corev1.ResourceQuotaScopePriorityClass, corev1.ScopeSelectorOpIn, "high"), 1, "100m"},
		{"PriorityClass NotIn selects the rest, classless pods included", nil, expr(corev1.ResourceQuotaScopePriorityClass, corev1.ScopeSelectorOpNotIn, "high"), 5, "200m"},
		{"PriorityClass Exists selects pods with any class", nil, expr(corev1.ResourceQuotaScopePriorityClass, corev1.ScopeSelectorOpExists), 2, "100m"},
		{"PriorityClass DoesNotExist selects classless pods", nil, expr(corev1.ResourceQuotaScopePriorityClass, corev1.ScopeSelectorOpDoesNotExist), 4, "200m"},
		{"a selector on Terminating with Exists equals the scope", nil, expr(corev1.ResourceQuotaScopeTerminating, corev1.ScopeSelectorOpExists), 1, "100m"},
		{"CrossNamespacePodAffinity selects pods with cross-namespace terms", []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeCrossNamespacePodAffinity}, nil, 1, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &corev1.ResourceQuota{Spec: corev1.ResourceQuotaSpec{
				Hard:   corev1.ResourceList{corev1.ResourcePods: resource.MustParse("100"), corev1.ResourceRequestsCPU: resource.MustParse("10")},
				Scopes: tt.scopes, ScopeSelector: tt.selector,
			}}
			used := QuotaUsage(q, Objects{Pods: pods, Services: []*corev1.Service{svc}})
			gotPods := used[corev1.ResourcePods]
			if gotPods.Value() != tt.wantPods {
				t.Errorf("pods = %s, want %d", gotPods.String(), tt.wantPods)
			}
			gotCPU := used[corev1.ResourceRequestsCPU]
			if want := resource.MustParse(tt.wantCPU); gotCPU.Cmp(want) != 0 {
				t.Errorf("requests.cpu = %s, want %s", gotCPU.String(), tt.wantCPU)
			}
		})
	}
}

func TestScopedQuotaIgnoresOtherKinds(t *testing.T) {
	q := &corev1.ResourceQuota{Spec: corev1.ResourceQuotaSpec{
		Hard:   corev1.ResourceList{corev1.ResourceServices: resource.MustParse("5")},
		Scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort},
	}}
	used := QuotaUsage(q, Objects{Services: []*corev1.Service{{ObjectMeta: metav1.ObjectMeta{Name: "s"}}}})
	if n := used[corev1.ResourceServices]; n.Value() != 0 {
		t.Errorf("services = %s, want 0 (pod scopes never match services)", n.String())
	}
}

func TestVolumeAttributesClassScopeCountsClaims(t *testing.T) {
	gold := "gold"
	claims := []*corev1.PersistentVolumeClaim{
		{ObjectMeta: metav1.ObjectMeta{Name: "g"}, Spec: corev1.PersistentVolumeClaimSpec{VolumeAttributesClassName: &gold}},
		{ObjectMeta: metav1.ObjectMeta{Name: "plain"}},
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}}
	q := &corev1.ResourceQuota{Spec: corev1.ResourceQuotaSpec{
		Hard: corev1.ResourceList{corev1.ResourcePersistentVolumeClaims: resource.MustParse("5"), corev1.ResourcePods: resource.MustParse("5")},
		ScopeSelector: &corev1.ScopeSelector{MatchExpressions: []corev1.ScopedResourceSelectorRequirement{{
			ScopeName: corev1.ResourceQuotaScopeVolumeAttributesClass, Operator: corev1.ScopeSelectorOpIn, Values: []string{"gold"}}}},
	}}
	used := QuotaUsage(q, Objects{Pods: []*corev1.Pod{pod}, PersistentVolumeClaims: claims})
	if n := used[corev1.ResourcePersistentVolumeClaims]; n.Value() != 1 {
		t.Errorf("persistentvolumeclaims = %s, want 1 (the gold claim)", n.String())
	}
	if n := used[corev1.ResourcePods]; n.Value() != 0 {
		t.Errorf("pods = %s, want 0 (the scope never matches pods)", n.String())
	}
}
