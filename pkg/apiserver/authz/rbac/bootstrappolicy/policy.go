package bootstrappolicy

import (
	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/authz/rbac"
)

// Labels and annotations of the bootstrap policy.
const (
	BootstrappingLabel = "kubernetes.io/bootstrapping"
	BootstrappingValue = "rbac-defaults"
	AggregateToAdmin   = "rbac.authorization.k8s.io/aggregate-to-admin"
	AggregateToEdit    = "rbac.authorization.k8s.io/aggregate-to-edit"
	AggregateToView    = "rbac.authorization.k8s.io/aggregate-to-view"
)

// The verb sets roles are written with.
var (
	read      = []string{"get", "list", "watch"}
	write     = []string{"create", "delete", "deletecollection", "patch", "update"}
	readWrite = append(append([]string{}, read...), write...)
)

// rule builds a resource rule over one or more groups.
func rule(verbs []string, groups []string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
}

// core, apps, … name groups for rule.
func g(groups ...string) []string { return groups }

var (
	core          = g("")
	apps          = g("apps")
	batch         = g("batch")
	autoscaling   = g("autoscaling")
	policy        = g("policy")
	networking    = g("networking.k8s.io")
	discovery     = g("discovery.k8s.io")
	coordination  = g("coordination.k8s.io")
	storage       = g("storage.k8s.io")
	authorization = g("authorization.k8s.io")
	authnGroup    = g("authentication.k8s.io")
	rbacGroup     = g(rbacv1.GroupName)
	coreAndEvents = g("", "events.k8s.io")
)

// urls builds a non-resource rule.
func urls(verbs []string, paths ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, NonResourceURLs: paths}
}

// eventsRule lets a component record events.
func eventsRule() rbacv1.PolicyRule {
	return rule([]string{"create", "update", "patch"}, coreAndEvents, "events")
}

// clusterRole builds a bootstrap ClusterRole; labels come in pairs.
func clusterRole(name string, rules []rbacv1.PolicyRule, labels ...string) rbacv1.ClusterRole {
	r := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
	if len(labels) > 0 {
		r.Labels = map[string]string{}
		for i := 0; i+1 < len(labels); i += 2 {
			r.Labels[labels[i]] = labels[i+1]
		}
	}
	return r
}

// aggregated builds a ClusterRole whose rules the aggregation controller
// gathers from the roles labeled selectLabel=true.
func aggregated(name, selectLabel string, labels ...string) rbacv1.ClusterRole {
	r := clusterRole(name, nil, labels...)
	r.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
		{MatchLabels: map[string]string{selectLabel: "true"}},
	}}
	return r
}

// ClusterRoles returns the bootstrap ClusterRoles, labeled and annotated.
func ClusterRoles() []rbacv1.ClusterRole {
	roles := []rbacv1.ClusterRole{
		clusterRole("cluster-admin", []rbacv1.PolicyRule{
			rule([]string{"*"}, g("*"), "*"),
			urls([]string{"*"}, "*"),
		}),
		clusterRole("system:discovery", []rbacv1.PolicyRule{
			urls([]string{"get"}, "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
				"/openapi", "/openapi/*", "/readyz", "/version", "/version/"),
		}),
		clusterRole("system:monitoring", []rbacv1.PolicyRule{
			urls([]string{"get"}, "/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"),
		}),
		clusterRole("system:basic-user", []rbacv1.PolicyRule{
			rule([]string{"create"}, authorization, "selfsubjectaccessreviews", "selfsubjectrulesreviews"),
			rule([]string{"create"}, authnGroup, "selfsubjectreviews"),
		}),
		clusterRole("system:public-info-viewer", []rbacv1.PolicyRule{
			urls([]string{"get"}, "/healthz", "/livez", "/readyz", "/version", "/version/"),
		}),
		clusterRole("system:service-account-issuer-discovery", []rbacv1.PolicyRule{
			urls([]string{"get"}, "/.well-known/openid-configuration", "/.well-known/openid-configuration/",
				"/openid/v1/jwks", "/openid/v1/jwks/"),
		}),
		clusterRole("system:auth-delegator", []rbacv1.PolicyRule{
			rule([]string{"create"}, authnGroup, "tokenreviews"),
			rule([]string{"create"}, authorization, "subjectaccessreviews"),
		}),
		aggregated("admin", AggregateToAdmin),
		aggregated("edit", AggregateToEdit, AggregateToAdmin, "true"),
		aggregated("view", AggregateToView, AggregateToEdit, "true"),
		clusterRole("system:aggregate-to-admin", aggregateToAdmin(), AggregateToAdmin, "true"),
		clusterRole("system:aggregate-to-edit", aggregateToEdit(), AggregateToEdit, "true"),
		clusterRole("system:aggregate-to-view", aggregateToView(), AggregateToView, "true"),
		clusterRole("system:node", rbac.NodeRules()),
	}
	roles = append(roles, componentRoles()...)
	for i := range roles {
		mark(&roles[i].ObjectMeta)
	}
	return roles
}

