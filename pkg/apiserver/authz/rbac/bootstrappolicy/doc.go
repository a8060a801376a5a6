// Package bootstrappolicy is the default RBAC policy the apiserver
// reconciles at start (Kubernetes' rbac/bootstrap-roles post-start hook):
// the user-facing roles (cluster-admin, admin, edit, view and the
// system:aggregate-to-* roles whose rules the clusterrole-aggregation
// controller gathers into admin, edit and view), the discovery and
// public-info roles every user has, and the roles of Keel's own components
// (scheduler, controller-manager, proxy, cloud-controller-manager, nodes).
//
// Every object carries the label kubernetes.io/bootstrapping=rbac-defaults
// and the annotation rbac.authorization.kubernetes.io/autoupdate=true.
// Ensure creates the missing objects; an existing one is completed, not
// replaced: missing rules (or aggregation selectors), subjects, labels and
// annotations are added, unless it is annotated autoupdate=false. A binding
// whose roleRef differs is deleted and created again, since roleRef cannot
// change.
package bootstrappolicy
