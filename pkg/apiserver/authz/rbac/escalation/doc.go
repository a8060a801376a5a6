// Package escalation keeps users from granting, through the RBAC API, more
// than they already hold — Kubernetes' "privilege escalation prevention"
// on writes of Roles, ClusterRoles, RoleBindings and ClusterRoleBindings.
//
// A Role or ClusterRole may be created or updated when the user already
// holds every permission in its rules, at its scope (the Role's namespace,
// where cluster-wide bindings count too, or cluster wide for a
// ClusterRole), or when the authorizer allows the user the verb escalate on
// the roles or clusterroles resource. A ClusterRole that has (or had) an
// aggregationRule can gather any permission, so without escalate the user
// must hold everything (* on every resource and every path), as
// cluster-admin does. A RoleBinding or ClusterRoleBinding may be written
// when the authorizer allows the user the verb bind on the referenced role
// (resource roles or clusterroles, resourceName the role's name, in the
// binding's namespace), or when the user holds every permission of that
// role in the binding's scope; a binding to a missing role then fails with
// the role's 404, while bind alone allows it. Members of system:masters
// always pass, and an update that only changes ownerReferences, finalizers
// or managedFields (what the garbage collector and field manager touch) is
// not checked.
//
// "Holds" is decided as Kubernetes decides it (Covers): the requested rules
// are broken down to one verb, group, resource and name (or one verb and
// path) each, and every piece must be covered by one held rule, where "*"
// covers anything, "*/sub" covers that subresource of any resource, a
// trailing "*" on a path covers the paths below it, and a held rule limited
// to resourceNames covers only those names. A refusal is a 403 that lists
// what is missing, worded as Kubernetes words it:
//
//	clusterroles.rbac.authorization.k8s.io "x" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:
//	{APIGroups:[""], Resources:["pods"], Verbs:["get"]}
//
// The checks run in the RBAC stores' write hooks (Install), after
// validation and before storage, for dry runs too; unlike an admission
// plugin they cannot be turned off. The apiserver installs them when it
// runs the RBAC authorizer, whose rules are what a user holds. Without
// RBAC (AlwaysAllow) they are not installed: in Kubernetes the escalate
// and bind questions go to the authorizer, which then allows everything,
// so the outcome is the same.
//
// Differences from Kubernetes: the checks run after validation and
// admission rather than before, so an invalid object is answered 422, not
// 403; the held rules come from the RBAC authorizer's watch cache, not
// straight from storage; and the generated name of a generateName create
// appears in the message.
package escalation
