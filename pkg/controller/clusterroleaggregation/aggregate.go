package clusterroleaggregation

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// Aggregate returns the rules role should have: the union, in the stable
// order the package documents, of the rules of the roles in all that its
// aggregationRule selects. It returns nil for a role without an
// aggregationRule and an error for a selector that does not parse. all may
// include role itself (it is skipped) and is not modified.
func Aggregate(role *rbacv1.ClusterRole, all []*rbacv1.ClusterRole) ([]rbacv1.PolicyRule, error) {
	if role.AggregationRule == nil {
		return nil, nil
	}
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, func(a, b *rbacv1.ClusterRole) int { return strings.Compare(a.Name, b.Name) })
	out := []rbacv1.PolicyRule{}
	for i := range role.AggregationRule.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&role.AggregationRule.ClusterRoleSelectors[i])
		if err != nil {
			return nil, fmt.Errorf("aggregationRule.clusterRoleSelectors[%d]: %w", i, err)
		}
		for _, src := range sorted {
			if src.Name == role.Name || !sel.Matches(labels.Set(src.Labels)) {
				continue
			}
			for j := range src.Rules {
				if !containsRule(out, &src.Rules[j]) {
					out = append(out, *src.Rules[j].DeepCopy())
				}
			}
		}
	}
	return out, nil
}

// selects reports whether any selector of aggregator matches the labels of
// role; selectors that do not parse match nothing.
func selects(aggregator, role *rbacv1.ClusterRole) bool {
	if aggregator.AggregationRule == nil {
		return false
	}
	for i := range aggregator.AggregationRule.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&aggregator.AggregationRule.ClusterRoleSelectors[i])
		if err == nil && sel.Matches(labels.Set(role.Labels)) {
			return true
		}
	}
	return false
}

// containsRule reports whether rules holds a rule equal to r.
func containsRule(rules []rbacv1.PolicyRule, r *rbacv1.PolicyRule) bool {
	for i := range rules {
		if ruleEqual(&rules[i], r) {
			return true
		}
	}
	return false
}

// ruleEqual compares two rules field by field; a nil and an empty list are
// equal, order within a list matters.
func ruleEqual(a, b *rbacv1.PolicyRule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) &&
		slices.Equal(a.Resources, b.Resources) && slices.Equal(a.ResourceNames, b.ResourceNames) &&
		slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

// RulesEqual reports whether a and b hold equal rules in the same order
// (nil and empty are equal).
func RulesEqual(a, b []rbacv1.PolicyRule) bool {
	return slices.EqualFunc(a, b, func(x, y rbacv1.PolicyRule) bool { return ruleEqual(&x, &y) })
}
