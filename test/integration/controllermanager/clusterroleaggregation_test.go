package controllermanager

import (
	"fmt"
	"slices"
	"testing"
	"time"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/controller/clusterroleaggregation"
)

// TestClusterRoleAggregation checks that the controller fills an
// aggregating ClusterRole from the roles its selector matches, follows a
// relabel out of the selection, and puts back hand-edited rules.
func TestClusterRoleAggregation(t *testing.T) {
	c := startCluster(t, only(clusterroleaggregation.Name))
	cr := c.cs.RbacV1().ClusterRoles()
	const label = "test.keel.dev/aggregate-to-monitoring"
	podsRule := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}
	svcRule := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"services", "endpoints"}, Verbs: []string{"get"}}
	roles := []*rbacv1.ClusterRole{
		{ObjectMeta: metav1.ObjectMeta{Name: "test-monitoring"}, Rules: []rbacv1.PolicyRule{},
			AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{label: "true"}}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "test-monitoring-services", Labels: map[string]string{label: "true"}}, Rules: []rbacv1.PolicyRule{svcRule}},
		{ObjectMeta: metav1.ObjectMeta{Name: "test-monitoring-pods", Labels: map[string]string{label: "true"}}, Rules: []rbacv1.PolicyRule{podsRule}},
	}
	for _, r := range roles {
		if _, err := cr.Create(c.ctx, r, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitRules := func(what string, want ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
		t.Helper()
		var got *rbacv1.ClusterRole
		waitFor(t, 30*time.Second, what, func() (bool, error) {
			var err error
			got, err = cr.Get(c.ctx, "test-monitoring", metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return clusterroleaggregation.RulesEqual(got.Rules, want), fmt.Errorf("rules %+v", got.Rules)
		})
		return got
	}
	// Role-name order: test-monitoring-pods before test-monitoring-services.
	agg := waitRules("the aggregated role holds both roles' rules", podsRule, svcRule)
	if !slices.ContainsFunc(agg.ManagedFields, func(e metav1.ManagedFieldsEntry) bool {
		return e.Manager == clusterroleaggregation.FieldManager
	}) {
		t.Errorf("managedFields %+v name no %q", agg.ManagedFields, clusterroleaggregation.FieldManager)
	}

	pods, err := cr.Get(c.ctx, "test-monitoring-pods", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods.Labels = map[string]string{label: "false"}
	if _, err := cr.Update(c.ctx, pods, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	agg = waitRules("the relabelled role's rules drop out", svcRule)

	agg.Rules = append(agg.Rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"*"}})
	if _, err := cr.Update(c.ctx, agg, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRules("a hand-added rule is removed again", svcRule)
}