// aggregateToView: reading the namespaced objects that grant nothing
// further (no secrets, no exec).
func aggregateToView() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		rule(read, core, "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
			"services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
		rule(read, core, "limitranges", "resourcequotas", "bindings", "events",
			"pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"),
		rule(read, core, "namespaces"),
		rule(read, discovery, "endpointslices"),
		rule(read, apps, "controllerrevisions",
			"statefulsets", "statefulsets/scale", "statefulsets/status",
			"daemonsets", "daemonsets/status",
			"deployments", "deployments/scale", "deployments/status",
			"replicasets", "replicasets/scale", "replicasets/status"),
		rule(read, autoscaling, "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
		rule(read, batch, "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
		rule(read, policy, "poddisruptionbudgets", "poddisruptionbudgets/status"),
		rule(read, networking, "networkpolicies", "ingresses", "ingresses/status"),
	}
}

// aggregateToEdit: changing the namespaced workloads and their
// configuration, secrets included, and entering pods.
func aggregateToEdit() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		rule(read, core, "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
		rule([]string{"impersonate"}, core, "serviceaccounts"),
		rule(write, core, "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
		rule([]string{"create"}, core, "pods/eviction"),
		rule(write, core, "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
			"services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"),
		rule([]string{"create"}, core, "serviceaccounts/token"),
		rule(write, apps, "statefulsets", "statefulsets/scale", "daemonsets",
			"deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"),
		rule(write, autoscaling, "horizontalpodautoscalers"),
		rule(write, batch, "jobs", "cronjobs"),
		rule(write, policy, "poddisruptionbudgets"),
		rule(write, networking, "networkpolicies", "ingresses"),
		rule(readWrite, coordination, "leases"),
	}
}

// aggregateToAdmin: granting access inside the namespace.
func aggregateToAdmin() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		rule([]string{"create"}, authorization, "localsubjectaccessreviews"),
		rule(readWrite, rbacGroup, "roles", "rolebindings"),
	}
}

// ClusterRoleBindings returns the bootstrap ClusterRoleBindings, labeled
// and annotated.
func ClusterRoleBindings() []rbacv1.ClusterRoleBinding {
	bs := []rbacv1.ClusterRoleBinding{
		binding("cluster-admin", "cluster-admin", group("system:masters")),
		binding("system:monitoring", "system:monitoring", group("system:monitoring")),
		binding("system:discovery", "system:discovery", group("system:authenticated")),
		binding("system:basic-user", "system:basic-user", group("system:authenticated")),
		binding("system:public-info-viewer", "system:public-info-viewer", group("system:authenticated"), group("system:unauthenticated")),
		binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", group("system:serviceaccounts")),
		// Nodes are authorized by the Node mode; the binding is kept
		// without subjects, as in Kubernetes.
		binding("system:node", "system:node"),
	}
	bs = append(bs, componentBindings()...)
	for i := range bs {
		mark(&bs[i].ObjectMeta)
	}
	return bs
}

// binding builds a ClusterRoleBinding of a ClusterRole.
func binding(name, role string, subjects ...rbacv1.Subject) rbacv1.ClusterRoleBinding {
	return rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   subjects,
	}
}

func group(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: name}
}

func user(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

func serviceAccount(namespace, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: namespace, Name: name}
}

// mark adds the bootstrapping label and the autoupdate annotation.
func mark(m *metav1.ObjectMeta) {
	if m.Labels == nil {
		m.Labels = map[string]string{}
	}
	m.Labels[BootstrappingLabel] = BootstrappingValue
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[rbacv1.AutoUpdateAnnotationKey] = "true"
}
