// Package rbac is the apiserver's RBAC authorizer (--authorization-mode
// RBAC) and its Node authorizer (--authorization-mode Node).
//
// RBAC grants a request when a rule of a role bound to the user allows it:
// every ClusterRoleBinding (cluster wide), then, for a namespaced request,
// the RoleBindings of that namespace, whose roleRef names a Role of the
// same namespace or a ClusterRole. A subject applies to the user by name
// (User), by group (Group, including system:authenticated and
// system:unauthenticated) or as the service account user
// system:serviceaccount:<namespace>:<name> (ServiceAccount; in a RoleBinding
// an empty subject namespace is the binding's, as in Kubernetes). Rules
// match as Kubernetes documents them (match.go). RBAC never denies: a
// request no rule allows gets no opinion, so a later authorizer may still
// allow it, and the 403 carries no reason unless a binding names a missing
// role ("RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found").
//
// The policy comes from the apiserver's own storage through a Cache: one
// list and watch per RBAC resource, so a change to a binding takes effect
// as soon as its watch event arrives, and no request reads etcd. The
// Authorizer also lists a user's rules (authz.RuleLister) for
// SelfSubjectRulesReview.
//
// Node mode (node*.go) authorizes kubelets: a user of group system:nodes
// named system:node:<name> gets the static rules a kubelet needs
// (NodeRules, the resource and verb list of Kubernetes' system:node role),
// except that it may read only the secrets, configmaps, claims and volumes
// of the pods bound to its node, request tokens only for their service
// accounts, and touch only its own Lease. A NodeGraph follows pods and
// PersistentVolumes from the storage, like the Cache, to know which
// objects those are. The NodeRestriction admission plugin
// (admission/plugins/noderestriction) limits the writes further.
//
// Package bootstrappolicy holds the default roles and bindings the
// apiserver reconciles at start; package escalation refuses writes of
// roles and bindings that would grant more than their author holds (the
// escalate and bind verbs).
package rbac
