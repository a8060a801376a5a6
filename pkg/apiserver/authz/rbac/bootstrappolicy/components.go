package bootstrappolicy

import (
	rbacv1 "keel.dev/api/rbac/v1"
)

// The users Keel's components authenticate as (hack/local-up.sh issues
// their client certificates with these common names).
const (
	SchedulerUser         = "system:kube-scheduler"
	ControllerManagerUser = "system:kube-controller-manager"
	ProxyUser             = "system:kube-proxy"
	CloudControllerUser   = "cloud-controller-manager"
)

// componentRoles are the ClusterRoles of Keel's components.
func componentRoles() []rbacv1.ClusterRole {
	return []rbacv1.ClusterRole{
		clusterRole("system:kube-scheduler", schedulerRules()),
		clusterRole("system:volume-scheduler", []rbacv1.PolicyRule{
			rule([]string{"get", "list", "watch", "patch", "update"}, core, "persistentvolumes", "persistentvolumeclaims"),
			rule(read, storage, "storageclasses"),
		}),
		clusterRole("system:kube-controller-manager", controllerManagerRules()),
		clusterRole("system:node-proxier", []rbacv1.PolicyRule{
			rule([]string{"list", "watch"}, core, "services", "endpoints"),
			rule(read, core, "nodes"),
			eventsRule(),
			rule([]string{"list", "watch"}, discovery, "endpointslices"),
		}),
		clusterRole("system:cloud-controller-manager", cloudControllerRules()),
	}
}

// componentBindings bind the component roles to the component users.
func componentBindings() []rbacv1.ClusterRoleBinding {
	return []rbacv1.ClusterRoleBinding{
		binding("system:kube-scheduler", "system:kube-scheduler", user(SchedulerUser)),
		binding("system:volume-scheduler", "system:volume-scheduler", user(SchedulerUser)),
		binding("system:kube-controller-manager", "system:kube-controller-manager", user(ControllerManagerUser)),
		binding("system:node-proxier", "system:node-proxier", user(ProxyUser)),
		// The user of Keel's local cluster, and the service account of
		// Kubernetes' cloud-provider manifests.
		binding("system:cloud-controller-manager", "system:cloud-controller-manager",
			user(CloudControllerUser), serviceAccount("kube-system", "cloud-controller-manager")),
	}
}

// schedulerRules are Kubernetes' system:kube-scheduler rules (on the
// groups Keel serves) plus reading PriorityClasses, which Keel's scheduler
// watches for preemption.
func schedulerRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		eventsRule(),
		rule([]string{"create"}, coordination, "leases"),
		withNames(rule([]string{"get", "update"}, coordination, "leases"), "kube-scheduler"),
		rule(read, core, "nodes"),
		rule([]string{"get", "list", "watch", "delete"}, core, "pods"),
		rule([]string{"create"}, core, "pods/binding", "bindings"),
		rule([]string{"patch", "update"}, core, "pods/status"),
		rule(read, core, "services", "replicationcontrollers"),
		rule(read, apps, "replicasets", "statefulsets"),
		rule(read, policy, "poddisruptionbudgets"),
		rule(read, core, "persistentvolumeclaims", "persistentvolumes"),
		rule([]string{"create"}, authnGroup, "tokenreviews"),
		rule([]string{"create"}, authorization, "subjectaccessreviews"),
		rule(read, core, "namespaces"),
		rule(read, storage, "csinodes", "csidrivers", "csistoragecapacities"),
		rule(read, g("scheduling.k8s.io"), "priorityclasses"),
	}
}

// controllerManagerRules are what Keel's controller-manager needs. Unlike
// Kubernetes, which runs each controller as its own service account and
// gives system:kube-controller-manager little more than informer access,
// Keel runs every controller under this one user, so the role is the union
// of what the controllers in pkg/controller read and write (found by
// grepping their clients and informers):
//   - every controller reads through informers, and the garbage collector,
//     namespace and resource quota controllers walk every resource (list,
//     watch, delete, deletecollection, patching owner references and
//     finalizers); the others update objects and their status, scale and
//     finalize subresources: read, update, patch, delete and
//     deletecollection on everything;
//   - creating is limited to what the controllers create: pods
//     (replicaset, job, daemonset, statefulset), replicasets (deployment),
//     jobs (cronjob), controllerrevisions (daemonset, statefulset),
//     endpoints and endpointslices, serviceaccounts (serviceaccount),
//     configmaps (rootcacertpublisher), persistentvolumeclaims
//     (statefulset), persistentvolumes and storageclasses (local
//     provisioner), events, and the leader-election Lease;
//   - escalate on ClusterRoles, which the clusterrole-aggregation
//     controller fills with rules the user need not hold (Kubernetes gives
//     the same verb to that controller's own role).
func controllerManagerRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		eventsRule(),
		rule([]string{"create", "get", "update", "list", "watch"}, coordination, "leases"),
		rule([]string{"get", "list", "watch", "update", "patch", "delete", "deletecollection"}, g("*"), "*"),
		rule([]string{"create"}, core, "pods", "endpoints", "serviceaccounts", "secrets", "configmaps",
			"persistentvolumeclaims", "persistentvolumes", "serviceaccounts/token"),
		rule([]string{"create"}, apps, "replicasets", "controllerrevisions"),
		rule([]string{"create"}, batch, "jobs"),
		rule([]string{"create"}, discovery, "endpointslices"),
		rule([]string{"create"}, storage, "storageclasses"),
		rule([]string{"create"}, authnGroup, "tokenreviews"),
		rule([]string{"create"}, authorization, "subjectaccessreviews"),
		rule([]string{"escalate"}, rbacGroup, "clusterroles"),
	}
}

// cloudControllerRules are the rules of the system:cloud-controller-manager
// role of Kubernetes' cloud-provider manifests: nodes (initializing,
// deleting the ones the cloud lost), Service load balancers and their
// status, routes on nodes.
func cloudControllerRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		eventsRule(),
		rule([]string{"create", "get", "update", "list", "watch"}, coordination, "leases"),
		rule([]string{"*"}, core, "nodes"),
		rule([]string{"patch", "update"}, core, "nodes/status"),
		rule([]string{"get", "list", "watch", "patch", "update"}, core, "services"),
		rule([]string{"patch", "update"}, core, "services/status"),
		rule([]string{"create"}, core, "serviceaccounts", "serviceaccounts/token"),
		rule([]string{"get", "list", "watch", "update"}, core, "persistentvolumes"),
		rule([]string{"create", "get", "list", "watch", "update"}, core, "endpoints"),
	}
}

// withNames narrows a rule to named objects.
func withNames(r rbacv1.PolicyRule, names ...string) rbacv1.PolicyRule {
	r.ResourceNames = names
	return r
}
