package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Wildcards and subject kinds of RBAC rules.
const (
	// APIGroupAll matches every API group in a rule.
	APIGroupAll = "*"
	// ResourceAll matches every resource in a rule.
	ResourceAll = "*"
	// VerbAll matches every verb in a rule.
	VerbAll = "*"
	// NonResourceAll matches every non-resource URL in a rule.
	NonResourceAll = "*"

	// GroupKind is the subject kind of a user group.
	GroupKind = "Group"
	// ServiceAccountKind is the subject kind of a service account.
	ServiceAccountKind = "ServiceAccount"
	// UserKind is the subject kind of a user.
	UserKind = "User"

	// AutoUpdateAnnotationKey marks bootstrap roles the API server may
	// reconcile at startup.
	AutoUpdateAnnotationKey = "rbac.authorization.kubernetes.io/autoupdate"
)

// PolicyRule grants verbs on resources or on non-resource URLs.
type PolicyRule struct {
	// Verbs are the allowed actions; "*" allows all.
	Verbs []string `json:"verbs" protobuf:"bytes,1,rep,name=verbs"`
	// APIGroups are the groups of the resources; "" is the core group.
	APIGroups []string `json:"apiGroups,omitempty" protobuf:"bytes,2,rep,name=apiGroups"`
	// Resources are the resource names the rule covers ("pods", "pods/log").
	Resources []string `json:"resources,omitempty" protobuf:"bytes,3,rep,name=resources"`
	// ResourceNames narrows the rule to named objects.
	ResourceNames []string `json:"resourceNames,omitempty" protobuf:"bytes,4,rep,name=resourceNames"`
	// NonResourceURLs are URL paths the rule covers; cluster roles only.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty" protobuf:"bytes,5,rep,name=nonResourceURLs"`
}

// Subject is who a binding grants a role to.
type Subject struct {
	// Kind is "User", "Group" or "ServiceAccount".
	Kind string `json:"kind" protobuf:"bytes,1,opt,name=kind"`
	// APIGroup is the subject's group: "" for service accounts,
	// rbac.authorization.k8s.io for users and groups.
	APIGroup string `json:"apiGroup,omitempty" protobuf:"bytes,2,opt,name=apiGroup"`
	// Name is the subject's name.
	Name string `json:"name" protobuf:"bytes,3,opt,name=name"`
	// Namespace is the namespace of a service account subject.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,4,opt,name=namespace"`
}

// RoleRef names the role a binding grants.
type RoleRef struct {
	// APIGroup is the group of the role.
	APIGroup string `json:"apiGroup" protobuf:"bytes,1,opt,name=apiGroup"`
	// Kind is "Role" or "ClusterRole".
	Kind string `json:"kind" protobuf:"bytes,2,opt,name=kind"`
	// Name is the role's name.
	Name string `json:"name" protobuf:"bytes,3,opt,name=name"`
}

// Role is a namespaced set of permission rules.
type Role struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Rules are the permissions of the role.
	Rules []PolicyRule `json:"rules" protobuf:"bytes,2,rep,name=rules"`
}

// RoleBinding grants a Role or ClusterRole within one namespace.
type RoleBinding struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Subjects receive the role.
	Subjects []Subject `json:"subjects,omitempty" protobuf:"bytes,2,rep,name=subjects"`
	// RoleRef is the granted role; it cannot change after creation.
	RoleRef RoleRef `json:"roleRef" protobuf:"bytes,3,opt,name=roleRef"`
}

// RoleBindingList is a list of role bindings.
type RoleBindingList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the role bindings.
	Items []RoleBinding `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// RoleList is a list of roles.
type RoleList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the roles.
	Items []Role `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// ClusterRole is a cluster-wide set of permission rules.
type ClusterRole struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Rules are the permissions of the role.
	Rules []PolicyRule `json:"rules" protobuf:"bytes,2,rep,name=rules"`
	// AggregationRule, when set, makes the controller fill Rules from the
	// cluster roles it selects.
	AggregationRule *AggregationRule `json:"aggregationRule,omitempty" protobuf:"bytes,3,opt,name=aggregationRule"`
}

// AggregationRule selects the cluster roles whose rules are combined.
type AggregationRule struct {
	// ClusterRoleSelectors select the cluster roles to aggregate.
	ClusterRoleSelectors []metav1.LabelSelector `json:"clusterRoleSelectors,omitempty" protobuf:"bytes,1,rep,name=clusterRoleSelectors"`
}

// ClusterRoleBinding grants a ClusterRole cluster-wide.
type ClusterRoleBinding struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Subjects receive the role.
	Subjects []Subject `json:"subjects,omitempty" protobuf:"bytes,2,rep,name=subjects"`
	// RoleRef is the granted cluster role; it cannot change after creation.
	RoleRef RoleRef `json:"roleRef" protobuf:"bytes,3,opt,name=roleRef"`
}

// ClusterRoleBindingList is a list of cluster role bindings.
type ClusterRoleBindingList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the cluster role bindings.
	Items []ClusterRoleBinding `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// ClusterRoleList is a list of cluster roles.
type ClusterRoleList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the cluster roles.
	Items []ClusterRole `json:"items" protobuf:"bytes,2,rep,name=items"`
}
