// Package clusterroleaggregation fills in the rules of aggregated
// ClusterRoles, as the "clusterrole-aggregation" controller of Kubernetes
// does. A ClusterRole with an aggregationRule gets, as its rules, the union
// of the rules of every other ClusterRole that any of its
// clusterRoleSelectors matches; that is how admin, edit and view collect
// the rules of the roles labelled rbac.authorization.k8s.io/aggregate-to-*.
//
// The union is built selector by selector, in the order of the selectors;
// for each selector the matching roles are taken in name order and their
// rules in their own order, and a rule equal to one already taken is
// skipped. An aggregating role never contributes to itself, an empty
// selector list yields no rules, and a role without an aggregationRule is
// left alone (its rules stay whatever they were when the rule was removed).
// A ClusterRole is written only when its rules differ from the union, with
// an Update that fails with a conflict (and is retried) if the cached copy
// was stale.
package clusterroleaggregation
