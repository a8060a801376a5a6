package clusterroleaggregation

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// role builds a ClusterRole named name with labels lbls and rules.
func role(name string, lbls map[string]string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls}, Rules: rules}
}

// aggregator builds a ClusterRole aggregating the roles the selectors match.
func aggregator(name string, lbls map[string]string, sels ...metav1.LabelSelector) *rbacv1.ClusterRole {
	r := role(name, lbls)
	r.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: sels}
	return r
}

func match(k, v string) metav1.LabelSelector {
	return metav1.LabelSelector{MatchLabels: map[string]string{k: v}}
}

func rule(resource string, verbs ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{resource}, Verbs: verbs}
}

var (
	toView = map[string]string{"aggregate-to-view": "true"}
	toEdit = map[string]string{"aggregate-to-edit": "true"}
	toBoth = map[string]string{"aggregate-to-view": "true", "aggregate-to-edit": "true"}
)

func TestAggregate(t *testing.T) {
	podsRead, svcRead, cmWrite := rule("pods", "get", "list"), rule("services", "get"), rule("configmaps", "create")
	tests := []struct {
		name string
		role *rbacv1.ClusterRole
		all  []*rbacv1.ClusterRole
		want []rbacv1.PolicyRule
	}{
		{
			name: "the rules of every selected role are united in role-name order",
			role: aggregator("view", nil, match("aggregate-to-view", "true")),
			all:  []*rbacv1.ClusterRole{role("z", toView, svcRead), role("a", toView, podsRead), role("other", nil, cmWrite)},
			want: []rbacv1.PolicyRule{podsRead, svcRead},
		},
		{
			name: "a rule several roles carry appears once",
			role: aggregator("view", nil, match("aggregate-to-view", "true")),
			all:  []*rbacv1.ClusterRole{role("a", toView, podsRead, svcRead), role("b", toView, svcRead, podsRead)},
			want: []rbacv1.PolicyRule{podsRead, svcRead},
		},
		{
			name: "rules that differ only in the order of their verbs are both kept",
			role: aggregator("view", nil, match("aggregate-to-view", "true")),
			all:  []*rbacv1.ClusterRole{role("a", toView, rule("pods", "get", "list")), role("b", toView, rule("pods", "list", "get"))},
			want: []rbacv1.PolicyRule{rule("pods", "get", "list"), rule("pods", "list", "get")},
		},
		{
			name: "selectors contribute in their order, each in role-name order",
			role: aggregator("edit", nil, match("aggregate-to-edit", "true"), match("aggregate-to-view", "true")),
			all:  []*rbacv1.ClusterRole{role("a-view", toView, podsRead), role("b-both", toBoth, svcRead), role("c-edit", toEdit, cmWrite)},
			want: []rbacv1.PolicyRule{svcRead, cmWrite, podsRead},
		},
		{
			name: "the aggregating role does not contribute its own rules",
			role: aggregator("view", toView, match("aggregate-to-view", "true")),
			all:  []*rbacv1.ClusterRole{role("view", toView, cmWrite), role("a", toView, podsRead)},
			want: []rbacv1.PolicyRule{podsRead},
		},
		{
			name: "an empty selector list selects nothing",
			role: aggregator("none", nil),
			all:  []*rbacv1.ClusterRole{role("a", toView, podsRead)},
			want: []rbacv1.PolicyRule{},
		},
		{
			name: "an empty selector selects every other role",
			role: aggregator("all", nil, metav1.LabelSelector{}),
			all:  []*rbacv1.ClusterRole{role("b", nil, svcRead), role("a", toEdit, podsRead)},
			want: []rbacv1.PolicyRule{podsRead, svcRead},
		},
		{
			name: "set-based selectors are honoured",
			role: aggregator("view", nil, metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "aggregate-to-edit", Operator: metav1.LabelSelectorOpDoesNotExist}}}),
			all:  []*rbacv1.ClusterRole{role("a", toView, podsRead), role("b", toBoth, svcRead), role("c", nil, cmWrite)},
			want: []rbacv1.PolicyRule{podsRead, cmWrite},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Aggregate(tt.role, tt.all)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAggregateOrderIsStableAcrossInputOrders(t *testing.T) {
	agg := aggregator("view", nil, match("aggregate-to-view", "true"))
	roles := []*rbacv1.ClusterRole{
		role("d", toView, rule("secrets", "get")), role("b", toView, rule("pods", "get")),
		role("a", toView, rule("nodes", "get")), role("c", toView, rule("pods", "get"), rule("events", "get")),
	}
	want, err := Aggregate(agg, roles)
	if err != nil {
		t.Fatal(err)
	}
	// Every rotation and the reversal of the input yield the same rules.
	for i := range roles {
		in := append(append([]*rbacv1.ClusterRole{}, roles[i:]...), roles[:i]...)
		got, _ := Aggregate(agg, in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rotation %d (-want +got):\n%s", i, diff)
		}
		for l, r := 0, len(in)-1; l < r; l, r = l+1, r-1 {
			in[l], in[r] = in[r], in[l]
		}
		got, _ = Aggregate(agg, in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("reversed rotation %d (-want +got):\n%s", i, diff)
		}
	}
	if roles[0].Name != "d" {
		t.Errorf("Aggregate reordered its input")
	}
}

func TestAggregateRejectsABadSelector(t *testing.T) {
	agg := aggregator("bad", nil, metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "k", Operator: "Near"}}})
	if _, err := Aggregate(agg, []*rbacv1.ClusterRole{role("a", nil, rule("pods", "get"))}); err == nil {
		t.Error("Aggregate accepted a selector with an unknown operator")
	}
}

func TestRulesEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b []rbacv1.PolicyRule
		want bool
	}{
		{"nil and empty lists are equal", nil, []rbacv1.PolicyRule{}, true},
		{"a nil and an empty field are equal", []rbacv1.PolicyRule{{Verbs: []string{"get"}}}, []rbacv1.PolicyRule{{Verbs: []string{"get"}, ResourceNames: []string{}}}, true},
		{"different order is a difference", []rbacv1.PolicyRule{rule("a", "get"), rule("b", "get")}, []rbacv1.PolicyRule{rule("b", "get"), rule("a", "get")}, false},
		{"a different verb is a difference", []rbacv1.PolicyRule{rule("a", "get")}, []rbacv1.PolicyRule{rule("a", "list")}, false},
		{"a different non-resource URL is a difference", []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}}, []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/livez"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RulesEqual(tt.a, tt.b); got != tt.want {
				t.Errorf("RulesEqual = %v, want %v", got, tt.want)
			}
		})
	}
}
